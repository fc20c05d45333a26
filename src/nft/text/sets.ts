// Sets and maps as nft prints them: the declaration (type, flags, timeout, size, comment) and
// elements, anonymous sets inline (`{ 80, 443 }`), intervals rebuilt from the kernel's
// start/end pairs (prefixes, ranges), concatenations split by their key types, map data,
// verdicts and per-element timeouts/counters/comments.
import type { RawSet, Rec } from './snapshot.js';
import { FLAGS, HOST_ORDER, keyTypeNames, rangeType, SYMBOLS, TYPE_IDS, TYPE_SIZE, timeText, toBig, typeName, valueText, type ValueContext } from './types.js';
import { verdictText } from './statements.js';
import { parseUdata } from '../codec.js';

export const SET_ANONYMOUS = 0x1, SET_CONSTANT = 0x2, SET_INTERVAL = 0x4, SET_MAP = 0x8, SET_TIMEOUT = 0x10, SET_EVAL = 0x20, SET_OBJECT = 0x40, SET_CONCAT = 0x80;
const DATA_VERDICT = 0xffffff00;

export interface SetInfo {
  name: string;
  flags: number;
  keyTypes: string[];
  keyLen: number;
  /** Byte length of each part of a concatenated key (as laid out in registers). */
  partLens: number[];
  dataType?: string;
  dataLen?: number;
  keyHost: boolean;
  /** Userdata says the key is big-endian (payload fields of integer type). */
  keyBig?: boolean;
  dataHost: boolean;
  /**
   * The key is a bitfield (ip dscp, frag frag-off): elements hold the field in place in
   * keyBytes bytes, and print shifted down by keyShift (see keyedBy).
   */
  keyShift?: number;
  keyBytes?: number;
  /** Per part of a concatenated key: an integer header field (vlan id) is held in network order. */
  partOrder?: ('big' | 'host' | undefined)[];
  objType?: number;
  raw: RawSet;
}

const OBJ_NAMES: Record<number, string> = { 1: 'counter', 2: 'quota', 3: 'ct helper', 4: 'limit', 7: 'ct timeout', 8: 'secmark', 9: 'ct expectation', 10: 'synproxy' };

export function setInfo(s: RawSet): SetInfo {
  const a = s.attrs;
  const flags = Number(a.flags ?? 0);
  const keyLen = Number(a['key-len'] ?? 0);
  const keyTypes = keyTypeNames(Number(a['key-type'] ?? 0), keyLen);
  const ud = a.userdata instanceof Uint8Array ? parseUdata(a.userdata) ?? [] : [];
  const byteorder = (t: number): number | undefined => { const i = ud.find((x) => x.type === t); return i ? i.value[0] : undefined; };
  const concat = (a.desc?.concat ?? []) as Rec[];
  let partLens = concat.flatMap((c) => ((c.elem ? [c.elem] : []) as Rec[]).map((e) => Number(e.len)));
  if (partLens.length < 2) partLens = keyTypes.map((t) => TYPE_SIZE[t] ?? keyLen);
  const info: SetInfo = {
    name: String(a.name), flags, keyTypes, keyLen, partLens, raw: s,
    keyHost: byteorder(0) === 1 || (byteorder(0) === undefined && keyTypes.length === 1 && HOST_ORDER.has(keyTypes[0]!)),
    dataHost: byteorder(1) === 1, keyBig: byteorder(0) === 2,
  };
  if (a['data-type'] !== undefined) {
    const dt = Number(a['data-type']) >>> 0;
    info.dataType = dt === DATA_VERDICT ? 'verdict' : keyTypeNames(dt).join(' . ');
    info.dataLen = Number(a['data-len'] ?? 0);
  }
  if (a['obj-type'] !== undefined) info.objType = Number(a['obj-type']);
  return info;
}

const cmpBytes = (x: Uint8Array, y: Uint8Array): number => {
  for (let i = 0; i < Math.max(x.length, y.length); i++) { const d = (x[i] ?? 0) - (y[i] ?? 0); if (d) return d; }
  return 0;
};

function minusOne(b: Uint8Array): Uint8Array {
  const o = Uint8Array.from(b);
  for (let i = o.length - 1; i >= 0; i--) { if (o[i]! > 0) { o[i]!--; break; } o[i] = 0xff; }
  return o;
}

/** One key value (a concatenation split into its parts by register width). */
export function keyText(info: Pick<SetInfo, 'keyTypes' | 'partLens' | 'keyHost' | 'keyBig' | 'keyShift' | 'keyBytes' | 'partOrder'> & { flags?: number }, key: Uint8Array, ctx: ValueContext): string {
  if (info.keyShift !== undefined && info.keyBytes !== undefined && info.keyTypes.length === 1) {
    // The element spans the loaded bytes (the set's key length); the field is keyBytes wide.
    let v = toBig(key, 'big') >> BigInt(info.keyShift);
    v &= (1n << BigInt(info.keyBytes * 8)) - 1n;
    const out = new Uint8Array(info.keyBytes);
    for (let i = out.length - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
    return valueText(info.keyTypes[0]!, out, ctx, undefined, 'big');
  }
  if (info.keyTypes.length === 1) return valueText(info.keyTypes[0]!, key.subarray(0, info.partLens[0] ?? key.length), ctx, undefined, info.keyHost ? 'host' : info.keyBig ? 'big' : undefined);
  const out: string[] = [];
  const interval = !!((info.flags ?? 0) & SET_INTERVAL);
  let off = 0;
  info.keyTypes.forEach((t, i) => {
    const n = info.partLens[i] ?? TYPE_SIZE[t] ?? 4;
    // Interval sets hold every part big-endian, host-order types too (as single keys).
    out.push(valueText(t, key.subarray(off, off + n), ctx, undefined, interval ? 'big' : info.partOrder?.[i]));
    off += Math.ceil(n / 4) * 4;
  });
  return out.join(' . ');
}

/** A bitmask value as nft's flag expression: its flags low to high joined by ` | `. */
export function flagExprText(type: string, v: number): string {
  const names = (FLAGS[type] ?? []).filter(([bit]) => v & bit).map(([, n]) => n);
  return names.length ? names.join(' | ') : `0x${v.toString(16)}`;
}

export function prefixLen(lo: Uint8Array, hi: Uint8Array): number | undefined {
  // [lo, hi] is a prefix when hi = lo | hostmask and lo & hostmask = 0.
  const bits = lo.length * 8;
  let p = 0;
  while (p < bits && ((lo[p >> 3]! >> (7 - (p & 7))) & 1) === ((hi[p >> 3]! >> (7 - (p & 7))) & 1)) p++;
  for (let i = p; i < bits; i++) {
    if (((lo[i >> 3]! >> (7 - (i & 7))) & 1) !== 0 || ((hi[i >> 3]! >> (7 - (i & 7))) & 1) !== 1) return undefined;
  }
  return p;
}

function rangeText(info: SetInfo, lo: Uint8Array, hi: Uint8Array, ctx: ValueContext): string {
  if (cmpBytes(lo, hi) === 0) return keyText(info, lo, ctx);
  const t = info.keyTypes[0];
  if (info.keyTypes.length === 1 && (t === 'ipv4_addr' || t === 'ipv6_addr')) {
    const p = prefixLen(lo, hi);
    if (p !== undefined) return `${keyText(info, lo, ctx)}/${p}`;
  }
  if (info.keyTypes.length > 1) {
    // Concatenated ranges: each part printed as a value or a range of its own.
    const parts: string[] = [];
    let off = 0;
    info.keyTypes.forEach((ty, i) => {
      const n = info.partLens[i] ?? TYPE_SIZE[ty] ?? 4;
      const a = lo.subarray(off, off + n), b = hi.subarray(off, off + n);
      // Parts of an interval set are big-endian whatever their type's order.
      if (cmpBytes(a, b) === 0) parts.push(valueText(ty, a, ctx, undefined, 'big'));
      else {
        const p = (ty === 'ipv4_addr' || ty === 'ipv6_addr') ? prefixLen(a, b) : undefined;
        const rt = rangeType(ty)!, o = 'big';
        parts.push(p !== undefined ? `${valueText(ty, a, ctx)}/${p}` : `${valueText(rt, a, ctx, undefined, o)}-${valueText(rt, b, ctx, undefined, o)}`);
      }
      off += Math.ceil(n / 4) * 4;
    });
    return parts.join(' . ');
  }
  // Ranges print numerically (see rangeType), in the key's own byte order.
  const num = { ...info, keyTypes: [rangeType(t)!], keyBig: info.keyBig || (!info.keyHost && !HOST_ORDER.has(t!)) };
  return `${keyText(num, lo, ctx)}-${keyText(num, hi, ctx)}`;
}

export function dataText(info: SetInfo, e: Rec, ctx: ValueContext): string | undefined {
  if (e.objref !== undefined) return `"${e.objref}"`;
  const d = e.data as Rec | undefined;
  if (!d) return undefined;
  if (d.verdict) { const v = verdictText(d.verdict); return v.chain ? `${v.verdict} ${v.chain}` : v.verdict; }
  if (d.value && info.dataType) {
    const types = info.dataType.split(' . ');
    // NAT maps of ranges hold [low][high] (each a whole concatenation): print as a range.
    const partLens = types.map((t) => TYPE_SIZE[t] ?? 4);
    const unit = partLens.reduce((n, l) => n + Math.ceil(l / 4) * 4, 0);
    if (d.value.length === 2 * unit && info.dataType !== 'verdict') {
      const ranged: SetInfo = { ...info, keyTypes: types, partLens, keyHost: false, keyBig: undefined, keyShift: undefined, keyBytes: undefined };
      return rangeText(ranged, d.value.subarray(0, unit), d.value.subarray(unit), ctx);
    }
    if (types.length > 1) return keyText({ keyTypes: types, partLens: types.map((t) => TYPE_SIZE[t] ?? 4), keyHost: false }, d.value, ctx);
    return valueText(info.dataType, d.value, ctx, undefined, info.dataHost ? 'host' : undefined);
  }
  return undefined;
}

function elemFlags(e: Rec): number {
  const f = e.flags as Uint8Array | undefined;
  return f && f.length >= 4 ? new DataView(f.buffer, f.byteOffset, 4).getUint32(0, false) : 0;
}

function elementExtras(e: Rec): string {
  let s = '';
  if (e.timeout !== undefined) s += ` timeout ${timeText(BigInt(e.timeout))}`;
  if (e.expiration !== undefined) s += ` expires ${timeText(BigInt(e.expiration))}`;
  const exprs = (e.expressions?.elem ?? (e.expr ? [e.expr] : [])) as Rec[];
  for (const x of exprs) {
    if (x.name === 'counter') s += ` counter packets ${x.data?.packets ?? 0n} bytes ${x.data?.bytes ?? 0n}`;
  }
  const ud = e.userdata instanceof Uint8Array ? parseUdata(e.userdata) ?? [] : [];
  const c = ud.find((x) => x.type === 0);
  if (c) { const z = c.value.indexOf(0); s += ` comment "${new TextDecoder().decode(z >= 0 ? c.value.subarray(0, z) : c.value)}"`; }
  return s;
}

/** The elements of a set, each as nft prints it (key [: data] and extras), in nft's order. */
export function elementTexts(info: SetInfo, ctx: ValueContext): string[] {
  const elems = info.raw.elements;
  const key = (e: Rec): Uint8Array => (e.key?.value as Uint8Array | undefined) ?? new Uint8Array(0);
  const item = (k: string, e: Rec): string => {
    const d = dataText(info, e, ctx);
    return `${k}${d !== undefined ? ` : ${d}` : ''}${elementExtras(e)}`;
  };
  // The catch-all element (NFT_SET_ELEM_CATCHALL, no key) is listed last as `*`.
  const catchAll = elems.filter((e) => elemFlags(e) & 2 && !e.key);
  if (catchAll.length) {
    const rest = elementTexts({ ...info, raw: { ...info.raw, elements: elems.filter((e) => !catchAll.includes(e)) } }, ctx);
    return [...rest, ...catchAll.map((e) => item('*', e))];
  }
  if (!(info.flags & SET_INTERVAL) && info.keyTypes.length === 1 && info.keyTypes[0] === 'tcp_flag' && !info.keyShift) {
    // tcp flags elements are flag expressions (`syn | ack`), which nft's mergesort orders by their
    // leftmost, lowest flag; equal ones stay in the order nft holds them, the dump's reversed
    // (a stable sort: { syn | ack, syn } from a dump of 0x02, 0x12).
    const low = (e: Rec): number => { const v = key(e)[0] ?? 0; return v & -v; };
    return [...elems].reverse().sort((a, b) => low(a) - low(b)).map((e) => item(flagExprText('tcp_flag', key(e)[0] ?? 0), e));
  }
  if (!(info.flags & SET_INTERVAL)) {
    // nft lists elements sorted by key value (as a number in the key's byte order).
    const host = info.keyTypes.length === 1 && info.keyHost;
    // A concatenation sorts (nft's mergesort) as its parts' bytes without register padding,
    // read as one host-endian number: the last part's last byte weighs most.
    const unpadded = (b: Uint8Array): Uint8Array => {
      const out: number[] = [];
      let off = 0;
      info.keyTypes.forEach((t, i) => { const n = info.partLens[i] ?? TYPE_SIZE[t] ?? 4; out.push(...b.subarray(off, off + n)); off += Math.ceil(n / 4) * 4; });
      return Uint8Array.from(out).reverse();
    };
    const concat = info.keyTypes.length > 1;
    const k = (e: Rec): Uint8Array => (concat ? unpadded(key(e)) : host ? Uint8Array.from(key(e)).reverse() : key(e));
    const list = [...elems].sort((a, b) => cmpBytes(k(a), k(b)));
    return list.map((e) => item(keyText(info, key(e), ctx), e));
  }
  const out: string[] = [];
  if (info.keyHost && info.keyTypes.length === 1) {
    // Host-order keys of an interval set are held big-endian: nft converts them (segtree's
    // byteorder switch; the rule's lookup gets a byteorder hton) so the kernel's bytewise
    // interval compare orders them as numbers. The set's userdata still says host order.
    return elementTexts({ ...info, keyHost: false, keyBig: true }, ctx);
  }
  const sorted = [...elems].sort((a, b) => cmpBytes(key(a), key(b)) || ((elemFlags(b) & 1) - (elemFlags(a) & 1)));
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (elemFlags(e) & 1) continue;
    if (e['key-end']?.value) { out.push(item(rangeText(info, key(e), e['key-end'].value, ctx), e)); continue; }
    // A range ends before the next element, start or end: nft adds no end element where the
    // next range starts right after (ip hdrlength vmap { 0-4 : drop, 5 : accept }).
    const end = sorted[i + 1];
    const hi = end ? minusOne(key(end)) : new Uint8Array(key(e).length).fill(0xff);
    out.push(item(rangeText(info, key(e), hi, ctx), e));
  }
  return out;
}

/**
 * The set as read through its lookup's key: a bitfield key (payload with a shift) makes the
 * elements print as field values, in the field's type.
 */
export function keyedBy(info: SetInfo, key: { type?: string; bytes?: number; shift?: number } | undefined): SetInfo {
  // A hex-typed field (comp flags) keyed into an integer set prints its elements in hex.
  if (key?.type === 'hex' && !key.shift && info.keyTypes.length === 1 && info.keyTypes[0] === 'integer') return { ...info, keyTypes: ['hex'], keyHost: false, keyBig: true };
  const parts = (key as { t?: string; parts?: { t: string; order?: string; type?: string; bytes?: number }[] } | undefined)?.parts;
  if (parts && parts.length === info.keyTypes.length && info.keyTypes.length > 1) {
    // An integer-typed header field (vlan id) is held as loaded, in network order, where an
    // integer otherwise reads in host order.
    const partOrder = parts.map((p, i) => (p.t === 'payload' && (info.keyTypes[i] === 'integer' || info.keyTypes[i] === 'raw' ) ? (p.order === 'host' ? 'host' as const : 'big' as const) : undefined));
    // A raw payload part (@ih,32,32) is shown in hex, as nft shows raw payload values.
    const raw = parts.map((p) => p.t === 'payload' && !!(p as { raw?: string }).raw);
    if (raw.some(Boolean)) {
      const keyTypes = info.keyTypes.map((t, i) => (raw[i] ? 'raw' : t));
      const partLens = parts.map((p, i) => (raw[i] || partOrder[i] ? p.bytes ?? info.partLens[i]! : info.partLens[i]!));
      return { ...info, keyTypes, partLens, partOrder };
    }
    // Its length is the field's (2 bytes for vlan id), not an integer's default 4.
    const partLens = parts.map((p, i) => (partOrder[i] ? (p as { bytes?: number }).bytes ?? info.partLens[i]! : info.partLens[i]!));
    if (partOrder.some(Boolean)) return { ...info, partOrder, partLens };
  }
  if (!key?.shift || info.keyTypes.length !== 1) return info;
  return { ...info, keyShift: key.shift, keyBytes: key.bytes ?? 1, keyTypes: [key.type ?? info.keyTypes[0]!], keyHost: false, keyBig: true };
}

/** nft's element separator for named sets: long types one or two per line. */
function delimiter(info: SetInfo, count: number): [string, number] {
  const newline = ',\n\t\t\t     ';
  if (info.flags & SET_ANONYMOUS) return [', ', count];
  const t = info.keyTypes.length === 1 ? info.keyTypes[0]! : '';
  const small = ['nf_proto', 'integer', 'arp_op', 'inet_proto', 'inet_service', 'tcp_flag', 'dccp_pkttype', 'mark', 'iface_index', 'classid', 'uid', 'gid', 'ct_dir'];
  const pairs = ['ipv4_addr', 'ct_state', 'ct_status', 'pkt_type'];
  if (small.includes(t)) return count < 16 ? [', ', count] : [newline, 0];
  if (pairs.includes(t)) return count < 2 ? [', ', count] : [newline, 0];
  return [newline, 0];
}

export function elementsBlock(info: SetInfo, ctx: ValueContext): string {
  const items = elementTexts(info, ctx);
  let s = '{ ';
  let count = 0;
  items.forEach((it, i) => {
    if (i > 0) { const [d, c] = delimiter(info, count); s += d; count = c; }
    s += it;
    count++;
  });
  return `${s} }`;
}

/** Inline text of an anonymous set used by a rule. */
export function anonymousSetText(info: SetInfo, ctx: ValueContext): string {
  return `{ ${elementTexts(info, ctx).join(', ')} }`;
}

function setFlagsText(flags: number): string | undefined {
  const f: string[] = [];
  if (flags & SET_CONSTANT) f.push('constant');
  if (flags & SET_EVAL) f.push('dynamic');
  if (flags & SET_INTERVAL) f.push('interval');
  if (flags & SET_TIMEOUT) f.push('timeout');
  return f.length ? f.join(',') : undefined;
}

/** A named set's declaration block (tabs as nft indents inside a table). */
export function setDeclaration(info: SetInfo, ctx: ValueContext, handles: boolean): string {
  const a = info.raw.attrs;
  const isMap = !!(info.flags & (SET_MAP | SET_OBJECT));
  let s = `\t${isMap ? 'map' : 'set'} ${info.name} {${handles ? ` # handle ${a.handle}` : ''}\n`;
  let type = info.keyTypes.map(typeName).join(' . ');
  if (info.flags & SET_MAP && info.dataType) type += ` : ${info.dataType.split(' . ').map(typeName).join(' . ')}`;
  if (info.flags & SET_OBJECT && info.objType !== undefined) type += ` : ${OBJ_NAMES[info.objType] ?? info.objType}`;
  s += `\t\ttype ${type}\n`;
  if (Number(a.policy ?? 0) === 1) s += '\t\tpolicy memory\n';
  if (a.desc?.size) s += `\t\tsize ${a.desc.size}\n`;
  const fl = setFlagsText(info.flags);
  if (fl) s += `\t\tflags ${fl}\n`;
  const exprs = ((a.expressions?.elem ?? a.expr ?? []) as Rec[]);
  for (const x of (Array.isArray(exprs) ? exprs : [exprs])) if (x.name) s += `\t\t${x.name}\n`;
  if (a.timeout) s += `\t\ttimeout ${timeText(BigInt(a.timeout))}\n`;
  if (a['gc-interval']) s += `\t\tgc-interval ${timeText(BigInt(a['gc-interval']))}\n`;
  const ud = a.userdata instanceof Uint8Array ? parseUdata(a.userdata) ?? [] : [];
  if (ud.some((x) => x.type === 2)) s += '\t\tauto-merge\n';
  const c = ud.find((x) => x.type === 7);
  if (c) { const z = c.value.indexOf(0); s += `\t\tcomment "${new TextDecoder().decode(z >= 0 ? c.value.subarray(0, z) : c.value)}"\n`; }
  if (info.raw.elements.length) s += `\t\telements = ${elementsBlock(info, ctx)}\n`;
  return `${s}\t}\n`;
}

void FLAGS; void SYMBOLS; void TYPE_IDS;
