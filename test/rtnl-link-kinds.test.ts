// Link kinds declared on the rt-link spec tables (src/rtnl/link-kinds.ts): the create request
// is byte-equal to what `ip link add NAME type KIND ...` sends (strace; this kernel refuses most
// of these kinds, ip still sends the request), and the kind data ip wrote decodes back through
// the same declaration to the values given on ip's command line.
import test from 'ava';
import { NetlinkBuffer, walkAttributes } from '../src/netlink/reader.js';
import { decodeKindInfoData, encodeKindNewLink, kindInfoData, type KindInfoData } from '../src/rtnl/link-kinds.js';
import { ipn, withNs } from './helpers/rtnl.js';
import { listLinks } from '../src/rtnl/index.js';
import { messagesOf, requestHex, sentDatagrams } from './helpers/strace.js';
import { NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST } from '../src/netlink/constants.js';

const RTM_NEWLINK = 16, IFLA_LINKINFO = 18, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2;
const GRE_KEY = 0x2000;
const z4 = { 'encap-type': 0, 'encap-flags': 0, 'encap-sport': 0, 'encap-dport': 0 };

// ip's arguments after `type`, the kind, the lower device when any, and IFLA_INFO_DATA in ip's
// order (iproute2 6.1 sends every tunnel parameter, defaults included).
const CASES: Array<{ args: string[]; kind: string; link?: string; data?: KindInfoData }> = [
  { args: ['type', 'dummy'], kind: 'dummy' },
  { args: ['type', 'ifb'], kind: 'ifb' },
  { args: ['type', 'wireguard'], kind: 'wireguard' },
  { args: ['type', 'netkit'], kind: 'netkit' },
  { args: ['type', 'vrf', 'table', '10'], kind: 'vrf', data: { table: 10 } },
  { args: ['type', 'bond', 'mode', '802.3ad', 'miimon', '100'], kind: 'bond', data: { mode: 4, miimon: 100 } },
  { args: ['link', 'v0', 'type', 'ipvlan', 'mode', 'l3'], kind: 'ipvlan', link: 'v0', data: { mode: 'l3', flags: 0 } },
  { args: ['link', 'v0', 'type', 'vlan', 'id', '10', 'protocol', '802.1ad', 'egress-qos-map', '1:2', 'ingress-qos-map', '3:4'], kind: 'vlan', link: 'v0',
    data: { id: 10, protocol: '8021ad', 'egress-qos': { mapping: [{ from: 1, to: 2 }] }, 'ingress-qos': { mapping: [{ from: 3, to: 4 }] } } },
  { args: ['link', 'v0', 'type', 'vlan', 'id', '20'], kind: 'vlan', link: 'v0', data: { id: 20 } },
  { args: ['type', 'gre', 'remote', '192.0.2.1', 'local', '192.0.2.2', 'ttl', '64', 'key', '5'], kind: 'gre',
    data: { ikey: 5, okey: 5, iflags: GRE_KEY, oflags: GRE_KEY, local: '192.0.2.2', remote: '192.0.2.1', pmtudisc: 1, tos: 0, ttl: 64, fwmark: 0, ...z4 } },
  { args: ['type', 'gretap', 'remote', '192.0.2.1'], kind: 'gretap',
    data: { ikey: 0, okey: 0, iflags: 0, oflags: 0, remote: '192.0.2.1', pmtudisc: 1, tos: 0, ttl: 0, fwmark: 0, ...z4 } },
  { args: ['type', 'ip6gre', 'remote', '2001:db8::1', 'local', '2001:db8::2'], kind: 'ip6gre',
    data: { ikey: 0, okey: 0, iflags: 0, oflags: 0, local: '2001:db8::2', remote: '2001:db8::1', ttl: 64, 'encap-limit': 4, flowinfo: 0, flags: 0, fwmark: 0,
      'erspan-ver': 1, 'encap-type': 0, 'encap-flags': 2, 'encap-sport': 0, 'encap-dport': 0 } },
  { args: ['type', 'ipip', 'remote', '192.0.2.1', 'local', '192.0.2.2'], kind: 'ipip',
    data: { proto: 0, local: '192.0.2.2', remote: '192.0.2.1', pmtudisc: 1, tos: 0, ttl: 0, link: 0, fwmark: 0, ...z4 } },
  { args: ['type', 'sit', 'remote', '192.0.2.1'], kind: 'sit',
    data: { proto: 0, remote: '192.0.2.1', pmtudisc: 1, tos: 0, ttl: 0, link: 0, fwmark: 0, ...z4, flags: 0 } },
  { args: ['type', 'geneve', 'id', '5', 'remote', '192.0.2.1'], kind: 'geneve', data: { id: 5, remote: '192.0.2.1', label: 0, ttl: 0, tos: 0 } },
  { args: ['type', 'xfrm', 'if_id', '7'], kind: 'xfrm', data: { 'if-id': 7 } },
];

/** IFLA_INFO_DATA's [offset, length] in a NEWLINK request, or undefined. */
function infoData(m: Uint8Array): { buf: NetlinkBuffer; off: number; len: number } | undefined {
  const buf = new NetlinkBuffer(m);
  let found: { buf: NetlinkBuffer; off: number; len: number } | undefined;
  walkAttributes(buf, 32, m.length, (t, o, l) => {
    if ((t & 0x3fff) !== IFLA_LINKINFO) return;
    walkAttributes(buf, o, o + l, (t2, o2, l2) => { if ((t2 & 0x3fff) === IFLA_INFO_DATA) found = { buf, off: o2, len: l2 }; else if (t2 === IFLA_INFO_KIND) void 0; });
  });
  return found;
}

test('create requests of every declared kind are byte-equal to ip link add ... type KIND, and ip\'s kind data decodes back', async (t) => {
  await withNs('lk', async ({ name }) => {
    ipn(name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    const v0 = Number(/^(\d+):/.exec(ipn(name, ['-o', 'link', 'show', 'v0']))![1]);
    for (const [i, c] of CASES.entries()) {
      const dev = `k${i}`;
      const sent = messagesOf(sentDatagrams(['ip', 'link', 'add', ...(c.args[0] === 'link' ? c.args.slice(0, 2) : []), dev, ...(c.args[0] === 'link' ? c.args.slice(2) : c.args)], name).datagrams)
        // (ip first probes with an empty RTM_NEWLINK: iplink_have_newlink.)
        .filter((m) => (m[4]! | (m[5]! << 8)) === RTM_NEWLINK && m.length > 32);
      t.is(sent.length, 1, c.args.join(' '));
      const ours = encodeKindNewLink({ name: dev, link: c.link ? v0 : undefined }, c.kind, c.data);
      // ip asks for an ACK and CREATE|EXCL, as encodeNewLink does.
      t.is((ours[6]! | (ours[7]! << 8)), NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
      t.is(requestHex(ours), requestHex(sent[0]!), `ip link add ${dev} ${c.args.join(' ')}`);
      const d = infoData(sent[0]!);
      if (!c.data) { t.is(d, undefined, `${c.kind}: no IFLA_INFO_DATA`); continue; }
      t.deepEqual(JSON.parse(JSON.stringify(decodeKindInfoData(c.kind, d!.buf, d!.off, d!.len))), c.data, `${c.kind}: ip's data decodes to the values given`);
    }
  });
});

test('kind data is checked against the declaration: an unknown attribute is refused with its path', (t) => {
  t.throws(() => kindInfoData('gre', { remote: '192.0.2.1', bogus: 1 }), { message: /gre\.data\.bogus.*not an attribute of linkinfo-gre-attrs/ });
  t.throws(() => kindInfoData('nosuchkind', {}), { message: /no declared IFLA_INFO_DATA/ });
});

test('tun/tap (ip tuntap), macvtap and ifb made by ip decode as ip -j -d link shows them', async (t) => {
  await withNs('lkt', async ({ name, sock }) => {
    for (const a of [['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ['link', 'add', 'mt0', 'link', 'v0', 'type', 'macvtap', 'mode', 'bridge'],
      ['link', 'add', 'mt1', 'link', 'v0', 'type', 'macvtap', 'mode', 'vepa'], ['link', 'add', 'ifb0', 'type', 'ifb'],
      ['tuntap', 'add', 'dev', 'tap0', 'mode', 'tap', 'user', '1000', 'group', '100', 'multi_queue'], ['tuntap', 'add', 'dev', 'tun0', 'mode', 'tun', 'pi', 'vnet_hdr'],
      ['tuntap', 'add', 'dev', 'tap1', 'mode', 'tap', 'user', '4242']]) ipn(name, a);
    const links = await listLinks(sock);
    const ip = JSON.parse(ipn(name, ['-j', '-d', 'link', 'show'])) as Array<{ ifname: string; linkinfo?: unknown }>;
    for (const dev of ['mt0', 'mt1', 'ifb0', 'tap0', 'tun0', 'tap1']) {
      const ours = links.find((l) => l.ifname === dev)!;
      t.deepEqual(JSON.parse(JSON.stringify(ours.linkinfo)), ip.find((l) => l.ifname === dev)!.linkinfo, `${dev}: linkinfo as ip -j -d link`);
    }
    t.like(links.find((l) => l.ifname === 'tap0')!.linkinfo, { info_kind: 'tun', info_data: { type: 'tap', multi_queue: true, persist: true } });
  });
});
