// Workload 1: dump every link (2,000 here) into typed Link objects with listLinks, as
// `ip -j -d link show` does. --iterations N repeats the dump in the same process (the first
// is cold, the rest warm). Prints {ms: [per iteration], count, importMs, ...}.
import { args, emit, hwmKiB, load, need, sinceStart, RssSampler } from './common.mjs';

const a = args();
const iterations = Number(a.iterations ?? 1);
const t0 = performance.now();
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
need(rtnl, ['listLinks'], 'netlinkts/rtnl');
const importMs = performance.now() - t0;
const rss = new RssSampler();
const sock = new netlink.NetlinkSocket();
const ms = [];
let count = 0;
for (let i = 0; i < iterations; i++) {
  const t = performance.now();
  const links = await rtnl.listLinks(sock);
  ms.push(performance.now() - t);
  count = links.length;
  rss.sample();
}
sock.close();
emit({ ms, count, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB(), ...rss.report() });
