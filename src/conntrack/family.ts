// The ctnetlink family: the kernel's conntrack spec (spec.gen.ts) with what that spec lacks or
// gets wrong, declared in the same form and merged here. Evidence for each change is the
// kernel's nf_conntrack_netlink.c (what it puts and parses) and include/uapi/linux/netfilter/
// nfnetlink_conntrack.h (the numbers); the spec (Linux 6.14) has only get and get-stats.
import { NETLINK_NETFILTER } from '../netlink/constants.js';
import { NetlinkFamily } from '../netlink/spec/family.js';
import type { AttrDecl, FamilyDecl, OperationDecl } from '../netlink/spec/types.js';
import { conntrackSpec } from './spec.gen.js';

/** nfnetlink subsystems: message type = subsystem << 8 | message. */
export const NFNL_SUBSYS_CTNETLINK = 1;
export const NFNL_SUBSYS_CTNETLINK_EXP = 2;
const CT = NFNL_SUBSYS_CTNETLINK << 8;
const EXP = NFNL_SUBSYS_CTNETLINK_EXP << 8;
export const IPCTNL_MSG_CT_NEW = CT | 0;
export const IPCTNL_MSG_CT_GET = CT | 1;
export const IPCTNL_MSG_CT_DELETE = CT | 2;
export const IPCTNL_MSG_CT_GET_STATS_CPU = CT | 4;
export const IPCTNL_MSG_CT_GET_STATS = CT | 5;
export const IPCTNL_MSG_EXP_NEW = EXP | 0;
export const IPCTNL_MSG_EXP_GET = EXP | 1;
export const IPCTNL_MSG_EXP_DELETE = EXP | 2;

/** nfnetlink multicast groups (enum nfnetlink_groups). */
export const NFNLGRP_CONNTRACK_NEW = 1;
export const NFNLGRP_CONNTRACK_UPDATE = 2;
export const NFNLGRP_CONNTRACK_DESTROY = 3;
export const NFNLGRP_CONNTRACK_EXP_NEW = 4;
export const NFNLGRP_CONNTRACK_EXP_UPDATE = 5;
export const NFNLGRP_CONNTRACK_EXP_DESTROY = 6;

/** CTA_FILTER_FLAG_* (bits of CTA_FILTER_ORIG_FLAGS / _REPLY_FLAGS). */
export const FILTER_FLAG = {
  ipSrc: 1 << 0, ipDst: 1 << 1, tupleZone: 1 << 2, protoNum: 1 << 3, protoSrcPort: 1 << 4,
  protoDstPort: 1 << 5, icmpType: 1 << 6, icmpCode: 1 << 7, icmpId: 1 << 8,
  icmpv6Type: 1 << 9, icmpv6Code: 1 << 10, icmpv6Id: 1 << 11,
} as const;

/** Attributes of conntrack-attrs the spec declares wrongly (or with an unusable name). */
const CT_ATTR_FIXES: Record<string, AttrDecl> = {
  // ctnetlink_dump_secctx/secmark: nla_put_be32(skb, CTA_SECMARK, htonl(ct->secmark)).
  secmark: { name: 'secmark', value: 17, type: 'u32', byteOrder: 'big-endian' },
  // ctnetlink_dump_timestamp: a nest (CTA_TIMESTAMP_START/STOP, be64), not a u64.
  timestamp: { name: 'timestamp', value: 20, type: 'nest', nested: 'timestamp-attrs' },
  // The spec spells it "labels mask"; one name the API can write.
  'labels mask': { name: 'labels-mask', value: 23, type: 'binary' },
  // ctnetlink_parse_filter: a nest of CTA_FILTER_ORIG_FLAGS / CTA_FILTER_REPLY_FLAGS (host-order u32).
  filter: { name: 'filter', value: 25, type: 'nest', nested: 'filter-attrs' },
};

const NAT_FIXES: Record<string, AttrDecl> = {
  // nla_put_be32 of an IPv4 address: show it as one.
  'nat-v4-minip': { name: 'nat-v4-minip', value: 1, type: 'u32', byteOrder: 'big-endian', hint: 'ipv4' },
  'nat-v4-maxip': { name: 'nat-v4-maxip', value: 2, type: 'u32', byteOrder: 'big-endian', hint: 'ipv4' },
  'nat-v6-minip': { name: 'nat-v6-minip', value: 3, type: 'binary', hint: 'ipv6' },
  'nat-v6-maxip': { name: 'nat-v6-maxip', value: 4, type: 'binary', hint: 'ipv6' },
};

function fixed(set: readonly AttrDecl[], fixes: Record<string, AttrDecl>): AttrDecl[] {
  return set.map((a) => fixes[a.name] ?? a);
}

const EXTRA_SETS: Record<string, readonly AttrDecl[]> = {
  'timestamp-attrs': [
    { name: 'start', value: 1, type: 'u64', byteOrder: 'big-endian' },
    { name: 'stop', value: 2, type: 'u64', byteOrder: 'big-endian' },
    { name: 'pad', value: 3, type: 'pad' },
  ],
  'filter-attrs': [
    { name: 'orig-flags', value: 1, type: 'u32' },
    { name: 'reply-flags', value: 2, type: 'u32' },
  ],
  // CTA_STATS_GLOBAL_* (IPCTNL_MSG_CT_GET_STATS: what `conntrack -C` counts).
  'conntrack-stats-global-attrs': [
    { name: 'entries', value: 1, type: 'u32', byteOrder: 'big-endian' },
    { name: 'max-entries', value: 2, type: 'u32', byteOrder: 'big-endian' },
  ],
  // CTA_EXPECT_* (ctnetlink_exp_dump_expect).
  'expect-attrs': [
    { name: 'master', value: 1, type: 'nest', nested: 'tuple-attrs' },
    { name: 'tuple', value: 2, type: 'nest', nested: 'tuple-attrs' },
    { name: 'mask', value: 3, type: 'nest', nested: 'tuple-attrs' },
    { name: 'timeout', value: 4, type: 'u32', byteOrder: 'big-endian' },
    { name: 'id', value: 5, type: 'u32', byteOrder: 'big-endian' },
    { name: 'help-name', value: 6, type: 'string' },
    { name: 'zone', value: 7, type: 'u16', byteOrder: 'big-endian' },
    { name: 'flags', value: 8, type: 'u32', byteOrder: 'big-endian' },
    { name: 'class', value: 9, type: 'u32', byteOrder: 'big-endian' },
    { name: 'nat', value: 10, type: 'nest', nested: 'expect-nat-attrs' },
    { name: 'fn', value: 11, type: 'string' },
  ],
  'expect-nat-attrs': [
    { name: 'dir', value: 1, type: 'u32', byteOrder: 'big-endian' },
    { name: 'tuple', value: 2, type: 'nest', nested: 'tuple-attrs' },
  ],
  'expect-stats-attrs': [
    { name: 'new', value: 1, type: 'u32', byteOrder: 'big-endian' },
    { name: 'created', value: 2, type: 'u32', byteOrder: 'big-endian' },
    { name: 'deleted', value: 3, type: 'u32', byteOrder: 'big-endian' },
  ],
};

const ct = (name: string, req: number, rep: number | undefined, modes: ('do' | 'dump')[], set = 'conntrack-attrs'): OperationDecl => {
  const part = { request: { value: req, attributes: [] }, ...(rep !== undefined ? { reply: { value: rep, attributes: [] } } : {}) };
  return { name, attributeSet: set, fixedHeader: 'nfgenmsg', ...(modes.includes('do') ? { do: part } : {}), ...(modes.includes('dump') ? { dump: part } : {}) };
};

const EXTRA_OPS: OperationDecl[] = [
  ct('new', IPCTNL_MSG_CT_NEW, undefined, ['do']),
  ct('delete', IPCTNL_MSG_CT_DELETE, undefined, ['do']),
  ct('get-stats-global', IPCTNL_MSG_CT_GET_STATS, IPCTNL_MSG_CT_GET_STATS, ['do'], 'conntrack-stats-global-attrs'),
  ct('exp-get', IPCTNL_MSG_EXP_GET, IPCTNL_MSG_EXP_NEW, ['do', 'dump'], 'expect-attrs'),
  ct('exp-delete', IPCTNL_MSG_EXP_DELETE, undefined, ['do'], 'expect-attrs'),
  ct('exp-get-stats-cpu', EXP | 3, EXP | 3, ['dump'], 'expect-stats-attrs'),
];

const sets = conntrackSpec.attributeSets;

/** The merged declaration: spec, corrections and additions. */
export const conntrackDecl: FamilyDecl = {
  ...conntrackSpec,
  source: `${conntrackSpec.source} + src/conntrack/family.ts (ops, expectations, filter, timestamp, stats-global)`,
  attributeSets: {
    ...sets,
    'conntrack-attrs': fixed(sets['conntrack-attrs'], CT_ATTR_FIXES),
    'nat-attrs': fixed(sets['nat-attrs'], NAT_FIXES),
    'help-attrs': [...sets['help-attrs'], { name: 'help-info', value: 2, type: 'binary' }],
    ...EXTRA_SETS,
  },
  operations: { model: conntrackSpec.operations.model, list: [...conntrackSpec.operations.list, ...EXTRA_OPS] },
  mcastGroups: [
    { name: 'new', value: NFNLGRP_CONNTRACK_NEW }, { name: 'update', value: NFNLGRP_CONNTRACK_UPDATE },
    { name: 'destroy', value: NFNLGRP_CONNTRACK_DESTROY }, { name: 'exp-new', value: NFNLGRP_CONNTRACK_EXP_NEW },
    { name: 'exp-update', value: NFNLGRP_CONNTRACK_EXP_UPDATE }, { name: 'exp-destroy', value: NFNLGRP_CONNTRACK_EXP_DESTROY },
  ],
};

/** The compiled family: decodes and encodes every ctnetlink message. */
export const conntrack = new NetlinkFamily(conntrackDecl);
export const PROTOCOL = NETLINK_NETFILTER;
