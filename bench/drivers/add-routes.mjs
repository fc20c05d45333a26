// Workload 4: add N routes (10.a.b.c/32 dev DEV table T) with the library.
//   --api bulk (default)  addRoutes(specs): one call; the socket writes hundreds of requests per
//                         sendmsg() and the kernel answers only failures (each keeps its error)
//   --api each            addRoute() per route, all at once (one promise and one ACK per route)
// --count N --table T --dev DEV. Prints {ms, count}.
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';
import { routeDst } from './routes.mjs';

const a = args();
const count = Number(a.count ?? 100000);
const table = Number(a.table ?? 100);
const dev = a.dev ?? 'vr0';
const t0 = performance.now();
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
const api = a.api ?? 'bulk';
need(rtnl, api === 'bulk' ? ['addRoutes'] : ['addRoute', 'linkIndex'], 'netlinkts/rtnl');
const importMs = performance.now() - t0;
const sock = new netlink.NetlinkSocket();
const t = performance.now();
let failed;
if (api === 'bulk') {
  // What a user writes: the device by name (addRoutes looks each distinct name up once).
  const specs = new Array(count);
  for (let i = 0; i < count; i++) specs[i] = { to: `${routeDst(i)}/32`, dev, table };
  failed = (await rtnl.addRoutes(sock, specs)).map((f) => f.error);
} else {
  // The device's index is looked up once (as ip's name cache does), not once per route.
  const oif = await rtnl.linkIndex(sock, dev);
  const jobs = new Array(count);
  for (let i = 0; i < count; i++) jobs[i] = rtnl.addRoute(sock, { to: `${routeDst(i)}/32`, dev: oif, table });
  failed = (await Promise.allSettled(jobs)).filter((r) => r.status === 'rejected').map((r) => r.reason);
}
const ms = performance.now() - t;
sock.close();
if (failed.length) {
  console.error(`${failed.length} of ${count} route adds failed; first: ${failed[0]?.message}`);
  process.exit(1);
}
emit({ ms, count, api, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
