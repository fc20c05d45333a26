// Input schemas (zod v3 API) for rules, nexthops and FDB entries, imported lazily by the
// operations that change state (as ./schemas.js is), so read-only paths never load zod.
import { z } from 'zod/v3';
import { dsfieldNumber, ipprotoNumber } from './iproute-names.js';
import { ethernetAddress, ipAddress, ipPrefix, linkName, linkSelector, macAddress } from './schemas.js';
import { RT_TABLE_NAMES, RTPROT_NAMES } from './constants.js';

const u8 = z.number().int().min(0).max(0xff);
const u16 = z.number().int().min(0).max(0xffff);
const u32 = z.number().int().min(0).max(0xffffffff);

const named = (names: Iterable<string>, what: string) => {
  const known = [...names];
  return z.string().refine((s) => known.includes(s) || /^\d+$/.test(s), { message: `unknown ${what} (known names: ${known.join(', ')}, or a number)` });
};

export const tableRef = z.union([u32, named(RT_TABLE_NAMES.values(), 'table')]);
export const protocolRef = z.union([u8, named(RTPROT_NAMES.values(), 'protocol')]);

/**
 * A port or an inclusive [start, end] range. The kernel takes ports 1-65534 and start <= end
 * (fib_rule_port_range_valid; "Invalid sport range" otherwise).
 */
const port = z.number().int().min(1).max(0xfffe);
const portRange = z.union([
  port,
  z.tuple([port, port]).refine(([a, b]) => a <= b, { message: 'port range is reversed (start > end)' }),
  z.object({ start: port, end: port }).strict().refine((r) => r.start <= r.end, { message: 'port range is reversed (start > end)' }),
]);

// 4294967295 is INVALID_UID: the kernel refuses a range that names it ("Invalid uid range").
const uid = u32.refine((v) => v !== 0xffffffff, { message: '4294967295 is not a uid (the kernel\'s INVALID_UID)' });
const uidRange = z.union([
  z.tuple([uid, uid]).refine(([a, b]) => a <= b, { message: 'uid range is reversed (start > end)' }),
  z.object({ start: uid, end: uid }).strict().refine((r) => r.start <= r.end, { message: 'uid range is reversed (start > end)' }),
]);

const selector = {
  family: z.union([z.literal(4), z.literal(6), z.literal('inet'), z.literal('inet6')]).optional(),
  priority: u32.optional(),
  not: z.boolean().optional(),
  from: z.union([z.literal('all'), ipPrefix]).optional(),
  to: z.union([z.literal('all'), ipPrefix]).optional(),
  tos: z.union([u8, z.string().refine((s) => dsfieldNumber(s) !== undefined, { message: 'not a TOS value or rt_dsfield name' })]).optional(),
  dscp: z.number().int().min(0).max(63).optional(),
  fwmark: u32.optional(),
  fwmask: u32.optional(),
  iif: linkName.optional(),
  oif: linkName.optional(),
  l3mdev: z.boolean().optional(),
  uidrange: uidRange.optional(),
  ipproto: z.union([u8, z.string().refine((s) => ipprotoNumber(s) !== undefined, { message: 'unknown IP protocol' })]).optional(),
  sport: portRange.optional(),
  dport: portRange.optional(),
  tun_id: z.union([z.bigint().min(0n).max(0xffffffffffffffffn), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]).optional(),
  flowlabel: z.number().int().min(0).max(0xfffff).optional(),
  flowlabel_mask: z.number().int().min(0).max(0xfffff).optional(),
  realms: u32.optional(),
};

const action = {
  action: z.enum(['table', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit']).optional(),
  table: tableRef.optional(),
  goto: u32.optional(),
  protocol: protocolRef.optional(),
  suppress_prefixlength: z.number().int().min(0).max(128).optional(),
  suppress_ifgroup: u32.optional(),
};

export const ruleSpecSchema = z.object({ ...selector, ...action }).strict().superRefine((r, ctx) => {
  const fam = (p: string | undefined): number | undefined => (p && p !== 'all' ? (p.includes(':') ? 6 : 4) : undefined);
  const fams = [fam(r.from), fam(r.to), r.family === 'inet' ? 4 : r.family === 'inet6' ? 6 : r.family].filter((x) => x !== undefined);
  if (new Set(fams).size > 1) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['from'], message: 'from, to and family name different address families' });
  if (r.l3mdev && r.table !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['table'], message: 'an l3mdev rule takes no table (it looks up the device\'s)' });
  if (r.goto !== undefined && r.action !== undefined && r.action !== 'goto') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['goto'], message: `goto with action ${r.action}` });
  if (r.fwmask !== undefined && r.fwmark === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['fwmask'], message: 'fwmask needs fwmark' });
  if ((r.flowlabel !== undefined || r.flowlabel_mask !== undefined) && fams.some((f) => f === 4)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['flowlabel'], message: 'flow labels are IPv6 only' });
});

export { ipAddress, linkSelector, macAddress, u8, u16, u32 };

// ---- nexthop objects

const nhId = z.number().int().min(1).max(0xffffffff);
const groupMember = z.union([nhId, z.object({ id: nhId, weight: z.number().int().min(1).max(256).optional() }).strict()]);

export const nexthopObjectSchema = z.object({
  id: nhId.optional(),
  family: z.union([z.literal(4), z.literal(6), z.literal('inet'), z.literal('inet6')]).optional(),
  via: ipAddress.optional(),
  dev: linkSelector.optional(),
  onlink: z.boolean().optional(),
  blackhole: z.boolean().optional(),
  fdb: z.boolean().optional(),
  group: z.array(groupMember).min(1).optional(),
  type: z.enum(['mpath', 'resilient']).optional(),
  buckets: u16.refine((n) => n > 0, { message: 'a resilient group needs at least one bucket' }).optional(),
  // ip multiplies by 100 (USER_HZ) into a u32.
  idle_timer: z.number().int().min(0).max(Math.floor(0xffffffff / 100) - 1).optional(),
  unbalanced_timer: z.number().int().min(0).max(Math.floor(0xffffffff / 100) - 1).optional(),
  protocol: protocolRef.optional(),
}).strict().superRefine((n, ctx) => {
  const issue = (path: string, message: string): void => { ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message }); };
  if (n.group) {
    for (const k of ['via', 'dev', 'blackhole', 'onlink'] as const) if (n[k] !== undefined) issue(k, `a group takes no ${k} (its members have their own)`);
    const ids = n.group.map((m) => (typeof m === 'number' ? m : m.id));
    if (new Set(ids).size !== ids.length) issue('group', 'a nexthop appears twice in the group');
  } else {
    if (n.type !== undefined) issue('type', 'type is for groups');
    if (n.blackhole && (n.via !== undefined || n.dev !== undefined || n.fdb)) issue('blackhole', 'a blackhole nexthop takes no via, dev or fdb');
    if (!n.blackhole && n.via === undefined && n.dev === undefined) issue('via', 'a nexthop needs via, dev or blackhole (or a group)');
    if (n.fdb && n.dev !== undefined) issue('dev', 'an fdb nexthop takes no dev');
  }
  if ((n.buckets ?? n.idle_timer ?? n.unbalanced_timer) !== undefined && n.type !== 'resilient') issue('buckets', 'buckets and timers are for type resilient');
  const fam = n.family === 'inet' || n.family === 4 ? 4 : n.family === 'inet6' || n.family === 6 ? 6 : undefined;
  if (fam && n.via && (n.via.includes(':') ? 6 : 4) !== fam) issue('via', `via ${n.via} is not of family IPv${fam}`);
});

// ---- bridge FDB entries

export const fdbSpecSchema = z.object({
  mac: ethernetAddress,
  dev: linkSelector,
  dst: ipAddress.optional(),
  port: u16.optional(),
  vni: z.number().int().min(0).max(0xffffff).optional(),
  src_vni: z.number().int().min(0).max(0xffffff).optional(),
  via: linkSelector.optional(),
  nhid: z.number().int().min(1).max(0xffffffff).optional(),
  vlan: z.number().int().min(0).max(4094).optional(),
  self: z.boolean().optional(),
  master: z.boolean().optional(),
  router: z.boolean().optional(),
  use: z.boolean().optional(),
  extern_learn: z.boolean().optional(),
  sticky: z.boolean().optional(),
  state: z.enum(['permanent', 'static', 'dynamic']).optional(),
}).strict().superRefine((f, ctx) => {
  if (f.nhid !== undefined && (f.dst !== undefined || f.port !== undefined || f.vni !== undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['nhid'], message: 'dst, port and vni are mutually exclusive with nhid' });
  }
});

export const fdbDeleteSchema = z.object({
  mac: ethernetAddress,
  dev: linkSelector,
  dst: ipAddress.optional(),
  port: u16.optional(),
  vni: z.number().int().min(0).max(0xffffff).optional(),
  src_vni: z.number().int().min(0).max(0xffffff).optional(),
  via: linkSelector.optional(),
  nhid: z.number().int().min(1).max(0xffffffff).optional(),
  vlan: z.number().int().min(0).max(4094).optional(),
  self: z.boolean().optional(),
  master: z.boolean().optional(),
  state: z.enum(['permanent', 'static', 'dynamic']).optional(),
}).strict();

export const fdbFlushSchema = z.object({
  dev: linkSelector,
  brport: linkSelector.optional(),
  vlan: z.number().int().min(0).max(4095).optional(),
  self: z.boolean().optional(), master: z.boolean().optional(), permanent: z.boolean().optional(), static: z.boolean().optional(),
  dynamic: z.boolean().optional(), added_by_user: z.boolean().optional(), extern_learn: z.boolean().optional(), sticky: z.boolean().optional(),
  offloaded: z.boolean().optional(),
}).strict();

// ---- bridge ports and VLANs

const onOff = z.boolean().optional();
export const bridgePortSettingsSchema = z.object({
  guard: onOff, hairpin: onOff, fastleave: onOff, root_block: onOff, flood: onOff, mcast_router: z.number().int().min(0).max(3).optional(),
  mcast_flood: onOff, bcast_flood: onOff, mcast_to_unicast: onOff, learning: onOff, learning_sync: onOff,
  cost: z.number().int().min(1).max(0xffffffff).optional(), priority: z.number().int().min(0).max(63).optional(),
  state: z.union([z.enum(['disabled', 'listening', 'learning', 'forwarding', 'blocking']), z.number().int().min(0).max(4)]).optional(),
  neigh_suppress: onOff, vlan_tunnel: onOff, isolated: onOff, locked: onOff,
  backup_port: z.union([linkSelector, z.null()]).optional(),
  self: onOff, master: onOff, hwmode: z.enum(['veb', 'vepa']).optional(),
}).strict();

const vid = z.number().int().min(1).max(4094);
export const bridgeVlanSchema = z.object({
  dev: linkSelector,
  vid,
  vidEnd: vid.optional(),
  pvid: onOff,
  untagged: onOff,
  self: onOff,
  master: onOff,
  tunnelId: z.number().int().min(0).max(0xffffff).optional(),
  tunnelIdEnd: z.number().int().min(0).max(0xffffff).optional(),
}).strict().superRefine((v, ctx) => {
  const issue = (path: string, message: string): void => { ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message }); };
  if (v.vidEnd !== undefined && v.vidEnd <= v.vid) issue('vidEnd', `the range ${v.vid}-${v.vidEnd} is empty or reversed`);
  if (v.vidEnd !== undefined && v.pvid) issue('pvid', 'pvid cannot be configured for a vlan range');
  if (v.tunnelIdEnd !== undefined && v.tunnelId === undefined) issue('tunnelIdEnd', 'tunnelIdEnd needs tunnelId');
  if (v.tunnelId !== undefined && v.vidEnd !== undefined && v.tunnelIdEnd !== undefined && v.tunnelIdEnd - v.tunnelId !== v.vidEnd - v.vid) {
    issue('tunnelIdEnd', 'the tunnel id range must be as long as the VLAN range');
  }
});
