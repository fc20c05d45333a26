// rtnetlink codecs without a kernel: request encoders read back by the decoders, iproute2's
// own captured datagrams decoded, malformed bytes refused with NetlinkDecodeError (never
// anything else), names for extended-ACK attribute paths, and the speed of a big route dump.
import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { MessageWriter, NetlinkBuffer, NetlinkDecodeError, parseMessages, walkAttributes, type MessageRef } from '../src/netlink/index.js';
import * as C from '../src/rtnl/constants.js';
import {
  decodeAddress, decodeLink, decodeLinkAt, decodeNeighbour, decodeNsid, decodeRoute, decodeRtnlMessage, describeLinkAttribute,
  describeRouteAttribute, encodeAddressDump, encodeDelLink, encodeGetLink, encodeGetNsid, encodeLinkDump, encodeNewAddress,
  encodeNewLink, encodeNewNeighbour, encodeNewRoute, encodeNewNsid, encodeRouteDump, encodeSetLink, linkFlagNames,
  resolveLinkNames, rtnlTypeName, tableName, type Link,
} from '../src/rtnl/index.js';
import { decodeRouteAt } from '../src/rtnl/route.js';
import { loadGolden } from './helpers/fixtures.js';

function one(bytes: Uint8Array): MessageRef {
  const ms = parseMessages(bytes);
  if (ms.length !== 1) throw new Error(`expected one message, got ${ms.length}`);
  return ms[0]!;
}

/** Turn a request into the reply the kernel would send for it (same body, NEWxxx type). */
function asReply(bytes: Uint8Array, type: number): MessageRef {
  const b = bytes.slice();
  new DataView(b.buffer).setUint16(4, type, true);
  return one(b);
}

// ---- links

test('a veth request carries the peer as an ifinfomsg + attributes inside VETH_INFO_PEER', (t) => {
  const req = encodeNewLink(
    { name: 'veth0', mtu: 1400, group: 7, flags: C.IFF_UP, change: C.IFF_UP },
    { kind: 'veth', peer: { name: 'ceth0', netnsFd: 9, mtu: 1400 } },
  );
  const m = one(req);
  t.is(m.type, C.RTM_NEWLINK);
  t.is(m.flags & 0x600, 0x600, 'NLM_F_CREATE|NLM_F_EXCL');
  const link = decodeLink(asReply(req, C.RTM_NEWLINK));
  t.is(link.ifname, 'veth0');
  t.is(link.mtu, 1400);
  t.is(link.group, '7');
  t.deepEqual(link.flags, ['NO-CARRIER', 'UP']);
  t.is(link.linkinfo?.info_kind, 'veth');
  // info_data of veth is not interpreted: its one attribute (VETH_INFO_PEER) is kept raw...
  const raw = (link.linkinfo!.info_data as { raw: Array<{ type: number; data: Uint8Array }> }).raw;
  t.is(raw.length, 1);
  t.is(raw[0]!.type, C.VETH_INFO_PEER);
  // ...and is itself a link message body: decode it as one.
  const peerBuf = new NetlinkBuffer(raw[0]!.data);
  const peer = decodeLinkAt(peerBuf, 0, raw[0]!.data.length);
  t.is(peer.ifname, 'ceth0');
  t.is(peer.mtu, 1400);
  t.deepEqual(peer.raw.map((r) => r.type), [C.IFLA_NET_NS_FD]);
});

test('bridge, vxlan and macvlan options survive encode -> decode under ip\'s names', (t) => {
  const br = decodeLink(asReply(encodeNewLink({ name: 'br0' }, {
    kind: 'bridge',
    bridge: { forward_delay: 400, stp_state: true, priority: 4096, vlan_protocol: '802.1ad', group_fwd_mask: 0x4000, group_addr: '01:80:c2:00:00:0e', mcast_snooping: false, no_linklocal_learn: 1, mcast_last_member_intvl: 200 },
  }), C.RTM_NEWLINK));
  t.like(br.linkinfo?.info_data, {
    forward_delay: 400, stp_state: 1, priority: 4096, vlan_protocol: '802.1ad', group_fwd_mask: '0x4000',
    group_addr: '01:80:c2:00:00:0e', mcast_snooping: 0, no_linklocal_learn: 1, mcast_last_member_intvl: 200,
  });
  const vx = decodeLink(asReply(encodeNewLink({ name: 'vx0' }, {
    kind: 'vxlan',
    vxlan: { id: 42, remote: '2001:db8::2', local: '2001:db8::1', port: 4789, port_range: { low: 1000, high: 2000 }, ttl: 0, tos: 1, df: 'inherit', label: 0x12345, learning: false, l2miss: true, gbp: true },
  }), C.RTM_NEWLINK));
  t.deepEqual(vx.linkinfo?.info_data, {
    id: 42, remote6: '2001:db8::2', local6: '2001:db8::1', port_range: { low: 1000, high: 2000 }, port: 4789, learning: false,
    l2miss: true, tos: '0x1', ttl: 0, df: 'inherit', label: '0x12345', gbp: true,
  });
  const mc = decodeLink(asReply(encodeNewLink({ name: 'vx1' }, { kind: 'vxlan', vxlan: { id: 7, group: '239.1.1.1' } }), C.RTM_NEWLINK));
  t.is((mc.linkinfo?.info_data as { group?: string }).group, '239.1.1.1');
  const mv = decodeLink(asReply(encodeNewLink({ name: 'mv0', link: 3 }, { kind: 'macvlan', macvlan: { mode: 'passthru', nopromisc: true } }), C.RTM_NEWLINK));
  t.deepEqual(mv.linkinfo?.info_data, { mode: 'passthru', nopromisc: true });
  t.is(mv.link_index, 3);
});

test('set requests carry IFLA_MASTER 0 for nomaster and bridge port options as slave data', (t) => {
  const req = encodeSetLink(5, { master: 0, flags: 0, change: C.IFF_UP, bridgePort: { cost: 7, hairpin: true, state: 'blocking' } });
  const m = one(req);
  t.is(m.flags & 0x600, 0, 'no CREATE/EXCL on a set');
  const l = decodeLink(asReply(req, C.RTM_NEWLINK));
  t.is(l.ifindex, 5);
  t.is(l.master_index, 0);
  t.is(l.linkinfo?.info_slave_kind, 'bridge');
  t.like(l.linkinfo?.info_slave_data, { cost: 7, hairpin: true, state: 'blocking' });
});

test('dump requests put the kind and master filters where the kernel reads them', (t) => {
  const m = one(encodeLinkDump({ kind: 'veth', master: 4 }));
  t.is(m.flags & 0x300, 0x300, 'NLM_F_DUMP');
  const l = decodeLink(asReply(encodeLinkDump({ kind: 'veth', master: 4 }), C.RTM_NEWLINK));
  t.is(l.linkinfo?.info_kind, 'veth');
  t.is(l.master_index, 4);
  t.deepEqual(l.raw.map((r) => r.type), [C.IFLA_EXT_MASK]);
  t.is(new DataView(l.raw[0]!.data.buffer).getUint32(0, true), C.RTEXT_FILTER_SKIP_STATS, 'stats skipped, no VF info');
  // Names up to 15 bytes go in IFLA_IFNAME, longer altnames in IFLA_ALT_IFNAME.
  t.deepEqual(decodeLink(asReply(encodeGetLink('a-very-long-alternative-name'), C.RTM_NEWLINK)).raw.map((r) => r.type), [C.IFLA_ALT_IFNAME, C.IFLA_EXT_MASK]);
  t.is(decodeLink(asReply(encodeGetLink('eth0'), C.RTM_NEWLINK)).ifname, 'eth0');
  const del = decodeLink(asReply(encodeDelLink({ group: 9 }), C.RTM_NEWLINK));
  t.is(del.ifindex, 0);
  t.is(del.group, '9');
});

test('flags read as ip prints them, NO-CARRIER and unknown bits included', (t) => {
  t.deepEqual(linkFlagNames(C.IFF_UP | C.IFF_BROADCAST | C.IFF_MULTICAST | C.IFF_RUNNING | C.IFF_LOWER_UP), ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
  t.deepEqual(linkFlagNames(C.IFF_UP | C.IFF_LOOPBACK), ['NO-CARRIER', 'LOOPBACK', 'UP']);
  t.deepEqual(linkFlagNames(1 << 22), ['400000']);
});

test('resolveLinkNames names master and peer like ip, with M-DOWN for a down peer', (t) => {
  const l: Link = { msg: 'newlink', ifindex: 3, ifname: 'veth0', flags: ['BROADCAST'], link_type: 'ether', master: 2, master_index: 2, link_index: 4, raw: [] };
  resolveLinkNames(l, (i) => (i === 2 ? { name: 'br0', up: true } : i === 4 ? { name: 'ceth0', up: false } : undefined));
  t.is(l.master, 'br0');
  t.is(l.link, 'ceth0');
  t.deepEqual(l.flags, ['BROADCAST', 'M-DOWN']);
  const gone: Link = { msg: 'newlink', ifindex: 3, ifname: 'x', flags: [], link_type: 'ether', master: 9, master_index: 9, link_index: 8, raw: [] };
  resolveLinkNames(gone, () => undefined);
  t.is(gone.master, 9, 'an unknown master stays an index');
  t.is(gone.link, 'if8', 'an unknown peer reads ifN, as ip prints it');
  const other: Link = { msg: 'newlink', ifindex: 3, ifname: 'x', flags: [], link_type: 'ether', link_index: 8, link_netnsid: 0, raw: [] };
  resolveLinkNames(other, () => undefined);
  t.is(other.link, undefined, 'a peer in another namespace is only link_index + link_netnsid');
});

test('iproute2\'s captured `ip link show lo` reply decodes', (t) => {
  const recv = loadGolden('ip-link-show-lo').filter((d) => d.direction === 'recv');
  const links = recv.flatMap((d) => parseMessages(d.bytes)).filter((m) => m.type === C.RTM_NEWLINK).map((m) => decodeLink(m));
  t.is(links.length, 1);
  const lo = links.find((l) => l.ifname === 'lo')!;
  t.is(lo.ifindex, 1);
  t.is(lo.link_type, 'loopback');
  t.is(lo.address, '00:00:00:00:00:00');
  t.is(lo.mtu, 65536);
  // Attributes kept raw are the message's own bytes, type for type (checked by an independent walk).
  const m = recv.flatMap((d) => parseMessages(d.bytes)).find((x) => x.type === C.RTM_NEWLINK)!;
  const onWire = new Map<number, Uint8Array>();
  walkAttributes(m.buf, m.payloadStart + C.IFINFOMSG_LEN, m.end, (type, off, len) => { onWire.set(type, m.buf.bytes.slice(off, off + len)); });
  t.true(lo.raw.length > 0, 'lo carries attributes the decoder keeps raw (IFLA_AF_SPEC, IFLA_MAP...)');
  for (const r of lo.raw) t.deepEqual(Buffer.from(r.data), Buffer.from(onWire.get(r.type)!), `raw attribute ${r.type}`);
});

test('iproute2\'s captured `ip route show` reply decodes', (t) => {
  const recv = loadGolden('ip-route-show').filter((d) => d.direction === 'recv');
  const routes = recv.flatMap((d) => parseMessages(d.bytes)).filter((m) => m.type === C.RTM_NEWROUTE).map((m) => decodeRoute(m));
  t.true(routes.length >= 1);
  for (const r of routes) {
    t.true(r.dst === 'default' || /^[0-9a-f.:]+(\/\d+)?$/.test(r.dst), r.dst);
    t.true(typeof r.table === 'string' && typeof r.protocol === 'string');
  }
});

test('raw attributes stay at their own level: a property list with more than altnames is kept whole', (t) => {
  const w = new MessageWriter();
  const st = w.begin(C.RTM_NEWLINK, 0);
  w.u8(0).u8(0).u16(1).s32(7).u32(0).u32(0);
  w.attrString(C.IFLA_IFNAME, 'eth0');
  const pl = w.nestStart(C.IFLA_PROP_LIST | 0x8000);
  w.attrString(C.IFLA_ALT_IFNAME, 'enp0s1');
  w.attrU32(99, 5); // a property this decoder does not know
  w.nestEnd(pl);
  w.end(st);
  const l = decodeLink(one(w.copy()));
  t.deepEqual(l.altnames, ['enp0s1']);
  t.deepEqual(l.raw.map((r) => [r.type, r.nested]), [[C.IFLA_PROP_LIST, true]], 'not its children at the top level');
  // Only altnames: nothing raw.
  t.deepEqual(decodeLink(asReply(encodeNewLink({ name: 'x' }, { kind: 'ifb' }), C.RTM_NEWLINK)).raw, []);
});

// ---- addresses

test('address requests round-trip: local + peer /32 (seed 004), broadcast, label, lifetimes, flags beyond 8 bits', (t) => {
  const a = decodeAddress(asReply(encodeNewAddress({
    family: C.AF_INET, prefixlen: 32, index: 4, scope: 0, flags: C.IFA_F_NOPREFIXROUTE | C.IFA_F_PERMANENT,
    local: new Uint8Array([10, 10, 1, 2]), address: new Uint8Array([10, 10, 1, 3]), label: 'rveth:1', valid: 600, preferred: 300, metric: 50,
  }), C.RTM_NEWADDR));
  t.like(a, { index: 4, family: 'inet', local: '10.10.1.2', address: '10.10.1.3', prefixlen: 32, scope: 'global', label: 'rveth:1', noprefixroute: true, valid_life_time: 600, preferred_life_time: 300, metric: 50 });
  t.is(a.dynamic, undefined, 'permanent: not dynamic');
  const b = decodeAddress(asReply(encodeNewAddress({ family: C.AF_INET6, prefixlen: 64, index: 2, flags: C.IFA_F_NODAD, local: new Uint8Array(16).fill(0xfe) }), C.RTM_NEWADDR));
  t.like(b, { family: 'inet6', prefixlen: 64, nodad: true, dynamic: true });
  t.is(b.address, undefined, 'IFA_ADDRESS absent: same as local');
  t.deepEqual(one(encodeAddressDump(C.AF_INET6, 5)).type, C.RTM_GETADDR);
});

// ---- routes

test('route requests round-trip: table > 255, metrics, multipath, IPv6, via another family', (t) => {
  const gw = (x: number): Uint8Array => new Uint8Array([192, 168, 0, x]);
  const r = decodeRoute(asReply(encodeNewRoute({
    family: C.AF_INET, dstLen: 16, dst: new Uint8Array([10, 30, 0, 0]), table: 1000, protocol: C.RTPROT_STATIC,
    scope: C.RT_SCOPE_UNIVERSE, type: C.RTN_UNICAST, priority: 20,
    metrics: [[C.RTAX_MTU, 1400], [C.RTAX_ADVMSS, 1360], [C.RTAX_RTT, 800], [C.RTAX_CC_ALGO, 'cubic']], metricsLock: 1 << C.RTAX_MTU,
    nexthops: [{ gateway: gw(2), ifindex: 3, weight: 1 }, { gateway: gw(3), ifindex: 4, weight: 3 }],
  }), C.RTM_NEWROUTE), (i) => `eth${i}`);
  t.like(r, { dst: '10.30.0.0/16', table: '1000', table_id: 1000, protocol: 'static', scope: 'global', metric: 20, type: 'unicast' });
  t.deepEqual(r.metrics, [{ mtu: 1400, rtt: 100, advmss: 1360, congestion: 'cubic' }]);
  t.deepEqual(r.metrics_lock, ['mtu']);
  t.deepEqual(r.nexthops, [
    { gateway: '192.168.0.2', dev: 'eth3', oif_index: 3, weight: 1, flags: [] },
    { gateway: '192.168.0.3', dev: 'eth4', oif_index: 4, weight: 3, flags: [] },
  ]);
  const v6 = decodeRoute(asReply(encodeNewRoute({
    family: C.AF_INET6, dstLen: 0, table: C.RT_TABLE_MAIN, protocol: C.RTPROT_BOOT, scope: 0, type: C.RTN_UNICAST,
    gateway: new Uint8Array([0xfe, 0x80, ...new Array(13).fill(0), 1]), oif: 2, pref: C.ICMPV6_ROUTER_PREF_HIGH,
  }), C.RTM_NEWROUTE));
  t.like(v6, { family: 'inet6', dst: 'default', gateway: 'fe80::1', dev: 'if2', pref: 'high', table: 'main' });
  const via = decodeRoute(asReply(encodeNewRoute({
    family: C.AF_INET, dstLen: 0, table: C.RT_TABLE_MAIN, protocol: C.RTPROT_BOOT, scope: 0, type: C.RTN_UNICAST,
    gateway: new Uint8Array([0xfe, 0x80, ...new Array(13).fill(0), 1]), viaFamily: C.AF_INET6, oif: 2,
  }), C.RTM_NEWROUTE));
  t.deepEqual(via.via, { family: 'inet6', host: 'fe80::1' });
  t.is(via.gateway, undefined);
});

test('route dump filters: table in the header below 256, in RTA_TABLE above', (t) => {
  const small = one(encodeRouteDump({ family: C.AF_INET, table: 100, protocol: C.RTPROT_STATIC }));
  t.is(small.buf.bytes[small.payloadStart + 4], 100);
  t.is(small.buf.bytes[small.payloadStart + 5], C.RTPROT_STATIC);
  const big = decodeRoute(asReply(encodeRouteDump({ table: 5000 }), C.RTM_NEWROUTE));
  t.is(big.table_id, 5000);
  t.is(tableName(254), 'main');
  t.is(tableName(5000), '5000');
});

test('special routes keep their type; cloned routes lose protocol and scope, as in ip', (t) => {
  const bh = decodeRoute(asReply(encodeNewRoute({ family: C.AF_INET, dstLen: 8, dst: new Uint8Array([10, 0, 0, 0]), table: 254, protocol: 4, scope: 0, type: C.RTN_BLACKHOLE }), C.RTM_NEWROUTE));
  t.is(bh.type, 'blackhole');
  t.is(bh.dev, undefined);
  const cl = decodeRoute(asReply(encodeNewRoute({ family: C.AF_INET, dstLen: 32, dst: new Uint8Array([10, 0, 0, 1]), table: 254, protocol: 4, scope: 0, type: 1, flags: C.RTM_F_CLONED }), C.RTM_NEWROUTE));
  t.is(cl.protocol, undefined);
  t.is(cl.scope, undefined);
  t.deepEqual(cl.cache, []);
  t.is(cl.dst, '10.0.0.1', 'a host route prints without /32');
});

// ---- neighbours, nsids

test('neighbour and nsid requests round-trip', (t) => {
  const n = decodeNeighbour(asReply(encodeNewNeighbour({
    family: C.AF_INET, ifindex: 3, state: C.NUD_PERMANENT, flags: C.NTF_ROUTER, dst: new Uint8Array([10, 0, 0, 9]),
    lladdr: new Uint8Array([2, 0, 0, 0, 0, 9]),
  }), C.RTM_NEWNEIGH), () => 'veth0');
  t.deepEqual(n, { msg: 'newneigh', family: 'inet', dst: '10.0.0.9', dev: 'veth0', ifindex: 3, lladdr: '02:00:00:00:00:09', router: null, state: ['PERMANENT'], raw: [] });
  const id = decodeNsid(asReply(encodeNewNsid({ fd: 5 }, 3), C.RTM_NEWNSID));
  t.is(id.nsid, 3);
  t.deepEqual(id.raw.map((r) => r.type), [C.NETNSA_FD]);
  t.is(decodeNsid(asReply(encodeGetNsid({ pid: 1 }), C.RTM_NEWNSID)).nsid, -1);
});

test('decodeRtnlMessage discriminates on msg', (t) => {
  const m = decodeRtnlMessage(asReply(encodeNewNeighbour({ family: C.AF_INET6, ifindex: 1, dst: new Uint8Array(16) }), C.RTM_DELNEIGH));
  t.is(m.msg, 'delneigh');
  t.is(decodeRtnlMessage(asReply(encodeNewLink({ name: 'x' }, { kind: 'ifb' }), 99)).msg, 'unknown');
  t.is(rtnlTypeName(16), 'RTM_NEWLINK');
  t.is(rtnlTypeName(88), 'RTM_NEWNSID');
});

// ---- attribute names for extended ACKs

test('extended-ACK attribute paths are named with IFLA_/RTA_ constants, per kind', (t) => {
  t.is(describeLinkAttribute([C.IFLA_MTU]), 'IFLA_MTU');
  t.is(describeLinkAttribute([C.IFLA_LINKINFO, C.IFLA_INFO_DATA, C.IFLA_VXLAN_TTL_INHERIT], 'vxlan'), 'IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_TTL_INHERIT');
  t.is(describeLinkAttribute([C.IFLA_LINKINFO, C.IFLA_INFO_DATA, C.IFLA_BR_STP_STATE], 'bridge'), 'IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_BR_STP_STATE');
  t.is(describeLinkAttribute([C.IFLA_LINKINFO, C.IFLA_INFO_DATA, C.VETH_INFO_PEER], 'veth'), 'IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER');
  t.is(describeLinkAttribute([C.IFLA_LINKINFO, C.IFLA_INFO_SLAVE_DATA, C.IFLA_BRPORT_COST]), 'IFLA_LINKINFO/IFLA_INFO_SLAVE_DATA/IFLA_BRPORT_COST');
  t.is(describeLinkAttribute([C.IFLA_NET_NS_FD]), 'IFLA_NET_NS_FD');
  t.is(describeLinkAttribute([C.IFLA_GRO_IPV4_MAX_SIZE]), 'IFLA_GRO_IPV4_MAX_SIZE');
  t.is(describeRouteAttribute([C.RTA_METRICS, C.RTAX_CC_ALGO]), 'RTA_METRICS/RTAX_CC_ALGO');
  t.is(describeRouteAttribute([C.RTA_TABLE]), 'RTA_TABLE');
});

// ---- malformed input: only NetlinkDecodeError, never a crash or a read past the end

function messageOf(type: number, body: Uint8Array): MessageRef {
  const w = new MessageWriter();
  const s = w.begin(type, 0);
  w.raw(body);
  w.end(s);
  return one(w.copy());
}

const decoders: Array<[string, number, (m: MessageRef) => unknown]> = [
  ['link', C.RTM_NEWLINK, (m) => decodeLink(m, { stats: true })],
  ['address', C.RTM_NEWADDR, (m) => decodeAddress(m)],
  ['route', C.RTM_NEWROUTE, (m) => decodeRoute(m)],
  ['neighbour', C.RTM_NEWNEIGH, (m) => decodeNeighbour(m)],
  ['nsid', C.RTM_NEWNSID, (m) => decodeNsid(m)],
];

for (const [name, type, decode] of decoders) {
  testProp(`random ${name} bodies decode or fail with NetlinkDecodeError`, [fc.uint8Array({ maxLength: 300 })], (t, body) => {
    try {
      decode(messageOf(type, body));
      t.pass();
    } catch (err) {
      t.true(err instanceof NetlinkDecodeError, `${(err as Error).name}: ${(err as Error).message}`);
    }
  }, { numRuns: 2000 });
}

const seeds: Array<[number, Uint8Array]> = [
  [C.RTM_NEWLINK, encodeNewLink({ name: 'veth0', mtu: 1500 }, { kind: 'veth', peer: { name: 'c0' } })],
  [C.RTM_NEWLINK, encodeNewLink({ name: 'br0' }, { kind: 'bridge', bridge: { stp_state: 1, group_addr: '01:80:c2:00:00:00', no_linklocal_learn: 1 } })],
  [C.RTM_NEWLINK, encodeNewLink({ name: 'vx0' }, { kind: 'vxlan', vxlan: { id: 1, remote: '10.0.0.1', port_range: { low: 1, high: 2 } } })],
  [C.RTM_NEWLINK, encodeSetLink(3, { bridgePort: { cost: 1, backup_port: 4 } })],
  [C.RTM_NEWROUTE, encodeNewRoute({ family: C.AF_INET, dstLen: 8, dst: new Uint8Array([10, 0, 0, 0]), table: 300, protocol: 3, scope: 0, type: 1, metrics: [[2, 1400], [16, 'reno']], nexthops: [{ gateway: new Uint8Array([1, 2, 3, 4]), ifindex: 2 }] })],
  [C.RTM_NEWADDR, encodeNewAddress({ family: C.AF_INET, prefixlen: 24, index: 2, local: new Uint8Array([1, 2, 3, 4]), valid: 5, label: 'x' })],
];

testProp('mutated valid messages decode or fail with NetlinkDecodeError', [
  fc.integer({ min: 0, max: seeds.length - 1 }),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
], (t, which, edits) => {
  const [type, req] = seeds[which]!;
  const bytes = req.slice();
  for (const [pos, val] of edits) {
    const p = 16 + (pos % Math.max(1, bytes.length - 16));
    bytes[p] = val;
  }
  new DataView(bytes.buffer).setUint16(4, type, true);
  try {
    const m = one(bytes);
    for (const [, , decode] of decoders) {
      try { decode({ ...m, type: m.type }); } catch (err) { if (!(err instanceof NetlinkDecodeError)) throw err; }
    }
    t.pass();
  } catch (err) {
    t.true(err instanceof NetlinkDecodeError, `${(err as Error).name}: ${(err as Error).message}`);
  }
}, { numRuns: 3000 });

test('a truncated attribute is refused with its offset', (t) => {
  const req = encodeNewRoute({ family: C.AF_INET, dstLen: 8, dst: new Uint8Array([10, 0, 0, 0]), table: 254, protocol: 3, scope: 0, type: 1 });
  const bytes = req.slice();
  // Make RTA_TABLE claim 200 bytes.
  new DataView(bytes.buffer).setUint16(28, 200, true);
  const err = t.throws(() => decodeRoute(asReply(bytes, C.RTM_NEWROUTE)), { instanceOf: NetlinkDecodeError });
  t.is(err.offset, 28);
});

// ---- speed

function routeDump(n: number): Uint8Array {
  const w = new MessageWriter(n * 80);
  for (let i = 0; i < n; i++) {
    const s = w.begin(C.RTM_NEWROUTE, 2, 1, 1);
    // What the kernel sends for `10.x.y.0/24 via 192.168.0.1 dev eth0 proto bgp`.
    w.u8(C.AF_INET).u8(24).u8(0).u8(0).u8(C.RT_TABLE_MAIN).u8(C.RTPROT_BGP).u8(C.RT_SCOPE_UNIVERSE).u8(C.RTN_UNICAST).u32(0);
    w.attrU32(C.RTA_TABLE, C.RT_TABLE_MAIN);
    w.attrBytes(C.RTA_DST, new Uint8Array([10, (i >> 16) & 0xff, (i >> 8) & 0xff, 0]));
    w.attrBytes(C.RTA_GATEWAY, new Uint8Array([192, 168, 0, 1]));
    w.attrU32(C.RTA_OIF, 2);
    w.end(s);
  }
  return w.copy();
}

test('100k routes decode, the last one intact (speed is logged; npm run bench measures it)', (t) => {
  const bytes = routeDump(100_000);
  const ms = parseMessages(bytes);
  const names = new Map([[2, 'eth0']]);
  const resolve = (i: number): string | undefined => names.get(i);
  let best = Infinity;
  let last: unknown;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ms.length; i++) last = decodeRoute(ms[i]!, resolve);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.like(last as object, { dev: 'eth0', gateway: '192.168.0.1', protocol: 'bgp', table: 'main' });
  t.log(`decodeRoute: 100k routes (${(bytes.length / 1e6).toFixed(1)} MB) in ${best.toFixed(1)} ms warm`);
});

// The route decoder has a fast path for the plain routes of big tables (one object literal
// with the final keys). A zero RTA_MARK changes nothing in the result (ip prints no mark 0)
// but sends the same message down the general path: both must give equal routes, keys in the
// same order, wherever the message sits in its buffer.
testProp('route decoder: the fast path gives what the general path gives, key order included', [
  fc.record({
    v6: fc.boolean(), del: fc.boolean(), dstLen: fc.integer({ min: 0, max: 128 }), dst: fc.boolean(),
    oif: fc.option(fc.integer({ min: 1, max: 5000 })), metric: fc.option(fc.nat()), gw: fc.boolean(),
    table: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 256, max: 0xffffffff })),
    protocol: fc.integer({ min: 0, max: 255 }), scope: fc.integer({ min: 0, max: 255 }), type: fc.integer({ min: 0, max: 12 }),
    flags: fc.constantFrom(0, C.RTNH_F_ONLINK, C.RTM_F_CLONED, C.RTNH_F_DEAD | C.RTNH_F_LINKDOWN),
    srcLen: fc.constantFrom(0, 0, 8), tos: fc.constantFrom(0, 0, 4), pad: fc.integer({ min: 0, max: 3 }), names: fc.boolean(),
  }),
], (t, s) => {
  const n = s.v6 ? 16 : 4;
  const dstLen = Math.min(s.dstLen, n * 8);
  const req = encodeNewRoute({
    family: s.v6 ? C.AF_INET6 : C.AF_INET, dstLen, srcLen: s.srcLen, tos: s.tos,
    dst: s.dst ? Uint8Array.from({ length: n }, (_, i) => (i * 37 + dstLen) & 0xff) : undefined,
    table: s.table, protocol: s.protocol, scope: s.scope, type: s.type, flags: s.flags,
    oif: s.oif ?? undefined, priority: s.metric ?? undefined,
    gateway: s.gw ? Uint8Array.from({ length: n }, (_, i) => (i * 11 + 1) & 0xff) : undefined,
  });
  const type = s.del ? C.RTM_DELROUTE : C.RTM_NEWROUTE;
  const resolve = s.names ? (i: number): string | undefined => (i % 2 ? `eth${i}` : undefined) : undefined;
  const fast = decodeRoute(asReply(req, type), resolve);
  const marked = new Uint8Array(req.length + 8);
  marked.set(req);
  marked.set([8, 0, C.RTA_MARK, 0, 0, 0, 0, 0], req.length);
  new DataView(marked.buffer).setUint32(0, marked.length, true);
  const general = decodeRoute(asReply(marked, type), resolve);
  t.deepEqual(fast, general);
  t.deepEqual(Object.keys(fast), Object.keys(general));
  // The same message at an offset inside a bigger buffer, decoded from (buffer, offset).
  const big = new Uint8Array(s.pad * 4 + req.length + 8);
  big.set(req, s.pad * 4);
  new DataView(big.buffer).setUint16(s.pad * 4 + 4, type, true);
  t.deepEqual(decodeRouteAt(new NetlinkBuffer(big), s.pad * 4, resolve), fast);
}, { numRuns: 3000 });
