// The AF_BRIDGE side of rtnetlink links (`bridge link`, `bridge vlan`): RTM_SETLINK/DELLINK/
// GETLINK with ifi_family AF_BRIDGE, whose IFLA_PROTINFO is a nest of bridge port attributes and
// whose IFLA_AF_SPEC holds IFLA_BRIDGE_* (linux/if_bridge.h). The kernel's rt-link spec declares
// IFLA_PROTINFO as a string (its AF_INET6 meaning) and has no IFLA_BRIDGE_* set, so this
// declaration, in the generated tables' form, says what the bridge family puts there. The port
// attributes are rt-link's linkinfo-brport-attrs, repeated here (a test holds them equal) so
// that the bridge code does not load the whole rt-link table.
import type { FamilyDecl } from '../../netlink/spec/types.js';

export const rtBridgeSpec = {
  name: 'rt-bridge',
  protocol: 'netlink-raw',
  protonum: 0,
  source: 'linux/if_bridge.h and linux/if_link.h (UAPI), IFLA_BRPORT_* from rt-link.yaml',
  definitions: {
    ifinfomsg: {
      type: 'struct',
      members: [
        { name: 'ifi-family', type: 'u8' },
        { name: 'pad', type: 'pad', len: 1 },
        { name: 'ifi-type', type: 'u16' },
        { name: 'ifi-index', type: 's32' },
        { name: 'ifi-flags', type: 'u32' },
        { name: 'ifi-change', type: 'u32' },
      ],
    },
    'ifla-bridge-id': { type: 'struct', members: [{ name: 'prio', type: 'u16' }, { name: 'addr', type: 'binary', len: 6, hint: 'mac' }] },
    'bridge-vlan-info': {
      type: 'struct',
      members: [
        { name: 'flags', type: 'u16', enum: 'bridge-vlan-info-flags', flags: true },
        { name: 'vid', type: 'u16' },
      ],
    },
    'bridge-vlan-info-flags': {
      type: 'flags',
      entries: [['master', 1], ['pvid', 2], ['untagged', 4], ['range-begin', 8], ['range-end', 16], ['brentry', 32], ['only-opts', 64]],
    },
    'bridge-flags': { type: 'flags', entries: [['master', 1], ['self', 2]] },
    'bridge-mode': { type: 'enum', entries: [['veb', 0], ['vepa', 1]] },
  },
  attributeSets: {
    'bridge-link-attrs': [
      { name: 'address', value: 1, type: 'binary', hint: 'mac' },
      { name: 'ifname', value: 3, type: 'string' },
      { name: 'mtu', value: 4, type: 'u32' },
      { name: 'link', value: 5, type: 'u32' },
      { name: 'master', value: 10, type: 'u32' },
      { name: 'operstate', value: 16, type: 'u8' },
      { name: 'protinfo', value: 12, type: 'nest', nested: 'brport-attrs' },
      { name: 'af-spec', value: 26, type: 'nest', nested: 'bridge-af-spec-attrs' },
      { name: 'link-netnsid', value: 37, type: 's32' },
      // RTEXT_FILTER_* (linux/rtnetlink.h): BRVLAN (2) asks a bridge dump for each port's VLANs.
      { name: 'ext-mask', value: 29, type: 'u32' },
    ],
    'brport-attrs': [
      { name: 'state', value: 1, type: 'u8' },
      { name: 'priority', value: 2, type: 'u16' },
      { name: 'cost', value: 3, type: 'u32' },
      { name: 'mode', value: 4, type: 'u8' },
      { name: 'guard', value: 5, type: 'u8' },
      { name: 'protect', value: 6, type: 'u8' },
      { name: 'fast-leave', value: 7, type: 'u8' },
      { name: 'learning', value: 8, type: 'u8' },
      { name: 'unicast-flood', value: 9, type: 'u8' },
      { name: 'proxyarp', value: 10, type: 'u8' },
      { name: 'learning-sync', value: 11, type: 'u8' },
      { name: 'proxyarp-wifi', value: 12, type: 'u8' },
      { name: 'root-id', value: 13, type: 'binary', struct: 'ifla-bridge-id' },
      { name: 'bridge-id', value: 14, type: 'binary', struct: 'ifla-bridge-id' },
      { name: 'designated-port', value: 15, type: 'u16' },
      { name: 'designated-cost', value: 16, type: 'u16' },
      { name: 'id', value: 17, type: 'u16' },
      { name: 'no', value: 18, type: 'u16' },
      { name: 'topology-change-ack', value: 19, type: 'u8' },
      { name: 'config-pending', value: 20, type: 'u8' },
      { name: 'message-age-timer', value: 21, type: 'u64' },
      { name: 'forward-delay-timer', value: 22, type: 'u64' },
      { name: 'hold-timer', value: 23, type: 'u64' },
      { name: 'flush', value: 24, type: 'flag' },
      { name: 'multicast-router', value: 25, type: 'u8' },
      { name: 'pad', value: 26, type: 'pad' },
      { name: 'mcast-flood', value: 27, type: 'u8' },
      { name: 'mcast-to-ucast', value: 28, type: 'u8' },
      { name: 'vlan-tunnel', value: 29, type: 'u8' },
      { name: 'bcast-flood', value: 30, type: 'u8' },
      { name: 'group-fwd-mask', value: 31, type: 'u16' },
      { name: 'neigh-suppress', value: 32, type: 'u8' },
      { name: 'isolated', value: 33, type: 'u8' },
      { name: 'backup-port', value: 34, type: 'u32' },
      { name: 'mrp-ring-open', value: 35, type: 'u8' },
      { name: 'mrp-in-open', value: 36, type: 'u8' },
      { name: 'mcast-eht-hosts-limit', value: 37, type: 'u32' },
      { name: 'mcast-eht-hosts-cnt', value: 38, type: 'u32' },
      { name: 'locked', value: 39, type: 'u8' },
      { name: 'mab', value: 40, type: 'u8' },
      { name: 'mcast-n-groups', value: 41, type: 'u32' },
      { name: 'mcast-max-groups', value: 42, type: 'u32' },
      { name: 'neigh-vlan-suppress', value: 43, type: 'u8' },
      { name: 'backup-nhid', value: 44, type: 'u32' },
    ],
    'bridge-af-spec-attrs': [
      { name: 'flags', value: 0, type: 'u16', enum: 'bridge-flags', flags: true },
      { name: 'mode', value: 1, type: 'u16', enum: 'bridge-mode' },
      { name: 'vlan-info', value: 2, type: 'binary', struct: 'bridge-vlan-info', multi: true },
      { name: 'vlan-tunnel-info', value: 3, type: 'nest', nested: 'bridge-vlan-tunnel-attrs', multi: true },
    ],
    'bridge-vlan-tunnel-attrs': [
      { name: 'id', value: 1, type: 'u32' },
      { name: 'vid', value: 2, type: 'u16' },
      { name: 'flags', value: 3, type: 'u16', enum: 'bridge-vlan-info-flags', flags: true },
    ],
  },
  subMessages: {},
  operations: {
    model: 'directional',
    list: [
      { name: 'newlink', attributeSet: 'bridge-link-attrs', fixedHeader: 'ifinfomsg', do: { request: { value: 16, attributes: [] } } },
      { name: 'dellink', attributeSet: 'bridge-link-attrs', fixedHeader: 'ifinfomsg', do: { request: { value: 17, attributes: ['af-spec'] } } },
      {
        name: 'getlink', attributeSet: 'bridge-link-attrs', fixedHeader: 'ifinfomsg',
        dump: { request: { value: 18, attributes: ['master', 'ext-mask'] }, reply: { value: 16, attributes: [] } },
      },
      { name: 'setlink', attributeSet: 'bridge-link-attrs', fixedHeader: 'ifinfomsg', do: { request: { value: 19, attributes: ['protinfo', 'af-spec'] } } },
    ],
  },
} as const satisfies FamilyDecl;
