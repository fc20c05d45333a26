// Workload 8: 10,000 u32 filters on an ingress qdisc, added with the library's bulk path
// (TrafficControl.addFilters: checked whole, many per sendmsg(), one ACK per chunk), or
// listed (--list: a plain dump decoded by the tc tables). The same filters as tc-batch.txt
// (hash table 2: must exist: 40 buckets of 250 nodes).
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';

const a = args();
const count = Number(a.count ?? 10000);
const dev = a.dev ?? 'veth0';
const t0 = performance.now();
const tcm = await load('tc/index.js');
need(tcm, ['TrafficControl'], 'netlinkts/tc');
const importMs = performance.now() - t0;
const t = new tcm.TrafficControl();
if (a.list !== undefined) {
  const t1 = performance.now();
  let n = 0;
  for await (const f of t.filters({ dev, parent: 'ffff:', names: false })) if (f.options?.sel) n++;
  const ms = performance.now() - t1;
  t.close();
  emit({ ms: [ms], filters: n, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
} else {
  const list = [];
  for (let i = 0; i < count; i++) {
    const b = Math.floor(i / 250).toString(16);
    const n = ((i % 250) + 1).toString(16);
    list.push({ dev, parent: 'ffff:', protocol: 'ip', prio: 1, handle: `2:${b}:${n}`, ht: `2:${b}:`, kind: 'u32', match: `ip dst 10.${(i >> 8) & 255}.${i & 255}.1/32`, classid: '1:1' });
  }
  const t1 = performance.now();
  const failures = await t.addFilters(list);
  const ms = performance.now() - t1;
  t.close();
  if (failures.length) { console.error(`${failures.length} failed: ${failures[0].error.message}`); process.exit(1); }
  emit({ ms: [ms], filters: count, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
}
