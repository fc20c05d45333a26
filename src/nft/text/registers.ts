// The folding machine: walks a rule's register-level expressions (as the generic codec decoded
// them) and rebuilds nft's statements, the way nftables' netlink_delinearize.c does: loads put an
// nft expression into a register, bitwise/byteorder transform it, cmp/range/lookup consume it
// into a relation, immediates hold constants until a statement (mangle, nat, verdict) uses them.
// Protocol dependencies nft adds implicitly (`meta l4proto tcp` before `tcp dport`) are dropped
// again once the field that needed them is seen, as nft does when it lists a rule.
import type { Family } from '../codec.js';
import type { RawExpr, Rec } from './snapshot.js';
import type { Constant, NExpr, Rhs, Stmt } from './model.js';
import { SCTP_CHUNKS, CT_KEYS, fieldAt, ICMP_FIELD_TYPE, sctpChunkField, srhField, L3_BY_ETHERTYPE, L3_BY_NFPROTO, L4_BY_NUMBER, META_KEYS, PROTOS, RT_KEYS, SOCKET_KEYS, TCP_OPTIONS, IP6_EXTHDRS, XFRM_KEYS, FRAG_BITS, TCPOPT_BITS, type KeyDef } from './fields.js';
import { toNum } from './types.js';
import { actionStatement } from './statements.js';
import { xtStatement } from './xt.js';

const OPS = ['==', '!=', '<', '<=', '>', '>='];

interface Dep { index: number; layer: 'll' | 'network' | 'transport' | 'icmp' }

export interface FoldContext {
  family: Family;
  stmts: Stmt[];
  regs: Map<number, NExpr>;
  l2?: string;
  l3?: string;
  l4?: string;
  deps: Dep[];
  /** The icmp/icmpv6 type an earlier `icmp type X` established: it picks among fields sharing an offset. */
  icmpType?: number;
  /** vlan headers stacked after the first (a `vlan type 8021q` seen): they shift the vlan fields. */
  vlanDepth?: number;
  /** Key length of named/anonymous sets by name (a concatenated lookup spans registers). */
  setKeyLen: (name: string) => number | undefined;
}

/** 32-bit register slot: NFT_REG_1..4 are 16-byte registers over slots 0-15, NFT_REG32_00.. are 8-23. */
export function slot(reg: number): number {
  return reg >= 8 ? reg - 8 : (reg - 1) * 4;
}

const bytesOf = (d: Rec | undefined): Uint8Array => (d?.value as Uint8Array | undefined) ?? new Uint8Array(0);

function keyExpr(t: 'meta' | 'ct' | 'rt' | 'socket', def: KeyDef | undefined, n: number): NExpr {
  const d = def ?? { name: `${t} key ${n}`, type: 'integer', bytes: 4, order: 'host' as const };
  if (t === 'meta') return { t, key: d.name, bare: !!d.bare, type: d.type, bytes: d.bytes, order: d.order };
  return { t, key: d.name, type: d.type, bytes: d.bytes, order: d.order } as NExpr;
}

export function exprBytes(e: NExpr): number {
  return e.t === 'const' ? e.value.length : e.bytes;
}

function put(ctx: FoldContext, reg: number, e: NExpr): void {
  ctx.regs.set(slot(reg), e);
}

/** The expression in `reg`; a concatenation when `len` spans more than one register's content. */
export function get(ctx: FoldContext, reg: number, len?: number): NExpr | undefined {
  const s = slot(reg);
  const first = ctx.regs.get(s);
  if (!first || len === undefined || first.t === 'const') return first;
  const n = exprBytes(first);
  if (len <= Math.ceil(n / 4) * 4) return first;
  const parts: NExpr[] = [];
  let at = s, total = 0;
  while (total < len) {
    const e = ctx.regs.get(at);
    if (!e) break;
    parts.push(e);
    const w = Math.ceil(exprBytes(e) / 4) * 4;
    total += w;
    at += w / 4;
  }
  return { t: 'concat', parts, type: parts.map((p) => p.type ?? 'integer').join(' . '), bytes: total, order: 'big' };
}

function defaultL3(family: Family): string | undefined {
  return family === 'ip' ? 'ip' : family === 'ip6' ? 'ip6' : family === 'arp' ? 'arp' : undefined;
}

/** Mark the dependency statements a field of `layer` makes redundant. */
function useLayer(ctx: FoldContext, layer: Dep['layer']): void {
  const i = ctx.deps.findIndex((d) => d.layer === layer);
  if (i >= 0) {
    const d = ctx.deps[i]!;
    (ctx.stmts[d.index] as { dropped?: boolean }).dropped = true;
    ctx.deps.splice(i, 1);
  }
}

/** Every layer a (possibly compound) expression reads from. */
export function touchLayers(ctx: FoldContext, e: NExpr | undefined): void {
  if (!e) return;
  switch (e.t) {
    case 'payload':
      if (e.proto === 'th' || e.raw) return;
      useLayer(ctx, PROTOS[e.proto]?.base === 'transport' ? 'transport' : PROTOS[e.proto]?.base === 'll' ? 'll' : 'network');
      // icmp and icmpv6 imply their network protocol: nft drops the nfproto guard with the l4 one.
      if (((e.proto === 'icmp' || e.proto === 'igmp') && ctx.l3 === 'ip') || (e.proto === 'icmpv6' && ctx.l3 === 'ip6')) useLayer(ctx, 'network');
      if (e.proto === 'vlan') useLayer(ctx, 'll');
      // mtu, gateway and max-delay need one icmp type: nft drops that `icmp type X` (its dependency).
      if (ICMP_FIELD_TYPE[e.proto]?.[e.field] && !ICMP_FIELD_TYPE[e.proto]![e.field]!(undefined)) useLayer(ctx, 'icmp');
      return;
    case 'binop': touchLayers(ctx, e.left); return;
    case 'concat': for (const p of e.parts) touchLayers(ctx, p); return;
    case 'map': touchLayers(ctx, e.key); return;
    case 'hash': touchLayers(ctx, e.of); return;
    case 'exthdr': if (e.desc.startsWith('tcp option')) useLayer(ctx, 'transport'); return;
    default:
  }
}

export function payloadExpr(ctx: FoldContext, base: number, offsetBytes: number, len: number, maskBits?: { off: number; bits: number }): NExpr {
  const bitOff = offsetBytes * 8 + (maskBits?.off ?? 0);
  const bits = maskBits?.bits ?? len * 8;
  let proto: string | undefined;
  if (base === 0) proto = ctx.l2 === 'vlan' && bitOff >= 112 ? 'vlan' : 'ether';
  else if (base === 1) proto = ctx.l3 ?? defaultL3(ctx.family);
  else if (base === 2) proto = ctx.l4 ?? 'th';
  const rawText = (): string => `@${['ll', 'nh', 'th', 'ih'][base] ?? base},${bitOff},${bits}`;
  const inner = 32 * (ctx.vlanDepth ?? 0);
  let fd = proto ? fieldAt(proto, proto === 'vlan' ? bitOff - inner : bitOff, bits, ctx.icmpType) : undefined;
  if (!fd && proto === 'ether' && bitOff >= 112) {
    const v = fieldAt('vlan', bitOff - inner, bits);
    if (v) { proto = 'vlan'; fd = v; }
  }
  if (fd && proto) {
    const shift = maskBits ? len * 8 - maskBits.off - maskBits.bits : 0;
    return { t: 'payload', proto, field: fd.name, type: fd.type, bytes: Math.ceil(fd.bits / 8), order: 'big', ...(shift ? { shift } : {}) };
  }
  // An address loaded in part: nft prints the partial compare as a prefix.
  if (proto && !maskBits) {
    const whole = PROTOS[proto]?.fields.find((x) => x.offset === bitOff && x.bits > bits && (x.type === 'ipv4_addr' || x.type === 'ipv6_addr'));
    if (whole) return { t: 'payload', proto, field: whole.name, type: whole.type, bytes: len, order: 'big', prefix: bits };
  }
  if (proto === 'th' || base === 2) {
    const th = fieldAt('th', bitOff, bits);
    if (th && proto === 'th') return { t: 'payload', proto: 'th', field: th.name, type: th.type, bytes: len, order: 'big' };
  }
  return { t: 'payload', proto: '', field: '', type: 'raw', bytes: len, order: 'big', raw: rawText() };
}

/** Contiguous bits of a mask over `len` bytes: offset from the most significant bit, and count. */
export function maskRun(mask: Uint8Array): { off: number; bits: number } | undefined {
  let off = -1, bits = 0, ended = false;
  for (let i = 0; i < mask.length * 8; i++) {
    const set = (mask[i >> 3]! >> (7 - (i & 7))) & 1;
    if (set) {
      if (ended) return undefined;
      if (off < 0) off = i;
      bits++;
    } else if (off >= 0) ended = true;
  }
  return off < 0 ? undefined : { off, bits };
}

const popcount = (b: number): number => { let n = 0; for (let x = b; x; x &= x - 1) n++; return n; };
const allOnes = (b: Uint8Array): boolean => b.every((x) => x === 0xff);
const allZero = (b: Uint8Array): boolean => b.every((x) => x === 0);

function dependencyOf(ctx: FoldContext, left: NExpr, value: Uint8Array): Dep['layer'] | undefined {
  if (left.t === 'meta' && left.key === 'l4proto') { ctx.l4 = L4_BY_NUMBER[value[0] ?? -1]; return 'transport'; }
  // An explicit `ip protocol tcp` sets the context but nft keeps printing it.
  if (left.t === 'payload' && ((left.proto === 'ip' && left.field === 'protocol') || (left.proto === 'ip6' && left.field === 'nexthdr'))) { ctx.l4 = L4_BY_NUMBER[value[0] ?? -1]; return undefined; }
  if (left.t === 'meta' && left.key === 'nfproto' && ctx.family === 'inet') { ctx.l3 = L3_BY_NFPROTO[value[0] ?? -1]; return 'network'; }
  if (left.t === 'meta' && left.key === 'protocol' && (ctx.family === 'bridge' || ctx.family === 'netdev' || ctx.family === 'inet')) { ctx.l3 = L3_BY_ETHERTYPE[toNum(value, 'big')]; return 'network'; }
  if (left.t === 'payload' && left.proto === 'ether' && left.field === 'type') {
    const t = toNum(value, 'big');
    if (t === 0x8100) { ctx.l2 = 'vlan'; return 'll'; }
    ctx.l3 = L3_BY_ETHERTYPE[t]; return 'network';
  }
  if (left.t === 'payload' && left.proto === 'vlan' && left.field === 'type') {
    const t = toNum(value, 'big');
    // Another vlan header (802.1ad outer, 802.1q inner): the next vlan fields are 4 bytes further on; nft keeps printing this match.
    if (t === 0x8100 || t === 0x88a8) { ctx.vlanDepth = (ctx.vlanDepth ?? 0) + 1; return undefined; }
    ctx.l3 = L3_BY_ETHERTYPE[t]; return 'network';
  }
  if (left.t === 'meta' && left.key === 'iiftype' && toNum(value, 'host') === 1) { ctx.l2 = 'ether'; return 'll'; }
  if (left.t === 'payload' && (left.proto === 'icmp' || left.proto === 'icmpv6') && left.field === 'type') { ctx.icmpType = value[0]; return 'icmp'; }
  return undefined;
}

function relation(ctx: FoldContext, left: NExpr, op: string, right: Rhs): void {
  // A statement between a guard and the field that needs it keeps the guard (as nft does).
  if (ctx.stmts.length && ctx.stmts[ctx.stmts.length - 1]!.s !== 'match') ctx.deps = [];
  // `vlan type ip` is itself a guard (for the network header): nft keeps the `ether type 8021q` before it.
  const vlanGuard = left.t === 'payload' && left.proto === 'vlan' && left.field === 'type' && right.v === 'value' && (op === '' || op === '==');
  if (!vlanGuard) touchLayers(ctx, left);
  if (op === '' && left.t === 'binop') op = '==';
  if (op === '' && left.type === 'tcp_flag' && right.v === 'value') op = '==';
  // Several tcp flags compared whole are no single symbol: nft prints the number (tcp flags == 0xff).
  if (left.type === 'tcp_flag' && right.v === 'value' && right.bytes.length === 1 && popcount(right.bytes[0]!) > 1) left = { ...left, type: 'hex' } as NExpr;
  ctx.stmts.push({ s: 'match', left, op, right });
  if ((op === '' || op === '==') && right.v === 'value') {
    const layer = dependencyOf(ctx, left, right.bytes);
    if (layer) {
      ctx.deps = ctx.deps.filter((d) => d.layer !== layer);
      ctx.deps.push({ index: ctx.stmts.length - 1, layer });
    }
  }
}

/** Compare a register's expression: folds masks back into prefixes, flags and bitfields. */
function cmp(ctx: FoldContext, d: Rec): void {
  const e = get(ctx, d.sreg);
  const op = OPS[d.op] ?? '==';
  const value = bytesOf(d.data);
  if (!e) { ctx.stmts.push({ s: 'plain', kind: 'raw', text: `cmp reg ${d.sreg}` }); return; }
  if (e.t === 'binop' && e.op === '&' && !e.right2) {
    const left = e.left;
    const isFlags = left.type === 'ct_state' || left.type === 'ct_status' || left.type === 'tcp_flag' || left.type === 'ct_event';
    // `ct label 127`: the label's bit tested (ct label & bit != 0).
    if (left.type === 'ct_label' && op === '!=' && allZero(value)) return relation(ctx, left, '', { v: 'flags', mask: e.right });
    if (isFlags && op === '!=' && allZero(value)) return relation(ctx, left, '', { v: 'flags', mask: e.right });
    if (isFlags && op === '==' && allZero(value)) return relation(ctx, left, '', { v: 'masked', value: new Uint8Array(0), mask: e.right });
    const same = value.every((x, i) => x === e.right[i]);
    // nft keeps `data & flag == flag` for one flag only; several print as `syn,ack / syn,ack`.
    const single = same && value.reduce((n, b) => n + popcount(b), 0) === 1;
    if (isFlags && (op === '==' || op === '!=') && !single) {
      // A mask of the whole field is no mask: nft prints the compare alone (tcp flags == 0xff).
      if (allOnes(e.right) && left.bytes === e.right.length && op === '==') return relation(ctx, left, '==', { v: 'value', bytes: value });
      return relation(ctx, left, op === '==' ? '' : op, { v: 'masked', value, mask: e.right });
    }
    // mark is the other type nft gives prefix notation (DTYPE_F_PREFIX): meta mark 0xffffff00/24.
    if (left.type === 'mark' && (left.t === 'meta' || left.t === 'ct') && (op === '==' || op === '!=')) {
      const run = maskRun(Uint8Array.from(e.right).reverse());
      if (run && run.off === 0 && run.bits < 32) return relation(ctx, left, op === '==' ? '' : op, { v: 'prefix', bytes: value, len: run.bits });
    }
    if ((left.type === 'ipv4_addr' || left.type === 'ipv6_addr') && (left.t === 'payload' || left.t === 'ct')) {
      const run = allZero(e.right) ? { off: 0, bits: 0 } : maskRun(e.right);
      if (run && run.off === 0) return relation(ctx, { ...left, bytes: left.type === 'ipv4_addr' ? 4 : 16, ...(left.t === 'payload' ? { prefix: undefined } : {}) } as NExpr, op === '==' ? '' : op, { v: 'prefix', bytes: value, len: run.bits });
    }
    return relation(ctx, e, op, { v: 'value', bytes: value });
  }
  const loc = (e as { _loc?: [number, number, number] })._loc;
  if (e.t === 'payload' && e.raw && loc && op === '==') {
    // nft merges adjacent matches on one header into one load (tcp sport 80 tcp dport 8080).
    const parts = expand(ctx, loc);
    if (parts) {
      let off = 0;
      for (const p of parts) {
        const n = (p as { bytes: number }).bytes;
        relation(ctx, p, '', { v: 'value', bytes: value.subarray(off, off + n) });
        off += n;
      }
      return;
    }
  }
  if (e.t === 'ct' && (e.type === 'ipv4_addr' || e.type === 'ipv6_addr') && value.length < e.bytes && (op === '==' || op === '!=')) {
    // A byte-aligned ct address prefix: nft compares the leading bytes only (no bitwise).
    return relation(ctx, e, op === '==' ? '' : op, { v: 'prefix', bytes: value, len: value.length * 8 });
  }
  if (e.t === 'payload' && e.prefix !== undefined) {
    return relation(ctx, { ...e, prefix: undefined, bytes: e.type === 'ipv4_addr' ? 4 : e.type === 'ipv6_addr' ? 16 : 6 }, op === '==' ? '' : op, { v: 'prefix', bytes: value, len: e.prefix });
  }
  if ((e.t === 'payload' || e.t === 'exthdr') && e.shift) {
    // A bitfield (ip dscp, vlan id): the kernel compares the masked byte, nft prints the field.
    const v = toNum(value, 'big') >>> e.shift;
    const out = new Uint8Array(e.bytes);
    for (let i = e.bytes - 1, x = v; i >= 0; i--, x >>>= 8) out[i] = x & 0xff;
    return relation(ctx, e, op === '==' ? '' : op, { v: 'value', bytes: out });
  }
  if ((e.t === 'fib' && e.flags.includes('present')) || (e.t === 'exthdr' && e.exists)) {
    // nft prints the compare's own operator: `exthdr hbh != exists` stays that way.
    if (op === '!=') return relation(ctx, e, '!=', { v: 'bool', exists: !allZero(value) });
    return relation(ctx, e, '', { v: 'bool', exists: (op === '==') !== allZero(value) });
  }
  relation(ctx, e, op === '==' ? '' : op, { v: 'value', bytes: value });
}

function shiftDown(b: Uint8Array, shift: number, bytes: number): Uint8Array {
  const v = toNum(b, 'big') >>> shift;
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1, x = v; i >= 0; i--, x >>>= 8) out[i] = x & 0xff;
  return out;
}

/** Byte-aligned named fields exactly covering a load, or undefined. */
function expand(ctx: FoldContext, [base, offset, len]: [number, number, number]): NExpr[] | undefined {
  const out: NExpr[] = [];
  let at = offset;
  while (at < offset + len) {
    let found: NExpr | undefined;
    for (const n of [16, 8, 6, 4, 2, 1]) {
      if (at + n > offset + len) continue;
      const e = payloadExpr(ctx, base, at, n);
      if (e.t === 'payload' && !e.raw && !e.prefix) { found = e; at += n; break; }
    }
    if (!found) return undefined;
    out.push(found);
  }
  return out.length > 1 ? out : undefined;
}

/** bitwise: a mask/xor or shift of a register's expression (folded into its consumer). */
function bitwise(ctx: FoldContext, d: Rec): void {
  const src = get(ctx, d.sreg);
  if (!src) return;
  const opn = Number(d.op ?? 0);
  if (opn === 1 || opn === 2) {
    put(ctx, d.dreg, { t: 'binop', op: opn === 1 ? '<<' : '>>', left: src, right: bytesOf(d.data), type: src.type ?? 'integer', bytes: exprBytes(src), order: src.order ?? 'big' });
    return;
  }
  const mask = bytesOf(d.mask), xor = bytesOf(d.xor);
  if (src.t === 'payload' && !src.shift && allZero(xor) && src.type !== 'ipv4_addr' && src.type !== 'ipv6_addr' && src.type !== 'tcp_flag') {
    // A sub-byte field (dscp, ecn, vlan id) loaded as whole bytes and masked.
    const run = maskRun(mask);
    if (run && (run.bits !== mask.length * 8)) {
      const loc = (src as { _loc?: [number, number, number] })._loc;
      if (loc) {
        const f = payloadExpr(ctx, loc[0], loc[1], loc[2], run);
        if (!f.t || (f.t === 'payload' && !f.raw)) { put(ctx, d.dreg, f); return; }
      }
    }
  }
  if (src.t === 'exthdr' && src.desc.startsWith('tcp option ') && allZero(xor)) {
    // A tcp option bitfield (mptcp subtype): a masked load of its byte (tcpopt.c templates).
    const at = /^@(\d+),(\d+)$/.exec(src.field), run = maskRun(mask);
    const fb = at && run ? TCPOPT_BITS[src.desc.slice(11)]?.find((x) => x.offset === Number(at[1]) && x.len === Number(at[2]) && x.off === run.off && x.bits === run.bits) : undefined;
    if (fb) { put(ctx, d.dreg, { ...src, field: fb.name, bytes: Math.ceil(fb.bits / 8), shift: fb.len * 8 - fb.off - fb.bits }); return; }
  }
  if (src.t === 'exthdr' && src.desc === 'frag' && allZero(xor)) {
    // frag's bitfields (frag-off, reserved2, more-fragments): a masked load of their bytes.
    const at = /^@(\d+),(\d+)$/.exec(src.field), run = maskRun(mask);
    const fb = at && run ? FRAG_BITS.find((x) => x.offset === Number(at[1]) && x.len === Number(at[2]) && x.off === run.off && x.bits === run.bits) : undefined;
    if (fb) { put(ctx, d.dreg, { ...src, field: fb.name, bytes: Math.ceil(fb.bits / 8), shift: fb.len * 8 - fb.off - fb.bits }); return; }
  }
  const type = src.type ?? 'integer', bytes = exprBytes(src), order = src.order ?? 'big';
  if (allZero(xor)) put(ctx, d.dreg, { t: 'binop', op: '&', left: src, right: mask, type, bytes, order });
  else if (allOnes(mask)) put(ctx, d.dreg, { t: 'binop', op: '^', left: src, right: xor, type, bytes, order });
  else if (mask.every((m, i) => ((m ^ (xor[i] ?? 0)) & 0xff) === 0xff)) put(ctx, d.dreg, { t: 'binop', op: '|', left: src, right: xor, type, bytes, order });
  else put(ctx, d.dreg, { t: 'binop', op: '&', left: src, right: mask, right2: xor, type, bytes, order });
}

function load(ctx: FoldContext, name: string, d: Rec): boolean {
  switch (name) {
    case 'payload': {
      if (d.sreg !== undefined) return false;
      const e = payloadExpr(ctx, d.base, d.offset, d.len);
      (e as { _loc?: [number, number, number] })._loc = [d.base, d.offset, d.len];
      put(ctx, d.dreg, e);
      return true;
    }
    case 'meta': if (d.sreg !== undefined) return false; put(ctx, d.dreg, keyExpr('meta', META_KEYS[d.key], d.key)); return true;
    case 'ct': {
      if (d.sreg !== undefined) return false;
      let e = keyExpr('ct', CT_KEYS[d.key], d.key) as NExpr & { dir?: string };
      if (d.key === 8 || d.key === 9) {
        // ct saddr/daddr print with the network protocol nft inferred (and its guard dropped).
        const l3 = ctx.l3 ?? defaultL3(ctx.family) ?? 'ip';
        useLayer(ctx, 'network');
        e = { t: 'ct', key: `${l3} ${d.key === 8 ? 'saddr' : 'daddr'}`, json: d.key === 8 ? 'saddr' : 'daddr', type: l3 === 'ip6' ? 'ipv6_addr' : 'ipv4_addr', bytes: l3 === 'ip6' ? 16 : 4, order: 'big' };
      }
      if (d.direction !== undefined) e.dir = d.direction === 0 ? 'original' : 'reply';
      put(ctx, d.dreg, e);
      return true;
    }
    case 'rt': put(ctx, d.dreg, keyExpr('rt', RT_KEYS[d.key], d.key)); return true;
    case 'socket': {
      const e = keyExpr('socket', SOCKET_KEYS[d.key], d.key) as NExpr & { level?: number };
      if (d.level !== undefined) e.level = d.level;
      put(ctx, d.dreg, e);
      return true;
    }
    case 'fib': {
      const flags: string[] = [];
      const fl = Number(d.flags ?? 0);
      for (const [bit, n] of [[1, 'saddr'], [2, 'daddr'], [4, 'mark'], [8, 'iif'], [16, 'oif'], [32, 'present']] as const) if (fl & bit) flags.push(n);
      const result = ['unspec', 'oif', 'oifname', 'type'][d.result] ?? String(d.result);
      const type = result === 'oif' ? 'iface_index' : result === 'oifname' ? 'ifname' : 'fib_addrtype';
      put(ctx, d.dreg, { t: 'fib', flags, result, type, bytes: result === 'oifname' ? 16 : 4, order: 'host' });
      return true;
    }
    case 'numgen': put(ctx, d.dreg, { t: 'numgen', mode: d.type === 1 ? 'random' : 'inc', mod: d.modulus, ...(d.offset ? { offset: d.offset } : {}), type: 'integer', bytes: 4, order: 'host' }); return true;
    case 'hash': {
      const kind = d.type === 1 ? 'symhash' : 'jhash';
      const of = kind === 'jhash' ? get(ctx, d.sreg, d.len) : undefined;
      put(ctx, d.dreg, { t: 'hash', kind, ...(of ? { of } : {}), mod: d.modulus, ...(d.seed !== undefined ? { seed: d.seed } : {}), ...(d.offset ? { offset: d.offset } : {}), type: 'integer', bytes: 4, order: 'host' });
      return true;
    }
    case 'xfrm': {
      // xfrm.c's templates: addresses and spi in network order, reqid in host order.
      const k = XFRM_KEYS[d.key] ?? { key: `key ${d.key}`, type: 'integer', bytes: 4, order: 'host' as const };
      put(ctx, d.dreg, { t: 'xfrm', dir: d.dir === 0 ? 'in' : d.dir === 1 ? 'out' : `(unknown dir ${d.dir})`, spnum: Number(d.spnum ?? 0), ...k });
      return true;
    }
    case 'osf': {
      // osf.c: a genre string of NFT_OSF_MAXGENRELEN (16) bytes; ttl 1 loose, 2 skip, 0 the default.
      const ttl = d.ttl === 1 ? 'loose' : d.ttl === 2 ? 'skip' : undefined;
      put(ctx, d.dreg, { t: 'osf', key: Number(d.flags ?? 0) & 1 ? 'version' : 'name', ...(ttl ? { ttl } : {}), type: 'string', bytes: 16, order: 'host' });
      return true;
    }
    case 'exthdr': {
      if (d.sreg !== undefined || d.dreg === undefined) return false;
      put(ctx, d.dreg, exthdrExpr(d));
      return true;
    }
    case 'immediate': {
      if (d.dreg === 0 || d.data?.verdict) return false;
      put(ctx, d.dreg, { t: 'const', value: bytesOf(d.data) } as Constant);
      return true;
    }
    case 'bitwise': bitwise(ctx, d); return true;
    case 'byteorder': {
      // hton/ntoh: the same expression, now held in the other byte order.
      const src = get(ctx, d.sreg);
      if (src && src.t !== 'const') put(ctx, d.dreg, { ...src, order: Number(d.op) === 1 ? 'big' : 'host' } as NExpr);
      else if (src) put(ctx, d.dreg, src);
      return true;
    }
    default: return false;
  }
}

export function exthdrExpr(d: Rec): NExpr & { t: 'exthdr' } {
  const op = Number(d.op ?? 0);
  const exists = (Number(d.flags ?? 0) & 1) === 1;
  if (op === 1) {
    const opt = TCP_OPTIONS[d.type];
    let name = opt?.name ?? String(d.type);
    if (d.type === 5 && d.offset >= 10) {
      // SACK blocks after the first are sack1..sack3, each 8 bytes further on.
      const block = Math.floor((d.offset - 2) / 8);
      name = `sack${block}`;
      return { t: 'exthdr', desc: `tcp option ${name}`, field: (d.offset - 2) % 8 === 0 ? 'left' : 'right', type: 'integer', bytes: d.len, order: 'big' };
    }
    const fieldName = Object.entries(opt?.fields ?? {}).find(([, [o, l]]) => o === d.offset && l === d.len)?.[0] ?? (exists ? '' : `@${d.offset},${d.len}`);
    if (!opt && !exists) return { t: 'exthdr', desc: `tcp option @${d.type},${d.offset * 8},${d.len * 8}`, field: '', type: 'integer', bytes: d.len, order: 'big' };
    const field = exists ? '' : fieldName;
    return { t: 'exthdr', desc: `tcp option ${name}`, field, type: 'integer', bytes: d.len || 1, order: 'big', ...(exists ? { exists } : {}) };
  }
  if (op === 3) {
    const chunk = SCTP_CHUNKS[d.type] ?? String(d.type);
    return { t: 'exthdr', desc: `sctp chunk ${chunk}`, field: exists ? '' : sctpChunkField(chunk, d.offset, d.len) ?? `@${d.offset},${d.len}`, type: 'integer', bytes: d.len || 1, order: 'big', ...(exists ? { exists } : {}) };
  }
  const h = IP6_EXTHDRS[d.type];
  const name = h?.name ?? String(d.type);
  const f = Object.entries(h?.fields ?? {}).find(([, [o, l]]) => o === d.offset && l === d.len);
  const srh = !f && !exists && d.type === 43 ? srhField(d.offset, d.len) : undefined;
  if (srh) return { t: 'exthdr', desc: 'srh', field: srh[0], type: srh[1], bytes: d.len, order: 'big' };
  return { t: 'exthdr', desc: exists ? `exthdr ${name}` : name, field: exists ? '' : (f?.[0] ?? `@${d.offset},${d.len}`), type: f?.[1][2] ?? 'integer', bytes: d.len || 1, order: 'big', ...(exists ? { exists } : {}) };
}

/** Fold one rule's expressions into statements. */
export function foldRule(family: Family, exprs: readonly RawExpr[], setKeyLen: FoldContext['setKeyLen'], compatProto = 0): Stmt[] {
  const ctx: FoldContext = { family, stmts: [], regs: new Map(), deps: [], setKeyLen };
  for (let i = 0; i < exprs.length; i++) {
    const { name, data: d } = exprs[i]!;
    if (load(ctx, name, d)) continue;
    switch (name) {
      case 'cmp': cmp(ctx, d); break;
      case 'range': {
        const e = get(ctx, d.sreg);
        const sh = e && (e.t === 'payload' || e.t === 'exthdr') ? e.shift : undefined;
        // A bitfield's range compares the field in place: print it shifted down, as compares are.
        const down = (b: Uint8Array): Uint8Array => (sh ? shiftDown(b, sh, exprBytes(e!)) : b);
        if (e) relation(ctx, e, d.op === 1 ? '!=' : '', { v: 'range', from: down(bytesOf(d['from-data'])), to: down(bytesOf(d['to-data'])) });
        break;
      }
      case 'lookup': {
        const key = get(ctx, d.sreg, setKeyLen(d.set));
        if (!key) break;
        if (d.dreg === 0) { touchLayers(ctx, key); ctx.stmts.push({ s: 'vmap', key, set: d.set }); }
        else if (d.dreg !== undefined) put(ctx, d.dreg, { t: 'map', key, set: d.set, type: 'integer', bytes: 16, order: 'big' });
        else relation(ctx, key, (Number(d.flags ?? 0) & 1) ? '!=' : '', { v: 'set', set: d.set });
        break;
      }
      case 'match': case 'target': {
        const l4 = Number(Object.entries(L4_BY_NUMBER).find(([, n]) => n === ctx.l4)?.[0] ?? 0);
        ctx.stmts.push(xtStatement(name, d, family, compatProto || l4));
        // An xt statement between a protocol guard and its field keeps the guard (nft 1.0.6).
        ctx.deps = [];
        break;
      }
      default: {
        const st = actionStatement(ctx, name, d);
        if (st) ctx.stmts.push(st);
      }
    }
  }
  return mergeRanges(ctx.stmts.filter((s) => !(s as { dropped?: boolean }).dropped));
}

/** nft 1.0.6 writes `x 1024-65535` as two compares (>= and <=); read them back as one range. */
function mergeRanges(stmts: Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  for (const st of stmts) {
    const prev = out[out.length - 1];
    if (st.s === 'match' && st.op === '<=' && st.right.v === 'value' && prev?.s === 'match' && prev.op === '>=' && prev.right.v === 'value'
      && JSON.stringify(prev.left, big) === JSON.stringify(st.left, big)) {
      out[out.length - 1] = { s: 'match', left: st.left, op: '', right: { v: 'range', from: prev.right.bytes, to: st.right.bytes } };
      continue;
    }
    out.push(st);
  }
  return out;
}

const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);
