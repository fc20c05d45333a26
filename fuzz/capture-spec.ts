// Re-captures the corpus of the table-only fuzz targets (fuzz/spec-targets.ts) from real
// traffic: generic netlink replies of this kernel (nlctrl, ethtool, MPTCP), ctnetlink and tc
// dumps of state the system tools made, and the requests `wg setconf` sends (this kernel has
// no wireguard module; test/fixtures/genl/fake-genl.c stands in for it, as in the tests).
//   node scripts/in-private-netns.mjs node --import=tsx fuzz/capture-spec.ts
// Sequence numbers and port ids are zeroed so the same state gives the same files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NETLINK_NETFILTER, NETLINK_ROUTE, NetlinkSocket, type MessageRef } from '../src/netlink/index.js';
import { GenlClient } from '../src/genl/client.js';
import { loadFamily } from '../src/ynl/registry.js';
import { assertPrivate } from '../test/helpers/env.js';
import { tool } from '../test/helpers/tools.js';
import { writeCorpusEntry } from './lib/files.js';

assertPrivate();
const sh = (cmd: string, ...args: string[]): void => { execFileSync(cmd, args, { stdio: 'ignore' }); };
const bytesOf = (m: MessageRef): Uint8Array => {
  const b = new Uint8Array(m.buf.bytes.subarray(m.offset, m.offset + m.length));
  b.fill(0, 8, 16);
  return b;
};
let count = 0;
const save = (target: string, what: string, b: Uint8Array): void => {
  writeCorpusEntry(target, b, [`captured by fuzz/capture-spec.ts (kernel ${release()}): ${what}`]);
  count++;
};

// ---- state made by the system tools ----
sh('ip', 'link', 'add', 'sv0', 'numrxqueues', '4', 'numtxqueues', '4', 'type', 'veth', 'peer', 'name', 'sv1');
sh('ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'sv0');
sh('ip', 'link', 'set', 'sv0', 'up');
sh('ip', 'link', 'set', 'sv1', 'up');
sh('ip', 'mptcp', 'endpoint', 'add', '10.0.0.1', 'dev', 'sv0', 'subflow', 'signal', 'id', '3');
sh('ip', 'mptcp', 'endpoint', 'add', '2001:db8::7', 'backup', 'fullmesh');
sh('ip', 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2');
const TC = tool('tc');
sh(TC, 'qdisc', 'add', 'dev', 'sv0', 'root', 'handle', '1:', 'htb', 'default', '10');
sh(TC, 'class', 'add', 'dev', 'sv0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10mbit', 'ceil', '20mbit');
sh(TC, 'qdisc', 'add', 'dev', 'sv0', 'parent', '1:10', 'handle', '10:', 'tbf', 'rate', '5mbit', 'burst', '32k', 'latency', '70ms');
sh(TC, 'qdisc', 'add', 'dev', 'sv0', 'ingress');
sh(TC, 'filter', 'add', 'dev', 'sv0', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dst', '10.0.0.2/32', 'match', 'ip', 'dport', '80', '0xffff', 'flowid', '1:10');
sh(TC, 'qdisc', 'add', 'dev', 'sv1', 'clsact');
const CT = tool('conntrack');
sh(CT, '-I', '-p', 'tcp', '-s', '10.0.0.1', '-d', '10.0.0.2', '--sport', '40000', '--dport', '80', '--state', 'ESTABLISHED', '-t', '300', '-u', 'ASSURED', '-m', '7');
sh(CT, '-I', '-p', 'udp', '-s', '10.0.0.1', '-d', '203.0.113.2', '--sport', '5353', '--dport', '53', '-t', '30');
sh(CT, '-I', '-p', 'icmp', '-s', '10.0.0.1', '-d', '10.0.0.2', '--icmp-type', '8', '--icmp-code', '0', '--icmp-id', '77', '-t', '30');
sh(CT, '-I', '-p', 'tcp', '-s', '2001:db8::1', '-d', '2001:db8::2', '--sport', '1', '--dport', '2', '--state', 'SYN_SENT', '-t', '60');

// ---- generic netlink replies ----
const genl = new GenlClient();
const nlctrl = await loadFamily('nlctrl');
const ethtool = await loadFamily('ethtool');
const mptcp = await loadFamily('mptcp_pm');
async function genlReplies(target: string, family: typeof ethtool, op: string, mode: 'do' | 'dump', attrs?: Record<string, unknown>): Promise<void> {
  const info = await genl.family(family.decl.name);
  const req = family.encode({ op, mode, attrs, familyId: info.id });
  const msgs = mode === 'dump' ? [] as MessageRef[] : await genl.socket.request(req);
  if (mode === 'dump') for await (const m of genl.socket.dump(req)) msgs.push(m);
  for (const m of msgs) save(target, `${family.decl.name} ${op} ${mode} reply`, bytesOf(m));
}
await genlReplies('genl.nlctrl', nlctrl, 'getfamily', 'dump');
for (const op of ['features-get', 'channels-get', 'linkinfo-get', 'linkstate-get', 'strset-get']) {
  try {
    await genlReplies('genl.ethtool', ethtool, op, 'do', { header: { 'dev-name': 'sv0' } });
  } catch {
    // veth lacks some operations (EOPNOTSUPP): nothing to capture there
  }
}
await genlReplies('genl.mptcp', mptcp, 'get-addr', 'dump');
await genlReplies('genl.mptcp', mptcp, 'get-limits', 'do');
genl.close();

// ---- ctnetlink and tc dumps ----
async function dump(target: string, protocol: number, family: typeof ethtool, op: string, header: Record<string, unknown>): Promise<void> {
  const sock = new NetlinkSocket({ protocol });
  // The 6.14 tc spec declares its gets as do only; a dump is the same request with NLM_F_DUMP.
  const req = family.op(op).dump ? family.encode({ op, mode: 'dump', header }) : family.encode({ op, header, flags: 0x300 });
  try {
    for await (const m of sock.dump(req)) save(target, `${family.decl.name} ${op} dump`, bytesOf(m));
  } finally {
    sock.close();
  }
}
await dump('conntrack.table', NETLINK_NETFILTER, await loadFamily('conntrack'), 'get', { 'nfgen-family': 0, version: 0, 'res-id': 0 });
const tc = await loadFamily('tc');
for (const op of ['getqdisc', 'gettclass', 'gettfilter']) {
  const ifindex = Number(JSON.parse(execFileSync('ip', ['-j', 'link', 'show', 'sv0'], { encoding: 'utf8' }))[0].ifindex);
  const header = op === 'getqdisc' ? { family: 0 } : { family: 0, ifindex, parent: op === 'gettfilter' ? 0x10000 : 0 };
  await dump('tc.table', NETLINK_ROUTE, tc, op, header);
}

// ---- wg setconf's requests ----
const dir = mkdtempSync(join(tmpdir(), 'netlinkts-capture-'));
try {
  const so = join(dir, 'fake-genl.so');
  execFileSync(tool('cc'), ['-shared', '-fPIC', '-O1', '-o', so, fileURLToPath(new URL('../test/fixtures/genl/fake-genl.c', import.meta.url)), '-ldl', '-lpthread']);
  const conf = join(dir, 'wg.conf');
  const log = join(dir, 'log');
  writeFileSync(conf, [
    '[Interface]', 'PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=', 'ListenPort = 51820', 'FwMark = 0x10',
    '[Peer]', 'PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=', 'Endpoint = 192.0.2.1:51820', 'AllowedIPs = 10.0.0.0/24, ::/0', 'PersistentKeepalive = 25',
    '[Peer]', 'PublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=', 'Endpoint = [2001:db8::1]:1', '',
  ].join('\n'));
  const r = spawnSync(tool('wg'), ['setconf', 'wg0', conf], { env: { ...process.env, LD_PRELOAD: so, FAKE_GENL_FAMILY: 'wireguard', FAKE_GENL_LOG: log } });
  if (r.status !== 0) throw new Error(`wg setconf failed: ${r.stderr}`);
  for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
    const b = Buffer.from(line, 'hex');
    if (b.readUInt16LE(4) !== 0x40) continue;
    b.fill(0, 8, 16);
    save('genl.wireguard', 'wg setconf request (fake genl kernel)', new Uint8Array(b));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${count} corpus entries written`);
