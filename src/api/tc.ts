// `ns.tc`: traffic control in the namespace (qdiscs, classes, filters, shared actions, events)
// and the `bandwidth` recipe. The tc client and its tables load on first use, so programs that
// never shape traffic do not pay for them.
import type { ActionInput } from '../tc/actions.js';
import type { BulkFilterFailure, FilterListOptions, ListOptions, TcEvent, TrafficControl } from '../tc/client.js';
import type { HandleInput } from '../tc/handle.js';
import type { Action, Filter, Qdisc, TcClass } from '../tc/objects.js';
import type { ClassRequest, FilterRequest, FilterSelector, QdiscRequest } from '../tc/requests.js';
import type { RateInput, SizeInput } from '../tc/units.js';
import type { Namespace } from './namespace.js';

export interface BandwidthLimit { rate: RateInput; burst: SizeInput }

export interface BandwidthSpec {
  /** The host side of the container's veth. */
  dev: string;
  /** Traffic into the container (leaving `dev` on the host): a tbf on dev. */
  ingress?: BandwidthLimit;
  /** Traffic out of the container (arriving on `dev`): redirected to an ifb device and shaped there. */
  egress?: BandwidthLimit;
  /** Name of the ifb device (default "bwp" + dev, cut to 15 characters, as the plugin derives one). */
  ifb?: string;
}

/** What bandwidth() set up, for remove(). */
export interface BandwidthHandle { dev: string; ifb?: string; ingress: boolean; egress: boolean }

/** The CNI plugin's queue latency: the tbf's limit holds 25 ms at the rate. */
const LATENCY = '25ms';

export class TcAccess {
  private client: TrafficControl | undefined;

  constructor(private readonly ns: Namespace) {}

  async open(): Promise<TrafficControl> {
    if (!this.client || this.client.socket.isClosed) {
      const { TrafficControl } = await import('../tc/client.js');
      if (!this.client || this.client.socket.isClosed) this.client = new TrafficControl(this.ns.isCurrent ? {} : { netns: this.ns.fd });
    }
    return this.client;
  }

  // Qdiscs
  async addQdisc(q: QdiscRequest): Promise<void> { return (await this.open()).addQdisc(q); }
  async replaceQdisc(q: QdiscRequest): Promise<void> { return (await this.open()).replaceQdisc(q); }
  async changeQdisc(q: QdiscRequest): Promise<void> { return (await this.open()).changeQdisc(q); }
  async deleteQdisc(q: { dev: string | number; parent?: HandleInput; handle?: HandleInput; kind?: string }): Promise<void> { return (await this.open()).deleteQdisc(q); }
  async *qdiscs(opts?: ListOptions): AsyncGenerator<Qdisc, void, undefined> { yield* (await this.open()).qdiscs(opts); }
  // Classes
  async addClass(c: ClassRequest): Promise<void> { return (await this.open()).addClass(c); }
  async replaceClass(c: ClassRequest): Promise<void> { return (await this.open()).replaceClass(c); }
  async changeClass(c: ClassRequest): Promise<void> { return (await this.open()).changeClass(c); }
  async deleteClass(c: { dev: string | number; classid: HandleInput; parent?: HandleInput }): Promise<void> { return (await this.open()).deleteClass(c); }
  async *classes(opts: ListOptions & { dev: string | number }): AsyncGenerator<TcClass, void, undefined> { yield* (await this.open()).classes(opts); }
  // Filters
  async addFilter(f: FilterRequest): Promise<void> { return (await this.open()).addFilter(f); }
  async replaceFilter(f: FilterRequest): Promise<void> { return (await this.open()).replaceFilter(f); }
  async changeFilter(f: FilterRequest): Promise<void> { return (await this.open()).changeFilter(f); }
  async addFilters(list: readonly FilterRequest[]): Promise<BulkFilterFailure[]> { return (await this.open()).addFilters(list); }
  async deleteFilter(f: FilterSelector): Promise<void> { return (await this.open()).deleteFilter(f); }
  async *filters(opts: FilterListOptions): AsyncGenerator<Filter, void, undefined> { yield* (await this.open()).filters(opts); }
  // Shared actions
  async addActions(list: readonly ActionInput[]): Promise<void> { return (await this.open()).addActions(list); }
  async deleteAction(kind: string, index: number): Promise<void> { return (await this.open()).deleteAction(kind, index); }
  async *actions(kind: string): AsyncGenerator<Action, void, undefined> { yield* (await this.open()).actions(kind); }
  async *events(opts?: { signal?: AbortSignal }): AsyncGenerator<TcEvent, void, undefined> { yield* (await this.open()).events(opts); }

  /**
   * What the CNI bandwidth plugin does: a tbf on the host veth for traffic into the container,
   * and for traffic out of it an ifb device, an ingress qdisc on the veth with a u32 filter
   * that redirects everything to the ifb (mirred), and a tbf on the ifb. Both tbfs hold 25 ms
   * at their rate. Everything is checked before the first change; remove() undoes it.
   */
  async bandwidth(spec: BandwidthSpec): Promise<BandwidthHandle> {
    const tc = await this.open();
    const { ValidationError } = await import('../netlink/errors.js');
    if (!spec.ingress && !spec.egress) throw new ValidationError('bandwidth', 'give an ingress or an egress limit (or both)');
    const ifb = spec.ifb ?? `bwp${spec.dev}`.slice(0, 15);
    const tbf = (dev: string, l: BandwidthLimit): QdiscRequest => ({ dev, parent: 'root', handle: '1:', kind: 'tbf', rate: l.rate, burst: l.burst, latency: LATENCY });
    // Checked whole first: the requests are built (without a device) before anything changes.
    const { encodeQdisc, encodeFilter } = await import('../tc/requests.js');
    if (spec.ingress) encodeQdisc('add', tbf(spec.dev, spec.ingress), 1);
    if (spec.egress) { encodeQdisc('add', tbf(ifb, spec.egress), 1); encodeFilter('add', this.redirect(spec.dev, ifb), 1, () => 1); }
    await tc.device(spec.dev, `bandwidth on ${spec.dev}`);
    const handle: BandwidthHandle = { dev: spec.dev, ingress: false, egress: false };
    try {
      if (spec.ingress) {
        await tc.addQdisc(tbf(spec.dev, spec.ingress));
        handle.ingress = true;
      }
      if (spec.egress) {
        await this.ns.link(ifb).create({ kind: 'ifb' }).up();
        handle.ifb = ifb;
        await tc.addQdisc({ dev: spec.dev, kind: 'ingress' });
        handle.egress = true;
        await tc.addFilter(this.redirect(spec.dev, ifb));
        await tc.addQdisc(tbf(ifb, spec.egress));
      }
    } catch (err) {
      // Best effort: what was made is taken down; the caller sees the error that stopped it.
      await this.removeBandwidth(handle).catch(() => undefined);
      throw err;
    }
    return handle;
  }

  private redirect(dev: string, ifb: string): FilterRequest {
    return {
      dev, parent: 'ffff:', protocol: 'all', prio: 1, kind: 'u32', match: 'u32 0 0 at 0', classid: '1:1',
      actions: [{ kind: 'mirred', action: 'redirect', direction: 'egress', dev: ifb }],
    };
  }

  /** Undo bandwidth(): the tbf on dev, the ingress qdisc (and its filter), the ifb device. */
  async removeBandwidth(h: BandwidthHandle): Promise<void> {
    const tc = await this.open();
    const errors: unknown[] = [];
    const attempt = async (f: () => Promise<unknown>): Promise<void> => { try { await f(); } catch (err) { errors.push(err); } };
    if (h.ingress) await attempt(() => tc.deleteQdisc({ dev: h.dev, parent: 'root' }));
    if (h.egress) await attempt(() => tc.deleteQdisc({ dev: h.dev, kind: 'ingress' }));
    if (h.ifb) await attempt(() => this.ns.link(h.ifb!).delete());
    if (errors.length) throw errors[0];
  }

  close(): void {
    this.client?.close();
  }
}
