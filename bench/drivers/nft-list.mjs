// Workload 5: list the whole ruleset (10,000 rules) into typed objects with the library
// (Nftables.ruleset(): tables, chains, rules with decoded expressions). --iterations K.
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';

const a = args();
const iterations = Number(a.iterations ?? 1);
const t0 = performance.now();
const nft = await load('nft/index.js');
need(nft, ['Nftables'], 'netlinkts/nft');
const importMs = performance.now() - t0;
const client = new nft.Nftables();
const ms = [];
let rules = 0;
for (let i = 0; i < iterations; i++) {
  const t = performance.now();
  const rs = await client.ruleset();
  ms.push(performance.now() - t);
  rules = countRules(rs);
}
client.close();
emit({ ms, rules, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });

function countRules(rs) {
  let n = 0;
  const visit = (x) => {
    if (Array.isArray(x)) { for (const y of x) visit(y); return; }
    if (x && typeof x === 'object') {
      if (Array.isArray(x.expressions) && typeof x.chain === 'string') { n++; return; }
      for (const v of Object.values(x)) visit(v);
    }
  };
  visit(rs);
  return n;
}
