// Workload 2: dump one IPv4 routing table with the library.
//   --mode list    listRoutes(): every route decoded into a typed Route object, kept in an array
//   --mode stream  iterateRoutes(): iterate the typed routes without keeping them (constant memory)
// --table N, --iterations K (first cold, rest warm). Prints {ms: [...], count, rss...}.
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
    }
  }
  ms.push(performance.now() - t);
}
sock.close();
emit({ ms, count, mode, table, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB(), ...rss.report() });
