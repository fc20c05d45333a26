// Golden bytes: the batch the library encodes equals, byte for byte, the batch `nft -f`
// sends for the same ruleset (test/fixtures/nft/NAME.nft -> NAME.hex, captured with strace
// by test/fixtures/nft/capture.mjs). Pure: no kernel needed.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NftBatch, match, rule, stmt, verdict, type Family } from '../src/nft/index.js';

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

test('seed masquerade: ip saddr 192.168.0.0/16 masquerade equals nft\'s bytes', (t) => {
  const b = new NftBatch()
    .addTable({ family: 'ip', name: 'nat' })
    .addChain({ family: 'ip', table: 'nat', name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' })
    .addRule(rule({ family: 'ip', table: 'nat', chain: 'postrouting' }, match.ip.saddr('192.168.0.0/16'), stmt.masquerade()));
  sameBytes(t, 'masquerade', b);
});

test('masquerade helper plan encodes the seed rule exactly as nft does', async (t) => {
  const { masqueradePlan } = await import('../src/nft/masquerade.js');
  const plan = masqueradePlan({ from: '192.168.0.0/16' });
  t.is(plan.text, 'ip saddr 192.168.0.0/16 masquerade');
  const b = new NftBatch().addTable({ family: 'ip', name: 'nat' }).addChain(plan.chain).addRule(plan.rule);
  sameBytes(t, 'masquerade', b);
});

test('nat: masquerade flags and ports, snat/dnat addresses, ranges and ports, ip6', (t) => {
  const post = { family: 'ip' as Family, table: 'nat', chain: 'postrouting' };
  const pre = { family: 'ip' as Family, table: 'nat', chain: 'prerouting' };
  const post6 = { family: 'ip6' as Family, table: 'nat6', chain: 'postrouting' };
  const b = new NftBatch()
    .addTable({ family: 'ip', name: 'nat' })
    .addChain({ ...post, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' })
    .addChain({ ...pre, name: 'prerouting', type: 'nat', hook: 'prerouting', priority: 'dstnat', policy: 'accept' })
    .addRule(rule(post, match.ip.saddr('192.168.0.0/16'), match.oifname('eth0'), stmt.masquerade()))
    .addRule(rule(post, match.ip.saddr('192.168.1.0/24'), stmt.masquerade({ random: true, persistent: true })))
    .addRule(rule(post, match.l4proto('tcp'), stmt.masquerade({ ports: [1024, 2048] })))
    .addRule(rule(post, match.l4proto('udp'), stmt.masquerade({ ports: 1024 })))
    .addRule(rule(post, match.l4proto('tcp'), stmt.masquerade({ ports: '1024-2048', fullyRandom: true })))
    .addRule(rule(post, match.ip.saddr('10.1.0.0/16'), stmt.snat({ to: '203.0.113.1' })))
    .addRule(rule(post, match.ip.saddr('10.2.0.0/16'), stmt.snat({ to: '203.0.113.1-203.0.113.10' })))
    .addRule(rule(post, match.l4proto('tcp'), match.ip.saddr('10.3.0.0/16'), stmt.snat({ to: '203.0.113.1', ports: [2000, 3000] })))
    .addRule(rule(post, match.ip.saddr('10.4.0.0/12'), stmt.counter(), stmt.masquerade()))
    .addRule(rule(pre, match.tcp.dport(8080), stmt.dnat({ to: '192.0.2.10', ports: 80 })))
    .addRule(rule(pre, match.iifname('eth1'), stmt.dnat({ to: '192.0.2.11' })))
    .addTable({ family: 'ip6', name: 'nat6' })
    .addChain({ ...post6, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat' })
    .addRule(rule(post6, match.ip6.saddr('fd00::/8'), stmt.masquerade()))
    .addRule(rule(post6, match.ip6.saddr('fd01::/16'), stmt.snat({ to: '2001:db8::1' })))
    .addRule(rule(post6, match.ip6.saddr('fd02::/20'), stmt.masquerade()));
  sameBytes(t, 'nat', b);
});

test('filter: inet table, sets with elements, lookups, ct state, ports, prefixes, verdicts', (t) => {
  const input = { family: 'inet' as Family, table: 'filter', chain: 'input' };
  const other = { family: 'inet' as Family, table: 'filter', chain: 'other' };
  const b = new NftBatch()
    .addTable({ family: 'inet', name: 'filter' })
    .addChain({ family: 'inet', table: 'filter', name: 'input', type: 'filter', hook: 'input', priority: 'filter', policy: 'drop' })
    .addChain({ family: 'inet', table: 'filter', name: 'other' })
    .addSet({ family: 'inet', table: 'filter', name: 'allowed', keyType: 'ipv4_addr' }, ['192.0.2.1', '198.51.100.7'])
    .addSet({ family: 'inet', table: 'filter', name: 'ports', keyType: 'inet_service' }, [22, 80, 443])
    .addRule(rule(input, match.ct.state('established', 'related'), verdict.accept()))
    .addRule(rule(input, match.ct.state('invalid'), verdict.drop()))
    .addRule(rule(input, match.iifname('lo'), verdict.accept()))
    .addRule(rule(input, match.l4proto('tcp'), match.tcp.dport(22), stmt.counter(), verdict.accept()))
    .addRule(rule(input, match.ip.saddr('@allowed'), verdict.accept()))
    .addRule(rule(input, match.tcp.dport('@ports'), verdict.accept()))
    .addRule(rule(input, match.ip.saddr('10.0.0.0/12'), verdict.drop()))
    .addRule(rule(input, match.ip6.saddr('2001:db8::/32'), verdict.drop()))
    .addRule(rule(input, match.udp.sport(53), verdict.accept()))
    .addRule(rule(input, match.mark(0x10), verdict.accept()))
    .addRule(rule(input, match.ip.daddr('192.0.2.1', { not: true }), verdict.jump('other')))
    .addRule(rule(input, match.ip.saddr('192.0.2.5'), verdict.goto('other')))
    .addRule(rule(input, match.tcp.dport([1024, 2048]), verdict.drop()))
    .addRule(rule(input, match.tcp.dport('1000-2000', { not: true }), verdict.accept()))
    .addRule(rule(input, match.ip.saddr('192.0.2.9'), verdict.return()))
    .addRule(rule(input, match.oifname('eth*'), verdict.accept()))
    .addRule(rule(input, match.iifname('lo', { not: true }), verdict.drop()))
    .addRule(rule(input, match.ip.saddr('@allowed', { not: true }), verdict.drop()))
    .addRule(rule(input, match.ip.protocol('tcp'), verdict.accept()))
    .addRule(rule(input, stmt.counter()))
    .addRule(rule(other, match.oifname('eth0'), verdict.continue()))
    .addRule(rule(other, verdict.return()));
  sameBytes(t, 'filter', b);
});

test('families: ip, ip6, bridge, netdev, arp base chains with type/hook/priority/policy', (t) => {
  const br = { family: 'bridge' as Family, table: 'br', chain: 'forward' };
  const nd = { family: 'netdev' as Family, table: 'nd', chain: 'ingress' };
  const b = new NftBatch()
    .addTable({ family: 'ip', name: 't4' })
    .addChain({ family: 'ip', table: 't4', name: 'output', type: 'filter', hook: 'output', priority: 10, policy: 'accept' })
    .addChain({ family: 'ip', table: 't4', name: 'forward4', type: 'filter', hook: 'forward', priority: -5, policy: 'drop' })
    .addTable({ family: 'ip6', name: 't6' })
    .addChain({ family: 'ip6', table: 't6', name: 'input', type: 'filter', hook: 'input', priority: 'filter' })
    .addChain({ family: 'ip6', table: 't6', name: 'prerouting', type: 'filter', hook: 'prerouting', priority: 'raw' })
    .addChain({ family: 'ip6', table: 't6', name: 'mangle', type: 'route', hook: 'output', priority: 'mangle' })
    .addTable({ family: 'bridge', name: 'br' })
    .addChain({ family: 'bridge', table: 'br', name: 'forward', type: 'filter', hook: 'forward', priority: 0, policy: 'accept' })
    .addRule(rule(br, match.ip.saddr('192.0.2.1'), match.tcp.dport(22), verdict.accept()))
    .addRule(rule(br, match.ip6.daddr('2001:db8::1'), verdict.drop()))
    .addTable({ family: 'netdev', name: 'nd' })
    .addChain({ family: 'netdev', table: 'nd', name: 'ingress', type: 'filter', hook: 'ingress', device: 'lo', priority: 0 })
    .addRule(rule(nd, match.ip.saddr('192.0.2.1'), match.udp.sport(53), verdict.accept()))
    .addTable({ family: 'arp', name: 'a' })
    .addChain({ family: 'arp', table: 'a', name: 'arpin', type: 'filter', hook: 'input', priority: 0 });
  sameBytes(t, 'families', b);
});

test('comments: table, chain, set and rule comments travel in userdata as nft stores them', (t) => {
  const c = { family: 'ip' as Family, table: 'c', chain: 'input' };
  const b = new NftBatch()
    .addTable({ family: 'ip', name: 'c', comment: 'a table' })
    .addChain({ family: 'ip', table: 'c', name: 'input', type: 'filter', hook: 'input', priority: 0, comment: 'a chain' })
    .addSet({ family: 'ip', table: 'c', name: 'blocked', keyType: 'ipv4_addr', comment: 'a set' }, ['192.0.2.66'])
    .addRule(rule(c, match.ct.state('established', 'related'), verdict.accept(), { comment: 'keep established' }))
    .addRule(rule(c, match.ip.saddr('192.0.2.0/24'), stmt.counter(), verdict.drop(), { comment: 'docs' }));
  sameBytes(t, 'comments', b);
});
