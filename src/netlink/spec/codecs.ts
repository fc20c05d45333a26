// Readers and writers of each attribute type of the generic codec (compile.ts assembles
// them into attribute sets): scalars and strings, nests, indexed arrays, type-value nests,
// sub-messages chosen by a sibling, bitfields, binary structs and integer arrays.
import { NLA_HDRLEN, NLA_TYPE_MASK } from '../constants.js';
import { NetlinkDecodeError, ValidationError } from '../errors.js';
import { MAX_NESTING_DEPTH, type NetlinkBuffer } from '../reader.js';
import { MessageWriter } from '../writer.js';
import type { CompiledFamily } from './compile.js';
import type { AttrDecl, IntType, StructDecl, SubMessageFormat } from './types.js';
import { INT_SIZE, STRUCT_LENGTH, checkInt, enumName, enumValue, flagNames, hinted, intReader, intWriter, unhinted } from './values.js';

const LE = true;
const utf8 = new TextEncoder();

export type Reader = (buf: NetlinkBuffer, off: number, len: number, depth: number) => unknown;
export type Writer = (w: MessageWriter, type: number, v: unknown, path: string, siblings: Record<string, unknown>) => void;

export function decodeSubMessage(
  family: CompiledFamily, d: AttrDecl, siblings: Record<string, unknown>, buf: NetlinkBuffer, off: number, len: number, depth: number,
): unknown {
  const fmt = subFormat(family, d, siblings);
  if (!fmt) return buf.attrBytes(off, len);
  if (fmt.fixedHeader) {
    const s = family.struct(fmt.fixedHeader);
    const head = s.decode(buf, off, len);
    if (!fmt.attributeSet) return head;
    const out = { ...head, ...family.set(fmt.attributeSet).decode(buf, off + s.size, off + len, depth + 1) };
    // A header shorter than declared keeps its length mark (so it re-encodes as it came).
    const short = (head as { [STRUCT_LENGTH]?: number })[STRUCT_LENGTH];
    if (short !== undefined) Object.defineProperty(out, STRUCT_LENGTH, { value: short, enumerable: false });
    return out;
  }
  return fmt.attributeSet ? family.set(fmt.attributeSet).decode(buf, off, off + len, depth + 1) : buf.attrBytes(off, len);
}

function subFormat(family: CompiledFamily, d: AttrDecl, siblings: Record<string, unknown>): SubMessageFormat | undefined {
  const sel = siblings[d.selector!];
  if (sel === undefined) return undefined;
  const key = String(sel);
  return family.subMessage(d.subMessage!).find((f) => f.value === key);
}

/** What a reader returns for a value that breaks its declared checks: kept raw, not interpreted. */
export function lengthError(d: AttrDecl, want: number, len: number, off: number): never {
  throw new NetlinkDecodeError(`${d.name} (${d.type}) has ${len} bytes, needs ${want}`, off);
}

export function codecFor(family: CompiledFamily, set: string, d: AttrDecl, nf: number): { read: Reader; write: Writer } {
  switch (d.type) {
    case 'flag':
      return { read: () => true, write: (w, t, v, p) => { if (v === true) w.attrFlag(t); else if (v !== false) throw new ValidationError(p, 'a flag is true or false'); } };
    case 'string': {
      const max = d.checks?.maxLen;
      return {
        read: (buf, off, len) => buf.attrString(off, len),
        write(w, t, v, p) {
          // Bytes are written as given: some tools send a string without its NUL (iproute2's
          // IFLA_INFO_KIND), and golden tests compare with their bytes.
          if (v instanceof Uint8Array) { w.attrBytes(t, v); return; }
          if (typeof v !== 'string') throw new ValidationError(p, `expected a string, got ${typeof v}`);
          if (max !== undefined && utf8.encode(v).length > max) throw new ValidationError(p, `longer than ${max} bytes`);
          w.attrString(t, v, true);
        },
      };
    }
    case 'binary': return binaryCodec(family, d);
    case 'nest': {
      const setName = d.nested;
      if (!setName) return { read: (buf, off, len) => buf.attrBytes(off, len), write: bytesWriter(d) };
      return {
        read: (buf, off, len, depth) => family.set(setName).decode(buf, off, off + len, depth + 1),
        write(w, t, v, p) {
          if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError(p, 'expected an object of attributes');
          const s = w.nestStart(t | nf);
          family.set(setName).encode(w, v as Record<string, unknown>, p);
          w.nestEnd(s);
        },
      };
    }
    case 'indexed-array': return indexedArrayCodec(family, set, d, nf);
    case 'nest-type-value': {
      // Levels whose attribute types are ids (nlctrl's policy: policy id, then attribute id),
      // decoded as objects keyed by those ids, the last level's payload as the nested set.
      const setName = d.nested!;
      const levels = Math.max(1, d.typeValue?.length ?? 1);
      const readLevel = (buf: NetlinkBuffer, off: number, len: number, depth: number, level: number): Record<number, unknown> => {
        if (depth > MAX_NESTING_DEPTH) throw new NetlinkDecodeError(`attributes nested deeper than ${MAX_NESTING_DEPTH} levels`, off);
        const out: Record<number, unknown> = {};
        walk(buf, off, len, (type, o, l) => {
          out[type] = level + 1 < levels ? readLevel(buf, o, l, depth + 1, level + 1) : family.set(setName).decode(buf, o, o + l, depth + 1);
        });
        return out;
      };
      const writeLevel = (w: MessageWriter, v: unknown, p: string, level: number): void => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError(p, 'expected an object keyed by id');
        for (const [k, x] of Object.entries(v)) {
          const inner = w.nestStart((checkInt('u16', Number(k), `${p}[${k}]`) as number) | nf);
          if (level + 1 < levels) writeLevel(w, x, `${p}[${k}]`, level + 1);
          else family.set(setName).encode(w, x as Record<string, unknown>, `${p}[${k}]`);
          w.nestEnd(inner);
        }
      };
      return {
        read: (buf, off, len, depth) => readLevel(buf, off, len, depth + 1, 0),
        write(w, t, v, p) {
          const s = w.nestStart(t | nf);
          writeLevel(w, v, p, 0);
          w.nestEnd(s);
        },
      };
    }
    case 'sub-message':
      return {
        read: (buf, off, len) => buf.attrBytes(off, len), // replaced by decodeSubMessage (deferred)
        write(w, t, v, p, siblings) {
          const fmt = subFormat(family, d, siblings);
          if (!fmt) {
            if (v instanceof Uint8Array) { w.attrBytes(t, v); return; }
            throw new ValidationError(p, `no format of ${d.subMessage} for ${d.selector} = ${JSON.stringify(siblings[d.selector!])}`);
          }
          // A format that declares no content (tc's ingress, mq): whatever bytes came stay as they are.
          if (!fmt.fixedHeader && !fmt.attributeSet && v instanceof Uint8Array) { w.attrBytes(t, v); return; }
          // A struct alone (no attributes after it) is an attribute of exactly its length, as
          // a short one came (nestEnd would count the padding); with attributes it is a nest.
          const bare = fmt.fixedHeader !== undefined && !fmt.attributeSet;
          const s = bare ? w.attrOpen(t) : w.nestStart(fmt.fixedHeader ? t : t | nf);
          const obj = v as Record<string, unknown>;
          if (fmt.fixedHeader) {
            const st = family.struct(fmt.fixedHeader);
            const fields = new Set(family.decl.definitions[fmt.fixedHeader]!.type === 'struct' ? (family.decl.definitions[fmt.fixedHeader] as StructDecl).members.map((m) => m.name) : []);
            const head: Record<string, unknown> = {};
            const rest: Record<string, unknown> = {};
            for (const k of Object.keys(obj)) (fields.has(k) ? head : rest)[k] = obj[k];
            const short = (obj as { [STRUCT_LENGTH]?: number })[STRUCT_LENGTH];
            if (short !== undefined) Object.defineProperty(head, STRUCT_LENGTH, { value: short, enumerable: false });
            st.encode(w, head, p);
            if (fmt.attributeSet) family.set(fmt.attributeSet).encode(w, rest, p);
            else if (Object.keys(rest).length) throw new ValidationError(p, `unknown fields ${Object.keys(rest).join(', ')}`);
          } else if (fmt.attributeSet) {
            family.set(fmt.attributeSet).encode(w, obj, p);
          }
          if (bare) w.attrClose(s);
          else w.nestEnd(s);
        },
      };
    case 'bitfield32':
      return {
        read(buf, off, len) {
          if (len < 8) lengthError(d, 8, len, off);
          return { value: buf.view.getUint32(off, LE), selector: buf.view.getUint32(off + 4, LE) };
        },
        write(w, t, v, p) {
          const o = v as { value?: unknown; selector?: unknown };
          const b = new Uint8Array(8);
          const dv = new DataView(b.buffer);
          dv.setUint32(0, checkInt('u32', o?.value, `${p}.value`) as number, LE);
          dv.setUint32(4, checkInt('u32', o?.selector, `${p}.selector`) as number, LE);
          w.attrBytes(t, b);
        },
      };
    case 'uint': case 'sint': {
      const signed = d.type === 'sint';
      const e = d.enum ? family.enumOf(d.enum, d.flags) : undefined;
      return {
        read(buf, off, len) {
          let n: number;
          if (len === 4) n = signed ? buf.view.getInt32(off, LE) : buf.view.getUint32(off, LE);
          else if (len === 8) {
            const b = signed ? buf.view.getBigInt64(off, LE) : buf.view.getBigUint64(off, LE);
            if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER)) return b;
            n = Number(b);
          } else return lengthError(d, 4, len, off);
          return e ? (e.flags ? flagNames(e, n) : enumName(e, n)) : n;
        },
        write(w, t, v, p) {
          const x = e ? enumValue(e, v, p) : v;
          const big = checkInt(signed ? 's64' : 'u64', x, p) as bigint;
          // NLA_UINT: 4 bytes when the value fits, as the kernel's own nla_put_uint does.
          if (signed ? big >= -0x80000000n && big <= 0x7fffffffn : big <= 0xffffffffn) {
            if (signed) w.attrS32(t, Number(big)); else w.attrU32(t, Number(big));
          } else w.attrU64(t, BigInt.asUintN(64, big));
        },
      };
    }
    case 'pad':
      return { read: () => undefined, write: () => undefined };
    default:
      return intCodec(family, d, d.type as IntType);
  }
}

function intCodec(family: CompiledFamily, d: AttrDecl, type: IntType): { read: Reader; write: Writer } {
  const size = INT_SIZE[type];
  const be = d.byteOrder === 'big-endian';
  const rd = intReader(type, be);
  const e = d.enum ? family.enumOf(d.enum, d.flags) : undefined;
  const hint = d.hint;
  const min = d.checks?.min;
  const max = d.checks?.max;
  const read: Reader = e
    ? (e.flags
      ? (buf, off, len) => { if (len < size) lengthError(d, size, len, off); return flagNames(e, Number(rd(buf.view, off))); }
      : (buf, off, len) => { if (len < size) lengthError(d, size, len, off); return enumName(e, Number(rd(buf.view, off))); })
    : hint
      ? (buf, off, len) => { if (len < size) lengthError(d, size, len, off); return hinted(hint, buf.bytes, off, size); }
      : (buf, off, len) => { if (len < size) lengthError(d, size, len, off); return rd(buf.view, off); };
  return {
    read,
    write(w, t, v, p) {
      if (hint && (typeof v === 'string' || v instanceof Uint8Array)) {
        const b = unhinted(hint, v, p);
        if (b.length !== size) throw new ValidationError(p, `${b.length} bytes, expected ${size}`);
        w.attrBytes(t, b);
        return;
      }
      const n = checkInt(type, e ? enumValue(e, v, p) : v, p);
      if (min !== undefined && n < min) throw new ValidationError(p, `${n} is below the minimum ${min}`);
      if (max !== undefined && n > max) throw new ValidationError(p, `${n} is above the maximum ${max}`);
      writeInt(w, type, be, t, n);
    },
  };
}

function bytesWriter(d: AttrDecl): Writer {
  const exact = d.checks?.exactLen;
  const maxLen = d.checks?.maxLen;
  return (w, t, v, p) => {
    // Hex text is accepted for bytes, so JSON input (the ynl command) can carry them.
    if (typeof v === 'string' && /^([0-9a-fA-F]{2})*$/.test(v)) v = Uint8Array.from(v.match(/../g) ?? [], (x) => parseInt(x, 16));
    if (!(v instanceof Uint8Array)) throw new ValidationError(p, 'expected bytes (Uint8Array or hex text)');
    if (exact !== undefined && v.length !== exact) throw new ValidationError(p, `${v.length} bytes, expected ${exact}`);
    if (maxLen !== undefined && v.length > maxLen) throw new ValidationError(p, `${v.length} bytes, at most ${maxLen}`);
    w.attrBytes(t, v);
  };
}

function binaryCodec(family: CompiledFamily, d: AttrDecl): { read: Reader; write: Writer } {
  if (d.struct) {
    const structName = d.struct;
    return {
      read: (buf, off, len) => family.struct(structName).decode(buf, off, len),
      write(w, t, v, p) {
        if (v instanceof Uint8Array) { w.attrBytes(t, v); return; }
        const at = w.attrOpen(t);
        family.struct(structName).encode(w, v as Record<string, unknown>, p);
        w.attrClose(at);
      },
    };
  }
  if (d.subType && d.subType in INT_SIZE) {
    const type = d.subType as IntType;
    const size = INT_SIZE[type];
    const rd = intReader(type, d.byteOrder === 'big-endian');
    const wr = intWriter(type, d.byteOrder === 'big-endian');
    return {
      read(buf, off, len) {
        const out: unknown[] = [];
        for (let o = off; o + size <= off + len; o += size) out.push(rd(buf.view, o));
        return out;
      },
      write(w, t, v, p) {
        if (v instanceof Uint8Array) { w.attrBytes(t, v); return; }
        if (!Array.isArray(v)) throw new ValidationError(p, `expected an array of ${type}`);
        const at = w.attrOpen(t);
        v.forEach((n, i) => wr(w, checkInt(type, n, `${p}[${i}]`)));
        w.attrClose(at);
      },
    };
  }
  const hint = d.hint;
  if (hint) {
    const plain = bytesWriter(d);
    return {
      read: (buf, off, len) => hinted(hint, buf.bytes, off, len),
      write: (w, t, v, p, sib) => plain(w, t, unhinted(hint, v, p), p, sib),
    };
  }
  return { read: (buf, off, len) => buf.attrBytes(off, len), write: bytesWriter(d) };
}

function indexedArrayCodec(family: CompiledFamily, set: string, d: AttrDecl, nf: number): { read: Reader; write: Writer } {
  const sub = d.subType ?? 'nest';
  let readItem: Reader;
  let writeItem: (w: MessageWriter, t: number, v: unknown, p: string) => void;
  if (sub === 'nest') {
    const setName = d.nested!;
    readItem = (buf, off, len, depth) => family.set(setName).decode(buf, off, off + len, depth + 2);
    writeItem = (w, t, v, p) => {
      const s = w.nestStart(t | nf);
      family.set(setName).encode(w, v as Record<string, unknown>, p);
      w.nestEnd(s);
    };
  } else if (sub in INT_SIZE) {
    const type = sub as IntType;
    const size = INT_SIZE[type];
    const be = d.byteOrder === 'big-endian';
    const rd = intReader(type, be);
    readItem = (buf, off, len) => { if (len < size) lengthError(d, size, len, off); return rd(buf.view, off); };
    writeItem = (w, t, v, p) => { writeInt(w, type, be, t, checkInt(type, v, p)); };
  } else {
    readItem = (buf, off, len) => buf.attrBytes(off, len);
    writeItem = (w, t, v, p) => bytesWriter(d)(w, t, v, p, {});
  }
  return {
    read(buf, off, len, depth) {
      if (depth + 1 > MAX_NESTING_DEPTH) throw new NetlinkDecodeError(`attributes nested deeper than ${MAX_NESTING_DEPTH} levels`, off);
      const items: unknown[] = [];
      walk(buf, off, len, (_type, o, l) => { items.push(readItem(buf, o, l, depth)); });
      return items;
    },
    write(w, t, v, p) {
      if (!Array.isArray(v)) throw new ValidationError(p, 'expected an array');
      const s = w.nestStart(t | nf);
      v.forEach((x, i) => writeItem(w, family.arrayIndex(set, d.name, i), x, `${p}[${i}]`));
      w.nestEnd(s);
    },
  };
}

/** One integer attribute, as the writer's typed methods lay it out (length without padding). */
function writeInt(w: MessageWriter, type: IntType, be: boolean, t: number, n: number | bigint): void {
  switch (type) {
    case 'u8': case 's8': w.attrU8(t, Number(n) & 0xff); return;
    case 'u16': case 's16': if (be) w.attrBe16(t, Number(n) & 0xffff); else w.attrU16(t, Number(n) & 0xffff); return;
    case 'u32': case 's32': if (be) w.attrBe32(t, Number(n) >>> 0); else w.attrU32(t, Number(n) >>> 0); return;
    case 'u64': case 's64': {
      const u = BigInt.asUintN(64, BigInt(n));
      if (be) w.attrBe64(t, u); else w.attrU64(t, u);
    }
  }
}

/** A bounds-checked TLV walk of one level (used for arrays; sets inline their own loop). */
function walk(buf: NetlinkBuffer, off: number, len: number, visit: (type: number, off: number, len: number) => void): void {
  const end = off + len;
  const view = buf.view;
  let pos = off;
  while (end - pos >= NLA_HDRLEN) {
    const l = view.getUint16(pos, LE);
    const t = view.getUint16(pos + 2, LE);
    if (l < NLA_HDRLEN) throw new NetlinkDecodeError(`attribute length ${l} is below the 4-byte header`, pos);
    if (l > end - pos) throw new NetlinkDecodeError(`attribute type ${t & NLA_TYPE_MASK} claims ${l} bytes, only ${end - pos} remain`, pos);
    visit(t & NLA_TYPE_MASK, pos + NLA_HDRLEN, l - NLA_HDRLEN);
    pos += (l + 3) & ~3;
  }
}

