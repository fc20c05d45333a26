// Workload 8: commit one set of N IPv4 elements in one nftables transaction with the library
// (table ip t, set s { type ipv4_addr }, elements 10.a.b.c), the elements streamed from a
// generator: the batch splits them over NEWSETELEM messages. --count N (default 100,000).
// Prints {ms (encode + commit), count, messages, importMs, totalMs, hwmKiB (peak RSS)}.
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';

const a = args();
const count = Number(a.count ?? 100000);
const t0 = performance.now();
const nft = await load('nft/index.js');
need(nft, ['Nftables', 'NftBatch'], 'netlinkts/nft');
const importMs = performance.now() - t0;

export function* elementKeys(n) {
  for (let i = 0; i < n; i++) yield `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

const client = new nft.Nftables();
const t = performance.now();
const batch = client.batch()
  .addTable({ family: 'ip', name: 't' })
  .addSet({ family: 'ip', table: 't', name: 's', keyType: 'ipv4_addr', ...(count > 65535 ? { size: count * 2 } : {}) })
  .addElements({ family: 'ip', table: 't', set: 's', elements: elementKeys(count) });
const result = await client.commit(batch);
const ms = performance.now() - t;
client.close();
emit({ ms, count, operations: result.operations, messages: result.messages, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
