// Property tests for the reading side's folding and printing (extends the decoder fuzzing of
// docs/fuzzing.md to src/nft/text): random expression lists, random attribute values and
// random bytes run through the spec decode -> fold -> print path. Nothing may throw but a
// typed NetlinkDecodeError (malformed bytes), and every rule must print as some text.
import test from 'ava';
import fc from 'fast-check';
import { MessageWriter } from '../src/netlink/writer.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { NetlinkDecodeError } from '../src/netlink/errors.js';
import { foldExpressions, nftRead, type RawExpr } from '../src/nft/text/index.js';
import { exprList } from '../src/nft/text/snapshot.js';
import { stmtText } from '../src/nft/text/print.js';
import { setInfo } from '../src/nft/text/sets.js';
import { elementTexts } from '../src/nft/text/sets.js';

const NAMES = ['payload', 'meta', 'ct', 'cmp', 'bitwise', 'byteorder', 'range', 'lookup', 'immediate', 'counter', 'log', 'limit', 'quota',
  'reject', 'nat', 'masq', 'redir', 'notrack', 'dup', 'fwd', 'numgen', 'hash', 'fib', 'rt', 'socket', 'tproxy', 'synproxy', 'connlimit',
  'dynset', 'objref', 'exthdr', 'queue', 'last', 'match', 'target', 'secmark', 'flow_offload', 'bogus'];

const reg = fc.constantFrom(0, 1, 2, 3, 4, 8, 9, 10, 15, 23, 24, 99);
const bytes = fc.uint8Array({ maxLength: 20 });
const data = fc.record({
  sreg: reg, dreg: reg, key: fc.integer({ min: 0, max: 40 }), base: fc.integer({ min: 0, max: 4 }), offset: fc.integer({ min: 0, max: 64 }),
  len: fc.integer({ min: 0, max: 20 }), op: fc.integer({ min: 0, max: 7 }), type: fc.integer({ min: 0, max: 40 }), flags: fc.integer({ min: 0, max: 0xffff }),
  data: fc.oneof(fc.record({ value: bytes }), fc.record({ verdict: fc.record({ code: fc.integer({ min: -6, max: 4 }), chain: fc.constant('c') }, { requiredKeys: ['code'] }) })),
  mask: fc.record({ value: bytes }), xor: fc.record({ value: bytes }), set: fc.constantFrom('s', '__set0', 'nope'), info: bytes, name: fc.constantFrom('comment', 'conntrack', 'multiport', 'MARK', 'DNAT', 'x'),
  'reg-addr-min': reg, 'reg-proto-min': reg, 'sreg-key': reg, 'set-name': fc.constant('s'), 'imm-type': fc.integer({ min: 0, max: 11 }), 'imm-name': fc.constant('o'),
}, { requiredKeys: [] });
const exprs = fc.array(fc.record({ name: fc.constantFrom(...NAMES), data }), { maxLength: 12 });
const families = fc.constantFrom('ip', 'ip6', 'inet', 'bridge', 'netdev', 'arp') as fc.Arbitrary<'ip'>;

const SET = { family: 'inet' as const, attrs: { name: '__set0', flags: 3, 'key-type': 13, 'key-len': 2 }, elements: [{ key: { value: Uint8Array.of(0, 80) } }] };
const sets = new Map([['__set0', setInfo(SET)]]);

test('random expression lists fold and print without throwing', (t) => {
  fc.assert(fc.property(families, exprs, (family, list) => {
    const stmts = foldExpressions(family, list as RawExpr[], (n) => sets.get(n)?.keyLen);
    const text = stmts.map((s) => stmtText(s, { sets, family })).join(' ');
    return typeof text === 'string';
  }), { numRuns: 3000 });
  t.pass();
});

test('random rule bytes: spec decode, fold and print, only NetlinkDecodeError', (t) => {
  const rules = nftRead.set('rule-attrs');
  fc.assert(fc.property(families, fc.uint8Array({ maxLength: 300 }), exprs, (family, noise, list) => {
    // Half real encodings of random expression records, half raw noise inside the nest.
    const w = new MessageWriter(512);
    try {
      rules.encode(w, { table: 't', chain: 'c', expressions: { elem: list.map((e) => ({ name: e.name })) } });
    } catch { /* an encoder refusal is not what this tests */ }
    w.raw(noise);
    const b = w.copy();
    try {
      const attrs = rules.decode(new NetlinkBuffer(b), 0, b.length) as Record<string, any>;
      const stmts = foldExpressions(family, exprList(attrs.expressions), (n) => sets.get(n)?.keyLen);
      return typeof stmts.map((s) => stmtText(s, { sets, family })).join(' ') === 'string';
    } catch (e) {
      if (e instanceof NetlinkDecodeError) return true;
      throw e;
    }
  }), { numRuns: 3000 });
  t.pass();
});

test('random set elements print (intervals, concatenations, maps)', (t) => {
  const elem = fc.record({ key: fc.record({ value: bytes }), flags: fc.constantFrom(Uint8Array.of(0, 0, 0, 1), Uint8Array.of(0, 0, 0, 0)), data: fc.record({ value: bytes }) }, { requiredKeys: ['key'] });
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 1, max: 0x7fffffff }), fc.array(elem, { maxLength: 8 }), (flags, keyType, elements) => {
    const info = setInfo({ family: 'ip', attrs: { name: 's', flags, 'key-type': keyType, 'key-len': 8, 'data-type': 19, 'data-len': 4 }, elements });
    return elementTexts(info, {}).every((s) => typeof s === 'string');
  }), { numRuns: 2000 });
  t.pass();
});
