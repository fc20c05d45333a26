// The contract each expression kind fulfils: encode the attributes inside NFTA_EXPR_DATA,
// decode them back, and print them the way libnftnl does (`nft --debug=netlink`).
import { ValidationError } from '../../netlink/errors.js';
import type { MessageWriter } from '../../netlink/writer.js';
import type { Attrs } from '../codec.js';

export interface ExprCodec<E extends { type: string }> {
  /** NFTA_EXPR_NAME: the kernel's name of the expression type. */
  readonly name: string;
  /** Attribute types of NFTA_EXPR_DATA this codec understands; any other makes decode keep the expression raw. */
  readonly attributes: ReadonlySet<number>;
  encode(w: MessageWriter, e: E): void;
  decode(a: Attrs, depth: number): E;
  /** libnftnl's text after the name, e.g. "load 2b @ network header + 12 => reg 1 ". */
  format(e: E): string;
}

/** Look a name up in a table, falling back to the number for values the table lacks. */
export function nameOf<T extends string>(table: readonly (T | undefined)[], n: number): T | number {
  return table[n] ?? n;
}

export function numberOf<T extends string>(table: readonly (T | undefined)[], v: T | number, what: string): number {
  if (typeof v === 'number') return v;
  const i = table.indexOf(v);
  if (i < 0) throw new ValidationError(what, `unknown ${what} ${String(v)}`);
  return i;
}
