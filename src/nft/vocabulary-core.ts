// The vocabulary's core (see vocabulary.ts): rule() and the part classes every match and
// statement is made of, the value encodings, and the protocol guards nft emits once per rule.
// Exports beyond rule/ruleText and the interfaces are for vocabulary-match/-stmt only.
import { ValidationError } from '../netlink/errors.js';
import { NFPROTO_IPV4, NFPROTO_IPV6, NFT_REG_1 } from './constants.js';
import type { Family } from './codec.js';
import type { Rule } from './rule.js';
import type { CmpOp, Expression } from './expr/index.js';

/** What a part builds against: the table's family and the guards the rule already has. */
export interface BuildContext {
  readonly family: Family;
  /** Protocol guards already emitted in this rule ("nfproto:2", "l4proto:6"), so each comes once. */
  readonly deps: Set<string>;
}

/** One match or statement of a rule. */
export interface RulePart {
  /** The part in nft syntax. */
  readonly text: string;
  build(ctx: BuildContext): Expression[];
}

export interface RuleLocation {
  family: Family;
  table: string;
  chain: string;
}

export interface RuleOptions {
  comment?: string;
  /** Append after (add) this rule handle. */
  position?: number;
}

/** Build a rule from parts: `rule(where, match.ip.saddr(...), stmt.masquerade())`. */
export function rule(where: RuleLocation, ...parts: (RulePart | RuleOptions)[]): Rule {
  const ctx = new Context(where.family);
  const expressions: Expression[] = [];
  const r: Rule = { family: where.family, table: where.table, chain: where.chain, expressions };
  for (const p of parts) {
    if (p instanceof Part) p.emit(ctx, expressions);
    else if (isPart(p)) { for (const e of p.build(ctx)) expressions.push(e); }
    else {
      if (p.comment !== undefined) r.comment = p.comment;
      if (p.position !== undefined) r.position = p.position;
    }
  }
  return r;
}

/** The nft text of parts: "ip saddr 192.168.0.0/16 masquerade". */
export function ruleText(...parts: RulePart[]): string {
  return parts.map((p) => p.text).join(' ');
}

function isPart(p: RulePart | RuleOptions): p is RulePart {
  return typeof (p as RulePart).build === 'function';
}

/** BuildContext with the guard set made only when a part needs one (ip/ip6 tables rarely do). */
class Context implements BuildContext {
  private set: Set<string> | undefined;
  constructor(readonly family: Family) {}
  get deps(): Set<string> {
    return (this.set ??= new Set());
  }
}

/**
 * The vocabulary's parts: emit() appends the expressions to the rule's list (no array per
 * part), and the text is made only when asked for (10,000 rules need none of it). The parts a
 * big batch is made of (IPv4 addresses and prefixes, interface names) are classes of their own
 * holding their values in fields; the rest wrap two closures (FnPart).
 */
export abstract class Part implements RulePart {
  private shown: string | undefined;
  get text(): string {
    return (this.shown ??= this.describe());
  }
  build(ctx: BuildContext): Expression[] {
    const out: Expression[] = [];
    this.emit(ctx, out);
    return out;
  }
  abstract emit(ctx: BuildContext, out: Expression[]): void;
  protected abstract describe(): string;
}

export class FnPart extends Part {
  constructor(private readonly textOf: string | (() => string), private readonly emitFn: (ctx: BuildContext, out: Expression[]) => void) {
    super();
  }
  emit(ctx: BuildContext, out: Expression[]): void {
    this.emitFn(ctx, out);
  }
  protected describe(): string {
    return typeof this.textOf === 'string' ? this.textOf : this.textOf();
  }
}

export function part(text: string | (() => string), build: (ctx: BuildContext) => Expression[]): RulePart {
  return new FnPart(text, (ctx, out) => { for (const e of build(ctx)) out.push(e); });
}

// ---- encodings ----

export const be16 = (n: number): Uint8Array => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
export const le32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n >>> 0]).buffer);

export const L4PROTOS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132, udplite: 136 };
export const L4NAMES = new Map(Object.entries(L4PROTOS).map(([k, v]) => [v, k]));

export function l4protoNumber(p: string | number, field: string): number {
  const n = typeof p === 'number' ? p : L4PROTOS[p];
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 255) throw new ValidationError(field, `unknown protocol ${JSON.stringify(p)} (use a name like tcp, udp, icmp or a number 0-255)`);
  return n;
}

export function cmpExpr(op: CmpOp, data: Uint8Array, sreg = NFT_REG_1): Expression {
  return { type: 'cmp', op, sreg, data };
}

/** Network-layer guard, as nft adds it: nothing in ip/ip6, meta nfproto in inet, meta protocol (ethertype) in bridge/netdev. */
export function l3Guard(ctx: BuildContext, v6: boolean, field: string): Expression[] {
  const want = v6 ? 'ip6' : 'ip';
  switch (ctx.family) {
    case 'ip': case 'ip6':
      if (ctx.family !== want) throw new ValidationError(field, `an ${want} match cannot be used in a table of family ${ctx.family}`);
      return [];
    case 'inet': {
      const key = `nfproto:${want}`;
      if (ctx.deps.has(key)) return [];
      ctx.deps.add(key);
      return [{ type: 'meta', key: 'nfproto', dreg: NFT_REG_1 }, cmpExpr('eq', new Uint8Array([v6 ? NFPROTO_IPV6 : NFPROTO_IPV4]))];
    }
    case 'bridge': case 'netdev': {
      const key = `protocol:${want}`;
      if (ctx.deps.has(key)) return [];
      ctx.deps.add(key);
      return [{ type: 'meta', key: 'protocol', dreg: NFT_REG_1 }, cmpExpr('eq', be16(v6 ? 0x86dd : 0x0800))];
    }
    default:
      throw new ValidationError(field, `${want} matches need a table of family ip, ip6, inet, bridge or netdev, not ${ctx.family}`);
  }
}

/** l3Guard, appended to `out` (nothing at all in ip/ip6 tables, the common case). */
export function guardL3(ctx: BuildContext, v6: boolean, field: string, out: Expression[]): void {
  if (ctx.family === (v6 ? 'ip6' : 'ip')) return;
  for (const e of l3Guard(ctx, v6, field)) out.push(e);
}

export function l4Guard(ctx: BuildContext, proto: number): Expression[] {
  const key = `l4proto:${proto}`;
  if (ctx.deps.has(key)) return [];
  ctx.deps.add(key);
  return [{ type: 'meta', key: 'l4proto', dreg: NFT_REG_1 }, cmpExpr('eq', new Uint8Array([proto]))];
}

export interface MatchOptions {
  /** Match when the value differs (nft's `!=`). */
  not?: boolean;
}

/** A port, a range ([1024, 2048] or "1024-2048"), or "@set". */
export type PortValue = number | string | readonly [number, number];

export function portNumber(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw new ValidationError(field, `${JSON.stringify(v)} is not a port (0-65535)`);
  return n;
}

