// Rules as `ip -j rule show` and `ip rule show` print them (print_rule in ip/iprule.c).
import type { Rule } from '../rule.js';

/** ip's keys in ip's order; protocol only when neither unspec nor kernel, unless details. */
export function ruleJson(r: Rule, details = false): Record<string, unknown> {
  const showProto = r.protocol !== undefined && (details || (r.protocol !== 'unspec' && r.protocol !== 'kernel'));
  return {
    deleted: r.msg === 'delrule' ? true : undefined,
    priority: r.priority, not: r.not, src: r.src, srclen: r.srclen, dst: r.dst, dstlen: r.dstlen, tos: r.tos,
    fwmark: r.fwmark, fwmask: r.fwmask, iif: r.iif, iif_detached: r.iif_detached, oif: r.oif, oif_detached: r.oif_detached,
    l3mdev: r.l3mdev, uid_start: r.uid_start, uid_end: r.uid_end, ipproto: r.ipproto,
    sport: r.sport, sport_start: r.sport_start, sport_end: r.sport_end, dport: r.dport, dport_start: r.dport_start, dport_end: r.dport_end,
    tun_id: r.tun_id, table: r.table, suppress_prefixlen: r.suppress_prefixlen, suppress_ifgroup: r.suppress_ifgroup,
    flow_from: r.flow_from, flow_to: r.flow_to, goto: r.goto, unresolved: r.unresolved, nop: r.nop, action: r.action,
    protocol: showProto ? r.protocol : undefined,
  };
}

export function ruleText(r: Rule, details = false): string {
  let s = `${r.msg === 'delrule' ? 'Deleted ' : ''}${r.priority}:\t`;
  if (r.not === null) s += 'not ';
  s += `from ${r.src}${r.srclen !== undefined ? `/${r.srclen}` : ''}`;
  if (r.dst !== undefined) s += ` to ${r.dst}${r.dstlen !== undefined ? `/${r.dstlen}` : ''}`;
  if (r.tos) s += ` tos ${r.tos}`;
  if (r.fwmark) s += ` fwmark ${r.fwmark}${r.fwmask ? `/${r.fwmask}` : ''}`;
  if (r.iif) s += ` iif ${r.iif}${r.iif_detached === null ? ' [detached]' : ''}`;
  if (r.oif) s += ` oif ${r.oif}${r.oif_detached === null ? ' [detached]' : ''}`;
  if (r.l3mdev === null) s += ' lookup [l3mdev-table]';
  if (r.uid_start !== undefined) s += ` uidrange ${r.uid_start}-${r.uid_end}`;
  if (r.ipproto) s += ` ipproto ${r.ipproto}`;
  for (const k of ['sport', 'dport'] as const) {
    if (r[k] !== undefined) s += ` ${k} ${r[k]}`;
    else if (r[`${k}_start`] !== undefined) s += ` ${k} ${r[`${k}_start`]}-${r[`${k}_end`]}`;
  }
  if (r.tun_id !== undefined) s += ` tun_id ${r.tun_id}`;
  if (r.table) {
    s += ` lookup ${r.table}`;
    if (r.suppress_prefixlen !== undefined) s += ` suppress_prefixlength ${r.suppress_prefixlen}`;
    if (r.suppress_ifgroup !== undefined) s += ` suppress_ifgroup ${r.suppress_ifgroup}`;
  }
  if (r.flow_to !== undefined) s += ` realms ${r.flow_from !== undefined ? `${r.flow_from}/` : ''}${r.flow_to}`;
  if (r.goto !== undefined) s += ` goto ${r.goto}${r.unresolved === null ? ' [unresolved]' : ''}`;
  else if (r.nop === null) s += ' nop';
  else if (r.action) s += ` ${r.action}`;
  const j = ruleJson(r, details);
  if (j.protocol) s += ` proto ${String(j.protocol)}`;
  return `${s}\n`;
}
