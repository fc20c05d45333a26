#!/usr/bin/env node
// Where the time of listRoutes() goes: the same 100k-route dump taken apart in layers, each in
// a fresh process (cold, as a CLI sees it) when run as
//   for s in socket decode-sync list; do node bench/tools/route-dump-breakdown.mjs $s 100; done
// socket       NetlinkSocket.dumpDatagrams only (receive + header scan), messages counted, none decoded
// batches      NetlinkSocket.dumpBatches (a MessageRef per message), none decoded
// decode-sync  dumpDatagrams + decodeRouteAt in a plain loop (no per-route await), kept in an array
// list         rtnl.listRoutes() without interface names (resolveNames: false)
import { emit, load } from '../drivers/common.mjs';

const [stage = 'list', tableArg = '100', itArg = '1'] = process.argv.slice(2);
const table = Number(tableArg);
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
const { decodeRouteAt } = await load('rtnl/route.js');
const sock = new netlink.NetlinkSocket();
const out = [];
for (let it = 0; it < Number(itArg); it++) {
  const t = performance.now();
  let n = 0;
  if (stage === 'list') {
    n = (await rtnl.listRoutes(sock, { table, family: 'inet', resolveNames: false })).length;
  } else if (stage === 'batches') {
    for await (const batch of sock.dumpBatches(rtnl.encodeRouteDump({ family: 2, table }))) {
      for (const m of batch) if (m.type === 24) n++;
    }
  } else {
    const req = rtnl.encodeRouteDump({ family: 2, table });
    const keep = [];
    const decode = stage === 'decode-sync';
    for await (const { buf, start, end } of sock.dumpDatagrams(req)) {
      const view = buf.view;
      for (let p = start; p < end; p += (view.getUint32(p, true) + 3) & ~3) {
        if (view.getUint16(p + 4, true) !== 24) continue;
        n++;
        if (decode) keep.push(decodeRouteAt(buf, p));
      }
    }
  }
  out.push(+(performance.now() - t).toFixed(1));
  if (n !== 100000 && table === 100) console.error(`count ${n}`);
}
sock.close();
emit({ stage, ms: out });
