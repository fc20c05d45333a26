// Rules: a list of expressions in a chain, evaluated in order; identified by a handle.
import type { MessageWriter } from '../netlink/writer.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import {
  NFTA_RULE_CHAIN, NFTA_RULE_EXPRESSIONS, NFTA_RULE_HANDLE, NFTA_RULE_ID, NFTA_RULE_POSITION, NFTA_RULE_POSITION_ID,
  NFTA_RULE_TABLE, NFTA_RULE_USERDATA,
} from './constants.js';
import { attrName, decodeCommentUdata, encodeCommentUdata, familyName, messageAttributes, nest, readNfgen, type Family } from './codec.js';
import { decodeExpressions, encodeExpressions, formatExpression, type Expression } from './expr/index.js';

/** NFTNL_UDATA_RULE_COMMENT */
const UDATA_RULE_COMMENT = 0;

export interface Rule {
  family: Family;
  table: string;
  chain: string;
  expressions: Expression[];
  /** nft's `comment "..."` (kept in the rule's userdata). */
  comment?: string;
  /** Userdata other than a lone comment, kept raw. */
  userdata?: Uint8Array;
  /** Set by the kernel; give it to replace or delete the rule. */
  handle?: number;
  /** Handle of the rule this one follows (reported in listings; with add/insert, where to put it). */
  position?: number;
  /** NFTA_RULE_ID: names a rule of the same batch (for positionId of later rules). */
  id?: number;
  positionId?: number;
}

/**
 * Attributes of NEWRULE in nft's order. `writeExpressions` (the batch's shape cache) writes
 * the NFTA_RULE_EXPRESSIONS nest in place of the codecs.
 */
export function encodeRule(
  w: MessageWriter, r: Rule, expressions: readonly Expression[] = r.expressions,
  writeExpressions?: (w: MessageWriter, list: readonly Expression[]) => void,
): void {
  attrName(w, NFTA_RULE_TABLE, r.table);
  attrName(w, NFTA_RULE_CHAIN, r.chain);
  if (r.handle !== undefined) w.attrBe64(NFTA_RULE_HANDLE, r.handle);
  if (r.position !== undefined) w.attrBe64(NFTA_RULE_POSITION, r.position);
  if (expressions.length) {
    if (writeExpressions) writeExpressions(w, expressions);
    else {
      const n = nest(w, NFTA_RULE_EXPRESSIONS);
      encodeExpressions(w, expressions);
      w.nestEnd(n);
    }
  }
  // nft writes the userdata (comment) after the expressions.
  const ud = encodeCommentUdata(r.comment, r.userdata, UDATA_RULE_COMMENT);
  if (ud) w.attrBytes(NFTA_RULE_USERDATA, ud);
  if (r.id !== undefined) w.attrBe32(NFTA_RULE_ID, r.id);
  if (r.positionId !== undefined) w.attrBe32(NFTA_RULE_POSITION_ID, r.positionId);
}

/** Attributes naming rules for DELRULE: table, chain (optional: all chains) and handle (optional: all rules). */
export function encodeRuleRef(w: MessageWriter, r: { table?: string; chain?: string; handle?: number }): void {
  if (r.table !== undefined) w.attrString(NFTA_RULE_TABLE, r.table);
  if (r.chain !== undefined) w.attrString(NFTA_RULE_CHAIN, r.chain);
  if (r.handle !== undefined) w.attrBe64(NFTA_RULE_HANDLE, r.handle);
}

export function decodeRule(m: MessageRef): Rule {
  const h = readNfgen(m);
  const a = messageAttributes(m);
  const table = a.str(NFTA_RULE_TABLE);
  const chain = a.str(NFTA_RULE_CHAIN);
  if (table === undefined || chain === undefined) throw new NetlinkDecodeError('rule without NFTA_RULE_TABLE or NFTA_RULE_CHAIN', m.payloadStart);
  const expressions = a.has(NFTA_RULE_EXPRESSIONS)
    ? decodeExpressions(a.buf, a.off(NFTA_RULE_EXPRESSIONS), a.len(NFTA_RULE_EXPRESSIONS), 1)
    : [];
  const r: Rule = { family: familyName(h.family, m.payloadStart), table, chain, expressions };
  Object.assign(r, decodeCommentUdata(a.bytes(NFTA_RULE_USERDATA), UDATA_RULE_COMMENT));
  const handle = a.be64(NFTA_RULE_HANDLE), position = a.be64(NFTA_RULE_POSITION);
  if (handle !== undefined) r.handle = handle;
  if (position !== undefined) r.position = position;
  return r;
}

/** A rule the way `nft --debug=netlink` prints it (header line, then one line per expression). */
export function formatRule(r: Rule): string {
  let s = `${r.family} ${r.table} ${r.chain}`;
  if (r.handle !== undefined) s += ` ${r.handle}`;
  if (r.position !== undefined) s += ` ${r.position}`;
  s += '\n';
  for (const e of r.expressions) s += `  ${formatExpression(e)}\n`;
  const ud = encodeCommentUdata(r.comment, r.userdata, UDATA_RULE_COMMENT);
  if (ud?.length) {
    // libnftnl prints printable bytes as they are and the rest as \xNN, and ends without a newline.
    let u = '';
    for (const c of ud) u += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
    s += `  userdata = { ${u} }`;
  }
  return s;
}
