// Workload 2: dump one IPv4 routing table with the library.
//   --mode list    listRoutes(): every route decoded into a typed Route object, kept in an array
//   --mode stream  iterateRoutes(): iterate the typed routes without keeping them (constant memory)
// --table N, --iterations K (first cold, rest warm). Prints {ms: [...], count, rss...}.
// --live (with node --expose-gc, stream mode): every 10,000 routes a full GC, then the heap in
// use: the live set the dump holds, without the garbage V8 has not collected yet.
import { args, emit, hwmKiB, load, need, sinceStart, RssSampler } from './common.mjs';

const a = args();
const table = Number(a.table ?? 100);
const mode = a.mode ?? 'list';
const iterations = Number(a.iterations ?? 1);
const t0 = performance.now();
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
need(rtnl, [mode === 'list' ? 'listRoutes' : 'iterateRoutes'], 'netlinkts/rtnl');
const importMs = performance.now() - t0;
const live = !!a.live;
if (live && typeof globalThis.gc !== 'function') throw new Error('--live needs node --expose-gc');
let liveHeapPeak = 0;
if (live) { globalThis.gc(); liveHeapPeak = process.memoryUsage().heapUsed; }
const liveHeapStart = liveHeapPeak;
const rss = new RssSampler();
const sock = new netlink.NetlinkSocket();
const ms = [];
let count = 0;
for (let i = 0; i < iterations; i++) {
  const t = performance.now();
  if (mode === 'list') {
    const routes = await rtnl.listRoutes(sock, { table, family: 'inet' });
    count = routes.length;
    rss.sample();
  } else {
    count = 0;
    for await (const r of rtnl.iterateRoutes(sock, { table, family: 'inet' })) {
      if (r.table === undefined && r.dst === undefined) throw new Error('empty route');
      if ((++count & 1023) === 0) rss.sample();
      if (live && count % 10000 === 0) {
        globalThis.gc();
        liveHeapPeak = Math.max(liveHeapPeak, process.memoryUsage().heapUsed);
      }
    }
  }
  ms.push(performance.now() - t);
}
sock.close();
emit({
  ms, count, mode, table, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB(), ...rss.report(),
  ...(live ? { liveHeapStartKiB: Math.round(liveHeapStart / 1024), liveHeapPeakKiB: Math.round(liveHeapPeak / 1024) } : {}),
});
