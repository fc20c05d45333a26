// rules / nexthops / fdb / bridge of a namespace: thin facades binding the rtnl operations for
// policy routing, nexthop objects, the bridge FDB and bridge ports/VLANs to the namespace's socket.
import {
  addBridgeVlan, addFdb, flushFdb, type FdbFlushSpec, addNexthop, addRule, appendFdb, deleteBridgeVlan, deleteFdb, deleteNexthop, deleteRule, flushNexthops, flushRules,
  getNexthop, listBridgePorts, listFdb, listNexthopBuckets, listNexthops, listRules, replaceFdb, replaceNexthop, setBridgePort,
  type BridgePort, type BridgePortSettings, type BridgeVlanSpec, type FdbEntry, type FdbSpec, type LinkSelector, type ListBridgePortsOptions,
  type ListFdbOptions, type ListNexthopsOptions, type ListRulesOptions, type Nexthop, type NexthopBucket, type NexthopObjectSpec, type Rule,
  type RuleSpec,
} from '../rtnl/index.js';
import { Listing } from './collections.js';
import type { Namespace } from './namespace.js';

async function* fromArray<T>(p: Promise<T[]>): AsyncGenerator<T> {
  yield* await p;
}

/** `ip rule`: policy routing rules, IPv4 and IPv6. */
export class RuleCollection {
  constructor(private readonly ns: Namespace) {}
  list(opts: ListRulesOptions = {}): Listing<Rule> { return new Listing(() => fromArray(listRules(this.ns.rtnl, opts))); }
  add(spec: RuleSpec): Promise<void> { return addRule(this.ns.rtnl, spec); }
  delete(spec: RuleSpec): Promise<void> { return deleteRule(this.ns.rtnl, spec); }
  flush(opts: ListRulesOptions & { protocol?: number | string } = {}): Promise<number> { return flushRules(this.ns.rtnl, opts); }
}

/** `ip nexthop`: nexthop objects and groups. */
export class NexthopCollection {
  constructor(private readonly ns: Namespace) {}
  list(opts: ListNexthopsOptions = {}): Listing<Nexthop> { return new Listing(() => fromArray(listNexthops(this.ns.rtnl, opts))); }
  get(id: number): Promise<Nexthop> { return getNexthop(this.ns.rtnl, id); }
  add(spec: NexthopObjectSpec): Promise<void> { return addNexthop(this.ns.rtnl, spec); }
  replace(spec: NexthopObjectSpec): Promise<void> { return replaceNexthop(this.ns.rtnl, spec); }
  delete(id: number): Promise<void> { return deleteNexthop(this.ns.rtnl, id); }
  flush(opts: ListNexthopsOptions = {}): Promise<number> { return flushNexthops(this.ns.rtnl, opts); }
  buckets(id: number): Listing<NexthopBucket> { return new Listing(() => fromArray(listNexthopBuckets(this.ns.rtnl, id))); }
}

/** `bridge fdb`: forwarding entries of bridge ports and vxlan devices. */
export class FdbCollection {
  constructor(private readonly ns: Namespace) {}
  list(opts: ListFdbOptions = {}): Listing<FdbEntry> { return new Listing(() => fromArray(listFdb(this.ns.rtnl, opts))); }
  add(spec: FdbSpec): Promise<void> { return addFdb(this.ns.rtnl, spec); }
  append(spec: FdbSpec): Promise<void> { return appendFdb(this.ns.rtnl, spec); }
  replace(spec: FdbSpec): Promise<void> { return replaceFdb(this.ns.rtnl, spec); }
  delete(spec: Parameters<typeof deleteFdb>[1]): Promise<void> { return deleteFdb(this.ns.rtnl, spec); }
  /** `bridge fdb flush`: one bulk delete in the kernel. */
  flush(spec: FdbFlushSpec): Promise<void> { return flushFdb(this.ns.rtnl, spec); }
}

/** `bridge link` and `bridge vlan`. */
export class BridgeAccess {
  constructor(private readonly ns: Namespace) {}
  ports(opts: ListBridgePortsOptions = {}): Listing<BridgePort> { return new Listing(() => fromArray(listBridgePorts(this.ns.rtnl, opts))); }
  setPort(dev: LinkSelector, settings: Parameters<typeof setBridgePort>[2]): Promise<void> { return setBridgePort(this.ns.rtnl, dev, settings); }
  addVlan(spec: BridgeVlanSpec & { dev: LinkSelector }): Promise<void> { return addBridgeVlan(this.ns.rtnl, spec); }
  deleteVlan(spec: BridgeVlanSpec & { dev: LinkSelector }): Promise<void> { return deleteBridgeVlan(this.ns.rtnl, spec); }
}

export type { BridgePortSettings };
