// Batches of any size: element lists split over NEWSETELEM messages at the 16-bit attribute
// limit exactly where nft splits them (bytes compared with what nft sends), 100,000 and
// 1,000,000 elements committed whole (counted by nft), a failing element deep in a big list
// undoing everything, and one object too large for netlink refused before anything is sent.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageTooLargeError, ValidationError } from '../src/netlink/errors.js';
import type { NetlinkSocket } from '../src/netlink/socket.js';
import { walkMessages, type MessageRef } from '../src/netlink/message.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { NftBatch, NftCommitError, commitBatch } from '../src/nft/index.js';
import { nftType } from '../src/nft/codec.js';
import { NFT_MSG_NEWSETELEM, NFTA_SET_ELEM_LIST_ELEMENTS } from '../src/nft/constants.js';
import { decodeSetElements, encodeElementValue } from '../src/nft/set-element.js';
import { NFT, nftIn, withNft } from './fixtures/nft/netns.js';
import { messagesOf, requestHex, sentDatagrams } from './helpers/strace.js';

const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
function* ips(n: number, from = 0): Generator<string> {
  for (let i = from; i < from + n; i++) yield ip(i);
}
const set = { family: 'ip' as const, table: 't', name: 's', keyType: 'ipv4_addr' as const };
const ELEM = nftType(NFT_MSG_NEWSETELEM);

/** The NEWSETELEM messages of an encoded datagram. */
function elementMessages(bytes: Uint8Array): Uint8Array[] {
  return messagesOf([bytes]).filter((m) => (m[4]! | (m[5]! << 8)) === ELEM);
}

/** Length of the NFTA_SET_ELEM_LIST_ELEMENTS attribute of a message (header included). */
function listLength(m: Uint8Array): number {
  const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
  for (let p = 20; p + 4 <= m.length; p += (v.getUint16(p, true) + 3) & ~3) {
    if ((v.getUint16(p + 2, true) & 0x3fff) === NFTA_SET_ELEM_LIST_ELEMENTS) return v.getUint16(p, true);
  }
  return 0;
}

function decodeMessage(m: Uint8Array): ReturnType<typeof decodeSetElements> {
  let out: MessageRef | undefined;
  walkMessages(new NetlinkBuffer(m), (r) => { out = r; return false; });
  return decodeSetElements(out!);
}

/** `nft ARGS` in ns with room for the listing of a million elements (and no echo of it in a failure). */
function nftBig(ns: string, args: string[]): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, NFT, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`nft ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 500)}`);
  return r.stdout;
}

/** Elements nft reports in a set (nft -j list set), the oracle's count. */
function countInKernel(ns: string, name = 's'): number {
  const j = JSON.parse(nftBig(ns, ['-j', 'list', 'set', 'ip', 't', name])) as { nftables: { set?: { elem?: unknown[] } }[] };
  const s = j.nftables.find((o) => o.set)?.set;
  return s?.elem?.length ?? 0;
}

test('10,000 elements: split where nft splits them, every list <= 65,535 bytes, the messages byte for byte what nft -f sends', (t) => {
  const N = 10_000;
  const b = new NftBatch().addTable({ family: 'ip', name: 't' }).addSet(set, [...ips(N)]);
  const enc = b.encode({ seq: 0 });
  const mine = elementMessages(enc.bytes);
  t.true(mine.length > 1, 'more than one message');
  for (const m of mine) t.true(listLength(m) <= 0xffff, `list of ${listLength(m)} bytes`);
  const keys = mine.flatMap((m) => decodeMessage(m).elements.map((e) => [...e.key].join('.')));
  t.is(keys.length, N);
  t.deepEqual(keys.slice(0, 2), ['10.0.0.0', '10.0.0.1']);
  t.is(keys[N - 1], ip(N - 1));
  // The split is visible in the layout: one operation, several messages.
  t.is(b.length, 3); // table, set, elements
  t.is(enc.messages.filter((m) => m.operationIndex === 2).length, mine.length);
  t.deepEqual(enc.messages.filter((m) => m.operationIndex === 2).map((m) => m.firstElement)[0], 0);

  // The oracle: nft -f of the same set, traced in a namespace of its own.
  const dir = mkdtempSync(join(tmpdir(), 'nftb-'));
  try {
    const file = join(dir, 'set.nft');
    writeFileSync(file, `table ip t {\n  set s {\n    type ipv4_addr\n    elements = { ${[...ips(N)].join(', ')} }\n  }\n}\n`);
    const r = sentDatagrams(['unshare', '--net', NFT, '-f', file]);
    t.is(r.status, 0, r.stderr);
    const theirs = r.datagrams.flatMap((d) => elementMessages(d));
    t.is(theirs.length, mine.length, 'as many NEWSETELEM messages as nft sends');
    t.deepEqual(mine.map(requestHex), theirs.map(requestHex));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('elements from a generator are read once, and a bad value deep in it is a ValidationError naming it, before the socket is used', async (t) => {
  let reads = 0;
  function* gen(): Generator<string> {
    for (let i = 0; i < 50_000; i++) { reads++; yield i === 40_000 ? '10.0.0.300' : ip(i); }
  }
  const trap = new Proxy({}, { get(_t, key) { if (key === 'then') return undefined; throw new Error(`socket used (${String(key)})`); } }) as NetlinkSocket;
  const b = new NftBatch().addTable({ family: 'ip', name: 't' }).addSet(set).addElements({ family: 'ip', table: 't', set: 's', elements: gen() });
  const err = await t.throwsAsync(commitBatch(trap, b), { instanceOf: ValidationError });
  t.regex(err!.message, /add element ip t s: element 40001/);
  t.regex(err!.message, /10\.0\.0\.300/);
  t.is(reads, 40_001, 'read once, up to the bad value');
});

test('one object too large for netlink is a MessageTooLargeError naming the operation and attribute, before anything is sent', async (t) => {
  const trap = new Proxy({}, { get(_t, key) { if (key === 'then') return undefined; throw new Error(`socket used (${String(key)})`); } }) as NetlinkSocket;
  // A rule of 5,000 counters: its NFTA_RULE_EXPRESSIONS would be ~140 KB.
  const expressions = Array.from({ length: 5000 }, () => ({ type: 'counter' as const }));
  const b = new NftBatch().addTable({ family: 'ip', name: 't' })
    .addChain({ family: 'ip', table: 't', name: 'c' })
    .addRule({ family: 'ip', table: 't', chain: 'c', expressions });
  const err = await t.throwsAsync(commitBatch(trap, b), { instanceOf: MessageTooLargeError });
  t.is(err!.limit, 0xffff);
  t.true(err!.size > 0xffff);
  t.regex(err!.message, /^add rule ip t c: attribute NFTA_RULE_EXPRESSIONS of \d+ bytes exceeds the netlink limit of 65535 bytes/);
  // An element that alone cannot fit one list.
  const b2 = new NftBatch().addTable({ family: 'ip', name: 't' }).addSet({ ...set, keyType: 'integer' as never, name: 'r' } as never)
    .addElements({ family: 'ip', table: 't', set: 'r', keyType: 'ipv4_addr', elements: ['10.0.0.1', { key: new Uint8Array(70_000) }] });
  const err2 = await t.throwsAsync(commitBatch(trap, b2), { instanceOf: MessageTooLargeError });
  t.regex(err2!.message, /add element ip t r: element 2/);
});

test.serial('100,000 elements commit whole in one transaction; nft counts them all', async (t) => {
  await withNft('nb100k', async (nft, ns) => {
    const N = 100_000;
    const res = await nft.commit(new NftBatch().addTable({ family: 'ip', name: 't' }).addSet(set, [...ips(N)]));
    t.is(res.operations, 3);
    t.true(res.messages! >= 3 + Math.floor(N / 5000), `${res.messages} messages`);
    t.is(countInKernel(ns), N);
    const listed = await nft.listElements({ family: 'ip', table: 't', name: 's' } as never).catch(() => undefined);
    if (listed) t.is((listed as unknown[]).length, N);
  });
});

test.serial('a failing element in the middle of a 100,000-element batch leaves the set as it was, and the error names that element', async (t) => {
  await withNft('nbfail', async (nft, ns) => {
    await nft.commit(new NftBatch().addTable({ family: 'ip', name: 't' }).addSet(set, ['10.200.0.1', '10.200.0.2']));
    // create (NLM_F_EXCL): an element already there is EEXIST. Put one at position 50,001.
    function* keys(): Generator<string> {
      for (let i = 0; i < 100_000; i++) yield i === 50_000 ? '10.200.0.2' : ip(i);
    }
    const b = new NftBatch().createElements({ family: 'ip', table: 't', set: 's', elements: keys() });
    const err = await t.throwsAsync(nft.commit(b), { instanceOf: NftCommitError });
    t.is(err!.code, 'EEXIST');
    t.is(err!.failures.length, 1);
    t.is(err!.failures[0]!.index, 0);
    t.log(err!.message);
    t.regex(err!.message, /^create element ip t s: EEXIST/);
    t.regex(err!.message, /element #50001\b/);
    t.is(countInKernel(ns), 2, 'nothing of the failed batch was applied');
    t.false(/10\.0\.0\.1\b/.test(nftIn(ns, ['list', 'set', 'ip', 't', 's'])), 'no element of the failed batch is there');
  });
});

test.serial('1,000,000 elements from a generator commit whole; nft counts them all', async (t) => {
  await withNft('nb1m', async (nft, ns) => {
    const N = 1_000_000;
    const before = process.memoryUsage();
    const res = await nft.commit(new NftBatch().addTable({ family: 'ip', name: 't' }).addSet({ ...set, size: 2_000_000 } as never)
      .addElements({ family: 'ip', table: 't', set: 's', elements: ips(N) }));
    const after = process.memoryUsage();
    t.is(res.operations, 3);
    t.log(`messages ${res.messages}; rss +${((after.rss - before.rss) / 2 ** 20).toFixed(0)} MiB, arrayBuffers ${(after.arrayBuffers / 2 ** 20).toFixed(0)} MiB`);
    // nft -j of a million elements is slow; count the text's elements instead.
    const text = nftBig(ns, ['list', 'set', 'ip', 't', 's']);
    t.is((text.match(/\b10\.\d+\.\d+\.\d+\b/g) ?? []).length, N);
  });
});

test.serial('5,000 chains and 5,000 rules in one batch', async (t) => {
  await withNft('nbch', async (nft, ns) => {
    const b = new NftBatch().addTable({ family: 'ip', name: 't' });
    for (let i = 0; i < 5000; i++) b.addChain({ family: 'ip', table: 't', name: `c${i}` });
    for (let i = 0; i < 5000; i++) b.addRule({ family: 'ip', table: 't', chain: `c${i}`, expressions: [{ type: 'counter' }] });
    const res = await nft.commit(b);
    t.is(res.operations, 10_001);
    const text = nftIn(ns, ['list', 'table', 'ip', 't']);
    t.is((text.match(/^\tchain c\d+ \{$/gm) ?? []).length, 5000);
    t.is((text.match(/^\t\tcounter packets 0 bytes 0$/gm) ?? []).length, 5000);
  });
});

test('the direct key path writes the same bytes as the general one (ipv4_addr, inet_service, mark), and refuses what the general one refuses', (t) => {
  const cases: { keyType: 'ipv4_addr' | 'inet_service' | 'mark'; values: (string | number)[] }[] = [
    { keyType: 'ipv4_addr', values: ['192.0.2.1', '0.0.0.0', '255.255.255.255', '10.1.2.3'] },
    { keyType: 'inet_service', values: [22, '443', 0, 65535] },
    { keyType: 'mark', values: [1, 0xdeadbeef, '42', 0] },
  ];
  for (const c of cases) {
    const loc = { family: 'ip' as const, table: 't', set: 's', keyType: c.keyType };
    const direct = new NftBatch().addElements({ ...loc, elements: c.values }).encode({ seq: 0 }).bytes;
    const general = new NftBatch().addElements({ ...loc, elements: c.values.map((v) => ({ key: encodeElementValue(c.keyType, v)! })) }).encode({ seq: 0 }).bytes;
    t.is(Buffer.from(direct).toString('hex'), Buffer.from(general).toString('hex'), c.keyType);
  }
  for (const [keyType, bad] of [['ipv4_addr', '10.0.0.256'], ['ipv4_addr', 7], ['inet_service', 65536], ['inet_service', '22a'], ['mark', -1]] as const) {
    const b = new NftBatch().addElements({ family: 'ip', table: 't', set: 's', keyType, elements: [bad] });
    t.throws(() => b.encode({ seq: 0 }), { instanceOf: ValidationError, message: /element 1: .* is not a value of type/ }, `${keyType} ${bad}`);
  }
});
