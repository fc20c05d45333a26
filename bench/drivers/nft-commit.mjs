// Workload 5: commit N masquerade rules in one nftables batch with the library:
// table ip nat, chain postrouting (nat hook postrouting priority srcnat), then N rules
// `ip saddr 10.a.b.0/24 oifname "veth0" masquerade`. --count N.
// --rounds R repeats it in one process (warm: what a daemon pays), the table deleted between
// rounds. Prints {ms (build + commit, first round), buildMs, commitMs, roundsMs, count}.
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';
import { ruleSource } from './nft-rules.mjs';

const a = args();
const count = Number(a.count ?? 10000);
const t0 = performance.now();
const nft = await load('nft/index.js');
need(nft, ['Nftables', 'NftBatch', 'rule', 'match', 'stmt'], 'netlinkts/nft');
const importMs = performance.now() - t0;
const rounds = Number(a.rounds ?? 1);
const client = new nft.Nftables();
const where = { family: 'ip', table: 'nat', chain: 'postrouting' };
const roundsMs = [];
let first, result;
for (let k = 0; k < rounds; k++) {
  // A daemon that applies its ruleset again and again: build, validate, encode and commit the
  // whole batch each round; the table is deleted between rounds (not timed).
  const t = performance.now();
  const batch = client.batch()
    .addTable({ family: 'ip', name: 'nat' })
    .addChain({ ...where, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' });
  for (let i = 0; i < count; i++) {
    batch.addRule(nft.rule(where, nft.match.ip.saddr(ruleSource(i)), nft.match.oifname('veth0'), nft.stmt.masquerade()));
  }
  const t1 = performance.now();
  result = await client.commit(batch);
  const t2 = performance.now();
  roundsMs.push(t2 - t);
  first ??= { ms: t2 - t, buildMs: t1 - t, commitMs: t2 - t1 };
  if (k + 1 < rounds) await client.commit(client.batch().deleteTable({ family: 'ip', name: 'nat' }));
}
client.close();
emit({ ...first, roundsMs, count, operations: result.operations, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
