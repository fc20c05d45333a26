// Scalar readers and writers of the generic codec: integers by width and byte order, enums and
// flags by name, display hints (addresses, MACs, hex, UUIDs), and fixed structs. Each is picked
// once, when a declaration is compiled (compile.ts), so decoding runs no per-attribute dispatch
// on the declaration.
import { NetlinkDecodeError, ValidationError } from '../errors.js';
import { formatHardwareAddress, formatIP, parseIP, parseMac } from '../address.js';
import type { NetlinkBuffer } from '../reader.js';
import type { MessageWriter } from '../writer.js';
import type { DisplayHint, EnumDecl, FamilyDecl, IntType, MemberDecl, StructDecl } from './types.js';

export const INT_SIZE: Record<IntType, number> = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8 };

/** Reads an integer of a fixed width at an absolute offset (bounds checked by the caller). */
export type IntReader = (view: DataView, off: number) => number | bigint;

export function intReader(type: IntType, bigEndian: boolean): IntReader {
  const le = !bigEndian;
  switch (type) {
    case 'u8': return (v, o) => v.getUint8(o);
    case 's8': return (v, o) => v.getInt8(o);
    case 'u16': return (v, o) => v.getUint16(o, le);
    case 's16': return (v, o) => v.getInt16(o, le);
    case 'u32': return (v, o) => v.getUint32(o, le);
    case 's32': return (v, o) => v.getInt32(o, le);
    case 'u64': return (v, o) => v.getBigUint64(o, le);
    case 's64': return (v, o) => v.getBigInt64(o, le);
  }
}

const RANGES: Record<IntType, [bigint, bigint]> = {
  u8: [0n, 0xffn], s8: [-0x80n, 0x7fn], u16: [0n, 0xffffn], s16: [-0x8000n, 0x7fffn],
  u32: [0n, 0xffffffffn], s32: [-0x80000000n, 0x7fffffffn], u64: [0n, 0xffffffffffffffffn],
  s64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

/** Checks an integer against its type's range; the path names the field in the error. */
export function checkInt(type: IntType, v: unknown, path: string): number | bigint {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new ValidationError(path, `expected an integer, got ${v}`);
    if (type !== 'u64' && type !== 's64') {
      const [lo, hi] = RANGES[type];
      if (v < Number(lo) || v > Number(hi)) throw new ValidationError(path, `${v} is out of range for ${type} (${lo}..${hi})`);
      return v;
    }
    if (!Number.isSafeInteger(v)) throw new ValidationError(path, `${v} is not exact as a number; pass a bigint`);
    v = BigInt(v);
  }
  if (typeof v === 'bigint') {
    const [lo, hi] = RANGES[type];
    if (v < lo || v > hi) throw new ValidationError(path, `${v} is out of range for ${type} (${lo}..${hi})`);
    return type === 'u64' || type === 's64' ? v : Number(v);
  }
  throw new ValidationError(path, `expected an integer, got ${typeof v}`);
}

export type IntWriter = (w: MessageWriter, v: number | bigint) => void;

export function intWriter(type: IntType, bigEndian: boolean): IntWriter {
  switch (type) {
    case 'u8': case 's8': return (w, v) => { w.u8(Number(v) & 0xff); };
    case 'u16': case 's16': return bigEndian ? (w, v) => { w.be16(Number(v) & 0xffff); } : (w, v) => { w.u16(Number(v) & 0xffff); };
    case 'u32': return bigEndian ? (w, v) => { w.be32(Number(v) >>> 0); } : (w, v) => { w.u32(Number(v) >>> 0); };
    case 's32': return bigEndian ? (w, v) => { w.be32(Number(v) >>> 0); } : (w, v) => { w.s32(Number(v)); };
    case 'u64': case 's64': return bigEndian ? (w, v) => { w.be64(BigInt.asUintN(64, BigInt(v))); } : (w, v) => { w.u64(BigInt.asUintN(64, BigInt(v))); };
  }
}

/** Names of an enum's values (number -> name) and back. */
export interface EnumMaps {
  readonly flags: boolean;
  readonly name: Map<number, string>;
  readonly value: Map<string, number>;
  readonly bits: readonly (readonly [string, number])[];
}

export function enumMaps(decl: EnumDecl): EnumMaps {
  return {
    flags: decl.type === 'flags',
    name: new Map(decl.entries.map(([n, v]) => [v, n])),
    value: new Map(decl.entries.map(([n, v]) => [n, v])),
    bits: decl.entries,
  };
}

/** An enum value as its name when the table knows it, else the number. */
export function enumName(m: EnumMaps, v: number): string | number {
  return m.name.get(v) ?? v;
}

/** A flags value as the names of its bits; bits the table does not know as hex. */
export function flagNames(m: EnumMaps, v: number): string[] {
  const out: string[] = [];
  let rest = v;
  for (const [n, bit] of m.bits) {
    if ((v & bit) !== 0 || (bit === 0 && v === 0)) {
      if (bit !== 0) out.push(n);
      rest &= ~bit;
    }
  }
  if (rest) out.push(`0x${(rest >>> 0).toString(16)}`);
  return out;
}

/** The number of an enum value given as a name or a number. */
export function enumValue(m: EnumMaps, v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const n = m.value.get(v);
    if (n !== undefined) return n;
    // Values and bits the table does not name are decoded as hex text: take them back.
    if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v.slice(2), 16);
    throw new ValidationError(path, `unknown value ${JSON.stringify(v)} (known: ${[...m.value.keys()].join(', ')})`);
  }
  if (m.flags && Array.isArray(v)) {
    let bits = 0;
    for (const f of v) bits |= enumValue(m, f, path);
    return bits >>> 0;
  }
  throw new ValidationError(path, `expected a name${m.flags ? ' list' : ''} or a number`);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexOf(b: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) s += HEX[b[i]!];
  return s;
}

function uuidOf(b: Uint8Array, off: number, len: number): string {
  const h = hexOf(b, off, len);
  return len === 16 ? `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` : h;
}

/**
 * Bytes shown by a display hint. Addresses go by their length (4: IPv4, 16: IPv6); a length
 * no address has stays bytes, so that what was decoded can always be encoded again.
 */
export function hinted(hint: DisplayHint, b: Uint8Array, off: number, len: number): string | Uint8Array {
  switch (hint) {
    case 'ipv4': case 'ipv6': case 'ipv4-or-v6':
      return len === 4 || len === 16 ? formatIP(b, off, len) : b.slice(off, off + len);
    case 'mac': return len >= 1 && len <= 32 ? formatHardwareAddress(b, off, len) : b.slice(off, off + len);
    case 'uuid': return uuidOf(b, off, len);
    case 'hex': return hexOf(b, off, len);
  }
}

/** The bytes of a hinted value given as text (or as bytes already). */
export function unhinted(hint: DisplayHint, v: unknown, path: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v !== 'string') throw new ValidationError(path, `expected a string or bytes`);
  let b: Uint8Array | undefined;
  switch (hint) {
    case 'ipv4': case 'ipv6': case 'ipv4-or-v6': b = parseIP(v); break;
    case 'mac': b = parseMac(v); break;
    case 'hex': case 'uuid': {
      const h = v.replace(/[-:]/g, '');
      if (/^([0-9a-f]{2})*$/i.test(h)) b = Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
      break;
    }
  }
  if (!b) throw new ValidationError(path, `${JSON.stringify(v)} is not a valid ${hint} value`);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Fixed structs (family headers such as ifinfomsg, binary attributes such as rtnl_link_stats64).

/**
 * Set (not enumerable) on a struct decoded from fewer bytes than its declaration has (an older
 * kernel's): encoding it writes that many bytes again, so a decoded value re-encodes as it came.
 */
export const STRUCT_LENGTH = Symbol('netlinkts.structLength');

export interface CompiledStruct {
  readonly name: string;
  readonly size: number;
  /** Fields that fit in len bytes; a shorter struct (an older kernel's) decodes what it has. */
  decode(buf: NetlinkBuffer, off: number, len: number): Record<string, unknown>;
  /** Writes exactly `size` bytes; absent fields are zero. */
  encode(w: MessageWriter, v: Record<string, unknown> | undefined, path: string): void;
}

interface Field {
  name: string;
  off: number;
  size: number;
  read(buf: NetlinkBuffer, off: number, len: number): unknown;
  write(w: MessageWriter, v: unknown, path: string): void;
}

export function memberSize(family: FamilyDecl, m: MemberDecl, structs: (name: string) => CompiledStruct): number {
  if (m.type === 'pad' || m.type === 'binary' || m.type === 'string') {
    if (m.struct) return structs(m.struct).size;
    return m.len ?? 0;
  }
  return INT_SIZE[m.type];
}

/**
 * Byte offset of each field of a struct by name (pads left out), from the declaration alone:
 * for a hot path that reads a fixed header's fields where it needs them (into locals, or into
 * an object of its own shape) instead of through a decoded object.
 */
export function structOffsets(family: FamilyDecl, decl: StructDecl, structs: (name: string) => CompiledStruct): Readonly<Record<string, number>> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  let off = 0;
  for (const m of decl.members) {
    if (m.type !== 'pad') out[m.name] = off;
    off += memberSize(family, m, structs);
  }
  return Object.freeze(out);
}

export function compileStruct(
  family: FamilyDecl, name: string, decl: StructDecl,
  enums: (name: string, asFlags?: boolean) => EnumMaps | undefined, structs: (name: string) => CompiledStruct,
): CompiledStruct {
  const fields: Field[] = [];
  let off = 0;
  for (const m of decl.members) {
    const size = memberSize(family, m, structs);
    const at = off;
    off += size;
    if (m.type === 'pad') continue;
    const f = memberField(m, at, size, enums, structs);
    fields.push(f);
  }
  const size = off;
  return {
    name,
    size,
    decode: structDecoder(name, fields, decl),
    encode(w, v, path) {
      const limit = (v as { [STRUCT_LENGTH]?: number } | undefined)?.[STRUCT_LENGTH] ?? size;
      let at = 0;
      for (const f of fields) {
        if (f.off + f.size > limit) break;
        if (f.off > at) w.zeros(f.off - at);
        const x = v?.[f.name];
        if (x === undefined) w.zeros(f.size);
        else f.write(w, x, `${path}.${f.name}`);
        at = f.off + f.size;
      }
      if (limit > at) w.zeros(limit - at);
      if (v) for (const k of Object.keys(v)) {
        if (!fields.some((f) => f.name === k)) throw new ValidationError(path, `unknown field ${JSON.stringify(k)} of ${name} (fields: ${fields.map((f) => f.name).join(', ')})`);
      }
    },
  };
}

const INLINE: Partial<Record<string, string>> = {
  u8: 'v.getUint8(o)', s8: 'v.getInt8(o)', u16: 'v.getUint16(o, LE)', s16: 'v.getInt16(o, LE)',
  u32: 'v.getUint32(o, LE)', s32: 'v.getInt32(o, LE)', u64: 'v.getBigUint64(o, LE)', s64: 'v.getBigInt64(o, LE)',
};

/**
 * A struct decoder as straight-line code: plain integers are read inline, with the field
 * names as constant property keys (monomorphic stores), the rest through each field's reader.
 * Measured on 65k rtmsg headers: about 3x faster than a loop over the fields.
 */
function structDecoder(name: string, fields: Field[], decl: StructDecl): CompiledStruct['decode'] {
  const byName = new Map(decl.members.map((m) => [m.name, m]));
  const lines: string[] = [];
  fields.forEach((f, i) => {
    const m = byName.get(f.name)!;
    const plain = !m.struct && !m.enum && !m.hint && INLINE[m.type] !== undefined;
    const read = plain
      ? INLINE[m.type]!.replace('(o', `(start + ${f.off}`).replace('LE)', m.byteOrder === 'big-endian' ? 'false)' : 'true)')
      : `f[${i}].read(buf, start + ${f.off}, ${f.size})`;
    lines.push(`if (len < ${f.off + f.size}) return short(out, len);`, `out[${JSON.stringify(f.name)}] = ${read};`);
  });
  const body = `return function ${ident(name)}(buf, start, len) {\n const v = buf.view; const out = {};\n ${lines.join('\n ')}\n return out;\n};\n//# sourceURL=netlinkts-struct/${name}`;
  const short = (out: Record<string, unknown>, len: number): Record<string, unknown> => {
    Object.defineProperty(out, STRUCT_LENGTH, { value: len, enumerable: false });
    return out;
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('f', 'short', body)(fields, short) as CompiledStruct['decode'];
}

export function ident(name: string): string {
  return `decode_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

function memberField(
  m: MemberDecl, off: number, size: number,
  enums: (name: string, asFlags?: boolean) => EnumMaps | undefined, structs: (name: string) => CompiledStruct,
): Field {
  const name = m.name;
  if (m.struct) {
    const s = structs(m.struct);
    return { name, off, size, read: (buf, o, len) => s.decode(buf, o, len), write: (w, v, p) => s.encode(w, v as Record<string, unknown>, p) };
  }
  if (m.type === 'binary' || m.type === 'string') {
    const hint = m.hint;
    return {
      name, off, size,
      read: m.type === 'string'
        ? (buf, o, len) => buf.attrString(o, len)
        : hint ? (buf, o, len) => hinted(hint, buf.bytes, o, len) : (buf, o, len) => buf.attrBytes(o, len),
      write(w, v, p) {
        const b = m.type === 'string' && typeof v === 'string' ? new TextEncoder().encode(v) : hint ? unhinted(hint, v, p) : v;
        if (!(b instanceof Uint8Array)) throw new ValidationError(p, `expected bytes`);
        if (b.length > size) throw new ValidationError(p, `${b.length} bytes, at most ${size}`);
        w.raw(b);
        if (b.length < size) w.zeros(size - b.length);
      },
    };
  }
  const type = m.type as IntType;
  const be = m.byteOrder === 'big-endian';
  const read = intReader(type, be);
  const write = intWriter(type, be);
  const e = m.enum ? enums(m.enum, m.flags) : undefined;
  const hint = m.hint;
  return {
    name, off, size,
    read: e
      ? (e.flags ? (buf, o) => flagNames(e, Number(read(buf.view, o))) : (buf, o) => enumName(e, Number(read(buf.view, o))))
      : hint ? (buf, o, len) => hinted(hint, buf.bytes, o, len) : (buf, o) => read(buf.view, o),
    write(w, v, p) {
      if (hint && (typeof v === 'string' || v instanceof Uint8Array)) {
        const b = unhinted(hint, v, p);
        if (b.length !== size) throw new ValidationError(p, `${b.length} bytes, expected ${size}`);
        w.raw(b);
        return;
      }
      write(w, checkInt(type, e ? enumValue(e, v, p) : v, p));
    },
  };
}

export function decodeError(what: string, off: number): never {
  throw new NetlinkDecodeError(what, off);
}
