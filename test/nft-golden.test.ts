// Golden bytes: the batch the library encodes equals, byte for byte, the batch `nft -f`
// sends for the same ruleset (test/fixtures/nft/NAME.nft -> NAME.hex, captured with strace
// by test/fixtures/nft/capture.mjs; the library's side is in fixtures/nft/builders.ts). Pure.
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NftBatch } from '../src/nft/index.js';
import { BUILDERS } from './fixtures/nft/builders.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'nft');

function golden(name: string): Uint8Array {
  const text = readFileSync(join(FIXTURES, `${name}.hex`), 'utf8');
  return Buffer.from(text.split('\n').filter((l) => l && !l.startsWith('#')).join(''), 'hex');
}

/** A readable dump of a batch: one line per attribute, nested indented (for diffs). */
function dump(b: Uint8Array): string[] {
  const buf = Buffer.from(b);
  const out: string[] = [];
  const tlv = (s: number, e: number, ind: string): void => {
    let p = s;
    while (p + 4 <= e) {
      const len = buf.readUInt16LE(p), t = buf.readUInt16LE(p + 2);
      if (len < 4) { out.push(`${ind}bad length ${len}`); return; }
      const nested = (t & 0x8000) !== 0;
      out.push(`${ind}${t & 0x3fff}${nested ? ' {' : ` = ${buf.subarray(p + 4, p + len).toString('hex')}`}`);
      if (nested) tlv(p + 4, p + len, `${ind}  `);
      p += (len + 3) & ~3;
    }
  };
  let p = 0;
  while (p + 16 <= buf.length) {
    const len = buf.readUInt32LE(p);
    out.push(`message type=0x${buf.readUInt16LE(p + 4).toString(16)} flags=0x${buf.readUInt16LE(p + 6).toString(16)} seq=${buf.readUInt32LE(p + 8)} nfgen=${buf.subarray(p + 16, p + 20).toString('hex')}`);
    tlv(p + 20, p + len, '  ');
    if (len < 16) break;
    p += (len + 3) & ~3;
  }
  return out;
}

function sameBytes(t: import('ava').ExecutionContext, name: string, batch: NftBatch): void {
  const want = golden(name);
  const got = batch.encode({ seq: 0, ack: false }).bytes;
  if (Buffer.compare(Buffer.from(got), Buffer.from(want)) !== 0) {
    t.deepEqual(dump(got), dump(want), `${name}: encoded batch differs from what nft sends`);
  }
  t.is(Buffer.from(got).toString('hex'), Buffer.from(want).toString('hex'));
}

const TITLES: Record<string, string> = {
  masquerade: 'seed masquerade: ip saddr 192.168.0.0/16 masquerade',
  nat: 'nat: masquerade flags and ports, snat/dnat addresses, ranges and ports, ip6',
  filter: 'filter: inet table, sets with elements, lookups, ct state, ports, prefixes, verdicts',
  families: 'families: ip, ip6, bridge, netdev, arp base chains with type/hook/priority/policy',
  comments: 'comments: table, chain, set and rule comments travel in userdata as nft stores them',
  prefixes: 'prefixes: IPv4 hosts and prefixes (aligned or not, host bits set, negated), interface names, in ip and inet',
};

for (const [name, build] of Object.entries(BUILDERS)) {
  test(`${TITLES[name] ?? name}: bytes equal what nft -f ${name}.nft sends`, (t) => sameBytes(t, name, build()));
}

test('every fixture has a builder', (t) => {
  const fixtures = readdirSync(FIXTURES).filter((f: string) => f.endsWith('.nft')).map((f: string) => f.slice(0, -4)).sort();
  t.deepEqual(Object.keys(BUILDERS).sort(), fixtures);
});

test('masquerade helper plan encodes the seed rule exactly as nft does', async (t) => {
  const { masqueradePlan } = await import('../src/nft/masquerade.js');
  const plan = masqueradePlan({ from: '192.168.0.0/16' });
  t.is(plan.text, 'ip saddr 192.168.0.0/16 masquerade');
  const b = new NftBatch().addTable({ family: 'ip', name: 'nat' }).addChain(plan.chain).addRule(plan.rule);
  sameBytes(t, 'masquerade', b);
});
