// Rule operations over a NetlinkSocket (`ip rule add/del/show/flush`).
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { parsePrefix } from '../netlink/address.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import * as C from './constants.js';
import { familyNumber } from './address-ops.js';
import { dsfieldNumber, ipprotoNumber, protocolOption } from './iproute-names.js';
import { protocolNumber, tableNumber } from './route.js';
import {
  FIB_RULE_INVERT, FR_ACT, RULE_HEADER_LEN, decodeRule, describeRuleAttribute, encodeDelRule, encodeNewRule, encodeRuleDump,
  type Rule, type RuleAction, type RuleAttrs, type RuleMessage,
} from './rule.js';
import { rtRule } from './families/rule.js';

type PortRange = number | readonly [number, number] | { start: number; end: number };

/** `ip rule add SELECTOR ACTION`: every selector and action of the kernel's fib rules. */
export interface RuleSpec {
  /** Default: the family of from/to, else IPv4 (as ip). */
  family?: 4 | 6 | 'inet' | 'inet6';
  /** Preference; the kernel picks one below the lowest existing when absent. */
  priority?: number;
  /** Invert the selector (`not`). */
  not?: boolean;
  from?: string;
  to?: string;
  /** TOS byte: a number or an rt_dsfield name ("AF11"). */
  tos?: number | string;
  /** DSCP (FRA_DSCP, kernel 6.10+; 0-63). */
  dscp?: number;
  fwmark?: number;
  fwmask?: number;
  iif?: string;
  oif?: string;
  /** Look up the table of the l3mdev (VRF) the packet came from. */
  l3mdev?: boolean;
  uidrange?: readonly [number, number] | { start: number; end: number };
  /** IP protocol: a number or an /etc/protocols name ("tcp"). */
  ipproto?: number | string;
  sport?: PortRange;
  dport?: PortRange;
  tun_id?: number | bigint;
  /** IPv6 flow label match (FRA_FLOWLABEL, kernel 6.15+). */
  flowlabel?: number;
  flowlabel_mask?: number;
  /** Realms: (from << 16) | to. */
  realms?: number;
  /** What a match does; default `table` (with table main, as ip). */
  action?: RuleAction;
  table?: number | string;
  /** Jump to the rule of this priority (action goto). */
  goto?: number;
  protocol?: number | string;
  /** Ignore the table's answer when its prefix is this long or shorter (WireGuard's `suppress_prefixlength 0`). */
  suppress_prefixlength?: number;
  suppress_ifgroup?: number;
}

export interface ListRulesOptions {
  /** Default both families. */
  family?: 4 | 6 | 'inet' | 'inet6';
  signal?: AbortSignal;
}

const ruleReq = (operation: string, signal?: AbortSignal): RequestOptions => ({
  operation, headerSize: RULE_HEADER_LEN, describeAttribute: describeRuleAttribute, signal,
});

/** `ip rule show` (both families unless one is asked for). */
export async function listRules(sock: NetlinkSocket, opts: ListRulesOptions & ConsistencyOptions = {}): Promise<DumpList<Rule>> {
  return consistentDump<Rule>('list rules', opts, async (out) => {
    for await (const batch of sock.dumpBatches(encodeRuleDump(familyNumber(opts.family)), ruleReq('list rules', opts.signal))) {
      for (const m of batch) if (m.type === C.RTM_NEWRULE) out.push(decodeRule(m));
    }
  });
}

const range = (r: PortRange | RuleSpec['uidrange']): { start: number; end: number } | undefined =>
  r === undefined ? undefined : typeof r === 'number' ? { start: r, end: r } : Array.isArray(r) ? { start: r[0], end: r[1] } : (r as { start: number; end: number });

/**
 * The request `ip rule add|del` writes for these arguments: header first, then attributes in
 * the order of ip's argument parser (from, to, priority, fwmark, mask, realms, protocol, tun_id,
 * table, suppressors, iif, oif, l3mdev, uidrange, ipproto, sport, dport, goto), so a request
 * is byte-equal to ip's when its arguments are given in that order.
 */
export function ruleMessage(v: RuleSpec, forAdd: boolean): RuleMessage {
  const from = v.from && v.from !== 'all' ? parsePrefix(v.from)! : undefined;
  const to = v.to && v.to !== 'all' ? parsePrefix(v.to)! : undefined;
  let family = familyNumber(v.family);
  if (family === C.AF_UNSPEC) family = (from ?? to)?.family === 6 ? C.AF_INET6 : C.AF_INET;
  const full = family === C.AF_INET6 ? 128 : 32;
  const header: RuleMessage['header'] = { family, action: forAdd ? FR_ACT.table : FR_ACT.unspec };
  const a: Record<string, unknown> = {};
  if (v.not) header.flags = FIB_RULE_INVERT;
  if (from) { header['src-len'] = from.length ?? full; a.src = from.address; }
  if (to) { header['dst-len'] = to.length ?? full; a.dst = to.address; }
  if (v.priority !== undefined) a.priority = v.priority;
  if (v.tos !== undefined) header.tos = dsfieldNumber(v.tos);
  if (v.fwmark !== undefined) a.fwmark = v.fwmark;
  if (v.fwmask !== undefined) a.fwmask = v.fwmask;
  if (v.realms !== undefined) a.flow = v.realms;
  if (v.protocol !== undefined) a.protocol = protocolNumber(v.protocol);
  if (v.tun_id !== undefined) a['tun-id'] = BigInt(v.tun_id);
  let tableSet = false;
  if (v.table !== undefined) {
    const t = tableNumber(v.table);
    // ip puts tables below 256 in the header and larger ones in FRA_TABLE.
    if (t < 256) header.table = t; else a.table = t;
    tableSet = true;
  }
  if (v.suppress_prefixlength !== undefined) a['suppress-prefixlen'] = v.suppress_prefixlength;
  if (v.suppress_ifgroup !== undefined) a['suppress-ifgroup'] = v.suppress_ifgroup;
  if (v.iif !== undefined) a.iifname = v.iif;
  if (v.oif !== undefined) a.oifname = v.oif;
  if (v.l3mdev) { a.l3mdev = 1; tableSet = true; }
  const uid = range(v.uidrange);
  if (uid) a['uid-range'] = uid;
  if (v.ipproto !== undefined) a['ip-proto'] = ipprotoNumber(v.ipproto);
  const sp = range(v.sport), dp = range(v.dport);
  if (sp) a['sport-range'] = sp;
  if (dp) a['dport-range'] = dp;
  if (v.dscp !== undefined) a.dscp = v.dscp;
  if (v.flowlabel !== undefined) a.flowlabel = v.flowlabel;
  if (v.flowlabel_mask !== undefined) a['flowlabel-mask'] = v.flowlabel_mask;
  const act = v.action ?? (v.goto !== undefined ? 'goto' : undefined);
  if (act === 'goto') { if (v.goto !== undefined) a.goto = v.goto; }
  if (act !== undefined && act !== 'table') { header.action = FR_ACT[act]; tableSet = true; }
  if (!tableSet && forAdd) header.table = C.RT_TABLE_MAIN;
  return { header, attrs: a as RuleAttrs };
}

function describe(v: RuleSpec): string {
  const parts: string[] = [];
  if (v.priority !== undefined) parts.push(`priority ${v.priority}`);
  if (v.not) parts.push('not');
  parts.push(`from ${v.from ?? 'all'}`);
  if (v.to) parts.push(`to ${v.to}`);
  if (v.fwmark !== undefined) parts.push(`fwmark 0x${v.fwmark.toString(16)}`);
  if (v.action && v.action !== 'table') parts.push(v.action);
  else if (v.table !== undefined) parts.push(`table ${v.table}`);
  return parts.join(' ');
}

async function check(spec: RuleSpec): Promise<RuleSpec> {
  const s = await import('./schemas-routing.js');
  return validate(s.ruleSpecSchema, spec, 'rule') as RuleSpec;
}

/** `ip rule add`: EEXIST if an identical rule is there. */
export async function addRule(sock: NetlinkSocket, spec: RuleSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const v = await check(spec);
  await sock.request(encodeNewRule(ruleMessage(v, true)), ruleReq(`add rule ${describe(v)}`, opts.signal));
}

/** `ip rule del`: deletes the first rule matching what is given (ENOENT if none). */
export async function deleteRule(sock: NetlinkSocket, spec: RuleSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const v = await check(spec);
  await sock.request(encodeDelRule(ruleMessage(v, false)), ruleReq(`delete rule ${describe(v)}`, opts.signal));
}

/** Deletes exactly this listed rule: its own header and attributes sent back as RTM_DELRULE. */
export async function deleteListedRule(sock: NetlinkSocket, r: Rule, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const { $raw: _raw, ...attrs } = r.attrs;
  await sock.request(rtRule.encode({ op: 'delrule', header: r.header, attrs }), ruleReq(`delete rule priority ${r.priority}`, opts.signal));
}

/**
 * `ip rule flush`: deletes every rule with a priority above 0 (ip spares only the local rule,
 * which the kernel refuses to delete anyway), main and default included.
 */
export async function flushRules(sock: NetlinkSocket, opts: ListRulesOptions & { protocol?: number | string } = {}): Promise<number> {
  const proto = opts.protocol !== undefined ? protocolOption(opts.protocol, 'flushRules.protocol') : undefined;
  let n = 0;
  for (const r of await listRules(sock, opts)) {
    if (!r.priority) continue;
    if (proto !== undefined && r.attrs.protocol !== proto) continue;
    await deleteListedRule(sock, r, opts);
    n++;
  }
  return n;
}
