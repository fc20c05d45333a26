// Build -> commit -> list -> compare, against the real kernel, in namespaces the tests make:
// every expression kind, tables of every family, base and regular chains, sets with IPv4
// address and port elements and lookups.
import test from 'ava';
import {
  canonicalExpression, match, rule, stmt, verdict, NftBatch, NFT_REG_1, NFT_REG32_00,
  type Chain, type Expression, type Family, type Rule, type Nftables,
} from '../src/nft/index.js';
import { withNft } from './fixtures/nft/netns.js';

const b = (...x: number[]): Uint8Array => new Uint8Array(x);
const canon = (list: readonly Expression[]): Expression[] => list.map(canonicalExpression);

/** Commit, list the chain back, and demand the same rules in the same order. */
async function roundTrip(t: import('ava').ExecutionContext, nft: Nftables, batch: NftBatch, rules: Rule[]): Promise<Rule[]> {
  await nft.commit(batch);
  const byChain = new Map<string, Rule[]>();
  for (const r of rules) {
    const k = `${r.family} ${r.table} ${r.chain}`;
    if (!byChain.has(k)) byChain.set(k, (await nft.listRules({ family: r.family, table: r.table, chain: r.chain })));
  }
  const listed: Rule[] = [];
  const seen = new Map<string, number>();
  for (const r of rules) {
    const k = `${r.family} ${r.table} ${r.chain}`;
    const i: number = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    const got = byChain.get(k)![i];
    t.truthy(got, `rule ${i} of ${k} missing`);
    t.deepEqual(canon(got!.expressions), canon(r.expressions), `${k} rule ${i}`);
    t.is(got!.comment, r.comment);
    t.true(typeof got!.handle === 'number' && got!.handle > 0);
    listed.push(got!);
  }
  for (const [k, list] of byChain) t.is(list.length, seen.get(k) ?? 0, `${k}: rule count`);
  return listed;
}

test('every expression kind round-trips through the kernel', async (t) => {
  await withNft('nrt', async (nft) => {
    const f = { family: 'inet' as Family, table: 'kinds', chain: 'input' };
    const nat = { family: 'ip' as Family, table: 'natk', chain: 'post' };
    const pre = { family: 'ip' as Family, table: 'natk', chain: 'pre' };
    const rules: Rule[] = [
      // payload + cmp (eq, neq, lt, gt...), bitwise prefix, meta, ct, counter, verdicts
      rule(f, match.ip.saddr('10.0.0.0/12'), match.tcp.dport(22), stmt.counter(), verdict.accept()),
      rule(f, match.ip6.daddr('2001:db8::/33', { not: true }), verdict.drop()),
      rule(f, match.iifname('lo'), match.oifname('veth*'), verdict.return()),
      rule(f, match.ct.state('established', 'related', 'new', 'invalid', 'untracked'), verdict.continue()),
      rule(f, match.mark(0xdeadbeef, { not: true }), verdict.jump('other')),
      rule(f, match.udp.sport([1000, 2000]), verdict.goto('other')),
      rule(f, match.tcp.dport('3000-4000', { not: true }), verdict.accept()),
      rule(f, match.ip.saddr('@v4'), verdict.accept()),
      rule(f, match.tcp.dport('@ports', { not: true }), verdict.drop()),
      rule(f, match.ip.protocol('udp'), match.l4proto('udp'), verdict.accept()),
      // Low-level forms the vocabulary does not produce: cmp lt/gt, a shift, a ct with a direction, a 32-bit register.
      { ...f, expressions: [
        { type: 'meta', key: 'mark', dreg: NFT_REG_1 },
        { type: 'bitwise', op: 'lshift', sreg: NFT_REG_1, dreg: NFT_REG_1, len: 4, shift: 8 },
        { type: 'cmp', op: 'lt', sreg: NFT_REG_1, data: b(0, 1, 0, 0) },
        { type: 'ct', key: 'proto_dst', dreg: NFT_REG32_00, direction: 'original' },
        { type: 'cmp', op: 'gt', sreg: NFT_REG32_00, data: b(0, 80) },
        { type: 'range', op: 'eq', sreg: NFT_REG32_00, from: b(0, 80), to: b(0, 90) },
        { type: 'counter' },
        { type: 'verdict', code: 'drop' },
      ] },
    ];
    const natRules: Rule[] = [
      rule(nat, match.ip.saddr('192.168.0.0/16'), match.oifname('eth0'), stmt.masquerade()),
      rule(nat, match.ip.saddr('192.168.1.0/24'), stmt.masquerade({ random: true, persistent: true })),
      rule(nat, match.l4proto('tcp'), stmt.masquerade({ ports: [1024, 2048], fullyRandom: true })),
      rule(nat, match.l4proto('udp'), stmt.masquerade({ ports: 5000 })),
      rule(nat, match.ip.saddr('10.1.0.0/16'), stmt.snat({ to: '203.0.113.1' })),
      rule(nat, match.ip.saddr('10.2.0.0/16'), stmt.snat({ to: '203.0.113.1-203.0.113.10', persistent: true })),
      rule(nat, match.l4proto('tcp'), stmt.snat({ to: '203.0.113.1', ports: [2000, 3000] })),
      rule(pre, match.tcp.dport(8080), stmt.dnat({ to: '192.0.2.10', ports: 80 })),
      rule(pre, match.iifname('eth1'), stmt.dnat({ to: '192.0.2.11' }), { comment: 'to the web server' }),
    ];
    const batch = new NftBatch()
      .addTable({ family: 'inet', name: 'kinds' })
      .addChain({ family: 'inet', table: 'kinds', name: 'input', type: 'filter', hook: 'input', priority: 'filter', policy: 'accept' })
      .addChain({ family: 'inet', table: 'kinds', name: 'other' })
      .addSet({ family: 'inet', table: 'kinds', name: 'v4', keyType: 'ipv4_addr' }, ['192.0.2.1'])
      .addSet({ family: 'inet', table: 'kinds', name: 'ports', keyType: 'inet_service' }, [22, 443])
      .addTable({ family: 'ip', name: 'natk' })
      .addChain({ family: 'ip', table: 'natk', name: 'post', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' })
      .addChain({ family: 'ip', table: 'natk', name: 'pre', type: 'nat', hook: 'prerouting', priority: 'dstnat', policy: 'accept' });
    for (const r of [...rules, ...natRules]) batch.addRule(r);
    const listed = await roundTrip(t, nft, batch, [...rules, ...natRules]);
    // Stateful values come back too: the counter reports packets and bytes.
    t.like(listed[0]!.expressions.find((e) => e.type === 'counter'), { type: 'counter', packets: 0, bytes: 0 });
    // The kernel reports each rule's predecessor.
    t.is(listed[1]!.position, listed[0]!.handle);
  });
});

test('tables of every family, base chains with type/hook/priority/policy, regular chains', async (t) => {
  await withNft('nfam', async (nft) => {
    const chains: Chain[] = [
      { family: 'ip', table: 't_ip', name: 'in', type: 'filter', hook: 'input', priority: 10, policy: 'drop' },
      { family: 'ip', table: 't_ip', name: 'nat_out', type: 'nat', hook: 'output', priority: -100, policy: 'accept' },
      { family: 'ip', table: 't_ip', name: 'mangle', type: 'route', hook: 'output', priority: -150, policy: 'accept' },
      { family: 'ip', table: 't_ip', name: 'helper' },
      { family: 'ip6', table: 't_ip6', name: 'fwd', type: 'filter', hook: 'forward', priority: 0, policy: 'accept' },
      { family: 'ip6', table: 't_ip6', name: 'post', type: 'nat', hook: 'postrouting', priority: 100, policy: 'accept' },
      { family: 'inet', table: 't_inet', name: 'pre', type: 'filter', hook: 'prerouting', priority: -300, policy: 'accept' },
      { family: 'inet', table: 't_inet', name: 'ingress', type: 'filter', hook: 'ingress', device: 'lo', priority: -500, policy: 'accept' },
      { family: 'bridge', table: 't_br', name: 'fwd', type: 'filter', hook: 'forward', priority: -200, policy: 'accept' },
      { family: 'bridge', table: 't_br', name: 'out', type: 'filter', hook: 'output', priority: 100, policy: 'drop' },
      { family: 'netdev', table: 't_nd', name: 'ingress', type: 'filter', hook: 'ingress', device: 'lo', priority: 0, policy: 'accept' },
      { family: 'netdev', table: 't_nd', name: 'egress', type: 'filter', hook: 'egress', device: 'lo', priority: 0, policy: 'accept' },
      { family: 'arp', table: 't_arp', name: 'in', type: 'filter', hook: 'input', priority: 0, policy: 'accept' },
    ];
    const batch = new NftBatch();
    const tables = [...new Set(chains.map((c) => `${c.family} ${c.table}`))];
    for (const tb of tables) {
      const [family, name] = tb.split(' ') as [Family, string];
      batch.addTable({ family, name, comment: `table ${name}` });
    }
    for (const c of chains) batch.addChain(c);
    batch.addRule(rule({ family: 'ip', table: 't_ip', chain: 'in' }, verdict.jump('helper')));
    await nft.commit(batch);

    const listedTables = await nft.listTables();
    t.deepEqual(listedTables.map((x) => `${x.family} ${x.name}`).sort(), tables.sort());
    for (const x of listedTables) t.is(x.comment, `table ${x.name}`);
    const listed = await nft.listChains();
    for (const c of chains) {
      const got = listed.find((l) => l.family === c.family && l.table === c.table && l.name === c.name);
      t.truthy(got, `${c.family} ${c.table} ${c.name} listed`);
      const { handle, use, ...rest } = got!;
      t.deepEqual(rest, c, `${c.family} ${c.table} ${c.name}`);
      t.true(typeof handle === 'number');
      if (c.name === 'helper') t.is(use, 1); // one jump refers to it
    }
    // Only one family at a time when asked.
    t.deepEqual((await nft.listChains({ family: 'bridge' })).map((c) => c.name).sort(), ['fwd', 'out']);
    t.deepEqual((await nft.listChains({ family: 'ip', table: 't_ip' })).length, 4);
  });
});

test('sets with IPv4 address and port elements, and lookup rules', async (t) => {
  await withNft('nset', async (nft) => {
    const loc = { family: 'ip' as Family, table: 'sets', chain: 'input' };
    const batch = new NftBatch()
      .addTable({ family: 'ip', name: 'sets' })
      .addChain({ family: 'ip', table: 'sets', name: 'input', type: 'filter', hook: 'input', priority: 0, policy: 'accept' })
      .addSet({ family: 'ip', table: 'sets', name: 'blocked', keyType: 'ipv4_addr', comment: 'bad hosts' }, ['192.0.2.1', '198.51.100.7', '203.0.113.200'])
      .addSet({ family: 'ip', table: 'sets', name: 'ports', keyType: 'inet_service', size: 128 }, [22, 80, 443, 8080])
      .addSet({ family: 'ip', table: 'sets', name: 'marks', keyType: 'mark', policy: 'memory' }, [1, 0xff])
      .addRule(rule(loc, match.ip.saddr('@blocked'), stmt.counter(), verdict.drop()))
      .addRule(rule(loc, match.tcp.dport('@ports'), verdict.accept()))
      .addRule(rule(loc, match.udp.dport('@ports', { not: true }), verdict.drop()));
    await nft.commit(batch);

    const sets = await nft.listSets({ family: 'ip', table: 'sets' });
    const blocked = sets.find((s) => s.name === 'blocked')!;
    t.like(blocked, { family: 'ip', table: 'sets', name: 'blocked', keyType: 'ipv4_addr', comment: 'bad hosts' });
    t.is(blocked.keyLen, undefined, 'key length implied by the type');
    t.like(sets.find((s) => s.name === 'ports'), { keyType: 'inet_service', size: 128 });
    t.like(sets.find((s) => s.name === 'marks'), { keyType: 'mark', policy: 'memory' });

    const values = async (name: string): Promise<unknown[]> => (await nft.listElements({ family: 'ip', table: 'sets', name, keyType: sets.find((s) => s.name === name)!.keyType })).map((e) => e.value).sort();
    t.deepEqual(await values('blocked'), ['192.0.2.1', '198.51.100.7', '203.0.113.200']);
    t.deepEqual(await values('ports'), [22, 443, 80, 8080].sort());
    t.deepEqual(await values('marks'), [1, 255]);

    // Add and remove elements in a later batch; the key type is asked from the kernel.
    await nft.commit(new NftBatch()
      .addElements({ family: 'ip', table: 'sets', set: 'blocked', elements: ['192.0.2.99'] })
      .deleteElements({ family: 'ip', table: 'sets', set: 'blocked', elements: ['198.51.100.7'] }));
    t.deepEqual(await values('blocked'), ['192.0.2.1', '192.0.2.99', '203.0.113.200']);

    const rules = await nft.listRules({ family: 'ip', table: 'sets' });
    t.like(rules[0]!.expressions[1], { type: 'lookup', set: 'blocked', sreg: 1 });
    t.like(rules[2]!.expressions[3], { type: 'lookup', set: 'ports', invert: true });

    // The whole ruleset in one consistent snapshot, sets with their elements.
    const rs = await nft.ruleset();
    const table = rs.tables.find((x) => x.name === 'sets')!;
    t.is(table.chains[0]!.rules.length, 3);
    t.is(table.sets.find((s) => s.name === 'ports')!.elements.length, 4);

    await nft.commit(new NftBatch().flushSet({ family: 'ip', table: 'sets', name: 'marks' }));
    t.deepEqual(await values('marks'), []);
  });
});

test('limit, log and reject (declared codecs since issue 20) decode typed and survive a round trip through the library', async (t) => {
  const { nftIn, listText } = await import('./fixtures/nft/netns.js');
  await withNft('nunk', async (nft, ns) => {
    nftIn(ns, ['-f', '-'], [
      'table ip src {',
      '  chain c {',
      '    tcp dport 22 limit rate 5/second burst 10 packets accept',
      '    ip saddr 192.0.2.0/24 log prefix "dropped: " level warn drop',
      '    meta l4proto udp reject',
      '  }',
      '}',
    ].join('\n'));
    const rules = await nft.listRules({ family: 'ip', table: 'src', chain: 'c' });
    const types = rules.flatMap((r) => r.expressions).map((e) => e.type);
    t.false(types.includes('unknown'));
    t.deepEqual(types.filter((x) => ['limit', 'log', 'reject'].includes(x)), ['limit', 'log', 'reject']);
    // Copy the decoded rules, unknown expressions and all, into another table.
    const batch = new NftBatch().addTable({ family: 'ip', name: 'dst' }).addChain({ family: 'ip', table: 'dst', name: 'c' });
    for (const r of rules) batch.addRule({ family: 'ip', table: 'dst', chain: 'c', expressions: r.expressions });
    await nft.commit(batch);
    const text = listText(ns);
    const body = (table: string): string => {
      const lines = text.slice(text.indexOf(`table ip ${table} {`)).split('\n');
      return lines.slice(1, lines.indexOf('}')).join('\n');
    };
    t.is(body('dst'), body('src'));
    t.regex(body('dst'), /log prefix "dropped: " drop/);
  });
});
