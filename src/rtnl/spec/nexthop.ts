// Nexthop objects (RTM_NEWNEXTHOP/DELNEXTHOP/GETNEXTHOP, RTM_*NEXTHOPBUCKET): the kernel has no
// YNL spec for them, so this is the declaration written from the UAPI header linux/nexthop.h
// (Debian 12's 6.1 header, plus what later headers added up to 6.18: NHA_OP_FLAGS, group
// stats, hardware stats, nexthop_grp.weight_high), in the form of the generated tables.
// Facts only: names and numbers as the header has them.
import type { FamilyDecl } from '../../netlink/spec/types.js';

export const rtNexthopSpec = {
  name: 'rt-nexthop',
  protocol: 'netlink-raw',
  protonum: 0,
  source: 'linux/nexthop.h (UAPI; 6.1 as Debian 12 ships it, NHA_OP_FLAGS.. and weight_high from 6.10-6.12)',
  definitions: {
    nhmsg: {
      type: 'struct',
      members: [
        { name: 'family', type: 'u8' },
        { name: 'scope', type: 'u8' },
        { name: 'protocol', type: 'u8' },
        { name: 'resvd', type: 'pad', len: 1 },
        { name: 'flags', type: 'u32' },
      ],
    },
    // One entry of NHA_GROUP (an array of these). The weight on the wire is weight - 1, with
    // weight_high the upper byte since 6.12 (older kernels require it to be 0).
    'nexthop-grp': {
      type: 'struct',
      members: [
        { name: 'id', type: 'u32' },
        { name: 'weight', type: 'u8' },
        { name: 'weight-high', type: 'u8' },
        { name: 'resvd2', type: 'pad', len: 2 },
      ],
    },
    'nexthop-grp-type': { type: 'enum', entries: [['mpath', 0], ['resilient', 1]] },
    'nha-op-flags': { type: 'flags', entries: [['dump-stats', 1], ['dump-hw-stats', 2], ['resp-grp-resvd-0', 0x80000000]] },
  },
  attributeSets: {
    'nexthop-attrs': [
      { name: 'id', value: 1, type: 'u32' },
      { name: 'group', value: 2, type: 'binary' },
      { name: 'group-type', value: 3, type: 'u16', enum: 'nexthop-grp-type' },
      { name: 'blackhole', value: 4, type: 'flag' },
      { name: 'oif', value: 5, type: 'u32' },
      { name: 'gateway', value: 6, type: 'binary', hint: 'ipv4-or-v6' },
      { name: 'encap-type', value: 7, type: 'u16' },
      { name: 'encap', value: 8, type: 'binary' },
      { name: 'groups', value: 9, type: 'flag' },
      { name: 'master', value: 10, type: 'u32' },
      { name: 'fdb', value: 11, type: 'flag' },
      { name: 'res-group', value: 12, type: 'nest', nested: 'nha-res-group-attrs' },
      { name: 'res-bucket', value: 13, type: 'nest', nested: 'nha-res-bucket-attrs' },
      { name: 'op-flags', value: 14, type: 'u32', enum: 'nha-op-flags', flags: true },
      { name: 'group-stats', value: 15, type: 'nest', nested: 'nha-group-stats-attrs' },
      { name: 'hw-stats-enable', value: 16, type: 'u32' },
      { name: 'hw-stats-used', value: 17, type: 'u32' },
    ],
    'nha-res-group-attrs': [
      { name: 'pad', value: 0, type: 'pad' },
      { name: 'buckets', value: 1, type: 'u16' },
      { name: 'idle-timer', value: 2, type: 'u32' },
      { name: 'unbalanced-timer', value: 3, type: 'u32' },
      { name: 'unbalanced-time', value: 4, type: 'u64' },
    ],
    'nha-res-bucket-attrs': [
      { name: 'pad', value: 0, type: 'pad' },
      { name: 'index', value: 1, type: 'u16' },
      { name: 'idle-time', value: 2, type: 'u64' },
      { name: 'nh-id', value: 3, type: 'u32' },
    ],
    'nha-group-stats-attrs': [
      { name: 'entry', value: 1, type: 'nest', nested: 'nha-group-stats-entry-attrs', multi: true },
    ],
    'nha-group-stats-entry-attrs': [
      { name: 'id', value: 1, type: 'u32' },
      { name: 'packets', value: 2, type: 'uint' },
      { name: 'packets-hw', value: 3, type: 'uint' },
    ],
  },
  subMessages: {},
  operations: {
    model: 'directional',
    list: [
      { name: 'newnexthop', attributeSet: 'nexthop-attrs', fixedHeader: 'nhmsg', do: { request: { value: 104, attributes: [] } } },
      { name: 'newnexthop-ntf', value: 104, fixedHeader: 'nhmsg', notify: 'newnexthop' },
      { name: 'delnexthop', attributeSet: 'nexthop-attrs', fixedHeader: 'nhmsg', do: { request: { value: 105, attributes: ['id'] } } },
      { name: 'delnexthop-ntf', value: 105, fixedHeader: 'nhmsg', notify: 'delnexthop' },
      {
        name: 'getnexthop', attributeSet: 'nexthop-attrs', fixedHeader: 'nhmsg',
        do: { request: { value: 106, attributes: ['id', 'op-flags'] }, reply: { value: 104, attributes: [] } },
        dump: { request: { value: 106, attributes: ['oif', 'groups', 'master', 'fdb', 'op-flags'] }, reply: { value: 104, attributes: [] } },
      },
      { name: 'newnexthopbucket', attributeSet: 'nexthop-attrs', fixedHeader: 'nhmsg', do: { request: { value: 116, attributes: [] } } },
      { name: 'delnexthopbucket', attributeSet: 'nexthop-attrs', fixedHeader: 'nhmsg', do: { request: { value: 117, attributes: [] } } },
      {
        name: 'getnexthopbucket', attributeSet: 'nexthop-attrs', fixedHeader: 'nhmsg',
        do: { request: { value: 118, attributes: ['id', 'res-bucket'] }, reply: { value: 116, attributes: [] } },
        dump: { request: { value: 118, attributes: ['id', 'oif', 'master', 'res-bucket'] }, reply: { value: 116, attributes: [] } },
      },
    ],
  },
  // RTNLGRP_NEXTHOP
  mcastGroups: [{ name: 'rtnlgrp-nexthop', value: 32 }],
} as const satisfies FamilyDecl;
