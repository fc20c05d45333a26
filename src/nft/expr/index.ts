// The expression registry: every kind the builder can encode has a codec here, so decode
// can never lag behind encode (test/nft-expr.test.ts walks this table). Expressions the
// registry does not know, or known ones carrying attributes it does not know, are kept raw
// (name + bytes) and re-encoded byte for byte: nothing the kernel reports is dropped.
import type { MessageWriter } from '../../netlink/writer.js';
import type { NetlinkBuffer } from '../../netlink/reader.js';
import { NetlinkDecodeError, ValidationError } from '../../netlink/errors.js';
import { NFTA_EXPR_DATA, NFTA_EXPR_NAME, NFTA_LIST_ELEM } from '../constants.js';
import { Attrs, attrName, hex, nest } from '../codec.js';
import type { ExprCodec } from './codec.js';
import { payload, type PayloadExpr } from './payload.js';
import { meta, type MetaExpr } from './meta.js';
import { cmp, type CmpExpr } from './cmp.js';
import { bitwise, type BitwiseExpr } from './bitwise.js';
import { immediate, type ImmediateExpr, type VerdictExpr } from './immediate.js';
import { counter, type CounterExpr } from './counter.js';
import { ct, type CtExpr } from './ct.js';
import { masq, type MasqExpr } from './masq.js';
import { nat, type NatExpr } from './nat.js';
import { lookup, type LookupExpr } from './lookup.js';
import { range, type RangeExpr } from './range.js';
import { walkNested } from '../../netlink/reader.js';

/** An expression the registry has no codec for, kept as the kernel sent it. */
export interface UnknownExpr {
  type: 'unknown';
  /** NFTA_EXPR_NAME ("log", "limit", ...). */
  name: string;
  /** The payload of NFTA_EXPR_DATA (attributes), or undefined when the kernel sent none. */
  data?: Uint8Array;
}

export type Expression =
  | PayloadExpr | MetaExpr | CmpExpr | BitwiseExpr | ImmediateExpr | VerdictExpr | CounterExpr | CtExpr
  | MasqExpr | NatExpr | LookupExpr | RangeExpr | UnknownExpr;

export type ExpressionType = Expression['type'];

type AnyCodec = ExprCodec<any>;

/** Codec by the `type` of an expression object. `satisfies` makes a missing kind a compile error. */
export const CODECS = {
  payload, meta, cmp, bitwise, immediate, verdict: immediate, counter, ct, masq, nat, lookup, range,
} satisfies Record<Exclude<ExpressionType, 'unknown'>, AnyCodec>;

/** Codec by kernel name. */
const BY_NAME = new Map<string, AnyCodec>(Object.values(CODECS).map((c) => [c.name, c]));

/** Expression types the registry encodes and decodes (all but 'unknown'). */
export const EXPRESSION_TYPES = Object.keys(CODECS) as Exclude<ExpressionType, 'unknown'>[];

/** The kernel's name for an expression object. */
export function expressionName(e: Expression): string {
  return e.type === 'unknown' ? e.name : CODECS[e.type].name;
}

/** Write one NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { ... } }. */
export function encodeExpression(w: MessageWriter, e: Expression): void {
  const elem = nest(w, NFTA_LIST_ELEM);
  if (e.type === 'unknown') {
    w.attrString(NFTA_EXPR_NAME, e.name);
    if (e.data) {
      const d = nest(w, NFTA_EXPR_DATA);
      w.raw(e.data);
      w.nestEnd(d);
    }
  } else {
    const codec = CODECS[e.type] as AnyCodec | undefined;
    if (!codec) throw new ValidationError('expression.type', `unknown expression type ${String((e as { type: unknown }).type)}`);
    attrName(w, NFTA_EXPR_NAME, codec.name);
    const d = nest(w, NFTA_EXPR_DATA);
    codec.encode(w, e);
    w.nestEnd(d);
  }
  w.nestEnd(elem);
}

/** Write a list of expressions (the content of NFTA_RULE_EXPRESSIONS). */
export function encodeExpressions(w: MessageWriter, list: readonly Expression[]): void {
  for (const e of list) encodeExpression(w, e);
}

/** Decode one expression from the payload of an NFTA_LIST_ELEM. */
export function decodeExpression(buf: NetlinkBuffer, off: number, len: number, depth: number): Expression {
  const a = Attrs.nested(buf, off, len, depth);
  const name = a.str(NFTA_EXPR_NAME);
  if (name === undefined) throw new NetlinkDecodeError('expression without NFTA_EXPR_NAME', off);
  const codec = BY_NAME.get(name);
  // Only a known expression's data is parsed as attributes; an unknown one's stays bytes.
  const data = codec && a.has(NFTA_EXPR_DATA) ? a.nested(NFTA_EXPR_DATA, depth + 1)! : undefined;
  if (codec && data) {
    let known = true;
    for (const t of data.types()) if (!codec.attributes.has(t)) known = false;
    if (known) return codec.decode(data, depth + 2) as Expression;
  }
  const raw: UnknownExpr = { type: 'unknown', name };
  if (a.has(NFTA_EXPR_DATA)) {
    const data = a.bytes(NFTA_EXPR_DATA)!;
    // Attributes inside a nest are padded to 4 bytes; the kernel always pads. Unpadded data
    // (hostile or broken input) is padded here, the way it will be read back once re-encoded.
    raw.data = data.length % 4 ? (() => { const p = new Uint8Array((data.length + 3) & ~3); p.set(data); return p; })() : data;
  }
  return raw;
}

/** Decode a list of NFTA_LIST_ELEM expressions. */
export function decodeExpressions(buf: NetlinkBuffer, off: number, len: number, depth: number): Expression[] {
  const out: Expression[] = [];
  walkNested(buf, off, len, depth, (type, o, l) => {
    if (type === NFTA_LIST_ELEM) out.push(decodeExpression(buf, o, l, depth + 1));
  });
  return out;
}

/** One expression as `nft --debug=netlink` prints it: "[ cmp eq reg 1 0x0000a8c0 ]". */
export function formatExpression(e: Expression): string {
  if (e.type === 'unknown') return `[ ${e.name} ${e.data ? `(raw ${hex(e.data)}) ` : ''}]`;
  const codec = CODECS[e.type] as AnyCodec;
  return `[ ${codec.name} ${codec.format(e)}]`;
}

export type {
  PayloadExpr, MetaExpr, CmpExpr, BitwiseExpr, ImmediateExpr, VerdictExpr, CounterExpr, CtExpr, MasqExpr, NatExpr,
  LookupExpr, RangeExpr,
};
export type { ExprCodec } from './codec.js';
export { META_KEYS, type MetaKey } from './meta.js';
export { CT_KEYS, type CtKey } from './ct.js';
export type { PayloadBase } from './payload.js';
export type { CmpOp } from './cmp.js';
export type { BitwiseMaskXor, BitwiseShift } from './bitwise.js';
