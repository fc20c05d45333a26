// Generators of valid nftables objects (the library's own types), for encode -> decode round
// trips. Values are generated in the form the decoder gives back: fields the decoder treats as
// "absent when zero" are generated non-zero or absent.
import type fcType from 'fast-check';
import {
  FAMILIES, META_KEYS, CT_KEYS, hooksOf, SET_TYPES,
  type Chain, type Expression, type Family, type NftSet, type Rule, type Table, type Verdict,
} from '../../src/nft/index.js';
import { MessageWriter } from '../../src/netlink/index.js';

type FC = typeof fcType;
type Arb<T> = fcType.Arbitrary<T>;

/** Names nft accepts and the kernel stores (NUL-free; non-ASCII allowed). */
export const nftName = (fc: FC): Arb<string> =>
  fc.oneof(
    fc.constantFrom('filter', 'nat', 'postrouting', 't', 'x'.repeat(255), 'caf\u00e9'),
    fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.replace(/\0/g, '_')),
  );

const reg = (fc: FC): Arb<number> => fc.oneof(fc.integer({ min: 0, max: 23 }), fc.nat());
const u32 = (fc: FC): Arb<number> => fc.nat();
const bytes = (fc: FC, max = 16): Arb<Uint8Array> => fc.uint8Array({ minLength: 1, maxLength: max });
const safe = (fc: FC): Arb<number> => fc.maxSafeNat();
const pos32 = (fc: FC): Arb<number> => fc.integer({ min: 1, max: 0x7fffffff });

function verdictArb(fc: FC): Arb<Verdict> {
  return fc.oneof(
    fc.constantFrom<Verdict>({ code: 'accept' }, { code: 'drop' }, { code: 'continue' }, { code: 'return' }, { code: 'break' }, { code: 'queue' }, { code: 'stolen' }, { code: 'repeat' }, { code: 'stop' }),
    fc.record({ code: fc.constantFrom('jump' as const, 'goto' as const), chain: nftName(fc) }),
  );
}

/** A few attributes, encoded: what a raw expression's NFTA_EXPR_DATA holds. */
function attrStream(fc: FC): Arb<Uint8Array> {
  return fc.array(fc.record({ type: fc.integer({ min: 1, max: 12 }), data: fc.uint8Array({ maxLength: 9 }) }), { maxLength: 3 }).map((list) => {
    const w = new MessageWriter(64);
    for (const a of list) w.attrBytes(a.type, a.data);
    return w.copy();
  });
}

export function expressionArb(fc: FC): Arb<Expression> {
  const opt = <T>(a: Arb<T>): Arb<T | undefined> => fc.option(a, { nil: undefined });
  const clean = <T extends object>(o: T): T => {
    for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
    return o;
  };
  return fc.oneof(
    fc.record({
      type: fc.constant('payload' as const), base: fc.constantFrom('link' as const, 'network' as const, 'transport' as const, 'inner' as const),
      offset: fc.integer({ min: 0, max: 0xffff }), len: fc.integer({ min: 1, max: 64 }), dreg: reg(fc),
    }),
    fc.record({
      type: fc.constant('payload' as const), base: fc.constantFrom('network' as const, 'transport' as const),
      offset: fc.integer({ min: 0, max: 0xffff }), len: fc.integer({ min: 1, max: 64 }), sreg: reg(fc),
      csumType: opt(pos32(fc)), csumOffset: opt(pos32(fc)), csumFlags: opt(pos32(fc)),
    }).map(clean),
    fc.record({ type: fc.constant('meta' as const), key: fc.oneof(fc.constantFrom(...META_KEYS), fc.integer({ min: META_KEYS.length, max: 1000 })), dreg: reg(fc) }),
    fc.record({ type: fc.constant('meta' as const), key: fc.constantFrom(...META_KEYS), sreg: reg(fc) }),
    fc.record({ type: fc.constant('cmp' as const), op: fc.constantFrom('eq' as const, 'neq' as const, 'lt' as const, 'lte' as const, 'gt' as const, 'gte' as const), sreg: reg(fc), data: bytes(fc) }),
    fc.integer({ min: 1, max: 16 }).chain((len) => fc.record({
      type: fc.constant('bitwise' as const), sreg: reg(fc), dreg: reg(fc), len: fc.constant(len),
      mask: fc.uint8Array({ minLength: len, maxLength: len }), xor: fc.uint8Array({ minLength: len, maxLength: len }),
    })),
    fc.record({ type: fc.constant('bitwise' as const), op: fc.constantFrom('lshift' as const, 'rshift' as const), sreg: reg(fc), dreg: reg(fc), len: fc.integer({ min: 1, max: 16 }), shift: fc.integer({ min: 0, max: 31 }) }),
    fc.record({ type: fc.constant('immediate' as const), dreg: fc.integer({ min: 1, max: 23 }), data: bytes(fc) }),
    verdictArb(fc).map((v) => ({ type: 'verdict' as const, ...v }) as Expression),
    fc.record({ type: fc.constant('counter' as const), packets: safe(fc), bytes: safe(fc) }, { requiredKeys: ['type'] }),
    fc.record({
      type: fc.constant('ct' as const), key: fc.oneof(fc.constantFrom(...CT_KEYS), fc.integer({ min: CT_KEYS.length, max: 1000 })),
      dreg: reg(fc), direction: opt(fc.constantFrom('original' as const, 'reply' as const)),
    }).map(clean),
    fc.record({ type: fc.constant('ct' as const), key: fc.constantFrom(...CT_KEYS), sreg: reg(fc) }),
    fc.record({ type: fc.constant('masq' as const), flags: pos32(fc), regProtoMin: reg(fc), regProtoMax: reg(fc) }, { requiredKeys: ['type'] }),
    fc.record({
      type: fc.constant('nat' as const), nat: fc.constantFrom('snat' as const, 'dnat' as const), family: fc.constantFrom('ip' as const, 'ip6' as const),
      regAddrMin: reg(fc), regAddrMax: reg(fc), regProtoMin: reg(fc), regProtoMax: reg(fc), flags: pos32(fc),
    }, { requiredKeys: ['type', 'nat', 'family'] }),
    fc.record({ type: fc.constant('lookup' as const), set: nftName(fc), sreg: reg(fc), dreg: reg(fc), setId: u32(fc), invert: fc.constant(true as const) }, { requiredKeys: ['type', 'set', 'sreg'] }),
    fc.record({ type: fc.constant('range' as const), op: fc.constantFrom('eq' as const, 'neq' as const), sreg: reg(fc), from: bytes(fc), to: bytes(fc) }),
    // Raw expressions: the data is an attribute stream (the kernel's NFTA_EXPR_DATA always is).
    fc.record({ type: fc.constant('unknown' as const), name: fc.constantFrom('xfrm', 'osf', 'tunnel', 'inner', 'x-unknown'), data: attrStream(fc) }, { requiredKeys: ['type', 'name'] }),
  ) as Arb<Expression>;
}

const family = (fc: FC): Arb<Family> => fc.constantFrom(...FAMILIES);
const comment = (fc: FC): Arb<string> => fc.string({ maxLength: 60 }).map((s) => s.replace(/\0/g, ''));

export function tableArb(fc: FC): Arb<Table> {
  return fc.record({ family: family(fc), name: nftName(fc), flags: fc.constantFrom(0, 1, 2, 3, 4, 5), comment: comment(fc) }, { requiredKeys: ['family', 'name', 'flags'] });
}

export function chainArb(fc: FC): Arb<Chain> {
  const regular = fc.record({ family: family(fc), table: nftName(fc), name: nftName(fc), comment: comment(fc) }, { requiredKeys: ['family', 'table', 'name'] });
  const base = family(fc).chain((f) => fc.record({
    family: fc.constant(f), table: nftName(fc), name: nftName(fc),
    type: fc.constantFrom('filter' as const, 'nat' as const, 'route' as const),
    hook: fc.constantFrom(...hooksOf(f)),
    priority: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    policy: fc.constantFrom('accept' as const, 'drop' as const),
    device: nftName(fc),
    flags: fc.constantFrom(2, 4, 6),
    comment: comment(fc),
  }, { requiredKeys: ['family', 'table', 'name', 'type', 'hook', 'priority'] }));
  return fc.oneof(regular, base) as Arb<Chain>;
}

export function ruleArb(fc: FC): Arb<Rule> {
  return fc.record({
    family: family(fc), table: nftName(fc), chain: nftName(fc), expressions: fc.array(expressionArb(fc), { maxLength: 8 }),
    comment: comment(fc), handle: safe(fc), position: safe(fc),
  }, { requiredKeys: ['family', 'table', 'chain', 'expressions'] });
}

const KEY_TYPES = Object.keys(SET_TYPES).filter((k) => k !== 'verdict') as Exclude<keyof typeof SET_TYPES, 'verdict'>[];

export function setArb(fc: FC): Arb<NftSet> {
  return fc.record({
    family: family(fc), table: nftName(fc), name: nftName(fc),
    keyType: fc.constantFrom(...KEY_TYPES),
    dataType: fc.constantFrom<NftSet['dataType']>('verdict', ...KEY_TYPES),
    flags: fc.constantFrom(1, 2, 4, 0x10, 0x20, 0x6),
    policy: fc.constant('memory' as const),
    size: u32(fc), timeout: safe(fc), gcInterval: u32(fc), comment: comment(fc),
  }, { requiredKeys: ['family', 'table', 'name', 'keyType'] });
}
