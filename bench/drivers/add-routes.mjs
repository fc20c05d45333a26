// Workload 4: add N routes (10.a.b.c/32 dev DEV table T) with the library, all requested at
// once: the socket sends many per sendmsg() and keeps a window in flight; each keeps its own
// error. --count N --table T --dev DEV (its index is looked up once). Prints {ms, count}.
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';
import { routeDst } from './routes.mjs';

const a = args();
const count = Number(a.count ?? 100000);
const table = Number(a.table ?? 100);
const dev = a.dev ?? 'vr0';
const t0 = performance.now();
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
need(rtnl, ['addRoute', 'linkIndex'], 'netlinkts/rtnl');
const importMs = performance.now() - t0;
const sock = new netlink.NetlinkSocket();
const t = performance.now();
// The device's index is looked up once (as ip's name cache does), not once per route.
const oif = await rtnl.linkIndex(sock, dev);
const jobs = new Array(count);
for (let i = 0; i < count; i++) jobs[i] = rtnl.addRoute(sock, { to: `${routeDst(i)}/32`, dev: oif, table });
const results = await Promise.allSettled(jobs);
const ms = performance.now() - t;
const failed = results.filter((r) => r.status === 'rejected');
sock.close();
if (failed.length) {
  console.error(`${failed.length} of ${count} route adds failed; first: ${failed[0].reason?.message}`);
  process.exit(1);
}
emit({ ms, count, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
