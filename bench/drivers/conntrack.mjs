// Workload 9: the connection table at 100,000 entries.
//   populate --count N   createMany() N UDP entries (the fixture; also timed for the record)
//   list                 list() every entry into typed objects, counting them (`conntrack -L`)
//   delete               delete({ proto: 'udp' }): dump, then one delete per entry in bulk (`conntrack -D -p udp`)
// Prints {ms, count, hwmKiB, ...}; the RSS samples show whether memory stays flat while streaming.
import { args, emit, hwmKiB, load, need, sinceStart, RssSampler } from './common.mjs';

const a = args();
const mode = a._[0];
const mod = await load('conntrack/index.js');
need(mod, ['Conntrack'], 'netlinkts/conntrack');
const ct = new mod.Conntrack();
const rss = new RssSampler();
const t = performance.now();
let count = 0;
if (mode === 'populate') {
  need(ct, ['createMany'], 'Conntrack');
  const n = Number(a.count ?? 100000);
  const entries = [];
  for (let i = 0; i < n; i++) {
    entries.push({ orig: { src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dst: '198.51.100.1', proto: 'udp', sport: 1024 + (i % 60000), dport: 53 }, timeout: 3600 });
  }
  const failures = await ct.createMany(entries);
  if (failures.length) throw failures[0].error;
  count = n;
} else if (mode === 'list') {
  for await (const e of ct.list()) {
    if (e.proto !== 17) throw new Error(`unexpected entry ${e.proto}`);
    if (++count % 1000 === 0) rss.sample();
  }
} else if (mode === 'delete') {
  count = await ct.delete({ proto: 'udp' });
} else {
  throw new Error('usage: conntrack.mjs populate|list|delete');
}
const ms = performance.now() - t;
ct.close();
emit({ ms, count, totalMs: sinceStart(), hwmKiB: hwmKiB(), ...rss.report() });
