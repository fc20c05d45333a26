// Matches of the vocabulary (see vocabulary.ts): addresses and prefixes, ports, interface
// names, protocols, marks and conntrack state, each building what nft builds for it.
import { ValidationError } from '../netlink/errors.js';
import { formatIPv4, formatIPv6, parseIPv4Number, parsePrefix } from '../netlink/address.js';
import {
  NF_CT_STATE_ESTABLISHED_BIT, NF_CT_STATE_INVALID_BIT, NF_CT_STATE_NEW_BIT, NF_CT_STATE_RELATED_BIT,
  NF_CT_STATE_UNTRACKED_BIT, NFT_REG_1,
} from './constants.js';
import type { CmpOp, Expression } from './expr/index.js';
import {
  L4NAMES, L4PROTOS, Part, be16, cmpExpr, guardL3, l3Guard, l4Guard, l4protoNumber, le32, part, portNumber,
  type BuildContext, type MatchOptions, type PortValue, type RulePart,
} from './vocabulary-core.js';

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
