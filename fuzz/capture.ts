// Re-captures fuzz/corpus from real kernel traffic:
//   node scripts/in-private-netns.mjs node --import=tsx fuzz/capture.ts [--replace]
// Inside the private test namespace it builds a varied configuration with the oracle tools
// (ip, nft: links of several kinds, addresses, routes, neighbours, an nftables ruleset), then
// dumps everything through the library's own NetlinkSocket with a receive tap, and provokes
// kernel refusals (for NLMSG_ERROR with extended ACK). Each message the kernel sent becomes one
// corpus file of the target that decodes it; sequence numbers and port ids are normalised so a
// re-capture of the same state gives the same files.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import {
  MessageWriter, NetlinkSocket, NETLINK_NETFILTER, NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL,
  NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, parseMessages, type MessageRef,
} from '../src/netlink/index.js';
import { encodeAddressDump, encodeLinkDump, encodeNeighbourDump, encodeRouteDump } from '../src/rtnl/index.js';
import { assertPrivate, tryRun } from '../test/helpers/env.js';
import { CORPUS_DIR, hashName, writeCorpusEntry } from './lib/files.js';
import { tapReceive } from './lib/tap.js';
import { familyHeaderSize } from './lib/wire.js';

assertPrivate();
const replace = process.argv.includes('--replace');

// ---- a configuration worth dumping (each step may fail on a kernel without that feature) ----
const skipped: string[] = [];
const sh = (line: string): void => {
  const [cmd, ...args] = line.split(' ');
  const r = tryRun(cmd!, args);
  if (r.status !== 0) skipped.push(`${line}: ${r.stderr.trim().split('\n')[0]}`);
};
const setup = [
  'ip link add cv0 type veth peer name cv1',
  'ip link add cbr0 type bridge',
  'ip link set cbr0 type bridge stp_state 0 forward_delay 300',
  'ip link set cbr0 type bridge vlan_filtering 1',
  'ip link set cbr0 type bridge mcast_snooping 1',
  'ip link set cv0 master cbr0',
  'ip link set cv0 type bridge_slave cost 7 priority 3',
  'ip link set cv0 type bridge_slave learning off hairpin on',
  'ip link set cv0 alias upstream-port',
  'ip link add cvx0 type vxlan id 42 dstport 4789 local 192.0.2.1 ttl 16 nolearning',
  'ip link add link cv1 name cmv0 type macvlan mode bridge',
  'ip link add link cv1 name cvl0.5 type vlan id 5',
  'ip link add cvrf0 type vrf table 100',
  'ip link add cd0 type dummy',
  'ip link add cb0 type bond mode active-backup',
  'ip link property add dev cv1 altname capture-altname-long',
  'ip link set cv0 up', 'ip link set cv1 up', 'ip link set cbr0 up', 'ip link set cmv0 up',
  'ip link set cv1 mtu 1400 txqueuelen 500 group 7',
  'ip addr add 192.0.2.1/24 dev cbr0 label cbr0:one',
  'ip addr add 192.0.2.9/24 dev cbr0',
  'ip addr add 198.51.100.1 peer 198.51.100.2/32 dev cv1',
  'ip addr add 203.0.113.5/28 brd + dev cv1 valid_lft 300 preferred_lft 100',
  'ip addr add 2001:db8::1/64 dev cbr0 nodad',
  'ip addr add 2001:db8:1::1/64 dev cv1 nodad noprefixroute metric 55',
  'ip route add default via 192.0.2.254 dev cbr0 metric 10',
  'ip route add 198.18.0.0/15 dev cv1 mtu lock 1300 advmss 1200 proto static',
  'ip route add 203.0.113.64/26 nexthop via 192.0.2.253 dev cbr0 weight 2 nexthop via 192.0.2.252 dev cbr0',
  'ip route add blackhole 198.51.100.128/25',
  'ip route add unreachable 198.51.100.64/27',
  'ip route add prohibit 198.51.100.96/27',
  'ip route add 10.9.0.0/16 via 192.0.2.250 table 100',
  'ip route add 2001:db8:2::/48 via 2001:db8::fe dev cbr0 pref high',
  'ip -6 route add 2001:db8:3::/48 dev cv1 metric 1024 expires 600',
  'ip route add local 192.0.2.77 dev cbr0 table local',
  'ip neigh add 192.0.2.20 lladdr 02:00:00:00:00:20 dev cbr0 nud permanent',
  'ip neigh add 192.0.2.21 lladdr 02:00:00:00:00:21 dev cbr0 nud stale',
  'ip neigh add 2001:db8::20 lladdr 02:00:00:00:00:22 dev cbr0 nud reachable',
  'ip neigh add proxy 192.0.2.30 dev cbr0',
  'ip neigh add 192.0.2.22 dev cbr0 nud noarp',
  'bridge fdb add 02:00:00:00:00:33 dev cv0 master static',
];
for (const line of setup) sh(line);

const ruleset = `
table inet cfilter {
  comment "capture table"
  set allowed4 { type ipv4_addr; flags interval; elements = { 192.0.2.0/24, 198.51.100.7 } }
  set ports { type inet_service; flags timeout; timeout 1h; size 1024; }
  map vmap1 { type ipv4_addr : verdict; elements = { 192.0.2.5 : drop } }
  map marks { type mark : ipv4_addr; }
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept comment "keep state"
    iifname "lo" accept
    ip saddr @allowed4 tcp dport { 22, 80, 443 } counter accept
    ip daddr vmap @vmap1
    meta l4proto icmp icmp type echo-request limit rate 5/second accept
    ip6 nexthdr ipv6-icmp accept
    tcp flags & (syn | ack) == syn log prefix "syn " counter
    meta mark set 0x2a
    ip dscp cs1 ip ttl < 10 reject with icmp type admin-prohibited
    jump sub
  }
  chain sub { udp dport 53 counter packets 0 bytes 0 return; }
  chain forwarding { type filter hook forward priority -5; policy accept; ct mark 0x1 drop; }
}
table ip cnat {
  chain nat_post { type nat hook postrouting priority srcnat; oifname "cv1" ip saddr 192.0.2.0/24 masquerade random,persistent; }
  chain nat_pre { type nat hook prerouting priority dstnat; tcp dport 8080 dnat to 192.0.2.9:80; }
  chain nat_output { type nat hook output priority -100; ip daddr 203.0.113.0/24 dnat to 198.51.100.1-198.51.100.2; }
}
table netdev cdev {
  chain ingress { type filter hook ingress device "cv0" priority -300; ether type arp counter accept; }
}
table ip6 craw {
  flags dormant
  chain c { type filter hook prerouting priority raw; notrack; }
}
table bridge cbridge {
  chain f { type filter hook forward priority 0; vlan id 5 counter; }
}
`;
const nftRun = tryRun('bash', ['-c', `nft -f - <<'EOF'\n${ruleset}\nEOF`]);
if (nftRun.status !== 0) skipped.push(`nft -f: ${nftRun.stderr.trim().split('\n').slice(0, 3).join(' | ')}`);

// ---- capture ----
const datagrams: Array<{ proto: 'route' | 'netfilter'; what: string; bytes: Uint8Array }> = [];
let current = '';

async function withSocket(protocol: number, fn: (s: NetlinkSocket) => Promise<void>): Promise<void> {
  const sock = NetlinkSocket.open({ protocol });
  tapReceive(sock, (d) => datagrams.push({ proto: protocol === NETLINK_ROUTE ? 'route' : 'netfilter', what: current, bytes: d }));
  try {
    await fn(sock);
  } finally {
    sock.close();
  }
}

async function dump(sock: NetlinkSocket, what: string, msg: Uint8Array): Promise<void> {
  current = what;
  try {
    await sock.dumpAll(msg);
  } catch (err) {
    skipped.push(`${what}: ${(err as Error).message}`);
  }
}

async function refuse(sock: NetlinkSocket, what: string, msg: Uint8Array): Promise<void> {
  current = what;
  try {
    await sock.request(msg, { headerSize: 16 });
    skipped.push(`${what}: the kernel accepted it`);
  } catch { /* the refusal is what we came for */ }
}

const rtReq = (type: number, flags: number, header: Uint8Array, attrs: (w: MessageWriter) => void): Uint8Array => {
  const w = new MessageWriter();
  const s = w.begin(type, NLM_F_REQUEST | flags);
  w.raw(header);
  attrs(w);
  w.end(s);
  return w.copy();
};

await withSocket(NETLINK_ROUTE, async (sock) => {
  await dump(sock, 'link dump', encodeLinkDump());
  await dump(sock, 'link dump with stats', encodeLinkDump({ stats: true }));
  await dump(sock, 'address dump', encodeAddressDump());
  await dump(sock, 'route dump', encodeRouteDump({}));
  await dump(sock, 'neighbour dump', encodeNeighbourDump({}));
  await dump(sock, 'bridge fdb dump', encodeNeighbourDump({ family: 7 }));
  // Refusals, for NLMSG_ERROR with extended ACKs.
  await refuse(sock, 'link add of an unknown kind', rtReq(16, NLM_F_CREATE | NLM_F_EXCL, new Uint8Array(16), (w) => {
    w.attrString(3, 'cbad0');
    const li = w.nestStart(18);
    w.attrString(1, 'nonexistentkind');
    w.nestEnd(li);
  }));
  await refuse(sock, 'link add of an existing name', rtReq(16, NLM_F_CREATE | NLM_F_EXCL, new Uint8Array(16), (w) => {
    w.attrString(3, 'cbr0');
    const li = w.nestStart(18);
    w.attrString(1, 'bridge');
    w.nestEnd(li);
  }));
  await refuse(sock, 'link get of a missing index', rtReq(18, 0, Uint8Array.of(0, 0, 0, 0, 0x39, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), () => {}));
  await refuse(sock, 'vxlan with a bad attribute length', rtReq(16, NLM_F_CREATE | NLM_F_EXCL, new Uint8Array(16), (w) => {
    w.attrString(3, 'cvx9');
    const li = w.nestStart(18);
    w.attrString(1, 'vxlan');
    const d = w.nestStart(2);
    w.attrU8(1, 1); // IFLA_VXLAN_ID wants 4 bytes
    w.nestEnd(d);
    w.nestEnd(li);
  }));
  await refuse(sock, 'route via an unreachable gateway', rtReq(24, NLM_F_CREATE | NLM_F_EXCL, Uint8Array.of(2, 24, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0), (w) => {
    w.attrBytes(1, Uint8Array.of(10, 77, 0, 0));
    w.attrBytes(5, Uint8Array.of(10, 99, 0, 1));
  }));
  await refuse(sock, 'address on a missing link', rtReq(20, NLM_F_CREATE | NLM_F_EXCL, Uint8Array.of(2, 24, 0, 0, 0x39, 0x30, 0, 0), (w) => {
    w.attrBytes(2, Uint8Array.of(192, 0, 2, 99));
  }));
});

const nftDump = (msg: number, family = 0): Uint8Array => {
  const w = new MessageWriter();
  const s = w.begin((10 << 8) | msg, NLM_F_REQUEST | NLM_F_DUMP);
  w.u8(family).u8(0).be16(0);
  w.end(s);
  return w.copy();
};

await withSocket(NETLINK_NETFILTER, async (sock) => {
  await dump(sock, 'nft table dump', nftDump(1));
  await dump(sock, 'nft chain dump', nftDump(4));
  await dump(sock, 'nft rule dump', nftDump(7));
  await dump(sock, 'nft set dump', nftDump(10));
  // A batch the kernel refuses: a chain in a table that does not exist (ENOENT with extack).
  current = 'nft batch refusal';
  const w = new MessageWriter();
  const seqBase = sock.nextSeq();
  const b = w.begin(0x10, NLM_F_REQUEST, seqBase);
  w.u8(0).u8(0).be16(10);
  w.end(b);
  const c = w.begin((10 << 8) | 3, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, seqBase + 1);
  w.u8(2).u8(0).be16(0);
  w.attrString(1, 'no-such-table');
  w.attrString(3, 'c');
  w.end(c);
  const e = w.begin(0x11, NLM_F_REQUEST, seqBase + 2);
  w.u8(0).u8(0).be16(10);
  w.end(e);
  const waiter = sock.expectReply(seqBase + 1, undefined);
  sock.sendRaw(w.copy(), 'nft batch');
  try { await waiter.promise; } catch { /* expected */ }
});

// ---- sort messages into targets ----
const TARGET_OF_RTM: Record<number, string> = { 16: 'rtnl.link', 17: 'rtnl.link', 20: 'rtnl.address', 21: 'rtnl.address', 24: 'rtnl.route', 25: 'rtnl.route', 28: 'rtnl.neighbour', 29: 'rtnl.neighbour' };
const TARGET_OF_NFT: Record<number, string> = { 0: 'nft.table', 3: 'nft.chain', 6: 'nft.rule', 9: 'nft.set' };

function normalised(m: MessageRef): Uint8Array {
  const b = m.buf.bytes.slice(m.offset, m.end);
  const v = new DataView(b.buffer);
  v.setUint32(8, 1, true); // seq
  v.setUint32(12, 0, true); // port id
  if (m.type === NLMSG_ERROR && b.length >= 36) {
    v.setUint32(28, 1, true); // the echoed request's seq and port id
    v.setUint32(32, 0, true);
  }
  return b;
}

const out = new Map<string, Map<string, { bytes: Uint8Array; what: string }>>();
const add = (target: string, bytes: Uint8Array, what: string): void => {
  const m = out.get(target) ?? new Map();
  out.set(target, m);
  m.set(hashName(bytes), { bytes, what });
};

for (const d of datagrams) {
  const msgs = parseMessages(d.bytes);
  // Whole datagrams for the header walk: the first few of each kind of traffic.
  if ((out.get('netlink.header')?.size ?? 0) < 12 && !datagrams.slice(0, datagrams.indexOf(d)).some((x) => x.what === d.what && x !== d)) {
    const whole = new Uint8Array(d.bytes);
    const v = new DataView(whole.buffer);
    for (const m of msgs) { v.setUint32(m.offset + 8, 1, true); v.setUint32(m.offset + 12, 0, true); }
    add('netlink.header', whole.length > 16384 ? whole.slice(0, msgs.find((m) => m.end > 16384)?.offset ?? 16384) : whole, d.what);
  }
  for (const m of msgs) {
    const bytes = normalised(m);
    if (m.type === NLMSG_ERROR) { add('netlink.error', bytes, d.what); continue; }
    if (m.type === NLMSG_DONE) { add('netlink.done', bytes, d.what); continue; }
    const target = d.proto === 'route' ? TARGET_OF_RTM[m.type] : m.type >> 8 === 10 ? TARGET_OF_NFT[m.type & 0xff] : undefined;
    if (!target) continue;
    add(target, bytes, d.what);
    // The attribute area of rich messages, for the bare attribute walk.
    if (target === 'rtnl.link' || target === 'nft.rule' || target === 'nft.chain' || target === 'rtnl.route') {
      const hs = familyHeaderSize(m.type, d.proto);
      add('netlink.attributes', bytes.slice(16 + hs), `${d.what} (attributes)`);
    }
  }
}

let written = 0;
for (const [target, entries] of out) {
  if (replace) for (const f of safeList(join(CORPUS_DIR, target))) if (f.endsWith('.hex')) rmSync(join(CORPUS_DIR, target, f));
  // Keep the corpus small enough to load fast: at most 48 inputs per target, varied by source.
  const list = [...entries.entries()];
  const bySource = new Map<string, typeof list>();
  for (const e of list) bySource.set(e[1].what, [...(bySource.get(e[1].what) ?? []), e]);
  const picked: typeof list = [];
  while (picked.length < Math.min(48, list.length)) {
    for (const l of bySource.values()) { const e = l.shift(); if (e) picked.push(e); }
  }
  for (const [name, e] of picked.slice(0, 48)) {
    writeCorpusEntry(target, e.bytes, [`captured by fuzz/capture.ts (kernel ${release()}): ${e.what}`], name);
    written++;
  }
  console.log(`${target.padEnd(20)} ${entries.size} distinct messages, ${Math.min(48, entries.size)} kept`);
}
console.log(`${written} corpus files written under ${CORPUS_DIR}`);
if (skipped.length) console.log(`skipped (this kernel or these tools lack them):\n  ${skipped.join('\n  ')}`);

function safeList(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
