// Nftables: a NETLINK_NETFILTER socket (in this or another network namespace) with the
// operations on it: commit batches, list the ruleset, the masquerade helper.
import { NETLINK_NETFILTER } from '../netlink/constants.js';
import { NetlinkSocket, type NamespaceTarget } from '../netlink/socket.js';
import { nftTypeName, type Family } from './codec.js';
import { NftBatch, commitBatch, type CommitOptions, type CommitResult } from './batch.js';
import {
  getGeneration, getRuleset, getSet, getTable, iterateRules, listChains, listElements, listRules, listSets, listTables,
  type ListOptions, type ListedElement, type Ruleset,
} from './ruleset.js';
import { masquerade, type MasqueradeOptions, type MasqueradeResult } from './masquerade.js';
import type { Table } from './table.js';
import type { Chain } from './chain.js';
import type { Rule } from './rule.js';
import type { NftSet } from './set.js';

export interface NftablesOptions {
  /** Work in this network namespace (an fd, or a path such as /run/netns/NAME). */
  netns?: NamespaceTarget;
  /** Use this socket (protocol NETLINK_NETFILTER) instead of opening one. */
  socket?: NetlinkSocket;
  /** Initial buffer sizes; commit() grows them as a batch needs (forced when root). */
  receiveBufferSize?: number;
  sendBufferSize?: number;
}

export class Nftables {
  readonly socket: NetlinkSocket;
  private readonly owned: boolean;

  static open(options: NftablesOptions = {}): Nftables {
    return new Nftables(options);
  }

  constructor(options: NftablesOptions = {}) {
    this.owned = !options.socket;
    this.socket = options.socket ?? new NetlinkSocket({
      protocol: NETLINK_NETFILTER,
      netns: options.netns,
      name: 'nftables',
      typeName: nftTypeName,
      receiveBufferSize: options.receiveBufferSize,
      sendBufferSize: options.sendBufferSize,
    });
  }

  /** A new, empty transaction. */
  batch(): NftBatch {
    return new NftBatch();
  }

  /** Commit a batch all or nothing; see commitBatch(). */
  commit(batch: NftBatch, options?: CommitOptions): Promise<CommitResult> {
    return commitBatch(this.socket, batch, options);
  }

  /** Build and commit in one step: `await nft.transaction((b) => b.addTable(...).addChain(...))`. */
  transaction(fill: (b: NftBatch) => unknown, options?: CommitOptions): Promise<CommitResult> {
    const b = new NftBatch();
    fill(b);
    return commitBatch(this.socket, b, options);
  }

  /** The ruleset generation (changes with every commit). */
  generation(): Promise<number> {
    return getGeneration(this.socket);
  }

  listTables(options?: ListOptions): Promise<Table[]> { return listTables(this.socket, options); }
  listChains(options?: ListOptions): Promise<Chain[]> { return listChains(this.socket, options); }
  listRules(options?: ListOptions & { chain?: string }): Promise<Rule[]> { return listRules(this.socket, options); }
  listSets(options?: ListOptions): Promise<NftSet[]> { return listSets(this.socket, options); }
  /** Rules as the dump arrives, in constant memory. */
  iterateRules(options?: ListOptions & { chain?: string }): AsyncGenerator<Rule, void, undefined> { return iterateRules(this.socket, options); }
  listElements(set: { family: Family; table: string; name: string; keyType?: NftSet['keyType'] }): Promise<ListedElement[]> { return listElements(this.socket, set); }
  getTable(family: Family, name: string): Promise<Table | undefined> { return getTable(this.socket, family, name); }
  getSet(family: Family, table: string, name: string): Promise<NftSet | undefined> { return getSet(this.socket, family, table, name); }
  /** A consistent snapshot of the ruleset (one family or table with options). */
  ruleset(options?: ListOptions): Promise<Ruleset> { return getRuleset(this.socket, options); }

  /** `ip saddr FROM [oifname X] masquerade` in table ip nat, chain postrouting; idempotent. */
  masquerade(options: MasqueradeOptions): Promise<MasqueradeResult> {
    return masquerade(this.socket, options);
  }

  close(): void {
    if (this.owned) this.socket.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
