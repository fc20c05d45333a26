// The masquerade helper: the seed tutorial's
//   iptables -t nat -A POSTROUTING -s 192.168.0.0/16 -j MASQUERADE
// as nftables: `table ip nat`, `chain postrouting { type nat hook postrouting priority srcnat;
// policy accept; }` when missing, and `ip saddr 192.168.0.0/16 [oifname X] masquerade`.
// Idempotent: an equivalent rule already there (added by this helper, by nft, by anyone) is
// found by decoding the chain's rules, and nothing is added. Concurrent callers cannot both
// add it: the commit is conditioned on the generation the check was made against.
import { parsePrefix } from '../netlink/address.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { NetlinkError } from '../netlink/errors.js';
import { validate } from '../netlink/validate.js';
import { NftBatch, GenerationMismatchError, commitBatch } from './batch.js';
import type { Family } from './codec.js';
import type { Chain } from './chain.js';
import type { Rule } from './rule.js';
import { expressionsEquivalent } from './compare.js';
import { getGeneration, listChains, listRules } from './ruleset.js';
import { match, rule, stmt, ruleText, type RulePart } from './vocabulary.js';

export interface MasqueradeOptions {
  /** Source addresses to masquerade: "192.168.0.0/16" (an IPv6 prefix uses `table ip6 nat`). */
  from: string;
  /** Only for packets leaving through this interface (`oifname`). */
  outInterface?: string;
  /** Table name; default "nat". */
  table?: string;
  /** Chain name; default "postrouting". */
  chain?: string;
  /** A comment on the rule. Part of the rule's identity: a rule with another comment is another rule. */
  comment?: string;
}

export interface MasqueradeResult {
  /** False when an equivalent rule was already there. */
  created: boolean;
  /** The rule as the kernel has it, with its handle. */
  rule: Rule;
  /** The rule in nft syntax: "ip saddr 192.168.0.0/16 masquerade". */
  text: string;
  /** Ruleset generation after the call. */
  generation: number;
}

/** The rule the helper wants, and the table/chain it lives in. */
export function masqueradePlan(o: MasqueradeOptions): { family: Family; chain: Chain; rule: Rule; text: string } {
  const prefix = parsePrefix(o.from)!;
  const family: Family = prefix.family === 6 ? 'ip6' : 'ip';
  const table = o.table ?? 'nat';
  const chainName = o.chain ?? 'postrouting';
  const chain: Chain = { family, table, name: chainName, type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' };
  const parts: RulePart[] = [family === 'ip6' ? match.ip6.saddr(o.from) : match.ip.saddr(o.from)];
  if (o.outInterface !== undefined) parts.push(match.oifname(o.outInterface));
  parts.push(stmt.masquerade());
  const r = rule({ family, table, chain: chainName }, ...parts, ...(o.comment !== undefined ? [{ comment: o.comment }] : []));
  return { family, chain, rule: r, text: ruleText(...parts) };
}

export async function masquerade(socket: NetlinkSocket, options: MasqueradeOptions, attempts = 5): Promise<MasqueradeResult> {
  const { masqueradeSchema } = await import('./schemas.js');
  validate(masqueradeSchema, options, 'masquerade');
  const plan = masqueradePlan(options);
  const { family, chain } = plan;
  for (let attempt = 1; ; attempt++) {
    const generation = await getGeneration(socket);
    let chains: Chain[] = [];
    try {
      chains = await listChains(socket, { family, table: chain.table });
    } catch (err) {
      if (!(err instanceof NetlinkError && err.code === 'ENOENT')) throw err; // no such table yet
    }
    const existing = chains.find((c) => c.name === chain.name);
    if (existing) {
      const rules = await listRules(socket, { family, table: chain.table, chain: chain.name });
      const found = rules.find((r) => expressionsEquivalent(r.expressions, plan.rule.expressions) && (r.comment ?? undefined) === plan.rule.comment);
      if (found) return { created: false, rule: found, text: plan.text, generation };
    }
    const batch = new NftBatch().addTable({ family, name: chain.table });
    if (!existing) batch.addChain(chain);
    batch.addRule(plan.rule);
    try {
      const res = await commitBatch(socket, batch, { generation, echo: true });
      const created = res.created?.[batch.length - 1];
      const r = created?.kind === 'rule' ? created.rule : plan.rule;
      return { created: true, rule: r, text: plan.text, generation: res.generation };
    } catch (err) {
      // Someone changed the ruleset between the check and the commit: look again.
      if (err instanceof GenerationMismatchError && attempt < attempts) continue;
      throw err;
    }
  }
}
