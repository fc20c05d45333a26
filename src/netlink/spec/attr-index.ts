// An attribute index: one pass over an attribute area that records where each declared
// attribute is (as the kernel's nla_parse fills tb[]), for decoders on hot paths that build
// their own objects (a route dump of a million routes) and would otherwise pay for an
// intermediate object keyed by spec names. The declaration still decides everything the
// codec decides: which types are known, the length each needs, and what is kept raw (types
// not declared, or left out of the index), in wire order. Straight-line code, as compile.ts.
import { NLA_TYPE_MASK } from '../constants.js';
import { NetlinkDecodeError } from '../errors.js';
import { rawAttribute, type NetlinkBuffer, type RawAttribute } from '../reader.js';
import type { AttrDecl } from './types.js';

/** What one index pass found. Reused from call to call: read it before the next pass. */
export interface AttrIndex {
  /** Bit (t & 31) of word t >> 5 is set when an attribute of type t was indexed. */
  readonly present: Uint32Array;
  /** Payload offset of the last attribute of each indexed type (valid where present). */
  readonly off: Int32Array;
  /** Its payload length. */
  readonly len: Int32Array;
  /** The attributes not indexed, whole and in wire order; undefined when there were none. */
  raw: RawAttribute[] | undefined;
}

export interface IndexOptions {
  /**
   * Minimum payload lengths by attribute name beyond what the type needs (a binary struct the
   * reader will read whole): a shorter one is a NetlinkDecodeError naming the attribute.
   */
  minLen?: Readonly<Record<string, number>>;
}

export interface AttrIndexer {
  /** Type number of each indexed attribute by name. */
  readonly types: Readonly<Record<string, number>>;
  /** A new index to pass to index() (one per decoder, reused: no allocation per pass). */
  create(): AttrIndex;
  /**
   * Indexes the attributes in [start, end) into idx. Each header is checked against what
   * remains, each indexed attribute against the length its type needs; trailing bytes after the
   * last attribute must be zero (padding). Throws NetlinkDecodeError with the offset.
   */
  index(buf: NetlinkBuffer, start: number, end: number, idx: AttrIndex): AttrIndex;
}

/** Payload bytes an attribute's type needs to be read. */
const NEEDS: Partial<Record<string, number>> = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8, uint: 4, sint: 4, bitfield32: 8 };

export function compileIndexer(set: string, decls: readonly AttrDecl[], opts: IndexOptions): AttrIndexer {
  const attrs = decls.filter((d) => d.type !== 'pad');
  const types: Record<string, number> = {};
  let max = 0;
  for (const d of attrs) { types[d.name] = d.value; if (d.value > max) max = d.value; }
  const words = (max >> 5) + 1;
  const cases = attrs.map((d, i) => {
    const need = Math.max(NEEDS[d.type] ?? 0, opts.minLen?.[d.name] ?? 0);
    const check = need ? `if (l < ${need}) short(${i}, ${need}, l, o); ` : '';
    return `case ${d.value}: ${check}off[${d.value}] = o; len[${d.value}] = l; p${d.value >> 5} |= ${(1 << (d.value & 31)) >>> 0}; break;`;
  });
  const ps = Array.from({ length: words }, (_, w) => `p${w}`);
  const body = `return function index_${set.replace(/[^A-Za-z0-9_]/g, '_')}(buf, start, end, x) {
  const view = buf.view; const bytes = buf.bytes; const off = x.off; const len = x.len;
  let ${ps.map((p) => `${p} = 0`).join(', ')}; let raw; let pos = start;
  if (end > buf.length) bad('attribute area ends at ' + end + ', past the buffer (' + buf.length + ')', start);
  while (end - pos >= 4) {
    ${tlvHeader('alen')}
    const o = pos + 4; const l = alen - 4;
    switch (rawType & 0x3fff) {
    ${cases.join('\n    ')}
    default: if (raw === undefined) raw = []; raw.push(rawAttr(buf, rawType, o, l));
    }
    pos += (alen + 3) & ~3;
  }
  for (; pos < end; pos++) if (bytes[pos] !== 0) bad((end - pos) + ' trailing bytes after the last attribute', pos);
  const present = x.present; ${ps.map((p, w) => `present[${w}] = ${p};`).join(' ')}
  x.raw = raw;
  return x;
};
//# sourceURL=netlinkts-index/${set}`;
  const bad = (what: string, off: number): never => { throw new NetlinkDecodeError(what, off); };
  const short = (i: number, want: number, len: number, off: number): never => {
    const d = attrs[i]!;
    throw new NetlinkDecodeError(`${d.name} (${d.type}) has ${len} bytes, needs ${want}`, off);
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const index = new Function('bad', 'short', 'rawAttr', body)(bad, short, rawAttr) as AttrIndexer['index'];
  return {
    types: Object.freeze(types),
    create: () => ({ present: new Uint32Array(words), off: new Int32Array(max + 1), len: new Int32Array(max + 1), raw: undefined }),
    index,
  };
}

/**
 * The head of every generated TLV walk (here and in compile.ts's set decoders): read one
 * attribute's length and type at `pos` and refuse a length below the header or past `end`.
 */
export function tlvHeader(len: string): string {
  return `const ${len} = view.getUint16(pos, true); const rawType = view.getUint16(pos + 2, true);
    if (${len} < 4) bad('attribute length ' + ${len} + ' is below the 4-byte header', pos);
    if (${len} > end - pos) bad('attribute type ' + (rawType & 0x3fff) + ' claims ' + ${len} + ' bytes, only ' + (end - pos) + ' remain', pos);`;
}

/** An attribute a generated walk does not interpret, kept with its flags. */
export function rawAttr(buf: NetlinkBuffer, rawType: number, off: number, len: number): RawAttribute {
  return rawAttribute(buf, rawType & NLA_TYPE_MASK, off, len, rawType);
}
