// A link chain: `ns.link('br0').create({ kind: 'bridge' }).up().address('192.168.0.1/16')`.
// Each call appends a step; awaiting the chain validates every step's input first (nothing
// reaches the kernel if any is bad), then runs the steps in order. A failing step rejects
// with ChainStepError, after the chain removed what it had itself created.
//
// A chain is a real Promise (`instanceof Promise`, then/catch/finally, Promise.all) whose work
// starts on the first then(): the steps are still being appended while the chain is built, so
// the plan cannot run at construction. catch(), finally(), await and Promise.resolve() all go
// through then(), so any way of waiting for it starts it; a chain nobody waits for never runs.
import { showValue } from '../netlink/show-value.js';
import { ValidationError } from '../netlink/errors.js';
import { validate } from '../netlink/validate.js';
import type { NamespaceRef } from '../netlink/namespace.js';
import {
  addAddress, createLink, deleteAddress, deleteLink, getLink, setLink,
  type AddressSpec, type Link, type LinkSettings, type LinkSpec,
} from '../rtnl/index.js';
import { ChainStepError } from './chain-error.js';
import { LinkEthtool } from './link-ethtool.js';
import type { Namespace } from './namespace.js';

/** create() takes a link spec without its name: the chain's name is used. */
export type CreateSpec = DistributiveOmit<LinkSpec, 'name'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** address() takes "192.168.0.1/16" or the options of AddressSpec without dev. */
export type ChainAddress = string | Omit<AddressSpec, 'dev'>;

interface Step {
  label: string;
  /** Validate the step's input; throws ValidationError. */
  check(s: typeof import('../rtnl/schemas.js'), state: PlanState): void;
  run(state: RunState): Promise<void>;
}

interface PlanState { name: string; ns: Namespace; deleted: boolean }

interface RunState extends PlanState {
  /** Undo actions for what this chain created, newest last. */
  undo: Array<{ label: string; run: () => Promise<void> }>;
  createdHere: boolean;
}

type Settle = { resolve(link: Link | undefined): void; reject(err: unknown): void };

export class LinkChain extends Promise<Link | undefined> {
  // Promises derived from a chain (then/catch/finally results) are plain promises: Promise's
  // machinery constructs them with an executor, which this constructor does not take.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  private readonly steps: Step[] = [];
  private readonly settle: Settle;
  private started = false;

  constructor(private readonly ns: Namespace, private readonly name: string) {
    let settle: Settle | undefined;
    super((resolve, reject) => { settle = { resolve, reject }; });
    // Promise runs its executor synchronously, so settle is set here.
    this.settle = settle!;
  }

  /**
   * The link's ethtool settings (offloads, channels, rings, coalesce, pause, EEE): requests of
   * their own, answered at once, not steps of this chain.
   */
  get ethtool(): LinkEthtool {
    return new LinkEthtool(() => this.ns.ethtool(), this.name);
  }

  private add(step: Step): this {
    if (this.started) throw new ValidationError('chain', `link chain for ${this.name} has already run; start a new one with ns.link('${this.name}')`);
    this.steps.push(step);
    return this;
  }

  /** `ip link add NAME type KIND ...`. A veth peer may name a Namespace handle as its netns. */
  create(spec: CreateSpec): this {
    return this.add({
      label: `create ${showValue((spec as { kind?: unknown } | undefined)?.kind)} ${this.name}`,
      check: (s, st) => {
        const full = { ...resolveNamespaces(spec), name: st.name } as LinkSpec;
        validate(s.linkSpecSchema(full), full, 'link');
      },
      run: async (st) => {
        const full = { ...resolveNamespaces(spec), name: st.name } as LinkSpec;
        await createLink(st.ns.rtnl, full);
        st.createdHere = true;
        const ns = st.ns, name = st.name;
        st.undo.push({ label: `delete link ${name}`, run: () => deleteLink(ns.rtnl, name) });
      },
    });
  }

  up(): this { return this.set({ up: true }, 'up'); }
  down(): this { return this.set({ up: false }, 'down'); }
  mtu(mtu: number): this { return this.set({ mtu }, `mtu ${showValue(mtu)}`); }
  /** Link-layer address (`ip link set NAME address aa:bb:...`). */
  mac(address: string): this { return this.set({ address }, `address ${showValue(address)}`); }
  txqlen(txqlen: number): this { return this.set({ txqlen }, `txqlen ${showValue(txqlen)}`); }
  alias(ifalias: string): this { return this.set({ ifalias }, `alias ${showValue(ifalias)}`); }
  group(group: number | 'default'): this { return this.set({ group }, `group ${showValue(group)}`); }
  /** Enslave to a bridge (or other master) in the same namespace. */
  master(master: string | number): this { return this.set({ master }, `master ${showValue(master)}`); }
  nomaster(): this { return this.set({ master: null }, 'nomaster'); }

  /** Rename; later steps use the new name. */
  rename(newName: string): this {
    return this.add({
      label: `rename to ${showValue(newName)}`,
      check: (s, st) => {
        validate(s.linkSettingsSchema, { name: newName }, 'link');
        st.name = newName;
      },
      run: async (st) => {
        await setLink(st.ns.rtnl, st.name, { name: newName });
        st.name = newName;
      },
    });
  }

  /** Any `ip link set` settings at once. */
  set(settings: Omit<LinkSettings, 'netns'>, label = `set ${settings && typeof settings === 'object' ? Object.keys(settings).join(',') : showValue(settings)}`): this {
    return this.add({
      label,
      check: (s, st) => {
        validate(s.linkSettingsSchema, settings, 'link');
        if (settings.name) st.name = settings.name;
      },
      run: async (st) => {
        await setLink(st.ns.rtnl, st.name, settings);
        if (settings.name) st.name = settings.name;
      },
    });
  }

  /** `ip addr add ADDRESS dev NAME`. */
  address(address: ChainAddress): this {
    const spec = typeof address === 'string' ? { address } : address;
    const shown = spec && typeof spec === 'object' ? `${showValue(spec.address)}${spec.peer ? ` peer ${showValue(spec.peer)}` : ''}` : showValue(spec);
    return this.add({
      label: `address ${shown}`,
      check: (s, st) => { validate(s.addressSpecSchema, { ...spec, dev: st.name }, 'address'); },
      run: async (st) => {
        const full: AddressSpec = { ...spec, dev: st.name };
        await addAddress(st.ns.rtnl, full);
        // Deleting a link the chain created takes its addresses along; only addresses put
        // on a pre-existing link need undoing of their own.
        if (!st.createdHere) {
          const ns = st.ns, dev = st.name;
          st.undo.push({ label: `delete address ${spec.address} from ${dev}`, run: () => deleteAddress(ns.rtnl, { dev, address: spec.address, peer: spec.peer }) });
        }
      },
    });
  }

  /** `ip link set NAME netns NS`; later steps run in that namespace. */
  moveTo(target: Namespace, newName?: string): this {
    return this.add({
      label: `move to namespace ${target.name ?? target.handle.id}`,
      check: (s, st) => {
        if (newName !== undefined) validate(s.linkSettingsSchema, { name: newName }, 'link');
        st.ns = target;
        if (newName) st.name = newName;
      },
      run: async (st) => {
        await setLink(st.ns.rtnl, st.name, { netns: target.handle, ...(newName ? { name: newName } : {}) });
        // A link the chain created is still the chain's: undo follows it into the namespace.
        if (st.createdHere) {
          const name = newName ?? st.name;
          st.undo.push({ label: `delete link ${name} in ${target.name ?? 'target namespace'}`, run: () => deleteLink(target.rtnl, name) });
        }
        st.ns = target;
        if (newName) st.name = newName;
      },
    });
  }

  /** `ip link del NAME` (a veth's peer goes with it). */
  delete(): this {
    return this.add({
      label: `delete ${this.name}`,
      check: (_s, st) => { st.deleted = true; },
      run: async (st) => {
        await deleteLink(st.ns.rtnl, st.name);
        st.undo.length = 0; // nothing of ours is left to undo
        st.deleted = true;
      },
    });
  }

  /** Run the plan (once); the chain itself, which resolves with the link as the kernel has it at the end (undefined after delete()). */
  run(): this {
    if (!this.started) {
      this.started = true;
      this.execute().then(this.settle.resolve, this.settle.reject);
    }
    return this;
  }

  override then<R1 = Link | undefined, R2 = never>(
    onfulfilled?: ((value: Link | undefined) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.run();
    return super.then(onfulfilled, onrejected);
  }

  private async execute(): Promise<Link | undefined> {
    const s = await import('../rtnl/schemas.js');
    // 1. Validate every step against the state the plan will be in when it runs.
    const plan: PlanState = { name: this.name, ns: this.ns, deleted: false };
    validateLinkName(this.name);
    for (const step of this.steps) {
      try {
        step.check(s, plan);
      } catch (err) {
        throw new ChainStepError(step.label, [], [], err as Error);
      }
    }
    // 2. Run them in order.
    const st: RunState = { name: this.name, ns: this.ns, deleted: false, undo: [], createdHere: false };
    const applied: string[] = [];
    for (const step of this.steps) {
      try {
        await step.run(st);
        applied.push(step.label);
      } catch (err) {
        const rolledBack: string[] = [];
        const rollbackErrors: Error[] = [];
        for (const u of st.undo.reverse()) {
          try {
            await u.run();
            rolledBack.push(u.label);
          } catch (e) {
            rollbackErrors.push(e as Error);
          }
        }
        throw new ChainStepError(step.label, applied, rolledBack, err as Error, rollbackErrors);
      }
    }
    if (st.deleted) return undefined;
    return getLink(st.ns.rtnl, st.name);
  }
}

function validateLinkName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new ValidationError('link.name', 'a link name must be a non-empty string');
}

/** Fluent Namespace handles inside a spec become the NetworkNamespace the rtnl layer takes. */
function resolveNamespaces<T extends object>(spec: T): T {
  const out = { ...spec } as Record<string, unknown>;
  if ('netns' in out && isFluent(out.netns)) out.netns = out.netns.handle;
  if ('peer' in out && out.peer && typeof out.peer === 'object') {
    const peer = { ...(out.peer as Record<string, unknown>) };
    if (isFluent(peer.netns)) peer.netns = peer.netns.handle;
    out.peer = peer;
  }
  return out as T;
}

function isFluent(v: unknown): v is { handle: NamespaceRef } {
  return typeof v === 'object' && v !== null && 'handle' in v && 'link' in v;
}
