// Workload 5: commit N masquerade rules in one nftables batch with the library:
// table ip nat, chain postrouting (nat hook postrouting priority srcnat), then N rules
// `ip saddr 10.a.b.0/24 oifname "veth0" masquerade`. --count N.
// Prints {ms (build + commit), buildMs, commitMs, count}.
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';
import { ruleSource } from './nft-rules.mjs';

const a = args();
const count = Number(a.count ?? 10000);
const t0 = performance.now();
const nft = await load('nft/index.js');
need(nft, ['Nftables', 'NftBatch', 'rule', 'match', 'stmt'], 'netlinkts/nft');
const importMs = performance.now() - t0;
const client = new nft.Nftables();
const t = performance.now();
const where = { family: 'ip', table: 'nat', chain: 'postrouting' };
const batch = client.batch()
  .addTable({ family: 'ip', name: 'nat' })
  .addChain({ ...where, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' });
for (let i = 0; i < count; i++) {
  batch.addRule(nft.rule(where, nft.match.ip.saddr(ruleSource(i)), nft.match.oifname('veth0'), nft.stmt.masquerade()));
}
const t1 = performance.now();
const result = await client.commit(batch);
const t2 = performance.now();
client.close();
emit({ ms: t2 - t, buildMs: t1 - t, commitMs: t2 - t1, count, operations: result.operations, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
