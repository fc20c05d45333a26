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
import { limit, type LimitExpr } from './limit.js';
import { log, type LogExpr } from './log.js';
import { quota, type QuotaExpr } from './quota.js';
import { reject, type RejectExpr } from './reject.js';
import { queue, type QueueExpr } from './queue.js';
import { redir, type RedirExpr } from './redir.js';
import { notrack, type NotrackExpr } from './notrack.js';
import { numgen, type NumgenExpr } from './numgen.js';
import { hash, type HashExpr } from './hash.js';
import { fib, type FibExpr } from './fib.js';
import { rt, type RtExpr } from './rt.js';
import { socket, type SocketExpr } from './socket.js';
import { tproxy, type TproxyExpr } from './tproxy.js';
import { synproxy, type SynproxyExpr } from './synproxy.js';
import { connlimit, type ConnlimitExpr } from './connlimit.js';
import { dup, type DupExpr } from './dup.js';
import { fwd, type FwdExpr } from './fwd.js';
import { last, type LastExpr } from './last.js';
import { objref, type ObjrefExpr } from './objref.js';
import { flowOffload, type FlowOffloadExpr } from './flow-offload.js';
import { byteorder, type ByteorderExpr } from './byteorder.js';
import { exthdr, type ExthdrExpr } from './exthdr.js';
import { match, target, type MatchExpr, type TargetExpr } from './xt.js';
import { dynset, type DynsetExpr } from './dynset.js';

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
  | MasqExpr | NatExpr | LookupExpr | RangeExpr | DeclaredExpression | UnknownExpr;

/** The kinds declared as attribute tables (declare.ts), plus dynset. */
export type DeclaredExpression =
  | LimitExpr | LogExpr | QuotaExpr | RejectExpr | QueueExpr | RedirExpr | NotrackExpr | NumgenExpr | HashExpr | FibExpr
  | RtExpr | SocketExpr | TproxyExpr | SynproxyExpr | ConnlimitExpr | DupExpr | FwdExpr | LastExpr | ObjrefExpr
  | FlowOffloadExpr | ByteorderExpr | ExthdrExpr | MatchExpr | TargetExpr | DynsetExpr;

export type ExpressionType = Expression['type'];

type AnyCodec = ExprCodec<any>;

/** The declared kinds by `type`, with the hand check each carries (rule-check.ts uses them). */
export const DECLARED = {
  limit, log, quota, reject, queue, redir, notrack, numgen, hash, fib, rt, socket, tproxy, synproxy, connlimit, dup, fwd,
  last, objref, flow_offload: flowOffload, byteorder, exthdr, match, target, dynset,
} satisfies Record<DeclaredExpression['type'], AnyCodec & { check(e: Record<string, unknown>, p: (string | number)[]): void }>;

/** Codec by the `type` of an expression object. `satisfies` makes a missing kind a compile error. */
export const CODECS = {
  payload, meta, cmp, bitwise, immediate, verdict: immediate, counter, ct, masq, nat, lookup, range,
  ...DECLARED,
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
  encodeExpressionAs(w, e, NFTA_LIST_ELEM);
}

/** { NFTA_EXPR_NAME, NFTA_EXPR_DATA } nested as `type` (NFTA_LIST_ELEM in lists, NFTA_DYNSET_EXPR, NFTA_SET_ELEM_EXPR...). */
export function encodeExpressionAs(w: MessageWriter, e: Expression, type: number): void {
  const elem = nest(w, type);
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
    // An expression without attributes (notrack) goes without NFTA_EXPR_DATA, as libnftnl sends it.
    if (codec.attributes.size) {
      const d = nest(w, NFTA_EXPR_DATA);
      codec.encode(w, e);
      w.nestEnd(d);
    }
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
  // An expression without attributes (notrack) may come without NFTA_EXPR_DATA at all.
  const data = codec && a.has(NFTA_EXPR_DATA) ? a.nested(NFTA_EXPR_DATA, depth + 1)!
    : codec && codec.attributes.size === 0 ? new Attrs(buf, off, off) : undefined;
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
  LimitExpr, LogExpr, QuotaExpr, RejectExpr, QueueExpr, RedirExpr, NotrackExpr, NumgenExpr, HashExpr, FibExpr, RtExpr,
  SocketExpr, TproxyExpr, SynproxyExpr, ConnlimitExpr, DupExpr, FwdExpr, LastExpr, ObjrefExpr, FlowOffloadExpr,
  ByteorderExpr, ExthdrExpr, MatchExpr, TargetExpr, DynsetExpr,
};
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
