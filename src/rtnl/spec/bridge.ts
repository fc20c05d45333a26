// The AF_BRIDGE side of rtnetlink links (`bridge link`, `bridge vlan`): RTM_SETLINK/DELLINK/
// GETLINK with ifi_family AF_BRIDGE, whose IFLA_PROTINFO is a nest of bridge port attributes and
// whose IFLA_AF_SPEC holds IFLA_BRIDGE_* (linux/if_bridge.h). The kernel's rt-link spec declares
// IFLA_PROTINFO as a string (its AF_INET6 meaning) and has no IFLA_BRIDGE_* set, so this
// declaration, in the generated tables' form, says what the bridge family puts there; the port
// attributes are rt-link's own set.
import type { FamilyDecl } from '../../netlink/spec/types.js';
import { rtLinkSpec } from './rt-link.gen.js';

export const rtBridgeSpec = {
  name: 'rt-bridge',
  protocol: 'netlink-raw',
  protonum: 0,
  source: 'linux/if_bridge.h and linux/if_link.h (UAPI), IFLA_BRPORT_* from rt-link.yaml',
  definitions: {
    ifinfomsg: rtLinkSpec.definitions.ifinfomsg,
    'ifinfo-flags': rtLinkSpec.definitions['ifinfo-flags'],
    'ifla-bridge-id': rtLinkSpec.definitions['ifla-bridge-id'],
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
    ],
    'brport-attrs': rtLinkSpec.attributeSets['linkinfo-brport-attrs'],
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
        dump: { request: { value: 18, attributes: ['master'] }, reply: { value: 16, attributes: [] } },
      },
      { name: 'setlink', attributeSet: 'bridge-link-attrs', fixedHeader: 'ifinfomsg', do: { request: { value: 19, attributes: ['protinfo', 'af-spec'] } } },
    ],
  },
} as const satisfies FamilyDecl;
