// The commit path: zod loads on the first validate() (building a batch loads none),
// operations go without NLM_F_ACK and errors still reach the right operation, the socket's
// notification handler survives a commit, and the vocabulary's allocation-light parts build
// the same rules as before.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NLM_F_ACK } from '../src/netlink/constants.js';
import { NftBatch, NftCommitError, match, rule, ruleText, stmt, verdict, type Family } from '../src/nft/index.js';
import { withNft } from './fixtures/nft/netns.js';

const where = { family: 'ip' as Family, table: 'nat', chain: 'postrouting' };

test('building a batch loads no zod; the first validate() loads the schemas, which word the error', (t) => {
  const hook = 'data:text/javascript,' + encodeURIComponent(
    'export async function load(u, c, n) { process.stderr.write("LOAD " + u + "\\n"); return n(u, c); }');
  const preload = 'data:text/javascript,' + encodeURIComponent(`import { register } from "node:module"; register(${JSON.stringify(hook)});`);
  const script = [
    `import { NftBatch, rule, match, stmt } from ${JSON.stringify(join(import.meta.dirname, '..', 'src', 'nft', 'index.js'))};`,
    `const where = { family: 'ip', table: 'nat', chain: 'postrouting' };`,
    `const b = new NftBatch().addTable({ family: 'ip', name: 'nat' })`,
    `  .addChain({ ...where, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' });`,
    `for (let i = 0; i < 100; i++) b.addRule(rule(where, match.ip.saddr('10.0.' + i + '.0/24'), match.oifname('veth0'), stmt.masquerade()));`,
    `process.stderr.write('BUILT\\n');`,
    `await b.validate();`,
    `let refused = ''; try { await new NftBatch().addChain({ ...where, name: 'c', type: 'nat' }).validate(); } catch (e) { refused = e.field; }`,
    `console.log(refused);`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import=tsx', '--import', preload, '--input-type=module', '-e', script], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  const lines = r.stderr.split('\n');
  const built = lines.indexOf('BUILT');
  t.true(built > 0, 'the script built its batch');
  t.true(lines.slice(0, built).some((l) => l.startsWith('LOAD ') && l.includes('nft/batch')), 'the hook saw the modules');
  t.deepEqual(lines.slice(0, built).filter((l) => l.startsWith('LOAD ') && /\bzod\b/.test(l)), [], 'no zod before validate()');
  t.true(lines.slice(built).some((l) => l.startsWith('LOAD ') && /\bzod\b/.test(l)), 'zod loaded by validate()');
  t.is(r.stdout.trim(), 'chain.hook');
});

test('vocabulary parts: same expressions, own bytes per rule, text on demand', (t) => {
  const src = match.ip.saddr('10.1.2.3/24');
  const oif = match.oifname('veth0');
  const a = rule(where, src, oif, stmt.masquerade());
  const b = rule(where, src, oif, stmt.masquerade());
  t.deepEqual(a.expressions, [
    { type: 'payload', base: 'network', offset: 12, len: 3, dreg: 1 },
    { type: 'cmp', op: 'eq', sreg: 1, data: new Uint8Array([10, 1, 2]) },
    { type: 'meta', key: 'oifname', dreg: 1 },
    { type: 'cmp', op: 'eq', sreg: 1, data: new Uint8Array([118, 101, 116, 104, 48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) },
    { type: 'masq' },
  ]);
  t.deepEqual(a, b);
  // A part used twice gives each rule its own bytes: changing one rule leaves the other alone.
  (a.expressions[1] as { data: Uint8Array }).data[0] = 99;
  (a.expressions[3] as { data: Uint8Array }).data[0] = 99;
  t.is((b.expressions[1] as { data: Uint8Array }).data[0], 10);
  t.is((b.expressions[3] as { data: Uint8Array }).data[0], 118);
  t.is(rule(where, oif).expressions.length, 2);
  // An exact name that begins with what a wildcard's prefix is: each keeps its own bytes.
  const wild = rule(where, match.oifname('foo*')).expressions[1] as { data: Uint8Array };
  const exact = rule(where, match.oifname('*foo')).expressions[1] as { data: Uint8Array };
  t.deepEqual([...wild.data], [102, 111, 111]);
  t.deepEqual([...exact.data], [42, 102, 111, 111, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  t.deepEqual([...(rule(where, match.oifname('foo*')).expressions[1] as { data: Uint8Array }).data], [102, 111, 111]);
  t.is((rule(where, oif).expressions[1] as { data: Uint8Array }).data[0], 118);
  t.is(ruleText(src, oif, stmt.masquerade({ ports: [1024, 2048], random: true })), 'ip saddr 10.1.2.0/24 oifname "veth0" masquerade to :1024-2048 random');
  t.is(match.ip.saddr('10.1.2.3/20').text, 'ip saddr 10.1.0.0/20');
  t.deepEqual(rule(where, match.ip.saddr('10.1.2.3/20')).expressions.slice(1, 3), [
    { type: 'bitwise', sreg: 1, dreg: 1, len: 4, mask: new Uint8Array([255, 255, 240, 0]), xor: new Uint8Array(4) },
    { type: 'cmp', op: 'eq', sreg: 1, data: new Uint8Array([10, 1, 0, 0]) },
  ]);
  // Parts still work with build() (custom code calls it) and guards still come once in inet.
  t.deepEqual(match.oifname('eth*').build({ family: 'ip', deps: new Set() }).map((e) => e.type), ['meta', 'cmp']);
  const inet = rule({ ...where, family: 'inet' }, match.ip.saddr('10.0.0.0/8'), match.ip.daddr('10.0.0.1'), verdict.accept());
  t.deepEqual(inet.expressions.map((e) => e.type), ['meta', 'cmp', 'payload', 'cmp', 'payload', 'cmp', 'verdict']);
});

test('encode(): the messages are the ranges of encodeLayout, no ACK requested unless asked', (t) => {
  const b = new NftBatch().addTable({ family: 'ip', name: 'nat' });
  for (let i = 0; i < 5; i++) b.addRule(rule(where, match.ip.saddr(`10.0.${i}.0/24`), stmt.masquerade()));
  const e = b.encode({ seq: 100 });
  const l = b.encodeLayout({ seq: 100 });
  t.deepEqual(e.bytes, l.bytes);
  t.deepEqual(e.messages.map((m) => [m.seq, m.start, m.end]), [...l.seqs].map((s, i) => [s, l.starts[i], l.ends[i]]));
  const flags = (bytes: Uint8Array, at: number): number => bytes[at + 6]! | (bytes[at + 7]! << 8);
  t.true(e.messages.every((m) => (flags(e.bytes, m.start) & NLM_F_ACK) === 0));
  const acked = b.encode({ seq: 100, ack: true });
  t.true(acked.messages.every((m) => (flags(acked.bytes, m.start) & NLM_F_ACK) !== 0));
});

test('errors without ACKs reach the right operation; the socket\'s own notification handler survives', async (t) => {
  await withNft('ncpath', async (nft) => {
    const seen: number[] = [];
    const mine = (m: { type: number }): void => { seen.push(m.type); };
    nft.socket.onNotification = mine;
    const loc = { family: 'ip' as Family, table: 'f', chain: 'c' };
    const ok = new NftBatch().addTable({ family: 'ip', name: 'f' }).addChain({ family: 'ip', table: 'f', name: 'c' });
    for (let i = 0; i < 300; i++) ok.addRule(rule(loc, match.tcp.dport(i), verdict.accept()));
    t.is((await nft.commit(ok)).operations, 302);
    t.is(nft.socket.onNotification, mine);
    // Two commits at once on one socket: each gets its own errors.
    const bad1 = new NftBatch().addRule(rule(loc, match.tcp.dport(1), verdict.accept())).addRule(rule({ ...loc, chain: 'nope1' }, verdict.drop()));
    const bad2 = new NftBatch().addRule(rule({ ...loc, chain: 'nope2' }, verdict.drop())).addRule(rule({ ...loc, chain: 'nope3' }, verdict.accept()));
    const [e1, e2] = await Promise.all([t.throwsAsync(nft.commit(bad1), { instanceOf: NftCommitError }), t.throwsAsync(nft.commit(bad2), { instanceOf: NftCommitError })]);
    t.deepEqual(e1!.failures.map((f) => [f.index, f.error.message]), [[1, 'add rule ip f nope1 drop: ENOENT (no such file or directory) [attribute NFTA_RULE_CHAIN "nope1"]']]);
    t.deepEqual(e2!.failures.map((f) => f.index), [0, 1]);
    t.regex(e2!.message, /^add rule ip f nope2 drop: ENOENT .* \(and 1 more failing operation: add rule ip f nope3\)$/);
    t.is(nft.socket.onNotification, mine);
    t.is((await nft.listRules({ family: 'ip', table: 'f' })).length, 300);
    t.deepEqual(seen, [], 'no reply of a commit leaked to the handler');
  });
});
