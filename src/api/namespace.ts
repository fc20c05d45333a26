// A namespace handle: the entry point of the fluent API. It owns (lazily) one rtnetlink and
// one nftables socket opened inside its namespace, and hands out link chains and the
// links / addresses / routes / neighbours / sysctl / nft facades over them.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { deleteNamespace, type ExecResult, type NetworkNamespace } from '../netlink/namespace.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { HandleClosedError, ValidationError } from '../netlink/errors.js';
import { openRtnlSocket } from '../rtnl/index.js';
import { Nftables } from '../nft/client.js';
import { LinkChain } from './link-chain.js';
import { AddressCollection, LinkCollection, NeighbourCollection, RouteCollection } from './collections.js';
import { BridgeAccess, FdbCollection, NexthopCollection, RuleCollection } from './routing.js';
import { SysctlAccess } from './sysctl.js';
import { NftAccess } from './nft.js';
import { ConntrackAccess } from './conntrack.js';
import { TcAccess } from './tc.js';
import type { GenlClient } from '../genl/client.js';
import type { Ethtool } from '../genl/ethtool/index.js';

export class Namespace implements AsyncDisposable {
  private rtnlSocket: NetlinkSocket | undefined;
  private genlClient: GenlClient | undefined;
  private ethtoolClient: Ethtool | undefined;
  private nftClient: Nftables | undefined;
  private closedFlag = false;
  /** Is this the namespace the process itself runs in (sockets need no helper thread)? */
  readonly isCurrent: boolean;

  readonly links: LinkCollection;
  /** The connection-tracking table (`conntrack -L/-D/-E`...), loaded on first use. */
  readonly conntrack: ConntrackAccess;
  readonly addresses: AddressCollection;
  readonly routes: RouteCollection;
  readonly neighbours: NeighbourCollection;
  readonly rules: RuleCollection;
  readonly nexthops: NexthopCollection;
  readonly fdb: FdbCollection;
  readonly bridge: BridgeAccess;
  readonly sysctl: SysctlAccess;
  readonly nft: NftAccess;
  /** Traffic control (`tc qdisc/class/filter/actions`) and the bandwidth recipe, loaded on first use. */
  readonly tc: TcAccess;

  constructor(
    /** The open namespace (an fd held until close()). */
    readonly handle: NetworkNamespace,
    /** The /run/netns name, if it has one. */
    readonly name: string | undefined,
  ) {
    this.isCurrent = handle.isCurrent();
    this.links = new LinkCollection(this);
    this.conntrack = new ConntrackAccess(() => { this.assertOpen('conntrack'); return this.isCurrent ? undefined : this.handle.fd; });
    this.addresses = new AddressCollection(this);
    this.routes = new RouteCollection(this);
    this.neighbours = new NeighbourCollection(this);
    this.rules = new RuleCollection(this);
    this.nexthops = new NexthopCollection(this);
    this.fdb = new FdbCollection(this);
    this.bridge = new BridgeAccess(this);
    this.sysctl = new SysctlAccess(this);
    this.nft = new NftAccess(this);
    this.tc = new TcAccess(this);
  }

  /** The rtnetlink socket of this namespace (opened on first use). */
  get rtnl(): NetlinkSocket {
    this.assertOpen('rtnetlink');
    if (!this.rtnlSocket || this.rtnlSocket.isClosed) {
      this.rtnlSocket = openRtnlSocket(this.isCurrent ? { name: `rtnl:${this.label}` } : { netns: this.handle.fd, name: `rtnl:${this.label}` });
    }
    return this.rtnlSocket;
  }

  /** The nftables client of this namespace (opened on first use). */
  get nftables(): Nftables {
    this.assertOpen('nftables');
    if (!this.nftClient || this.nftClient.socket.isClosed) {
      this.nftClient = new Nftables(this.isCurrent ? {} : { netns: this.handle.fd });
    }
    return this.nftClient;
  }

  /**
   * The generic netlink client of this namespace (ethtool, MPTCP, WireGuard...), opened on
   * first use; its module loads then too, so programs that never use it do not pay for it.
   */
  async genl(): Promise<GenlClient> {
    this.assertOpen('generic netlink');
    if (!this.genlClient || this.genlClient.socket.isClosed) {
      const { GenlClient } = await import('../genl/client.js');
      if (!this.genlClient || this.genlClient.socket.isClosed) this.genlClient = new GenlClient(this.isCurrent ? {} : { netns: this.handle.fd });
    }
    return this.genlClient;
  }

  /** ethtool over this namespace's generic netlink client (see also link(name).ethtool). */
  async ethtool(): Promise<Ethtool> {
    const client = await this.genl();
    if (!this.ethtoolClient || this.ethtoolClient.client !== client) {
      const { Ethtool } = await import('../genl/ethtool/index.js');
      this.ethtoolClient = new Ethtool({ client });
    }
    return this.ethtoolClient;
  }

  /** The namespace fd: a Namespace can be passed wherever the lower layers take a namespace. */
  get fd(): number {
    this.assertOpen('netns');
    return this.handle.fd;
  }

  /** True once close() (or delete()) ran: every later call throws HandleClosedError. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /**
   * A closed handle never reopens a socket behind the caller's back: the current namespace's
   * handle would otherwise quietly work on, while a named one could not (its fd is gone).
   */
  assertOpen(what: string): void {
    if (this.closedFlag) throw new HandleClosedError(this.label, what);
  }

  get label(): string {
    return this.name ?? (this.isCurrent ? 'current' : this.handle.id);
  }

  /** A chain of steps on the link NAME in this namespace: create, up, address, master, ... */
  link(name: string): LinkChain {
    return new LinkChain(this, name);
  }

  /** Run a program inside this namespace to completion (like `ip netns exec NAME ...`). */
  exec(command: string, args: readonly string[] = [], options: SpawnOptions & { sys?: boolean; input?: string } = {}): Promise<ExecResult> {
    return this.handle.exec(command, args, options);
  }

  /** Start a program inside this namespace (child_process.spawn semantics). */
  spawn(command: string, args: readonly string[] = [], options: SpawnOptions & { sys?: boolean } = {}): ChildProcess {
    return this.handle.spawn(command, args, options);
  }

  /** Close the sockets and the namespace fd. The namespace itself stays (see delete()). */
  close(): void {
    this.closedFlag = true;
    this.rtnlSocket?.close();
    this.nftClient?.close();
    this.genlClient?.close();
    this.conntrack.close();
    this.tc.close();
    this.handle.close();
  }

  /**
   * `ip netns delete NAME` and close this handle. Everything inside goes with the
   * namespace once nothing else holds it (veth pairs across namespaces included).
   */
  async delete(): Promise<void> {
    if (!this.name) throw new ValidationError('netns', 'only named namespaces can be deleted (this one has no /run/netns name)');
    this.close();
    await deleteNamespace(this.name);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  toString(): string {
    return `Namespace(${this.label})`;
  }
}
