// The link decoder runs on the rt-link tables (src/rtnl/link-decode-spec.ts): the corrections
// to the YAML (FIXES in link-kinds.ts) and the sets it lacks, checked on bytes laid out as the
// kernel does (if_link.h, br_fill_info, vxlan_fill_info, macvlan_fill_info), and what the
// decoder reads past (statistics not asked for) or keeps raw (attributes ip does not show).
import test from 'ava';
import { MessageWriter } from '../src/netlink/writer.js';
import { parseMessages } from '../src/netlink/message.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { decodeLink } from '../src/rtnl/link-decode.js';
import { decodeBridgeData, decodeMacvlanData, decodeVxlanData } from '../src/rtnl/link-kind-decode.js';
import { decodeKindInfoData, kindInfoData } from '../src/rtnl/link-kinds.js';

const RTM_NEWLINK = 16;
const IFLA_IFNAME = 3, IFLA_STATS = 7, IFLA_LINKINFO = 18, IFLA_STATS64 = 23, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2;

/** IFLA_INFO_DATA bytes: attributes written by `fill`. */
function data(fill: (w: MessageWriter) => void): { buf: NetlinkBuffer; len: number } {
  const w = new MessageWriter(256);
  fill(w);
  const b = w.copy();
  return { buf: new NetlinkBuffer(b), len: b.length };
}

test('bridge: vlan_protocol is be16 on the wire (the YAML says u16), bridge ids are prio bytes + address', (t) => {
  const { buf, len } = data((w) => {
    w.attrBe16(8, 0x88a8); // IFLA_BR_VLAN_PROTOCOL
    w.attrBytes(11, Uint8Array.of(0x80, 0x00, 0x6e, 0xa8, 0x03, 0x32, 0x73, 0xff)); // IFLA_BR_BRIDGE_ID
  });
  t.deepEqual(decodeBridgeData(buf, 0, len), { vlan_protocol: '802.1ad', bridge_id: '8000.6e:a8:3:32:73:ff' });
  // The same table writes what br_changelink reads (nla_get_be16).
  t.deepEqual([...kindInfoData('bridge', { 'vlan-protocol': 0x8100 })[0]!.data], [0x81, 0x00]);
  t.deepEqual(decodeKindInfoData('bridge', buf, 0, len), { 'vlan-protocol': 0x88a8, 'bridge-id': { prio: '8000', addr: '6e:a8:03:32:73:ff' } });
});

test('bridge: multi_boolopt shows ip\'s two options and stays raw when it carries others', (t) => {
  const boolopt = (val: number, mask: number) => data((w) => { const b = new Uint8Array(8); const v = new DataView(b.buffer); v.setUint32(0, val, true); v.setUint32(4, mask, true); w.attrBytes(46, b); });
  const known = boolopt(1, 3);
  t.deepEqual(decodeBridgeData(known.buf, 0, known.len), { no_linklocal_learn: 1, mcast_vlan_snooping: 0 });
  const more = boolopt(4, 0x1f);
  const d = decodeBridgeData(more.buf, 0, more.len);
  t.is(d.no_linklocal_learn, 0);
  t.is(d.raw?.length, 1);
  t.is(d.raw?.[0]?.type, 46);
});

test('vxlan (a set the 6.14 YAML lacks): port big-endian, port range, v4 group vs remote, unknown attributes raw', (t) => {
  const { buf, len } = data((w) => {
    w.attrU32(1, 42); // ID
    w.attrBytes(2, Uint8Array.of(239, 1, 1, 1)); // GROUP (multicast -> group)
    w.attrBe16(15, 4789); // PORT
    w.attrBytes(10, Uint8Array.of(0x03, 0xe8, 0x07, 0xd0)); // PORT_RANGE 1000-2000
    w.attrU8(28, 1); // TTL_INHERIT as vxlan_fill_info puts it (a u8)
    w.attrU8(5, 9); // TTL: not shown when inherited
    w.attrU8(31, 1); // LOCALBYPASS: ip 6.1 does not print it
  });
  t.deepEqual(decodeVxlanData(buf, 0, len), {
    id: 42, group: '239.1.1.1', port_range: { low: 1000, high: 2000 }, port: 4789, ttl_inherit: true,
    raw: [{ type: 31, data: Uint8Array.of(1) }],
  });
  t.deepEqual(kindInfoData('vxlan', { port: 4789 })[0]!.data, Uint8Array.of(0x12, 0xb5));
});

test('macvlan source mode: the address list from IFLA_MACVLAN_MACADDR_DATA', (t) => {
  const { buf, len } = data((w) => {
    w.attrU32(1, 16); // MODE source
    w.attrU32(6, 2); // MACADDR_COUNT
    const n = w.nestStart(5);
    w.attrBytes(4, Uint8Array.of(2, 0, 0, 0, 0, 1));
    w.attrBytes(4, Uint8Array.of(2, 0, 0, 0, 0, 2));
    w.nestEnd(n);
  });
  t.deepEqual(decodeMacvlanData(buf, 0, len), { mode: 'source', macaddr_count: 2, macaddr_data: ['02:00:00:00:00:01', '02:00:00:00:00:02'] });
});

test('link statistics: read past (not decoded, not in raw) unless asked for; IFLA_STATS never kept', (t) => {
  const w = new MessageWriter(512);
  const start = w.begin(RTM_NEWLINK, 0);
  w.u8(0).u8(0).u16(1).s32(7).u32(0x1043).u32(0);
  w.attrString(IFLA_IFNAME, 'x0');
  w.attrBytes(IFLA_STATS, new Uint8Array(96));
  const s64 = new Uint8Array(200);
  new DataView(s64.buffer).setBigUint64(16, 1234n, true); // rx_bytes
  w.attrBytes(IFLA_STATS64, s64);
  const li = w.nestStart(IFLA_LINKINFO);
  w.attrString(IFLA_INFO_KIND, 'veth');
  const d = w.nestStart(IFLA_INFO_DATA);
  w.attrU32(1, 5);
  w.nestEnd(d);
  w.nestEnd(li);
  w.end(start);
  const [m] = parseMessages(w.copy());
  const plain = decodeLink(m!);
  t.deepEqual(plain.raw, []);
  t.is(plain.stats64, undefined);
  t.false('stats64' in plain);
  // A kind without a table keeps its data whole.
  t.deepEqual(plain.linkinfo, { info_kind: 'veth', info_data: { raw: [{ type: 1, data: Uint8Array.of(5, 0, 0, 0) }] } });
  const withStats = decodeLink(m!, { stats: true });
  t.is(withStats.stats64?.rx.bytes, 1234);
  t.deepEqual(withStats.raw, []);
});
