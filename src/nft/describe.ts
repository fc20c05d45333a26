// Naming the part of a request the kernel pointed at (extended-ACK offset): "expression #2
// (cmp) NFTA_CMP_DATA" instead of "attribute path 4/1/2/3". Names come from the constants
// module, so they are the kernel's own.
import { NetlinkDecodeError } from '../netlink/errors.js';
import * as C from './constants.js';
import { NetlinkBuffer, walkAttributes } from '../netlink/reader.js';
import { NFT_ATTRS_OFFSET } from './codec.js';

export type ObjectKind = 'table' | 'chain' | 'rule' | 'set' | 'element' | 'gen';

const PREFIX: Record<ObjectKind, string> = {
  table: 'NFTA_TABLE_', chain: 'NFTA_CHAIN_', rule: 'NFTA_RULE_', set: 'NFTA_SET_', element: 'NFTA_SET_ELEM_LIST_', gen: 'NFTA_GEN_',
};

const byPrefix = new Map<string, Map<number, string>>();

/** Attribute name for `type` among the constants starting with `prefix` (e.g. NFTA_CMP_). */
export function attributeName(prefix: string, type: number): string {
  let m = byPrefix.get(prefix);
  if (!m) {
    m = new Map();
    const entries = Object.entries(C);
    const names = new Set(entries.map(([k]) => k));
    for (const [k, v] of entries) {
      if (typeof v === 'number' && k.startsWith(prefix) && !k.endsWith('_UNSPEC') && !k.endsWith('_MAX') && !m.has(v)) {
        // Names of a nested enum share the prefix (NFTA_RULE_COMPAT_PROTO = 1 beside
        // NFTA_RULE_TABLE = 1, NFTA_SET_ELEM_KEY beside NFTA_SET_KEY_TYPE): skip a name whose first
        // word after the prefix opens an enum of its own, known by that enum's _UNSPEC.
        const rest = k.slice(prefix.length);
        const cut = rest.indexOf('_');
        if (cut > 0 && names.has(`${prefix}${rest.slice(0, cut)}_UNSPEC`)) continue;
        m.set(v, k);
      }
    }
    byPrefix.set(prefix, m);
  }
  return m.get(type) ?? `${prefix}${type}`;
}

interface Found { type: number; off: number; len: number }

function attributeAt(buf: NetlinkBuffer, start: number, end: number, offset: number): { found?: Found; index: number } {
  let found: Found | undefined;
  let index = -1;
  let i = 0;
  try {
    walkAttributes(buf, start, end, (type, off, len) => {
      if (!found && offset >= off - 4 && offset < off + Math.max(len, 1)) { found = { type, off, len }; index = i; }
      i++;
    });
  } catch (err) {
    if (!(err instanceof NetlinkDecodeError)) throw err;
    // a malformed tail cannot be named; what was found so far stands
  }
  return { found, index };
}

/**
 * Describe the attribute at byte `offset` of one nftables message (nlmsghdr + nfgenmsg +
 * attributes) of the given kind. Returns undefined when the offset is outside the attributes.
 */
export function describeOffset(message: Uint8Array, kind: ObjectKind, offset: number): string | undefined {
  const buf = new NetlinkBuffer(message);
  const top = attributeAt(buf, NFT_ATTRS_OFFSET, message.length, offset);
  if (!top.found) return undefined;
  const topName = attributeName(PREFIX[kind], top.found.type);
  if (kind === 'rule' && top.found.type === C.NFTA_RULE_EXPRESSIONS) {
    const elem = attributeAt(buf, top.found.off, top.found.off + top.found.len, offset);
    if (!elem.found) return topName;
    const exprNo = elem.index + 1;
    // NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { ... } }
    let name = '?';
    let dataAttr: Found | undefined;
    try {
      walkAttributes(buf, elem.found.off, elem.found.off + elem.found.len, (type, off, len) => {
        if (type === C.NFTA_EXPR_NAME) name = buf.attrString(off, len);
        if (type === C.NFTA_EXPR_DATA) dataAttr = { type, off, len };
      });
    } catch (err) {
      if (!(err instanceof NetlinkDecodeError)) throw err; // a malformed expression: keep what we have
    }
    let s = `expression #${exprNo} (${name})`;
    if (dataAttr && offset >= dataAttr.off) {
      const inner = attributeAt(buf, dataAttr.off, dataAttr.off + dataAttr.len, offset);
      if (inner.found) s += ` ${attributeName(`NFTA_${name.toUpperCase()}_`, inner.found.type)}`;
    }
    return s;
  }
  if (kind === 'element' && top.found.type === C.NFTA_SET_ELEM_LIST_ELEMENTS) {
    const elem = attributeAt(buf, top.found.off, top.found.off + top.found.len, offset);
    if (!elem.found) return topName;
    const inner = attributeAt(buf, elem.found.off, elem.found.off + elem.found.len, offset);
    return `element #${elem.index + 1}${inner.found ? ` ${attributeName('NFTA_SET_ELEM_', inner.found.type)}` : ''}`;
  }
  if (kind === 'chain' && top.found.type === C.NFTA_CHAIN_HOOK) {
    const inner = attributeAt(buf, top.found.off, top.found.off + top.found.len, offset);
    return inner.found ? `${topName} ${attributeName('NFTA_HOOK_', inner.found.type)}` : topName;
  }
  // Quote short string values, the thing a user most likely mistyped (a chain or table name).
  const b = message.subarray(top.found.off, top.found.off + top.found.len);
  if (b.length > 1 && b.length <= 64 && b[b.length - 1] === 0 && b.subarray(0, -1).every((c) => c >= 0x20 && c < 0x7f)) {
    return `${topName} "${buf.attrString(top.found.off, top.found.len)}"`;
  }
  return topName;
}
