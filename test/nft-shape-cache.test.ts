// The batch encoder's shape cache (src/nft/rule-encoder.ts) must write exactly what the
// codecs write: every rule message of a batch is compared with encodeRule() of the same rule
// through the uncached path. Pure: no kernel.
import test from 'ava';
import { MessageWriter } from '../src/netlink/writer.js';
import {
  NftBatch, encodeRule, match, rule, stmt, verdict, type Expression, type Family, type Rule,
} from '../src/nft/index.js';
import { beginNftMessage, familyNumber, nftType } from '../src/nft/codec.js';
import { NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_REQUEST } from '../src/netlink/constants.js';
import { NFT_MSG_NEWRULE } from '../src/nft/constants.js';

const loc = { family: 'ip' as Family, table: 'f', chain: 'c' };

/** The NEWRULE message through the codecs alone: header, encodeRule, length. */
function uncached(r: Rule, seq: number, flags: number): Uint8Array {
  const w = new MessageWriter(512);
  const start = beginNftMessage(w, nftType(NFT_MSG_NEWRULE), flags, familyNumber(r.family), seq);
  encodeRule(w, r);
  w.end(start);
  return w.copy();
}

/** Each rule's whole message in the batch (header included) next to the uncached bytes. */
function compare(t: import('ava').ExecutionContext, rules: Rule[]): void {
  const b = new NftBatch();
  rules.forEach((r, i) => (i % 3 === 2 ? b.insertRule(r) : b.addRule(r)));
  for (const ack of [false, true]) {
    const l = b.encodeLayout({ seq: 1000 + (ack ? 5 : 0), ack });
    rules.forEach((r, i) => {
      const flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0) | NLM_F_CREATE | (i % 3 === 2 ? 0 : NLM_F_APPEND);
      const got = l.bytes.subarray(l.starts[i]!, l.ends[i]!);
      t.is(l.seqs[i], 1000 + (ack ? 5 : 0) + i + 1);
      t.deepEqual(Buffer.from(got).toString('hex'), Buffer.from(uncached(r, l.seqs[i]!, flags)).toString('hex'), `rule ${i}: ${JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? [...v] : v))}`);
    });
  }
}

test('vocabulary rules: cached bytes equal the codecs\' bytes, first use and reuse', (t) => {
  const rules: Rule[] = [];
  for (let i = 0; i < 300; i++) {
    rules.push(rule(loc, match.ip.saddr(`10.${i % 7}.${i % 250}.${i % 3}/${[8, 16, 20, 24, 32, 0][i % 6]}`), match.oifname(i % 2 ? 'veth0' : 'eth*'), stmt.masquerade()));
    rules.push(rule(loc, match.ip.daddr(`192.0.2.${i % 256}`, { not: i % 2 === 0 }), match.tcp.dport(i), stmt.counter(), verdict.accept()));
    rules.push(rule({ ...loc, family: 'inet' }, match.ip6.saddr(`2001:db8::${i.toString(16)}/${64 + (i % 65)}`), match.udp.sport([i, i + 10]), verdict.drop()));
    rules.push(rule(loc, match.ct.state('established', 'related'), match.mark(i), match.iifname('lo', { not: true }), stmt.masquerade({ ports: [1024, 1024 + i], random: i % 2 === 0 })));
    rules.push(rule(loc, match.l4proto('tcp'), match.tcp.sport(i, { not: true }), verdict.jump('other'), { comment: `rule ${i}` }));
    rules.push(rule(loc, match.ip.saddr('@allowed'), stmt.snat({ to: '203.0.113.1', ports: 80 + i }), { position: i + 1 }));
  }
  compare(t, rules);
});

test('raw expressions: numbers for names, unusual fields and other kinds take the codecs\' path or the same bytes', (t) => {
  const exprs: Expression[][] = [
    [{ type: 'payload', base: 1, offset: 12, len: 4, dreg: 1 }, { type: 'cmp', op: 0, sreg: 1, data: new Uint8Array([1, 2, 3, 4]) }],
    [{ type: 'payload', base: 'network', offset: 12, len: 4, dreg: 1 }, { type: 'cmp', op: 'eq', sreg: 1, data: new Uint8Array([1, 2, 3, 4]) }],
    [{ type: 'payload', base: 'transport', offset: 70000, len: 2, dreg: 2 }, { type: 'cmp', op: 'gte', sreg: 2, data: new Uint8Array(64).fill(7) }],
    [{ type: 'payload', base: 'network', offset: 10, len: 2, sreg: 1, csumType: 1, csumOffset: 10, csumFlags: 1 }],
    [{ type: 'payload', base: 7, offset: 0, len: 1, dreg: 8 }, { type: 'cmp', op: 9, sreg: 8, data: new Uint8Array([5]) }],
    [{ type: 'meta', key: 'oifname', dreg: 1 }, { type: 'meta', key: 7, dreg: 1 }, { type: 'meta', key: 'mark', sreg: 1 }, { type: 'meta', key: 200, dreg: 1 }],
    [{ type: 'cmp', op: 'neq', sreg: 1, data: new Uint8Array([1]) }, { type: 'cmp', op: 'neq', sreg: 1, data: new Uint8Array([1, 2]) }, { type: 'cmp', op: 'neq', sreg: 1, data: new Uint8Array([1, 2, 3]) }],
    [{ type: 'masq' }, { type: 'masq', flags: 4 }, { type: 'masq', regProtoMin: 1, regProtoMax: 2 }],
    [{ type: 'counter' }, { type: 'counter', packets: 3, bytes: 100 }],
    [{ type: 'verdict', code: 'accept' }, { type: 'verdict', code: 'drop' }, { type: 'verdict', code: 'return' }, { type: 'verdict', code: 'jump', chain: 'x' }, { type: 'verdict', code: 'goto', chain: 'y', chainId: 3 } as Expression],
    [{ type: 'bitwise', sreg: 1, dreg: 1, len: 4, mask: new Uint8Array([255, 255, 0, 0]), xor: new Uint8Array(4) }, { type: 'bitwise', op: 'lshift', sreg: 1, dreg: 1, len: 4, shift: 3 }],
    [{ type: 'immediate', dreg: 1, data: new Uint8Array([1, 2]) }, { type: 'lookup', set: 's', sreg: 1, invert: true }, { type: 'range', op: 'neq', sreg: 1, from: new Uint8Array([0, 1]), to: new Uint8Array([0, 9]) }],
    [{ type: 'ct', key: 'state', dreg: 1 }, { type: 'nat', nat: 'snat', family: 'ip', regAddrMin: 1, flags: 2 }, { type: 'unknown', name: 'log', data: new Uint8Array([8, 0, 1, 0, 0, 0, 0, 1]) }],
    [],
  ];
  const rules: Rule[] = [];
  // Twice over, so every shape is met both uncached (first) and cached (second).
  for (let round = 0; round < 2; round++) for (const e of exprs) rules.push({ ...loc, expressions: e });
  rules.push({ ...loc, expressions: exprs[0]!, handle: 5 }, { ...loc, expressions: exprs[1]!, userdata: new Uint8Array([1, 2, 3]) }, { ...loc, expressions: exprs[2]!, id: 4, positionId: 2 });
  compare(t, rules.map((r) => (r.handle !== undefined ? { ...r, handle: undefined } : r)));
});

test('a value changed between two rules of the same shape is written, not the cached one', (t) => {
  const a = rule(loc, match.ip.saddr('10.0.0.0/24'), match.oifname('veth0'), stmt.masquerade());
  const b = rule(loc, match.ip.saddr('10.0.0.0/24'), match.oifname('veth0'), stmt.masquerade());
  (b.expressions[1] as { data: Uint8Array }).data.set([172, 16, 5]);
  (b.expressions[2] as { dreg: number }).dreg = 2;
  compare(t, [a, b]);
});

test('whole-rule templates: the same expressions in other tables and chains, interleaved, keep their own names', (t) => {
  const rules: Rule[] = [];
  const places = [loc, { ...loc, chain: 'other' }, { ...loc, table: 'g' }, { ...loc, table: 'a-much-longer-table-name', chain: 'x' }];
  for (let i = 0; i < 40; i++) {
    const where = places[i % places.length]!;
    rules.push(rule(where, match.ip.saddr(`10.0.${i}.0/24`), match.oifname('veth0'), stmt.masquerade()));
    rules.push(rule(where, match.ip.saddr(`10.0.${i}.0/24`), match.oifname('veth0'), stmt.masquerade(), { comment: `c${i}` }));
    rules.push(rule(where, match.ip.saddr(`10.0.${i}.7`), match.oifname(`veth${i}`), stmt.masquerade()));
  }
  compare(t, rules);
});
