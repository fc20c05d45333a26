#!/usr/bin/env node
// Summarise a V8 .cpuprofile (node --cpu-prof): self time and total (inclusive) time per
// function, with file:line, so a miss can be pinned on a function.
//   node bench/tools/profile-summary.mjs FILE.cpuprofile [--top N] [--filter SUBSTRING]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const top = Number(args[args.indexOf('--top') + 1] || 25);
const filter = args.includes('--filter') ? args[args.indexOf('--filter') + 1] : undefined;
if (!file) {
  console.error('usage: profile-summary.mjs FILE.cpuprofile [--top N] [--filter TEXT]');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
// Time per sample: timeDeltas[i] is the gap before samples[i].
const selfUs = new Map();
let totalUs = 0;
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  totalUs += dt;
});
const key = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\/.*?\/(dist|bench|node_modules)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
};
const self = new Map();
const incl = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  self.set(key(n), (self.get(key(n)) ?? 0) + us);
  // Inclusive: charge every distinct function on the stack once.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + us);
  }
}
const show = (title, m) => {
  console.log(`\n${title} (of ${(totalUs / 1000).toFixed(1)} ms sampled)`);
  [...m].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top)
    .forEach(([k, us]) => console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${k}`));
};
show('self time', self);
show('total time', incl);
