// Issue #25 items 1 and 4: link-layer address lengths checked against the link's type, and
// string limits from one table (STRING_LIMITS) counted in bytes with the terminator, both
// compared with what `ip` accepts and what the kernel refuses in a private namespace.
import test from 'ava';
import { netns, ChainStepError, ValidationError, type Namespace } from '../src/index.js';
import { createLink, setLink, addNeighbour, addFdb } from '../src/rtnl/index.js';
import { STRING_LIMITS, stringLimitProblem } from '../src/netlink/string-limits.js';
import { assertPrivate, ipJson, ip, tryRun, uniqueName } from './helpers/env.js';
import { withNs } from './helpers/rtnl.js';

test.before(() => assertPrivate());

async function withApiNs<T>(fn: (ns: Namespace) => Promise<T>): Promise<T> {
  const ns = await netns.add(uniqueName('hin'));
  try { return await fn(ns); } finally { await ns.delete(); }
}

test('mac(): a 7-byte and a 5-byte MAC are refused for a veth, as ip refuses them; the link keeps its address', async (t) => {
  await withApiNs(async (ns) => {
    await ns.link('va').create({ kind: 'veth', peer: 'vb' });
    const before = ipJson<any[]>(['link', 'show', 'va'], ns.name)[0].address;
    for (const mac of ['00:11:22:33:44:55:66', '00:11:22:33:44']) {
      const oracle = tryRun('ip', ['-n', ns.name!, 'link', 'set', 'va', 'address', mac]);
      t.regex(oracle.stderr, /Invalid address length/, 'ip refuses it too');
      const err = await t.throwsAsync(ns.link('va').mac(mac), { instanceOf: ChainStepError });
      t.true(err!.cause instanceof ValidationError, String(err!.cause));
      t.is((err!.cause as ValidationError).field, 'settings.address');
      t.regex(err!.message, new RegExp(`is ${mac.split(':').length} bytes; link va \\(ether\\) takes 6`));
      t.is(ipJson<any[]>(['link', 'show', 'va'], ns.name)[0].address, before, 'nothing was changed');
    }
    await ns.link('va').mac('02:00:00:00:00:07');
    t.is(ipJson<any[]>(['link', 'show', 'va'], ns.name)[0].address, '02:00:00:00:00:07');
  });
});

test('a link without link-layer address (tun, type none) refuses any address before the request', async (t) => {
  await withNs('hit', async ({ name, sock }) => {
    const made = tryRun('ip', ['-n', name, 'tuntap', 'add', 'tun0', 'mode', 'tun']);
    if (made.status !== 0) return t.pass(`no tun here: ${made.stderr.trim()}`);
    t.is(ipJson<any[]>(['link', 'show', 'tun0'], name)[0].link_type, 'none');
    const err = await t.throwsAsync(setLink(sock, 'tun0', { address: '02:00:00:00:00:01' }), { instanceOf: ValidationError });
    t.regex(err!.message, /link tun0 \(none\) has no link-layer address/);
  });
});

test('create: the kind fixes the address length (veth, its peer, bridge); neighbours use the device\'s length; FDB takes 6 bytes', async (t) => {
  await withNs('hic', async ({ name, sock }) => {
    const long = '02:00:00:00:00:01:02';
    let e = await t.throwsAsync(createLink(sock, { name: 'va', kind: 'veth', address: long }), { instanceOf: ValidationError });
    t.is(e!.field, 'link.address');
    e = await t.throwsAsync(createLink(sock, { name: 'va', kind: 'veth', peer: { name: 'vb', address: long } }), { instanceOf: ValidationError });
    t.is(e!.field, 'link.peer.address');
    e = await t.throwsAsync(createLink(sock, { name: 'br0', kind: 'bridge', address: '02:00:00:00:01' }), { instanceOf: ValidationError });
    t.is(e!.field, 'link.address');
    t.deepEqual(ipJson<any[]>(['link', 'show', 'type', 'veth'], name), [], 'nothing was created');
    await createLink(sock, { name: 'va', kind: 'veth', peer: 'vb', address: '02:00:00:00:00:0a' });
    t.is(ipJson<any[]>(['link', 'show', 'va'], name)[0].address, '02:00:00:00:00:0a');
    e = await t.throwsAsync(addNeighbour(sock, { dev: 'va', to: '192.0.2.9', lladdr: long }), { instanceOf: ValidationError });
    t.is(e!.field, 'neighbour.lladdr');
    t.deepEqual(ipJson<any[]>(['neigh', 'show', 'dev', 'va'], name), []);
    await createLink(sock, { name: 'br0', kind: 'bridge' });
    await setLink(sock, 'va', { master: 'br0' });
    e = await t.throwsAsync(addFdb(sock, { dev: 'va', mac: long, master: true }), { instanceOf: ValidationError });
    t.is(e!.field, 'fdb.mac');
  });
});

test('one table of limits: every entry has maxBytes consistent with its size and counts UTF-8 bytes', (t) => {
  for (const [k, l] of Object.entries(STRING_LIMITS)) {
    t.true(l.maxBytes === l.size || l.maxBytes === l.size - 1, k);
    t.is(stringLimitProblem(k as keyof typeof STRING_LIMITS, 'a'.repeat(l.maxBytes)), undefined, k);
    t.regex(stringLimitProblem(k as keyof typeof STRING_LIMITS, 'a'.repeat(l.maxBytes + 1)) ?? '', new RegExp(`at most ${l.maxBytes}`), k);
  }
  // 'é' is 2 bytes: 128 of them are 256 bytes, over the alias limit though only 128 characters.
  t.truthy(stringLimitProblem('ifalias', 'é'.repeat(128)));
});

test('alias: 255 bytes are accepted as ip accepts them; 256 bytes or 128 two-byte letters are refused before sending', async (t) => {
  await withNs('hia', async ({ name, sock }) => {
    await createLink(sock, { name: 'va', kind: 'veth', peer: 'vb' });
    const a255 = 'a'.repeat(255);
    ip(['link', 'set', 'vb', 'alias', a255], name);
    t.is(ipJson<any[]>(['link', 'show', 'vb'], name)[0].ifalias, a255, 'ip takes 255 bytes');
    t.not(tryRun('ip', ['-n', name, 'link', 'set', 'vb', 'alias', 'a'.repeat(256)]).status, 0, 'ip refuses 256');
    await setLink(sock, 'va', { ifalias: a255 });
    t.is(ipJson<any[]>(['link', 'show', 'va'], name)[0].ifalias, a255, 'the library takes 255 bytes too');
    for (const bad of ['a'.repeat(256), 'é'.repeat(128)]) {
      const e = await t.throwsAsync(setLink(sock, 'va', { ifalias: bad }), { instanceOf: ValidationError });
      t.is(e!.field, 'settings.ifalias');
      t.regex(e!.message, /256 bytes long; at most 255/);
    }
    await createLink(sock, { name: 'vc', kind: 'veth', peer: 'vd', ifalias: 'é'.repeat(127) });
    t.is(ipJson<any[]>(['link', 'show', 'vc'], name)[0].ifalias, 'é'.repeat(127), '254 bytes of UTF-8 arrive intact');
  });
});
