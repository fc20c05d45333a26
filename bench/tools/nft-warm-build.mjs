#!/usr/bin/env node
// Workload 5's library work without the kernel: build, validate and encode the 10,000-rule
// batch ROUNDS times in one process and print each round's milliseconds. The first round is
// what a fresh process pays (cold code); the last ones are V8's optimized best. Target 5
// leaves the library ~20-30 ms over the floor (bench/drivers/send-floor.mjs) for this work.
//   node bench/tools/nft-warm-build.mjs [ROUNDS=6] [COUNT=10000]
import { load } from '../drivers/common.mjs';
import { ruleSource } from '../drivers/nft-rules.mjs';

const rounds = Number(process.argv[2] ?? 6);
const count = Number(process.argv[3] ?? 10000);
const t0 = performance.now();
const nft = await load('nft/index.js');
const importMs = performance.now() - t0;
const where = { family: 'ip', table: 'nat', chain: 'postrouting' };
const out = [];
for (let k = 0; k < rounds; k++) {
  const a = performance.now();
  const b = new nft.NftBatch().addTable({ family: 'ip', name: 'nat' })
    .addChain({ ...where, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' });
  for (let i = 0; i < count; i++) b.addRule(nft.rule(where, nft.match.ip.saddr(ruleSource(i)), nft.match.oifname('veth0'), nft.stmt.masquerade()));
  const c = performance.now();
  await b.validate();
  const d = performance.now();
  // What commit() encodes (encodeLayout: no per-message objects), numbered from 1.
  const bytes = b.encodeLayout({ seq: 1 }).bytes.length;
  const e = performance.now();
  out.push({ build: +(c - a).toFixed(1), validate: +(d - c).toFixed(1), encode: +(e - d).toFixed(1), total: +(e - a).toFixed(1), bytes });
}
console.log(JSON.stringify({ importMs: +importMs.toFixed(1), count, rounds: out }));
