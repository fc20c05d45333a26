// The floor of a node program for workloads 3 and 5: node starts, imports the library's netlink
// entry, sends requests that were encoded before the run (by the library, byte for byte what
// createLinks() / NftBatch commit send), and waits until the kernel has handled them. What a
// driver takes beyond this is the library's own work: validating and encoding the input.
//
//   send-floor.mjs --write veth --count N --group G --out FILE   encode 1,000 veth pairs as createLinks() sends them
//   send-floor.mjs --write nft --count N --out FILE              encode workload 5's batch as commit() sends it
//   send-floor.mjs --file FILE                                   the timed run
//
// FILE holds records [u32 protocol or length][bytes]: first the protocol, then datagrams sent with
// sendRaw() in order, the last of which is a request whose reply is awaited (a barrier: the
// kernel handles a socket's requests in order, so its reply comes after everything before it).
// The replies are not inspected beyond the barrier: run the matching driver once to check that
// the requests succeed (the workload does, with the same fixture).
import { readFileSync, writeFileSync } from 'node:fs';
import { args, emit, load, sinceStart } from './common.mjs';

const a = args();
const NETLINK_ROUTE = 0, NETLINK_NETFILTER = 12;

function pack(protocol, datagrams) {
  const parts = [];
  const head = Buffer.alloc(4);
  head.writeUInt32LE(protocol);
  parts.push(head);
  for (const d of datagrams) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(d.length);
    parts.push(len, Buffer.from(d.buffer, d.byteOffset, d.length));
  }
  return Buffer.concat(parts);
}

function setSeq(bytes, seq) {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.length).setUint32(8, seq, true);
  return bytes;
}

if (a.write === 'veth') {
  // As createLinks() does: NLM_F_REQUEST|CREATE|EXCL without ACK (the kernel answers only
  // failures), packed up to 256 KiB a sendmsg(); then RTM_GETLINK for lo as the barrier.
  const rtnl = await load('rtnl/index.js');
  const count = Number(a.count ?? 1000), group = Number(a.group ?? 7);
  const datagrams = [];
  let chunk = [], size = 0, seq = 1;
  for (let i = 0; i < count; i++) {
    const m = setSeq(rtnl.encodeNewLink({ name: `va${i}`, group }, { kind: 'veth', peer: { name: `vb${i}` } }), seq++);
    const dv = new DataView(m.buffer, m.byteOffset, m.length);
    dv.setUint16(6, dv.getUint16(6, true) & ~0x4, true); // no NLM_F_ACK
    if (size + m.length > 256 << 10) { datagrams.push(Buffer.concat(chunk)); chunk = []; size = 0; }
    chunk.push(m);
    size += m.length;
  }
  if (chunk.length) datagrams.push(Buffer.concat(chunk));
  datagrams.push(setSeq(rtnl.encodeGetLink(1), seq));
  writeFileSync(a.out, pack(NETLINK_ROUTE, datagrams));
} else if (a.write === 'nft') {
  const nft = await load('nft/index.js');
  const { ruleSource } = await import('./nft-rules.mjs');
  const count = Number(a.count ?? 10000);
  const where = { family: 'ip', table: 'nat', chain: 'postrouting' };
  const batch = new nft.NftBatch()
    .addTable({ family: 'ip', name: 'nat' })
    .addChain({ ...where, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' });
  for (let i = 0; i < count; i++) batch.addRule(nft.rule(where, nft.match.ip.saddr(ruleSource(i)), nft.match.oifname('veth0'), nft.stmt.masquerade()));
  // ack: false is what commit() sends (errors only); the generation request is its barrier too.
  const e = batch.encode({ ack: false, seq: 1 });
  writeFileSync(a.out, pack(NETLINK_NETFILTER, [e.bytes, setSeq(nft.getGenerationMessage(), count + 4)]));
} else if (a.file) {
  const t0 = performance.now();
  const netlink = await load('netlink/index.js');
  const importMs = performance.now() - t0;
  const raw = readFileSync(a.file);
  const protocol = raw.readUInt32LE(0);
  const datagrams = [];
  for (let p = 4; p < raw.length;) {
    const len = raw.readUInt32LE(p);
    datagrams.push(raw.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  const total = datagrams.reduce((n, d) => n + d.length, 0);
  const t = performance.now();
  const sock = new netlink.NetlinkSocket({ protocol, sendBufferSize: Math.max(1 << 20, total + (1 << 16)), receiveBufferSize: 1 << 20 });
  for (let i = 0; i < datagrams.length - 1; i++) sock.sendRaw(datagrams[i], 'floor: pre-encoded requests');
  const barrier = datagrams[datagrams.length - 1];
  barrier[8] = barrier[9] = barrier[10] = barrier[11] = 0; // request() numbers it
  await sock.request(barrier, { operation: 'floor: barrier' });
  const ms = performance.now() - t;
  sock.close();
  emit({ ms, datagrams: datagrams.length, bytes: total, importMs, totalMs: sinceStart() });
} else {
  console.error('usage: send-floor.mjs --write veth|nft ... --out FILE | --file FILE');
  process.exit(2);
}
