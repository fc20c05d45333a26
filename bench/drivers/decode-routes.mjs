// Workload 6, codec only: decode a captured 100,000-route dump (the datagrams as the kernel
// sent them, saved by bench/peers/dumpwalk --save) into typed Route objects, with no socket
// and no kernel. --file F --iterations K. Prints per-iteration ms, bytes and messages.
import { readFileSync } from 'node:fs';
import { args, emit, load, need } from './common.mjs';

const a = args();
const iterations = Number(a.iterations ?? 20);
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
need(rtnl, ['decodeRoute'], 'netlinkts/rtnl');
const { NetlinkBuffer, walkMessages } = netlink;

// File: repeated [u32 little-endian length][datagram].
const file = readFileSync(a.file);
const datagrams = [];
for (let off = 0; off < file.length;) {
  const len = file.readUInt32LE(off);
  datagrams.push(new Uint8Array(file.buffer, file.byteOffset + off + 4, len));
  off += 4 + len;
}
const bytes = datagrams.reduce((s, d) => s + d.length, 0);
const RTM_NEWROUTE = 24;
const ms = [];
let messages = 0, routes = 0, check = 0;
for (let i = 0; i < iterations; i++) {
  messages = 0; routes = 0;
  const t = performance.now();
  for (const d of datagrams) {
    walkMessages(new NetlinkBuffer(d), (m) => {
      messages++;
      if (m.type !== RTM_NEWROUTE) return;
      const r = rtnl.decodeRoute(m);
      routes++;
      check += r.dst ? r.dst.length : 0;
    });
  }
  ms.push(performance.now() - t);
}
emit({ ms, bytes, datagrams: datagrams.length, messages, routes, check });
