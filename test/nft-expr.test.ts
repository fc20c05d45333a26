// The expression registry: every kind the builder can encode decodes back to the same
// object (google/nftables' most reported bug was a missing decoder), unknown expressions
// survive byte for byte, and malformed bytes fail with NetlinkDecodeError only. Pure.
import test from 'ava';
import fc from 'fast-check';
import { MessageWriter } from '../src/netlink/writer.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { NetlinkDecodeError } from '../src/netlink/errors.js';
import {
  CODECS, EXPRESSION_TYPES, decodeExpressions, encodeExpressions, formatExpression, canonicalExpression,
  expressionsEquivalent, type Expression,
} from '../src/nft/index.js';

const b = (...x: number[]): Uint8Array => new Uint8Array(x);

/** Examples of every expression kind, in the canonical form decode produces. */
const EXAMPLES: Record<(typeof EXPRESSION_TYPES)[number], Expression[]> = {
  payload: [
    { type: 'payload', base: 'network', offset: 12, len: 4, dreg: 1 },
    { type: 'payload', base: 'transport', offset: 2, len: 2, dreg: 8 },
    { type: 'payload', base: 'link', offset: 0, len: 6, sreg: 1, csumType: 1, csumOffset: 10, csumFlags: 1 },
    { type: 'payload', base: 'inner', offset: 4, len: 1, dreg: 2 },
  ],
  meta: [
    { type: 'meta', key: 'oifname', dreg: 1 },
    { type: 'meta', key: 'l4proto', dreg: 9 },
    { type: 'meta', key: 'mark', sreg: 1 },
    { type: 'meta', key: 200, dreg: 1 },
  ],
  cmp: [
    { type: 'cmp', op: 'eq', sreg: 1, data: b(192, 168) },
    { type: 'cmp', op: 'gte', sreg: 1, data: b(4, 0) },
    { type: 'cmp', op: 'neq', sreg: 2, data: new Uint8Array(16).fill(7) },
  ],
  bitwise: [
    { type: 'bitwise', sreg: 1, dreg: 1, len: 4, mask: b(255, 240, 0, 0), xor: b(0, 0, 0, 0) },
    { type: 'bitwise', op: 'lshift', sreg: 1, dreg: 2, len: 4, shift: 8 },
    { type: 'bitwise', op: 'rshift', sreg: 1, dreg: 1, len: 4, shift: 3 },
  ],
  immediate: [
    { type: 'immediate', dreg: 1, data: b(203, 0, 113, 1) },
    { type: 'immediate', dreg: 2, data: b(0x04, 0x00) },
  ],
  verdict: [
    { type: 'verdict', code: 'accept' }, { type: 'verdict', code: 'drop' }, { type: 'verdict', code: 'return' },
    { type: 'verdict', code: 'continue' }, { type: 'verdict', code: 'jump', chain: 'other' },
    { type: 'verdict', code: 'goto', chain: 'other' }, { type: 'verdict', code: 'queue' }, { type: 'verdict', code: 0x10003 },
  ],
  counter: [{ type: 'counter' }, { type: 'counter', packets: 3, bytes: 180 }],
  ct: [
    { type: 'ct', key: 'state', dreg: 1 },
    { type: 'ct', key: 'mark', sreg: 1 },
    { type: 'ct', key: 'src', dreg: 1, direction: 'reply' },
  ],
  masq: [
    { type: 'masq' },
    { type: 'masq', flags: 0xc },
    { type: 'masq', flags: 2, regProtoMin: 1, regProtoMax: 2 },
  ],
  nat: [
    { type: 'nat', nat: 'snat', family: 'ip', regAddrMin: 1 },
    { type: 'nat', nat: 'dnat', family: 'ip', regAddrMin: 1, regAddrMax: 1, regProtoMin: 2, regProtoMax: 2, flags: 3 },
    { type: 'nat', nat: 'snat', family: 'ip6', regAddrMin: 1, regAddrMax: 2 },
  ],
  lookup: [
    { type: 'lookup', set: 'allowed', sreg: 1 },
    { type: 'lookup', set: 'blocked', sreg: 1, invert: true },
    { type: 'lookup', set: '__map0', sreg: 1, dreg: 0, setId: 3 },
  ],
  range: [{ type: 'range', op: 'neq', sreg: 1, from: b(3, 0xe8), to: b(7, 0xd0) }],
  // The declared kinds (src/nft/expr/declare.ts), issue 20.
  limit: [{ type: 'limit', rate: 10, unit: 60, burst: 5, limitType: 'pkts', flags: 0 }, { type: 'limit', rate: 1048576, unit: 1, burst: 0, limitType: 'pkt_bytes', flags: 1 }],
  log: [{ type: 'log', prefix: 'in: ' }, { type: 'log', group: 2, snaplen: 64, qthreshold: 10 }, { type: 'log', level: 'warn', flags: 0x8 }],
  quota: [{ type: 'quota', bytes: 25000000, consumed: 0, flags: 1 }],
  reject: [{ type: 'reject', rejectType: 'icmp_unreach', icmpCode: 3 }, { type: 'reject', rejectType: 'tcp_rst' }],
  queue: [{ type: 'queue', num: 3, total: 2, flags: 1 }, { type: 'queue', sregQnum: 1, flags: 0 }],
  redir: [{ type: 'redir' }, { type: 'redir', regProtoMin: 1, flags: 2 }],
  notrack: [{ type: 'notrack' }],
  numgen: [{ type: 'numgen', dreg: 1, modulus: 2, ngType: 'inc', offset: 0 }, { type: 'numgen', dreg: 1, modulus: 10, ngType: 'random', offset: 100 }],
  hash: [{ type: 'hash', sreg: 1, dreg: 1, len: 4, modulus: 2, seed: 0xdeadbeef, offset: 0, hashType: 'jhash' }, { type: 'hash', dreg: 1, modulus: 2, offset: 0, hashType: 'sym' }],
  fib: [{ type: 'fib', dreg: 1, result: 'addrtype', flags: 0x2 }, { type: 'fib', dreg: 1, result: 'oif', flags: 0x9 }],
  rt: [{ type: 'rt', dreg: 1, key: 'nexthop4' }, { type: 'rt', dreg: 1, key: 'tcpmss' }],
  socket: [{ type: 'socket', key: 'transparent', dreg: 1 }, { type: 'socket', key: 'cgroupv2', dreg: 1, level: 2 }],
  tproxy: [{ type: 'tproxy', family: 2, regAddr: 1, regPort: 2 }, { type: 'tproxy', family: 0, regPort: 1 }],
  synproxy: [{ type: 'synproxy', mss: 1460, wscale: 7, flags: 0x7 }],
  connlimit: [{ type: 'connlimit', count: 10, flags: 1 }],
  dup: [{ type: 'dup', sregAddr: 1 }, { type: 'dup', sregAddr: 1, sregDev: 2 }],
  fwd: [{ type: 'fwd', sregDev: 1 }, { type: 'fwd', sregDev: 1, sregAddr: 2, nfproto: 2 }],
  last: [{ type: 'last', msecs: 0, set: 0 }, { type: 'last', msecs: 1234, set: 1 }],
  objref: [{ type: 'objref', objType: 'counter', name: 'c1' }, { type: 'objref', sreg: 1, set: '__objmap0', setId: 2 }],
  flow_offload: [{ type: 'flow_offload', table: 'ft' }],
  byteorder: [{ type: 'byteorder', sreg: 1, dreg: 1, op: 'hton', len: 2, size: 2 }],
  exthdr: [{ type: 'exthdr', dreg: 1, exthdrType: 2, offset: 2, len: 2, flags: 0, op: 'tcpopt' }, { type: 'exthdr', sreg: 1, exthdrType: 2, offset: 2, len: 2, flags: 0, op: 'tcpopt' }],
  match: [{ type: 'match', name: 'comment', rev: 0, info: new Uint8Array(256).fill(0x41) }],
  target: [{ type: 'target', name: 'MASQUERADE', rev: 0, info: new Uint8Array(20) }],
  dynset: [
    { type: 'dynset', set: 's', op: 'add', sregKey: 1, timeout: 10000, flags: 0 },
    { type: 'dynset', set: 'm', op: 'update', sregKey: 1, setId: 1, expressions: [{ type: 'counter', packets: 0, bytes: 0 }] },
    { type: 'dynset', set: 'm', op: 'update', sregKey: 1, expressions: [{ type: 'counter', packets: 0, bytes: 0 }, { type: 'limit', rate: 1, unit: 1, burst: 5, limitType: 'pkts', flags: 0 }] },
  ],
};

function roundTrip(list: Expression[]): Expression[] {
  const w = new MessageWriter();
  encodeExpressions(w, list);
  const bytes = w.copy();
  return decodeExpressions(new NetlinkBuffer(bytes), 0, bytes.length, 0);
}

test('every expression kind the registry encodes has examples here', (t) => {
  for (const type of EXPRESSION_TYPES) t.true((EXAMPLES[type] ?? []).length > 0, `no example for ${type}`);
  t.deepEqual(Object.keys(EXAMPLES).sort(), [...EXPRESSION_TYPES].sort());
});

for (const type of EXPRESSION_TYPES) {
  test(`encode -> decode is the identity for ${type}`, (t) => {
    for (const e of EXAMPLES[type]) t.deepEqual(roundTrip([e]), [e], JSON.stringify(e, (_, v) => (v instanceof Uint8Array ? [...v] : v)));
  });
}

test('a whole rule of every kind round-trips in order', (t) => {
  const all = EXPRESSION_TYPES.flatMap((type) => EXAMPLES[type]);
  t.deepEqual(roundTrip(all), all);
});

test('unknown expressions are kept raw and re-encoded byte for byte', (t) => {
  // An "xfrm" expression: a kind the registry does not know.
  const w = new MessageWriter();
  const elem = w.nestStart(1 | 0x8000);
  w.attrString(1, 'xfrm');
  const data = w.nestStart(2 | 0x8000);
  w.attrString(2, 'dropped: ');
  w.attrBe32(1, 5);
  w.nestEnd(data);
  w.nestEnd(elem);
  const bytes = w.copy();
  const decoded = decodeExpressions(new NetlinkBuffer(bytes), 0, bytes.length, 0);
  t.is(decoded.length, 1);
  t.is(decoded[0]!.type, 'unknown');
  t.is((decoded[0] as { name: string }).name, 'xfrm');
  const w2 = new MessageWriter();
  encodeExpressions(w2, decoded);
  t.deepEqual(w2.copy(), bytes);
});

test('a known expression carrying an attribute the codec does not know stays raw', (t) => {
  const w = new MessageWriter();
  const elem = w.nestStart(1 | 0x8000);
  w.attrString(1, 'masq');
  const data = w.nestStart(2 | 0x8000);
  w.attrBe32(1, 4);
  w.attrBe32(9, 1); // an attribute a future kernel might add
  w.nestEnd(data);
  w.nestEnd(elem);
  const bytes = w.copy();
  const [e] = decodeExpressions(new NetlinkBuffer(bytes), 0, bytes.length, 0);
  t.is(e!.type, 'unknown');
  const w2 = new MessageWriter();
  encodeExpressions(w2, [e!]);
  t.deepEqual(w2.copy(), bytes);
});

test('formatExpression prints what nft --debug=netlink prints', (t) => {
  const f = (e: Expression): string => formatExpression(e);
  t.is(f({ type: 'payload', base: 'network', offset: 12, len: 2, dreg: 1 }), '[ payload load 2b @ network header + 12 => reg 1 ]');
  t.is(f({ type: 'cmp', op: 'eq', sreg: 1, data: b(0xc0, 0xa8) }), '[ cmp eq reg 1 0x0000a8c0 ]');
  t.is(f({ type: 'masq' }), '[ masq ]');
  t.is(f({ type: 'meta', key: 'oifname', dreg: 1 }), '[ meta load oifname => reg 1 ]');
  t.is(f({ type: 'bitwise', sreg: 1, dreg: 1, len: 4, mask: b(6, 0, 0, 0), xor: b(0, 0, 0, 0) }), '[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]');
  t.is(f({ type: 'verdict', code: 'jump', chain: 'other' }), '[ immediate reg 0 jump -> other ]');
  t.is(f({ type: 'counter', packets: 0, bytes: 0 }), '[ counter pkts 0 bytes 0 ]');
  t.is(f({ type: 'nat', nat: 'snat', family: 'ip', regAddrMin: 1, regAddrMax: 1, flags: 1 }), '[ nat snat ip addr_min reg 1 addr_max reg 1 flags 0x1 ]');
  t.is(f({ type: 'lookup', set: 'allowed', sreg: 1 }), '[ lookup reg 1 set allowed 0x0 ]');
  t.is(f({ type: 'ct', key: 'state', dreg: 1 }), '[ ct load state => reg 1 ]');
  t.is(f({ type: 'masq', flags: 2, regProtoMin: 1, regProtoMax: 2 }), '[ masq proto_min reg 1 proto_max reg 2 flags 0x2 ]');
});

test('canonical forms: what the kernel fills in does not make rules differ', (t) => {
  t.true(expressionsEquivalent(
    [{ type: 'nat', nat: 'snat', family: 'ip', regAddrMin: 1 }, { type: 'counter' }, { type: 'lookup', set: 's', sreg: 8, setId: 1 }],
    [{ type: 'nat', nat: 'snat', family: 'ip', regAddrMin: 1, regAddrMax: 1, flags: 1 }, { type: 'counter', packets: 5, bytes: 300 }, { type: 'lookup', set: 's', sreg: 1 }],
  ));
  t.false(expressionsEquivalent([{ type: 'verdict', code: 'accept' }], [{ type: 'verdict', code: 'drop' }]));
  t.deepEqual(canonicalExpression({ type: 'masq', regProtoMin: 1 }), { type: 'masq', regProtoMin: 1, regProtoMax: 1 });
});

test('malformed expression lists fail with NetlinkDecodeError only (fuzzed)', (t) => {
  const w = new MessageWriter();
  encodeExpressions(w, EXPRESSION_TYPES.flatMap((type) => EXAMPLES[type]));
  const valid = w.copy();
  fc.assert(fc.property(
    fc.integer({ min: 0, max: valid.length }), fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    (cut, flips) => {
      const bytes = valid.slice(0, cut);
      for (const [i, v] of flips) if (i < bytes.length) bytes[i] = v;
      try {
        const out = decodeExpressions(new NetlinkBuffer(bytes), 0, bytes.length, 0);
        // Whatever decodes must re-encode without throwing.
        encodeExpressions(new MessageWriter(), out);
      } catch (err) {
        if (!(err instanceof NetlinkDecodeError)) throw err;
      }
    },
  ), { numRuns: 3000 });
  t.pass();
});
