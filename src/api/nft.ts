// nftables of a namespace: the batch builder, listing and the masquerade helper, bound to
// the namespace's NETLINK_NETFILTER socket.
import type { CommitOptions, CommitResult, ListOptions, MasqueradeOptions, MasqueradeResult, NftBatch, Ruleset } from '../nft/index.js';
import type { Namespace } from './namespace.js';

export class NftAccess {
  constructor(private readonly ns: Namespace) {}
  /** A new, empty transaction; commit it with commit(). */
  batch(): NftBatch { return this.ns.nftables.batch(); }
  commit(batch: NftBatch, options?: CommitOptions): Promise<CommitResult> { return this.ns.nftables.commit(batch, options); }
  /** Build and commit in one step, all or nothing. */
  transaction(fill: (b: NftBatch) => unknown, options?: CommitOptions): Promise<CommitResult> { return this.ns.nftables.transaction(fill, options); }
  /** `ip saddr FROM [oifname X] masquerade`, creating table ip nat / chain postrouting when missing; idempotent. */
  masquerade(options: MasqueradeOptions): Promise<MasqueradeResult> { return this.ns.nftables.masquerade(options); }
  ruleset(options?: ListOptions): Promise<Ruleset> { return this.ns.nftables.ruleset(options); }
  generation(): Promise<number> { return this.ns.nftables.generation(); }
}
