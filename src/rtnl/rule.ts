// Policy routing rules (RTM_NEWRULE/DELRULE/GETRULE): struct fib_rule_hdr plus FRA_* attributes,
// decoded and encoded by the generic codec from the rt-rule declaration (spec/rt-rule.gen.ts,
// with the fixes of scripts/spec-fixes.mjs), and presented in `ip -j rule show`'s vocabulary.
import { NLM_F_CREATE, NLM_F_EXCL } from '../netlink/constants.js';
import type { MessageRef } from '../netlink/message.js';
import type { RawAttribute } from '../netlink/reader.js';
import type { Decoded } from '../netlink/spec/types.js';
import * as C from './constants.js';
import { familyName } from './address.js';
import { rtRule } from './families/rule.js';
import { dsfieldName, groupName, ipprotoName } from './iproute-names.js';
import { tableName } from './route.js';
import type { rtRuleSpec } from './spec/rt-rule.gen.js';

export const FIB_RULE_PERMANENT = 0x1;
export const FIB_RULE_INVERT = 0x2;
export const FIB_RULE_UNRESOLVED = 0x4;
export const FIB_RULE_IIF_DETACHED = 0x8;
export const FIB_RULE_OIF_DETACHED = 0x10;

/** FR_ACT_* (linux/fib_rules.h). Blackhole, unreachable and prohibit share RTN_*'s numbers. */
export const FR_ACT = { unspec: 0, table: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 } as const;
export type RuleAction = Exclude<keyof typeof FR_ACT, 'unspec'>;

export type RuleAttrs = Decoded<typeof rtRuleSpec, 'fib-rule-attrs'>;

/**
 * One rule. The keys ip prints (`ip -j rule show`) carry ip's names and formats; the rest
 * ("extra") are what ip leaves out or shows only with -d.
 */
export interface Rule {
  /** extra: the message type. */
  msg: 'newrule' | 'delrule';
  /** extra: "inet" or "inet6". */
  family: string;
  priority: number;
  not?: null;
  /** "all" when the rule matches any source. */
  src: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  /** TOS as ip names it (rt_dsfield: "0x10", "AF11"). */
  tos?: string;
  /** Hex text, as ip prints them ("0xca6c"). */
  fwmark?: string;
  fwmask?: string;
  iif?: string;
  iif_detached?: null;
  oif?: string;
  oif_detached?: null;
  l3mdev?: null;
  uid_start?: number;
  uid_end?: number;
  ipproto?: string;
  sport?: number;
  sport_start?: number;
  sport_end?: number;
  dport?: number;
  dport_start?: number;
  dport_end?: number;
  tun_id?: number;
  table?: string;
  suppress_prefixlen?: number;
  suppress_ifgroup?: string;
  flow_from?: string;
  flow_to?: string;
  goto?: number | 'none';
  unresolved?: null;
  nop?: null;
  /** blackhole, unreachable, prohibit (absent for table lookups, goto and nop). */
  action?: string;
  /** Always decoded; ip prints it when neither unspec nor kernel, or with -d. */
  protocol?: string;
  /** extra: the table id (FRA_TABLE, or the header's 8-bit table). */
  table_id: number;
  /** extra: the action as the library names it. */
  type: RuleAction | number;
  /** extra: what ip 6.1 does not print yet (kernel 6.10+ and 6.15+). */
  dscp?: number;
  flowlabel?: number;
  flowlabel_mask?: number;
  /** extra: FIB_RULE_* flags of the header. */
  flags: number;
  /** extra: the fib_rule_hdr as it came (action as a number). */
  header: RuleMessage['header'];
  /** extra: the generic codec's attributes, names as the kernel's spec has them. */
  attrs: RuleAttrs;
  raw?: RawAttribute[];
}

const ACT_NAMES = new Map<number, RuleAction>(Object.entries(FR_ACT).filter(([k]) => k !== 'unspec').map(([k, v]) => [v, k as RuleAction]));
const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Decode one RTM_NEWRULE/RTM_DELRULE. */
export function decodeRule(m: MessageRef): Rule {
  const d = rtRule.decode(m);
  const h = d.header as { family: number; 'dst-len': number; 'src-len': number; tos: number; table: number; action: string | number; flags: number };
  const a = d.attrs as RuleAttrs;
  const actNum = typeof h.action === 'number' ? h.action : rtRule.enumOf('fr-act')!.value.get(h.action)!;
  const hostLen = h.family === C.AF_INET6 ? 128 : h.family === C.AF_INET ? 32 : -1;
  const tableId = a.table ?? h.table;
  const r: Partial<Rule> = { msg: m.type === C.RTM_DELRULE ? 'delrule' : 'newrule', family: familyName(h.family) ?? String(h.family) };
  // Keys in ip's print order (print_rule in iproute2's ip/iprule.c).
  r.priority = a.priority ?? 0;
  if (h.flags & FIB_RULE_INVERT) r.not = null;
  if (a.src !== undefined) {
    r.src = String(a.src);
    if (h['src-len'] !== hostLen) r.srclen = h['src-len'];
  } else if (h['src-len']) {
    r.src = '0';
    r.srclen = h['src-len'];
  } else r.src = 'all';
  if (a.dst !== undefined) {
    r.dst = String(a.dst);
    if (h['dst-len'] !== hostLen) r.dstlen = h['dst-len'];
  } else if (h['dst-len']) {
    r.dst = '0';
    r.dstlen = h['dst-len'];
  }
  if (h.tos) r.tos = dsfieldName(h.tos);
  if (a.fwmark !== undefined || a.fwmask !== undefined) {
    r.fwmark = hex(a.fwmark ?? 0);
    if (a.fwmask !== undefined && a.fwmask !== 0xffffffff) r.fwmask = hex(a.fwmask);
  }
  if (a.iifname !== undefined) {
    r.iif = a.iifname;
    if (h.flags & FIB_RULE_IIF_DETACHED) r.iif_detached = null;
  }
  if (a.oifname !== undefined) {
    r.oif = a.oifname;
    if (h.flags & FIB_RULE_OIF_DETACHED) r.oif_detached = null;
  }
  if (a.l3mdev) r.l3mdev = null;
  const uid = a['uid-range'] as { start: number; end: number } | undefined;
  if (uid) { r.uid_start = uid.start; r.uid_end = uid.end; }
  if (a['ip-proto'] !== undefined) r.ipproto = ipprotoName(a['ip-proto']);
  ports(r, 'sport', a['sport-range'] as { start: number; end: number } | undefined);
  ports(r, 'dport', a['dport-range'] as { start: number; end: number } | undefined);
  if (a['tun-id'] !== undefined) r.tun_id = Number(a['tun-id']);
  if (tableId) {
    r.table = tableName(tableId);
    // The kernel reports "unset" as -1 (fib_nl_fill_rule); ip hides it.
    const spl = a['suppress-prefixlen'];
    if (spl !== undefined && spl !== 0xffffffff) r.suppress_prefixlen = spl | 0;
    const sig = a['suppress-ifgroup'];
    if (sig !== undefined && sig !== 0xffffffff) r.suppress_ifgroup = groupName(sig);
  }
  if (a.flow !== undefined) {
    const from = a.flow >>> 16, to = a.flow & 0xffff;
    if (from) r.flow_from = String(from);
    r.flow_to = String(to);
  }
  if (actNum === FR_ACT.goto) {
    r.goto = a.goto ?? 'none';
    if (h.flags & FIB_RULE_UNRESOLVED) r.unresolved = null;
  } else if (actNum === FR_ACT.nop) {
    r.nop = null;
  } else if (actNum !== FR_ACT.table) {
    r.action = C.RTN_NAMES[actNum] ?? String(actNum);
  }
  if (a.protocol !== undefined) r.protocol = C.RTPROT_NAMES.get(a.protocol) ?? String(a.protocol);
  r.table_id = tableId;
  r.type = ACT_NAMES.get(actNum) ?? actNum;
  if (a.dscp !== undefined) r.dscp = a.dscp;
  // Big-endian with a hex display hint in the spec: the codec gives hex text.
  const num = (v: string | number): number => (typeof v === 'string' ? parseInt(v, 16) : v);
  if (a.flowlabel !== undefined) r.flowlabel = num(a.flowlabel);
  if (a['flowlabel-mask'] !== undefined) r.flowlabel_mask = num(a['flowlabel-mask']);
  r.flags = h.flags;
  r.header = { family: h.family, 'dst-len': h['dst-len'], 'src-len': h['src-len'], tos: h.tos, table: h.table, action: actNum, flags: h.flags };
  r.attrs = a;
  if (a.$raw) r.raw = a.$raw;
  return r as Rule;
}

function ports(r: Partial<Rule>, key: 'sport' | 'dport', p: { start: number; end: number } | undefined): void {
  if (!p) return;
  if (p.start === p.end) r[key] = p.start;
  else { r[`${key}_start`] = p.start; r[`${key}_end`] = p.end; }
}

// ============================================================================================
// Encoding

/** A rule's wire form: fib_rule_hdr fields and FRA_* attributes (spec names, in ip's order). */
export interface RuleMessage {
  header: { family: number; 'dst-len'?: number; 'src-len'?: number; tos?: number; table?: number; action?: number; flags?: number };
  attrs: RuleAttrs;
}

/** RTM_GETRULE dump (`ip rule show`; family AF_UNSPEC lists both). */
export function encodeRuleDump(family: number = C.AF_UNSPEC): Uint8Array {
  return rtRule.encode({ op: 'getrule', mode: 'dump', header: { family }, noAck: true });
}

/** RTM_NEWRULE with CREATE|EXCL, as `ip rule add` sends it. */
export function encodeNewRule(r: RuleMessage): Uint8Array {
  return rtRule.encode({ op: 'newrule', header: r.header, attrs: r.attrs, flags: NLM_F_CREATE | NLM_F_EXCL });
}

/** RTM_DELRULE: the kernel deletes the first rule matching every selector given. */
export function encodeDelRule(r: RuleMessage): Uint8Array {
  return rtRule.encode({ op: 'delrule', header: r.header, attrs: r.attrs });
}

export function describeRuleAttribute(path: number[]): string | undefined {
  return rtRule.describeAttribute('newrule', path);
}

export const RULE_HEADER_LEN = 12;
