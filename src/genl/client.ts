// One generic netlink socket for every family: resolves families by name (cached, and dropped
// from the cache when nlctrl announces that a family went away or came back), sends requests
// and dumps through a family's table, and subscribes to multicast groups by name.
import { NETLINK_GENERIC } from '../netlink/constants.js';
import { NetlinkError, ValidationError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkSocket, type NamespaceTarget } from '../netlink/socket.js';
import type { DecodedMessage, Mode, NetlinkFamily } from '../netlink/spec/family.js';
import { NETNS_RUN_DIR } from '../netlink/namespace.js';
import { GENL_ID_CTRL, forgetGenlFamily, listGenlFamilies, nlctrl, resolveGenlFamily, type GenlFamilyInfo } from './resolve.js';

export interface GenlClientOptions {
  /** An `ip netns` name, a path such as /proc/PID/ns/net, or an open fd. */
  netns?: NamespaceTarget;
}

export interface GenlRequest {
  op: string;
  mode?: Mode;
  attrs?: Record<string, unknown>;
  flags?: number;
  /** Names the request in errors ("set features of veth0"). */
  operation?: string;
  signal?: AbortSignal;
}

function namespacePath(netns: NamespaceTarget | undefined): NamespaceTarget | undefined {
  return typeof netns === 'string' && !netns.includes('/') ? `${NETNS_RUN_DIR}/${netns}` : netns;
}

export class GenlClient {
  readonly socket: NetlinkSocket;
  private watching = false;

  constructor(opts: GenlClientOptions = {}) {
    this.socket = new NetlinkSocket({ protocol: NETLINK_GENERIC, netns: namespacePath(opts.netns), name: 'genl' });
  }

  /** The family as the kernel registered it (id, version, operations, multicast groups). */
  async family(name: string): Promise<GenlFamilyInfo> {
    if (!this.watching) this.watchFamilies();
    return resolveGenlFamily(this.socket, name);
  }

  /** Every family the kernel has. */
  families(): Promise<GenlFamilyInfo[]> {
    return listGenlFamilies(this.socket);
  }

  /**
   * Ids are given when a family registers: a module unloaded and loaded again gets a new one.
   * nlctrl's "notify" group announces both; the cached entry is dropped so the next request
   * asks again. Other notifications on this socket go to their subscribers.
   */
  private watchFamilies(): void {
    this.watching = true;
    this.socket.joinGroup(GENL_ID_CTRL); // nlctrl's notify group has id 0x10, like the family
    const previous = this.socket.onNotification;
    this.socket.onNotification = (m, nsid) => {
      if (m.type === GENL_ID_CTRL) {
        const d = nlctrl.decode(m);
        const name = d.attrs['family-name'];
        if (typeof name === 'string') forgetGenlFamily(this.socket, name);
        return;
      }
      previous?.(m, nsid);
      this.dispatch(m);
    };
    // Notifications alone must not keep the process alive.
    this.socket.keepAlive(false);
  }

  private listeners = new Set<(m: MessageRef) => void>();
  private dispatch(m: MessageRef): void {
    for (const l of this.listeners) l(m);
  }

  /** Sends one request through the family's table and returns its decoded replies. */
  async request(family: NetlinkFamily, req: GenlRequest): Promise<DecodedMessage[]> {
    const mode = req.mode ?? 'do';
    // Encode with a placeholder id first, so bad input fails before anything is sent.
    family.encode({ op: req.op, mode, attrs: req.attrs, flags: req.flags, familyId: 0 });
    const info = await this.family(family.decl.name);
    const message = family.encode({ op: req.op, mode, attrs: req.attrs, flags: req.flags, familyId: info.id });
    const opts = {
      operation: req.operation ?? `${family.decl.name} ${req.op}`,
      headerSize: family.headerSize(family.op(req.op)),
      describeAttribute: (path: number[]) => family.describeAttribute(req.op, path),
      signal: req.signal,
    };
    try {
      const out: DecodedMessage[] = [];
      if (mode === 'dump') for await (const m of this.socket.dump(message, opts)) out.push(family.decode(m));
      else for (const m of await this.socket.request(message, opts)) if (m.type === info.id) out.push(family.decode(m));
      return out;
    } catch (e) {
      // A stale id (the family went away) answers ENOENT or EOPNOTSUPP: forget it for next time.
      if (e instanceof NetlinkError && (e.code === 'ENOENT' || e.code === 'EOPNOTSUPP')) forgetGenlFamily(this.socket, family.decl.name);
      throw e;
    }
  }

  /**
   * Joins a family's multicast group and returns its notifications, decoded, as an async
   * iterable. The group is joined when the returned promise resolves, so nothing sent after
   * that is missed (notifications queue until they are read). Ends when the loop breaks or
   * the signal aborts.
   */
  async subscribe(family: NetlinkFamily, group: string, opts: { signal?: AbortSignal } = {}): Promise<AsyncGenerator<DecodedMessage, void, undefined>> {
    const info = await this.family(family.decl.name);
    const id = info.mcastGroups.get(group);
    if (id === undefined) {
      throw new ValidationError('group', `${family.decl.name} has no multicast group ${JSON.stringify(group)} (groups: ${[...info.mcastGroups.keys()].join(', ') || 'none'})`);
    }
    const queue: DecodedMessage[] = [];
    let wake: (() => void) | undefined;
    const listener = (m: MessageRef): void => {
      if (m.type !== info.id) return;
      queue.push(family.decode(m));
      wake?.();
    };
    this.listeners.add(listener);
    this.socket.joinGroup(id);
    this.socket.keepAlive(true);
    const aborted = new Promise<void>((resolve) => opts.signal?.addEventListener('abort', () => resolve(), { once: true }));
    const leave = (): void => {
      if (!this.listeners.delete(listener) || this.isClosed) return;
      this.socket.leaveGroup(id);
      if (this.listeners.size === 0) this.socket.keepAlive(false);
    };
    const self = this;
    async function* notifications(): AsyncGenerator<DecodedMessage, void, undefined> {
      try {
        while (!opts.signal?.aborted && !self.isClosed) {
          while (queue.length) yield queue.shift()!;
          await Promise.race([new Promise<void>((r) => { wake = r; }), aborted]);
          wake = undefined;
        }
      } finally {
        leave();
      }
    }
    return notifications();
  }

  private isClosed = false;

  close(): void {
    this.isClosed = true;
    this.socket.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
