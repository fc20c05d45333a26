// Nexthop objects as `ip -j nexthop show` and `ip nexthop show` print them
// (__print_nexthop_entry in ip/ipnexthop.c): scope only when not global and protocol only
// when not unspec, unless details (-d).
import type { Nexthop, NexthopBucket } from '../nexthop.js';

export function nexthopJson(n: Nexthop, details = false): Record<string, unknown> {
  return {
    deleted: n.msg === 'delnexthop' ? true : undefined,
    id: n.id,
    group: n.group?.map((m) => ({ id: m.id, weight: m.weight })),
    type: n.type,
    resilient_args: n.resilient_args,
    gateway: n.gateway,
    dev: n.dev,
    scope: details || n.scope !== 'global' ? n.scope : undefined,
    blackhole: n.blackhole,
    protocol: details || n.protocol !== 'unspec' ? n.protocol : undefined,
    flags: n.flags,
    fdb: n.fdb,
  };
}

export function nexthopText(n: Nexthop, details = false): string {
  let s = `${n.msg === 'delnexthop' ? 'Deleted ' : ''}id ${n.id} `;
  if (n.group) s += `group ${n.group.map((m) => (m.weight ? `${m.id},${m.weight}` : String(m.id))).join('/')} `;
  if (n.type) s += `type ${n.type} `;
  const r = n.resilient_args;
  if (r) s += `buckets ${r.buckets} idle_timer ${r.idle_timer} unbalanced_timer ${r.unbalanced_timer} unbalanced_time ${r.unbalanced_time} `;
  if (n.gateway) s += `via ${n.gateway} `;
  if (n.dev) s += `dev ${n.dev} `;
  if (details || n.scope !== 'global') s += `scope ${n.scope} `;
  if (n.blackhole === null) s += 'blackhole ';
  if (details || n.protocol !== 'unspec') s += `proto ${n.protocol} `;
  for (const f of n.flags) s += `${f} `;
  if (n.fdb === null) s += 'fdb';
  return `${s}\n`;
}

export function nexthopBucketJson(b: NexthopBucket): Record<string, unknown> {
  return { id: b.id, bucket: b.bucket, flags: b.flags };
}
