// The folded model of a rule: nft-level expressions (a header field, a meta key, a binary
// operation, a concatenation, a map lookup) and statements (a relation, a mangle, or one of the
// action statements), built from the register-level expressions by ./registers.ts and printed
// by ./print.ts (text) and ../json/ (libnftables JSON).
import type { ByteOrder } from './types.js';

/** A value in a register before a consumer gives it a type (an immediate constant). */
export interface Constant { t: 'const'; value: Uint8Array; type?: undefined; bytes?: undefined; order?: undefined }

export type NExpr =
  | { t: 'payload'; proto: string; field: string; type: string; bytes: number; order: ByteOrder; /** address prefix loaded partially */ prefix?: number; /** bit shift of a bitfield value */ shift?: number; raw?: string }
  | { t: 'meta'; key: string; bare: boolean; type: string; bytes: number; order: ByteOrder }
  | { t: 'ct'; key: string; dir?: string; type: string; bytes: number; order: ByteOrder; /** the key as nft -j names it, when not `key` (generic saddr/daddr) */ json?: string }
  | { t: 'rt'; key: string; type: string; bytes: number; order: ByteOrder }
  | { t: 'socket'; key: string; type: string; bytes: number; order: ByteOrder; level?: number }
  | { t: 'fib'; flags: string[]; result: string; type: string; bytes: number; order: ByteOrder }
  | { t: 'numgen'; mode: string; mod: number; offset?: number; type: string; bytes: number; order: ByteOrder }
  | { t: 'hash'; kind: 'jhash' | 'symhash'; of?: NExpr; mod: number; seed?: number; offset?: number; type: string; bytes: number; order: ByteOrder }
  | { t: 'exthdr'; desc: string; field: string; type: string; bytes: number; order: ByteOrder; exists?: boolean; /** bit shift of a bitfield value */ shift?: number }
  | { t: 'binop'; op: '&' | '|' | '^' | '>>' | '<<'; left: NExpr; right: Uint8Array; right2?: Uint8Array; type: string; bytes: number; order: ByteOrder }
  | { t: 'concat'; parts: NExpr[]; type: string; bytes: number; order: ByteOrder }
  | { t: 'map'; key: NExpr; set: string; type: string; bytes: number; order: ByteOrder }
  /** ipsec in/out (xfrm.c): `family` names the address keys' protocol. */
  | { t: 'xfrm'; dir: string; spnum: number; key: string; family?: string; type: string; bytes: number; order: ByteOrder }
  /** osf (passive OS fingerprint): the genre name or name:version, ttl check loose/skip. */
  | { t: 'osf'; key: 'name' | 'version'; ttl?: string; type: string; bytes: number; order: ByteOrder }
  | Constant
  | { t: 'raw'; text: string; type: string; bytes: number; order: ByteOrder };

/** Right-hand side of a relation. */
export type Rhs =
  | { v: 'value'; bytes: Uint8Array }
  | { v: 'prefix'; bytes: Uint8Array; len: number }
  | { v: 'range'; from: Uint8Array; to: Uint8Array }
  | { v: 'set'; set: string }
  | { v: 'flags'; mask: Uint8Array }
  | { v: 'masked'; value: Uint8Array; mask: Uint8Array }
  | { v: 'bool'; exists: boolean };

export type Stmt =
  | { s: 'match'; left: NExpr; op: string; right: Rhs }
  | { s: 'vmap'; key: NExpr; set: string }
  | { s: 'mangle'; target: NExpr; value: NExpr }
  | { s: 'verdict'; verdict: string; chain?: string }
  | { s: 'counter'; packets: bigint; bytes: bigint }
  | { s: 'nat'; kind: 'snat' | 'dnat' | 'masquerade' | 'redirect'; family?: string; addr?: NExpr; addrMax?: NExpr; proto?: NExpr; protoMax?: NExpr; flags: string[] }
  | { s: 'dynset'; op: string; set: string; key: NExpr; data?: NExpr; timeout?: bigint; stmts: Stmt[] }
  | { s: 'objref'; kind: string; name?: string; map?: { key: NExpr; set: string } }
  | { s: 'tproxy'; family?: string; addr?: NExpr; port?: NExpr }
  | { s: 'dup' | 'fwd'; addr?: NExpr; dev?: NExpr; family?: string }
  | { s: 'xt'; text: string; kind: 'match' | 'target'; name: string; rev: number }
  /** A statement with no register operands, printed as is (log, limit, quota, reject, ...). */
  | { s: 'plain'; kind: string; text: string; json?: unknown };
