#!/usr/bin/env node
// Diagnostic for workload 4 (not a headline figure): the same 100k route adds as the driver,
// below rtnl's addRoute(): encodeNewRoute() (the codec, one shared writer) straight into
// NetlinkSocket.request(), all at once. The gap to the driver is addRoute()'s own cost
// (validation, per-call dynamic import, per-request allocations).
//   node bench/tools/add-routes-floor.mjs --count 100000 --table 100 --dev vr0
import { args, emit, load } from '../drivers/common.mjs';
import { routeDst } from '../drivers/routes.mjs';

const a = args();
const count = Number(a.count ?? 100000);
const table = Number(a.table ?? 100);
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
const sock = new netlink.NetlinkSocket();
const t = performance.now();
const oif = await rtnl.linkIndex(sock, a.dev ?? 'vr0');
const w = new netlink.MessageWriter(256);
const C = rtnl.constants;
const jobs = new Array(count);
for (let i = 0; i < count; i++) {
  const dst = Uint8Array.from(routeDst(i).split('.').map(Number));
  const attrs = { family: 2, dstLen: 32, dst, table, protocol: C.RTPROT_BOOT, scope: C.RT_SCOPE_LINK, type: C.RTN_UNICAST, oif };
  jobs[i] = sock.request(rtnl.encodeNewRoute(attrs, 'add', w.reset()));
}
const queuedMs = performance.now() - t;
const results = await Promise.allSettled(jobs);
const ms = performance.now() - t;
sock.close();
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length) { console.error(`${failed.length} failed: ${failed[0].reason?.message}`); process.exit(1); }
emit({ ms, queuedMs, count });
