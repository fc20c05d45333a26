// A rule-building vocabulary in nft's own terms, so nobody writes registers by hand:
//
//   rule({ family: 'ip', table: 'nat', chain: 'postrouting' },
//        match.ip.saddr('192.168.0.0/16'), match.oifname('eth0'), stmt.masquerade())
//
// Each part knows its nft text ("ip saddr 192.168.0.0/16") and builds the expressions nft
// builds for it, byte for byte (the golden tests compare with what `nft -f` sends): the same
// protocol guards (`meta nfproto` in inet tables, `meta protocol` in bridge/netdev, `meta
// l4proto` before a port), each emitted once per rule, and the same prefix encodings.
import { ValidationError } from '../netlink/errors.js';
import { formatIPv4, formatIPv6, parseIPv4Number, parsePrefix } from '../netlink/address.js';
import {
  NF_CT_STATE_ESTABLISHED_BIT, NF_CT_STATE_INVALID_BIT, NF_CT_STATE_NEW_BIT, NF_CT_STATE_RELATED_BIT,
  NF_CT_STATE_UNTRACKED_BIT, NF_NAT_RANGE_PERSISTENT, NF_NAT_RANGE_PROTO_RANDOM, NF_NAT_RANGE_PROTO_RANDOM_FULLY,
  NF_NAT_RANGE_PROTO_SPECIFIED, NFPROTO_IPV4, NFPROTO_IPV6, NFT_REG_1, NFT_REG_2, NFT_REG_3, NFT_REG_4,
} from './constants.js';
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
abstract class Part implements RulePart {
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

class FnPart extends Part {
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

function part(text: string | (() => string), build: (ctx: BuildContext) => Expression[]): RulePart {
  return new FnPart(text, (ctx, out) => { for (const e of build(ctx)) out.push(e); });
}

// ---- encodings ----

const be16 = (n: number): Uint8Array => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
const le32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n >>> 0]).buffer);

const L4PROTOS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132, udplite: 136 };
const L4NAMES = new Map(Object.entries(L4PROTOS).map(([k, v]) => [v, k]));

function l4protoNumber(p: string | number, field: string): number {
  const n = typeof p === 'number' ? p : L4PROTOS[p];
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > 255) throw new ValidationError(field, `unknown protocol ${JSON.stringify(p)} (use a name like tcp, udp, icmp or a number 0-255)`);
  return n;
}

function cmpExpr(op: CmpOp, data: Uint8Array, sreg = NFT_REG_1): Expression {
  return { type: 'cmp', op, sreg, data };
}

/** Network-layer guard, as nft adds it: nothing in ip/ip6, meta nfproto in inet, meta protocol (ethertype) in bridge/netdev. */
function l3Guard(ctx: BuildContext, v6: boolean, field: string): Expression[] {
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
function guardL3(ctx: BuildContext, v6: boolean, field: string, out: Expression[]): void {
  if (ctx.family === (v6 ? 'ip6' : 'ip')) return;
  for (const e of l3Guard(ctx, v6, field)) out.push(e);
}

function l4Guard(ctx: BuildContext, proto: number): Expression[] {
  const key = `l4proto:${proto}`;
  if (ctx.deps.has(key)) return [];
  ctx.deps.add(key);
  return [{ type: 'meta', key: 'l4proto', dreg: NFT_REG_1 }, cmpExpr('eq', new Uint8Array([proto]))];
}

export interface MatchOptions {
  /** Match when the value differs (nft's `!=`). */
  not?: boolean;
}

/** An IPv4/IPv6 address, a prefix ("192.168.0.0/16"), or "@set" for a set lookup. */
function addressMatch(proto: 'ip' | 'ip6', field: 'saddr' | 'daddr', value: string, opts: MatchOptions = {}): RulePart {
  const v6 = proto === 'ip6';
  // The common case first, before anything else is allocated: a plain IPv4 address or prefix.
  if (!v6 && typeof value === 'string') {
    const v4 = ipv4Prefix(value);
    if (v4 >= 0) {
      const a = Math.floor(v4 / 64);
      const addr = new Uint8Array(4);
      for (let i = 0; i < 4; i++) addr[i] = (a >>> (24 - 8 * i)) & 0xff;
      return new AddressPart(proto, field, addr, v4 % 64, opts.not === true);
    }
  }
  const name = `match.${proto}.${field}`;
  const offset = v6 ? (field === 'saddr' ? 8 : 24) : (field === 'saddr' ? 12 : 16);
  const width = v6 ? 16 : 4;
  const neg = opts.not ? '!= ' : '';
  if (typeof value !== 'string') throw new ValidationError(name, `expected an address, prefix or @set, got ${typeof value}`);
  if (value.startsWith('@')) {
    const set = value.slice(1);
    if (!set) throw new ValidationError(name, 'empty set name after @');
    return part(`${proto} ${field} ${neg}@${set}`, (ctx) => [
      ...l3Guard(ctx, v6, name),
      { type: 'payload', base: 'network', offset, len: width, dreg: NFT_REG_1 },
      opts.not ? { type: 'lookup', set, sreg: NFT_REG_1, invert: true } : { type: 'lookup', set, sreg: NFT_REG_1 },
    ]);
  }
  const p = parsePrefix(value);
  if (!p || (p.family === 6) !== v6) throw new ValidationError(name, `${JSON.stringify(value)} is not an ${v6 ? 'IPv6' : 'IPv4'} address or prefix`);
  const bits = p.length ?? width * 8;
  const addr = p.address; // parsePrefix's own fresh bytes: no copy needed
  // Host bits beyond the prefix are cleared, as nft does (192.168.1.1/16 matches 192.168.0.0/16).
  for (let i = bits >> 3; i < width; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    addr[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return new AddressPart(proto, field, addr, bits, opts.not === true);
}

/**
 * An IPv4 address or prefix as `address * 64 + length`, host bits cleared; -1 for anything
 * else (addressMatch's general path then parses it, or words the error). Parsed in place: no
 * substring and no Prefix object per rule of a big batch.
 */
function ipv4Prefix(value: string): number {
  const slash = value.indexOf('/');
  const end = slash < 0 ? value.length : slash;
  const n = parseIPv4Number(value, 0, end);
  if (n < 0) return -1;
  let bits = 32;
  if (slash >= 0) {
    const digits = value.length - slash - 1;
    if (digits < 1 || digits > 3) return -1;
    bits = 0;
    for (let i = slash + 1; i < value.length; i++) {
      const c = value.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return -1;
      bits = bits * 10 + c;
    }
    if (bits > 32) return -1;
  }
  // Host bits beyond the prefix are cleared, as nft does (192.168.1.1/16 matches 192.168.0.0/16).
  const masked = bits === 0 ? 0 : (n & (0xffffffff << (32 - bits))) >>> 0;
  return masked * 64 + bits;
}

/** `ip|ip6 saddr|daddr [!=] ADDRESS[/N]` (host bits of addr already cleared), its values in fields. */
class AddressPart extends Part {
  constructor(
    private readonly proto: 'ip' | 'ip6', private readonly field: 'saddr' | 'daddr',
    private readonly addr: Uint8Array, private readonly bits: number, private readonly not: boolean,
  ) {
    super();
  }
  emit(ctx: BuildContext, out: Expression[]): void {
    const v6 = this.proto === 'ip6';
    guardL3(ctx, v6, `match.${this.proto}.${this.field}`, out);
    const bits = this.bits;
    if (bits === 0) return; // /0 matches everything
    const offset = v6 ? (this.field === 'saddr' ? 8 : 24) : (this.field === 'saddr' ? 12 : 16);
    const width = this.addr.length;
    const op: CmpOp = this.not ? 'neq' : 'eq';
    // Each rule gets its own bytes: expressions are the caller's to change.
    if (bits % 8 === 0) {
      // Byte-aligned prefixes load only the prefix bytes and compare them: no mask needed.
      const len = bits / 8;
      out.push({ type: 'payload', base: 'network', offset, len, dreg: NFT_REG_1 }, cmpExpr(op, this.addr.slice(0, len)));
      return;
    }
    const mask = new Uint8Array(width);
    for (let i = 0; i < width; i++) mask[i] = (0xff << (8 - Math.max(0, Math.min(8, bits - i * 8)))) & 0xff;
    out.push(
      { type: 'payload', base: 'network', offset, len: width, dreg: NFT_REG_1 },
      { type: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, len: width, mask, xor: new Uint8Array(width) },
      cmpExpr(op, this.addr.slice()),
    );
  }
  protected describe(): string {
    const v6 = this.proto === 'ip6';
    const full = this.addr.length * 8;
    return `${this.proto} ${this.field} ${this.not ? '!= ' : ''}${v6 ? formatIPv6(this.addr) : formatIPv4(this.addr)}${this.bits < full ? `/${this.bits}` : ''}`;
  }
}

type PortValue = number | string | readonly [number, number];

function portNumber(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw new ValidationError(field, `${JSON.stringify(v)} is not a port (0-65535)`);
  return n;
}

/** A port, a range ([1024, 2048] or "1024-2048"), or "@set". */
function portMatch(proto: 'tcp' | 'udp', field: 'sport' | 'dport', value: PortValue, opts: MatchOptions = {}): RulePart {
  const name = `match.${proto}.${field}`;
  const l4 = L4PROTOS[proto]!;
  const offset = field === 'sport' ? 0 : 2;
  const load: Expression = { type: 'payload', base: 'transport', offset, len: 2, dreg: NFT_REG_1 };
  const neg = opts.not ? '!= ' : '';
  if (typeof value === 'string' && value.startsWith('@')) {
    const set = value.slice(1);
    if (!set) throw new ValidationError(name, 'empty set name after @');
    return part(`${proto} ${field} ${neg}@${set}`, (ctx) => [
      ...l4Guard(ctx, l4), load,
      opts.not ? { type: 'lookup', set, sreg: NFT_REG_1, invert: true } : { type: 'lookup', set, sreg: NFT_REG_1 },
    ]);
  }
  let range: [number, number] | undefined;
  if (Array.isArray(value)) range = [portNumber(value[0], name), portNumber(value[1], name)];
  else if (typeof value === 'string' && value.includes('-')) {
    const [a, b] = value.split('-');
    range = [portNumber(a, name), portNumber(b, name)];
  }
  if (range) {
    const [lo, hi] = range;
    if (lo > hi) throw new ValidationError(name, `range ${lo}-${hi} is reversed`);
    // nft 1.0.6 emits two comparisons for a range and a range expression for its negation.
    return part(`${proto} ${field} ${neg}${lo}-${hi}`, (ctx) => [
      ...l4Guard(ctx, l4), load,
      ...(opts.not
        ? [{ type: 'range', op: 'neq', sreg: NFT_REG_1, from: be16(lo), to: be16(hi) } as Expression]
        : [cmpExpr('gte', be16(lo)), cmpExpr('lte', be16(hi))]),
    ]);
  }
  const port = portNumber(value, name);
  return part(`${proto} ${field} ${neg}${port}`, (ctx) => [...l4Guard(ctx, l4), load, cmpExpr(opts.not ? 'neq' : 'eq', be16(port))]);
}

/** An interface name; a trailing "*" matches every name with that prefix ("eth*"). */
function ifnameMatch(key: 'iifname' | 'oifname', value: string, opts: MatchOptions = {}): RulePart {
  const name = `match.${key}`;
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError(name, 'expected an interface name');
  const wildcard = value.endsWith('*') && !value.endsWith('\\*');
  const text = wildcard ? value.slice(0, -1) : value;
  const bytes = ifnameBytes(text, wildcard);
  if (!bytes) throw new ValidationError(name, `${JSON.stringify(value)} is longer than an interface name can be (15 bytes)`);
  return new IfnamePart(key, value, bytes, opts.not === true);
}

/** `iifname|oifname [!=] "NAME"`: the meta load and the compare of the name's bytes. */
class IfnamePart extends Part {
  constructor(private readonly key: 'iifname' | 'oifname', private readonly value: string, private readonly bytes: Uint8Array, private readonly not: boolean) {
    super();
  }
  emit(_ctx: BuildContext, out: Expression[]): void {
    // Each rule gets its own copy: expressions are the caller's to change.
    out.push({ type: 'meta', key: this.key, dreg: NFT_REG_1 }, cmpExpr(this.not ? 'neq' : 'eq', this.bytes.slice()));
  }
  protected describe(): string {
    return `${this.key} ${this.not ? '!= ' : ''}"${this.value}"`;
  }
}

// Exact names and wildcard prefixes apart: an exact name may itself begin with any character.
const ifnames = new Map<string, Uint8Array>();
const ifnamePrefixes = new Map<string, Uint8Array>();
const utf8 = new TextEncoder();

/**
 * An exact name compares all 16 bytes (IFNAMSIZ, NUL-padded); a wildcard only its prefix.
 * Undefined when the name is too long. Encoded once per name (kept read-only here).
 */
function ifnameBytes(text: string, wildcard: boolean): Uint8Array | undefined {
  const cache = wildcard ? ifnamePrefixes : ifnames;
  let b = cache.get(text);
  if (!b) {
    const e = utf8.encode(text);
    if (e.length > 15) return undefined;
    b = wildcard ? e : new Uint8Array(16);
    if (!wildcard) b.set(e);
    if (cache.size < 1024) cache.set(text, b);
  }
  return b;
}

export type CtState = 'invalid' | 'established' | 'related' | 'new' | 'untracked';
const CT_STATE_BITS: Record<CtState, number> = {
  invalid: NF_CT_STATE_INVALID_BIT, established: NF_CT_STATE_ESTABLISHED_BIT, related: NF_CT_STATE_RELATED_BIT,
  new: NF_CT_STATE_NEW_BIT, untracked: NF_CT_STATE_UNTRACKED_BIT,
};

function ctState(...states: (CtState | CtState[])[]): RulePart {
  const list = states.flat();
  if (!list.length) throw new ValidationError('match.ct.state', 'name at least one state: invalid, established, related, new, untracked');
  let bits = 0;
  for (const s of list) {
    const b = CT_STATE_BITS[s];
    if (b === undefined) throw new ValidationError('match.ct.state', `unknown state ${JSON.stringify(s)} (invalid, established, related, new, untracked)`);
    bits |= b;
  }
  // nft prints states in bit order.
  const text = (Object.keys(CT_STATE_BITS) as CtState[]).filter((s) => bits & CT_STATE_BITS[s]).join(',');
  return part(`ct state ${text}`, () => [
    { type: 'ct', key: 'state', dreg: NFT_REG_1 },
    { type: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, len: 4, mask: le32(bits), xor: le32(0) },
    cmpExpr('neq', le32(0)),
  ]);
}

export const match = {
  ip: {
    saddr: (v: string, o?: MatchOptions): RulePart => addressMatch('ip', 'saddr', v, o),
    daddr: (v: string, o?: MatchOptions): RulePart => addressMatch('ip', 'daddr', v, o),
    /** The IPv4 header's protocol field (`ip protocol tcp`). */
    protocol(p: string | number, o: MatchOptions = {}): RulePart {
      const n = l4protoNumber(p, 'match.ip.protocol');
      return part(`ip protocol ${o.not ? '!= ' : ''}${L4NAMES.get(n) ?? n}`, (ctx) => [
        ...l3Guard(ctx, false, 'match.ip.protocol'),
        { type: 'payload', base: 'network', offset: 9, len: 1, dreg: NFT_REG_1 },
        cmpExpr(o.not ? 'neq' : 'eq', new Uint8Array([n])),
      ]);
    },
  },
  ip6: {
    saddr: (v: string, o?: MatchOptions): RulePart => addressMatch('ip6', 'saddr', v, o),
    daddr: (v: string, o?: MatchOptions): RulePart => addressMatch('ip6', 'daddr', v, o),
  },
  tcp: {
    sport: (v: PortValue, o?: MatchOptions): RulePart => portMatch('tcp', 'sport', v, o),
    dport: (v: PortValue, o?: MatchOptions): RulePart => portMatch('tcp', 'dport', v, o),
  },
  udp: {
    sport: (v: PortValue, o?: MatchOptions): RulePart => portMatch('udp', 'sport', v, o),
    dport: (v: PortValue, o?: MatchOptions): RulePart => portMatch('udp', 'dport', v, o),
  },
  iifname: (name: string, o?: MatchOptions): RulePart => ifnameMatch('iifname', name, o),
  oifname: (name: string, o?: MatchOptions): RulePart => ifnameMatch('oifname', name, o),
  /** The transport protocol whatever the network protocol (`meta l4proto tcp`). */
  l4proto(p: string | number, o: MatchOptions = {}): RulePart {
    const n = l4protoNumber(p, 'match.l4proto');
    return part(`meta l4proto ${o.not ? '!= ' : ''}${L4NAMES.get(n) ?? n}`, (ctx) => {
      if (!o.not) ctx.deps.add(`l4proto:${n}`); // a later port match needs no second guard
      return [{ type: 'meta', key: 'l4proto', dreg: NFT_REG_1 }, cmpExpr(o.not ? 'neq' : 'eq', new Uint8Array([n]))];
    });
  },
  /** The packet mark (`meta mark 0x10`). */
  mark(m: number, o: MatchOptions = {}): RulePart {
    if (!Number.isInteger(m) || m < 0 || m > 0xffffffff) throw new ValidationError('match.mark', `${JSON.stringify(m)} is not a 32-bit mark`);
    return part(`meta mark ${o.not ? '!= ' : ''}0x${m.toString(16).padStart(8, '0')}`, () => [
      { type: 'meta', key: 'mark', dreg: NFT_REG_1 },
      cmpExpr(o.not ? 'neq' : 'eq', le32(m)),
    ]);
  },
  ct: {
    /** `ct state established,related`: matches when the connection is in any of the states. */
    state: ctState,
  },
};

const verdictPart = (code: 'accept' | 'drop' | 'return' | 'continue'): RulePart =>
  part(code, () => [{ type: 'verdict', code }]);

export const verdict = {
  accept: (): RulePart => verdictPart('accept'),
  drop: (): RulePart => verdictPart('drop'),
  return: (): RulePart => verdictPart('return'),
  continue: (): RulePart => verdictPart('continue'),
  jump: (chain: string): RulePart => {
    if (typeof chain !== 'string' || !chain) throw new ValidationError('verdict.jump', 'name the chain to jump to');
    return part(`jump ${chain}`, () => [{ type: 'verdict', code: 'jump', chain }]);
  },
  goto: (chain: string): RulePart => {
    if (typeof chain !== 'string' || !chain) throw new ValidationError('verdict.goto', 'name the chain to go to');
    return part(`goto ${chain}`, () => [{ type: 'verdict', code: 'goto', chain }]);
  },
};

export interface NatFlags {
  /** Randomize the source port mapping (`random`). */
  random?: boolean;
  /** Fully random port mapping (`fully-random`). */
  fullyRandom?: boolean;
  /** Give a client the same address for all its connections (`persistent`). */
  persistent?: boolean;
}

const NO_FLAGS = { bits: 0, text: '' };

function natFlags(f: NatFlags, ports: boolean): { bits: number; text: string } {
  if (!ports && !f.random && !f.fullyRandom && !f.persistent) return NO_FLAGS;
  let bits = ports ? NF_NAT_RANGE_PROTO_SPECIFIED : 0;
  const names: string[] = [];
  if (f.random) { bits |= NF_NAT_RANGE_PROTO_RANDOM; names.push('random'); }
  if (f.fullyRandom) { bits |= NF_NAT_RANGE_PROTO_RANDOM_FULLY; names.push('fully-random'); }
  if (f.persistent) { bits |= NF_NAT_RANGE_PERSISTENT; names.push('persistent'); }
  return { bits, text: names.join(',') };
}

function portRange(v: number | readonly [number, number] | string | undefined, field: string): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return [portNumber(v[0], field), portNumber(v[1], field)];
  if (typeof v === 'string' && v.includes('-')) { const [a, b] = v.split('-'); return [portNumber(a, field), portNumber(b, field)]; }
  const p = portNumber(v, field);
  return [p, p];
}

const REGS = [NFT_REG_1, NFT_REG_2, NFT_REG_3, NFT_REG_4];

function natFamilyCheck(ctx: BuildContext, field: string): void {
  if (ctx.family !== 'ip' && ctx.family !== 'ip6' && ctx.family !== 'inet') throw new ValidationError(field, `NAT needs a table of family ip, ip6 or inet, not ${ctx.family}`);
}

export interface MasqueradeOptions extends NatFlags {
  /** Map source ports into this range: 1024, [1024, 2048] or "1024-2048". */
  ports?: number | readonly [number, number] | string;
}

export interface NatOptions extends NatFlags {
  /** An address or an address range: "203.0.113.1", "203.0.113.1-203.0.113.10", ["a", "b"]. */
  to: string | readonly [string, string];
  /** A port or port range. */
  ports?: number | readonly [number, number] | string;
}

function natStatement(kind: 'snat' | 'dnat', o: NatOptions): RulePart {
  const field = `stmt.${kind}`;
  if (!o || o.to === undefined) throw new ValidationError(`${field}.to`, 'give the address to translate to');
  const [minText, maxText] = Array.isArray(o.to) ? o.to : (o.to as string).split('-');
  const min = parsePrefix(minText ?? '');
  const max = maxText !== undefined ? parsePrefix(maxText) : undefined;
  if (!min || min.length !== undefined) throw new ValidationError(`${field}.to`, `${JSON.stringify(minText)} is not an address`);
  if (maxText !== undefined && (!max || max.length !== undefined || max.family !== min.family)) throw new ValidationError(`${field}.to`, `${JSON.stringify(maxText)} is not an address of the same family`);
  const v6 = min.family === 6;
  const ports = portRange(o.ports, `${field}.ports`);
  const flags = natFlags(o, !!ports);
  const fmt = (b: Uint8Array): string => (v6 ? formatIPv6(b) : formatIPv4(b));
  let text = `${kind} to ${v6 && ports ? `[${fmt(min.address)}]` : fmt(min.address)}${max ? `-${fmt(max.address)}` : ''}`;
  if (ports) text += `:${ports[0]}${ports[1] !== ports[0] ? `-${ports[1]}` : ''}`;
  if (flags.text) text += ` ${flags.text}`;
  return part(text, (ctx) => {
    natFamilyCheck(ctx, field);
    if (ctx.family !== 'inet' && (ctx.family === 'ip6') !== v6) throw new ValidationError(`${field}.to`, `an ${v6 ? 'IPv6' : 'IPv4'} address cannot be used in a table of family ${ctx.family}`);
    const out: Expression[] = [];
    let reg = 0;
    const regAddrMin = REGS[reg++]!;
    out.push({ type: 'immediate', dreg: regAddrMin, data: min.address });
    let regAddrMax: number | undefined;
    if (max) { regAddrMax = REGS[reg++]!; out.push({ type: 'immediate', dreg: regAddrMax, data: max.address }); }
    let regProtoMin: number | undefined, regProtoMax: number | undefined;
    if (ports) {
      regProtoMin = REGS[reg++]!;
      out.push({ type: 'immediate', dreg: regProtoMin, data: be16(ports[0]) });
      if (ports[1] !== ports[0]) { regProtoMax = REGS[reg++]!; out.push({ type: 'immediate', dreg: regProtoMax, data: be16(ports[1]) }); }
    }
    const e: Expression = { type: 'nat', nat: kind, family: v6 ? 'ip6' : 'ip', regAddrMin };
    if (regAddrMax !== undefined) e.regAddrMax = regAddrMax;
    if (regProtoMin !== undefined) e.regProtoMin = regProtoMin;
    if (regProtoMax !== undefined) e.regProtoMax = regProtoMax;
    if (flags.bits) e.flags = flags.bits;
    out.push(e);
    return out;
  });
}

export const stmt = {
  /** Count packets and bytes. */
  counter: (): RulePart => part('counter', () => [{ type: 'counter' }]),
  /** Source NAT to the outgoing interface's address (iptables MASQUERADE). */
  masquerade(o: MasqueradeOptions = {}): RulePart {
    const ports = portRange(o.ports, 'stmt.masquerade.ports');
    const flags = natFlags(o, !!ports);
    const text = (): string => {
      let t = 'masquerade';
      if (ports) t += ` to :${ports[0]}${ports[1] !== ports[0] ? `-${ports[1]}` : ''}`;
      if (flags.text) t += ` ${flags.text}`;
      return t;
    };
    return new FnPart(text, (ctx, out) => {
      natFamilyCheck(ctx, 'stmt.masquerade');
      const e: Expression = { type: 'masq' };
      if (ports) {
        out.push({ type: 'immediate', dreg: NFT_REG_1, data: be16(ports[0]) });
        e.regProtoMin = NFT_REG_1;
        if (ports[1] !== ports[0]) {
          out.push({ type: 'immediate', dreg: NFT_REG_2, data: be16(ports[1]) });
          e.regProtoMax = NFT_REG_2;
        }
      }
      if (flags.bits) e.flags = flags.bits;
      // libnftnl writes flags before the registers; the object's key order does not matter on the wire.
      out.push(e);
    });
  },
  snat: (o: NatOptions): RulePart => natStatement('snat', o),
  dnat: (o: NatOptions): RulePart => natStatement('dnat', o),
};
