// Expressions declared as data: a table of (field, attribute, kind) in the order libnftnl
// writes them, from which one generic function each encodes, decodes, formats and checks.
// Most expression kinds are nothing more than a handful of big-endian u32s and a name; only
// the ones with structure of their own (payload, bitwise, cmp, ...) keep hand-written codecs.
import type { MessageWriter } from '../../netlink/writer.js';
import { ValidationError } from '../../netlink/errors.js';
import { NFTA_DATA_VALUE } from '../constants.js';
import { hex, writeDataValue, type Attrs } from '../codec.js';
import type { ExprCodec } from './codec.js';

export type FieldKind =
  /** big-endian u32 (NLA_U32 as nftables sends it) */
  | 'u32'
  /** big-endian u64 */
  | 'u64'
  /** big-endian u16 */
  | 'u16'
  | 'u8'
  /** a register number (big-endian u32, 0-4 or 8-23) */
  | 'reg'
  /** NUL-terminated string */
  | 'string'
  /** string without the NUL (libnftnl's mnl_attr_put_str, e.g. objref names) */
  | 'str'
  /** raw bytes (xt match/target info, secmark context) */
  | 'bytes'
  /** { NFTA_DATA_VALUE bytes } */
  | 'data';

export interface FieldDecl {
  /** Property name on the expression object. */
  key: string;
  /** NFTA_* attribute number inside NFTA_EXPR_DATA. */
  attr: number;
  kind: FieldKind;
  /** Names for the values of a u32/u8 field (index = value), accepted as strings. */
  names?: readonly (string | undefined)[];
  required?: boolean;
  /** Longest string (bytes, NUL excluded) or bytes value. */
  max?: number;
}

export interface DeclaredCodec<E extends { type: string }> extends ExprCodec<E> {
  readonly type: E['type'];
  readonly fields: readonly FieldDecl[];
  /** Hand-made check of an expression object (rule-check.ts runs it for rules). */
  check(e: Record<string, unknown>, path: (string | number)[]): void;
}

const enc = new TextEncoder();

function fail(path: (string | number)[], key: string | undefined, problem: string): never {
  throw new ValidationError(['rule', ...path, ...(key ? [key] : [])].join('.'), problem);
}

function numberOfName(f: FieldDecl, v: unknown): number {
  if (typeof v === 'number') return v;
  const i = f.names ? f.names.indexOf(v as string) : -1;
  if (i < 0) throw new TypeError(`unknown ${f.key} ${String(v)}`);
  return i;
}

/** A codec (and checker) for an expression that is a flat list of attributes. */
export function declareExpr<E extends { type: string }>(type: E['type'], name: string, fields: readonly FieldDecl[], extra: Partial<Pick<ExprCodec<E>, 'format'>> = {}): DeclaredCodec<E> {
  const allowed = new Set(['type', ...fields.map((f) => f.key)]);
  return {
    type, name, fields,
    attributes: new Set(fields.map((f) => f.attr)),

    encode(w: MessageWriter, e: E): void {
      const o = e as unknown as Record<string, unknown>;
      for (const f of fields) {
        const v = o[f.key];
        if (v === undefined) continue;
        switch (f.kind) {
          case 'u32': case 'reg': w.attrBe32(f.attr, numberOfName(f, v)); break;
          case 'u64': w.attrBe64(f.attr, v as number); break;
          case 'u16': w.attrBe16(f.attr, v as number); break;
          case 'u8': w.attrU8(f.attr, numberOfName(f, v)); break;
          case 'string': w.attrString(f.attr, v as string); break;
          case 'str': w.attrString(f.attr, v as string, false); break;
          case 'bytes': w.attrBytes(f.attr, v as Uint8Array); break;
          case 'data': writeDataValue(w, f.attr, v as Uint8Array); break;
        }
      }
    },

    decode(a: Attrs, depth: number): E {
      const o: Record<string, unknown> = { type };
      for (const f of fields) {
        if (!a.has(f.attr)) continue;
        let v: unknown;
        switch (f.kind) {
          case 'u32': case 'reg': v = a.be32(f.attr); break;
          case 'u64': v = a.be64(f.attr); break;
          case 'u16': v = a.buf.attrBe16(a.off(f.attr), a.len(f.attr)); break;
          case 'u8': v = a.u8(f.attr); break;
          case 'string': case 'str': v = a.str(f.attr); break;
          case 'bytes': v = a.bytes(f.attr); break;
          case 'data': v = a.nested(f.attr, depth)?.bytes(NFTA_DATA_VALUE); break;
        }
        if (f.names && typeof v === 'number' && f.names[v] !== undefined) v = f.names[v];
        o[f.key] = v;
      }
      return o as unknown as E;
    },

    format: extra.format ?? ((e: E): string => {
      const o = e as unknown as Record<string, unknown>;
      let s = '';
      for (const f of fields) {
        const v = o[f.key];
        if (v === undefined) continue;
        const text = v instanceof Uint8Array ? `0x${hex(v)}` : f.kind === 'reg' ? `reg ${String(v)}` : String(v);
        s += `${f.key} ${text} `;
      }
      return s;
    }),

    check(e: Record<string, unknown>, path: (string | number)[]): void {
      for (const k in e) if (!allowed.has(k) && e[k] !== undefined) fail(path, undefined, `Unrecognized key(s) in object: '${k}'`);
      for (const f of fields) {
        const v = e[f.key];
        if (v === undefined) {
          if (f.required) fail(path, f.key, 'is required');
          continue;
        }
        switch (f.kind) {
          case 'u32': case 'u16': case 'u8': case 'u64': {
            if (typeof v === 'string' && f.names?.includes(v)) break;
            const max = f.kind === 'u8' ? 0xff : f.kind === 'u16' ? 0xffff : f.kind === 'u32' ? 0xffffffff : Number.MAX_SAFE_INTEGER;
            if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
              fail(path, f.key, f.names ? `must be one of ${f.names.filter(Boolean).join(', ')} or an integer 0-${max}` : `must be an integer 0-${max}`);
            }
            break;
          }
          case 'reg':
            if (typeof v !== 'number' || !Number.isInteger(v) || !((v >= 0 && v <= 4) || (v >= 8 && v <= 23))) {
              fail(path, f.key, 'must be a register: 0-4 (NFT_REG_VERDICT, NFT_REG_1..4) or 8-23 (NFT_REG32_00..15)');
            }
            break;
          case 'string': case 'str': {
            if (typeof v !== 'string') fail(path, f.key, 'must be a string');
            if (v.includes('\0')) fail(path, f.key, 'must not contain NUL');
            const max = f.max ?? 255;
            if (enc.encode(v).length > max) fail(path, f.key, `must be at most ${max} bytes`);
            break;
          }
          case 'bytes': case 'data':
            if (!(v instanceof Uint8Array)) fail(path, f.key, 'must be a Uint8Array');
            if (f.max !== undefined && v.length > f.max) fail(path, f.key, `must be at most ${f.max} bytes`);
            if (f.kind === 'data' && (v.length < 1 || v.length > 64)) fail(path, f.key, 'must hold 1 to 64 bytes (NFT_DATA_VALUE_MAXLEN)');
            break;
        }
      }
    },
  };
}
