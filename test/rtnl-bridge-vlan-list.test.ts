// Listing bridge VLANs (`bridge vlan show`): the dump request byte-equal to bridge's (plain and
// -c), and the decode + print of a reply in the kernel's format (br_fill_ifinfo: one
// IFLA_BRIDGE_VLAN_INFO per VLAN, range-begin/range-end pairs when compressed), since this
// kernel has no VLAN filtering and its replies carry no VLAN lists to compare with.
import test from 'ava';
import { parseMessages } from '../src/netlink/message.js';
import { decodeBridgeVlans, encodeBridgeVlanDump } from '../src/rtnl/bridge-vlan.js';
import { bridgeVlanJson, bridgeVlanText, BRIDGE_VLAN_HEADER } from '../src/rtnl/print/bridge.js';
import { withNs } from './helpers/rtnl.js';
import { messagesOf, requestHex, sentDatagrams } from './helpers/strace.js';

const RTM_GETLINK = 18;

test('the vlan dump request is byte-equal to bridge vlan show (and bridge -compressvlans vlan show)', async (t) => {
  await withNs('bvd', async ({ name }) => {
    for (const [args, compressed] of [[['vlan', 'show'], false], [['-compressvlans', 'vlan', 'show'], true]] as const) {
      const sent = messagesOf(sentDatagrams(['bridge', ...args], name).datagrams).filter((m) => (m[4]! | (m[5]! << 8)) === RTM_GETLINK && m[16] === 7);
      t.is(sent.length, 1, args.join(' '));
      t.is(requestHex(encodeBridgeVlanDump(compressed)), requestHex(sent[0]!), `bridge ${args.join(' ')}`);
    }
  });
});

// One AF_BRIDGE RTM_NEWLINK as a kernel with VLAN filtering sends it for port veth0 (ifindex 3,
// master 2): VLAN 1 pvid untagged, VLAN 10, and 20-30 untagged as a compressed range.
const REPLY = [
  '58000000 1000 0200 01000000 00000000', // nlmsghdr: len 88, RTM_NEWLINK, NLM_F_MULTI, seq 1
  '07 00 0100 03000000 02100000 00000000', // ifinfomsg: AF_BRIDGE, ARPHRD_ETHER, index 3
  '0a00 0300 7665746830 00 0000', // IFLA_IFNAME "veth0"
  '0800 0a00 02000000', // IFLA_MASTER 2
  '2400 1a00', // IFLA_AF_SPEC
  '0800 0200 0600 0100', //   VLAN_INFO pvid|untagged, vid 1
  '0800 0200 0000 0a00', //   VLAN_INFO vid 10
  '0800 0200 0800 1400', //   VLAN_INFO range-begin, vid 20
  '0800 0200 1400 1e00', //   VLAN_INFO range-end|untagged, vid 30
].join('').replace(/\s/g, '');

test('a port\'s VLAN list decodes and prints as bridge -j vlan show and bridge vlan show would', (t) => {
  const [m] = parseMessages(Uint8Array.from(Buffer.from(REPLY, 'hex')));
  const p = decodeBridgeVlans(m!)!;
  t.like(p, { ifindex: 3, ifname: 'veth0' });
  t.deepEqual(p.vlans.map((v) => [v.vid, v.vidEnd, v.pvid, v.untagged]), [[1, undefined, true, true], [10, undefined, false, false], [20, 30, false, true]]);
  // print_vlan_info + bridge_print_vlan_flags (iproute2 6.1): flags only when the bits are not 0.
  t.deepEqual(JSON.parse(JSON.stringify(bridgeVlanJson(p))), {
    ifname: 'veth0',
    vlans: [{ vlan: 1, flags: ['PVID', 'Egress Untagged'] }, { vlan: 10 }, { vlan: 20, vlanEnd: 30, flags: ['Egress Untagged'] }],
  });
  t.is(BRIDGE_VLAN_HEADER + bridgeVlanText(p), [
    'port              vlan-id  ',
    'veth0             1 PVID Egress Untagged',
    '                  10',
    '                  20-30 Egress Untagged',
    '',
  ].join('\n'));
  // A port without IFLA_AF_SPEC (no VLAN filtering) lists nothing, as bridge prints nothing.
  const bare = REPLY.slice(0, 2 * 52).replace(/^58/, '34');
  t.is(decodeBridgeVlans(parseMessages(Uint8Array.from(Buffer.from(bare, 'hex')))[0]!), undefined);
});
