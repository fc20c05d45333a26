// Building attribute schemas for the generic tree (attribute-tree.ts) from a family's
// constants modules: names come from the UAPI-named exports, formats from short tables here.
import type { AttrFormat, AttrSchema, AttrSpec, HeaderSpec } from './attribute-tree.js';
import type { NetlinkBuffer } from './reader.js';

export type SpecOverride = AttrFormat | Omit<AttrSpec, 'name'>;

/**
 * A schema for the constants named PREFIX* in `mod` (excluding names starting with one of
 * `exclude`), with formats from `formats` (keyed by the full constant name). Named attributes
 * without a format entry are shown with `fallback` ('auto': an integer when 1/2/4/8 bytes).
 */
export function enumSchema(
  mod: Record<string, unknown>, prefix: string, formats: Record<string, SpecOverride> = {},
  opts: { exclude?: readonly string[]; fallback?: AttrFormat; extra?: Record<number, string> } = {},
): AttrSchema {
  const map = new Map<number, AttrSpec>();
  const exclude = opts.exclude ?? [];
  const add = (name: string, value: number): void => {
    if (map.has(value)) return;
    const f = formats[name];
    const spec: AttrSpec = typeof f === 'string' ? { name, format: f } : f ? { name, ...f } : { name, format: opts.fallback ?? 'auto' };
    map.set(value, spec);
  };
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== 'number' || !name.startsWith(prefix)) continue;
    if (name.endsWith('_UNSPEC') || name.endsWith('_PAD') || name.endsWith('_MAX') || name.endsWith('_ALIGNTO')) continue;
    if (exclude.some((e) => name.startsWith(e))) continue;
    add(name, value);
  }
  for (const [value, name] of Object.entries(opts.extra ?? {})) add(name, Number(value));
  // Padding attributes exist in many families; name them so their hex is not mistaken for data.
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value === 'number' && name.startsWith(prefix) && name.endsWith('_PAD') && !map.has(value)) map.set(value, { name, format: 'binary' });
  }
  return { attrs: map };
}

/** Names of a family of constants by value (e.g. RTM_*), for message types and enum values. */
export function enumNames(mod: Record<string, unknown>, prefix: string, exclude: readonly string[] = []): Map<number, string> {
  const map = new Map<number, string>();
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value !== 'number' || !name.startsWith(prefix)) continue;
    if (exclude.some((e) => name.startsWith(e))) continue;
    if (!map.has(value)) map.set(value, name);
  }
  return map;
}

/** x32: a u32 shown as hex text (flag words). */
type FieldKind = 'u8' | 'u16' | 'u32' | 'x32' | 's32' | 'be16' | 'be32' | 'u64';

/** A fixed header (ifinfomsg, rtmsg...) as a list of [name, kind] fields; 'pad' bytes are skipped. */
export function structHeader(name: string, fields: ReadonlyArray<readonly [string, FieldKind | number]>): HeaderSpec {
  let size = 0;
  for (const [, k] of fields) size += typeof k === 'number' ? k : FIELD_SIZE[k];
  return {
    name,
    size,
    decode(buf: NetlinkBuffer, off: number): Record<string, unknown> {
      return readStruct(buf, off, fields);
    },
  };
}

const FIELD_SIZE: Record<FieldKind, number> = { u8: 1, u16: 2, u32: 4, x32: 4, s32: 4, be16: 2, be32: 4, u64: 8 };

export function readStruct(buf: NetlinkBuffer, off: number, fields: ReadonlyArray<readonly [string, FieldKind | number]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let p = off;
  for (const [field, k] of fields) {
    if (typeof k === 'number') { p += k; continue; }
    switch (k) {
      case 'u8': out[field] = buf.u8(p); break;
      case 'u16': out[field] = buf.u16(p); break;
      case 'u32': out[field] = buf.u32(p); break;
      case 'x32': out[field] = `0x${buf.u32(p).toString(16)}`; break;
      case 's32': out[field] = buf.s32(p); break;
      case 'be16': out[field] = buf.be16(p); break;
      case 'be32': out[field] = buf.be32(p); break;
      case 'u64': { const v = buf.u64(p); out[field] = v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString(); break; }
    }
    p += FIELD_SIZE[k];
  }
  return out;
}

/** A struct attribute spec: fields decoded when the payload is long enough, hex always. */
export function structAttr(fields: ReadonlyArray<readonly [string, FieldKind | number]>): Omit<AttrSpec, 'name'> {
  let size = 0;
  for (const [, k] of fields) size += typeof k === 'number' ? k : FIELD_SIZE[k];
  return {
    struct: (buf, off, len) => (len >= size ? readStruct(buf, off, fields) : {}),
  };
}
