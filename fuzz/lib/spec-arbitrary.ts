// Valid values of any declared attribute set, built from the declaration itself: what the
// generic codec must carry through encode -> decode unchanged. Values take the decoded form
// (enum names, flag name lists in table order, addresses as text, u64 as bigint), so a round
// trip can be compared with deepEqual. Sub-messages and type-value nests are left out (their
// shape depends on a sibling's value); nesting stops at `depth`.
import type fcType from 'fast-check';
import type { CompiledFamily } from '../../src/netlink/spec/compile.js';
import type { AttrDecl, IntType, MemberDecl, StructDecl } from '../../src/netlink/spec/types.js';
import { formatHardwareAddress, formatIP } from '../../src/netlink/address.js';

type FC = typeof fcType;
type Arb = fcType.Arbitrary<unknown>;

const INT_MAX: Record<IntType, [bigint, bigint]> = {
  u8: [0n, 0xffn], s8: [-0x80n, 0x7fn], u16: [0n, 0xffffn], s16: [-0x8000n, 0x7fffn], u32: [0n, 0xffffffffn],
  s32: [-0x80000000n, 0x7fffffffn], u64: [0n, 2n ** 64n - 1n], s64: [-(2n ** 63n), 2n ** 63n - 1n],
};

function intArb(fc: FC, type: IntType): Arb {
  const [lo, hi] = INT_MAX[type];
  if (type === 'u64' || type === 's64') return fc.bigInt({ min: lo, max: hi });
  return fc.integer({ min: Number(lo), max: Number(hi) });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function bytesArb(fc: FC, d: { hint?: string; checks?: { exactLen?: number; minLen?: number; maxLen?: number } }, fixed?: number): Arb {
  const exact = fixed ?? d.checks?.exactLen;
  const hint = d.hint;
  if (hint === 'ipv4' || hint === 'ipv6' || hint === 'ipv4-or-v6') {
    const lens = exact === 4 || exact === 16 ? [exact] : hint === 'ipv4' ? [4] : hint === 'ipv6' ? [16] : [4, 16];
    return fc.constantFrom(...lens).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })).map((b) => formatIP(b, 0, b.length));
  }
  const min = exact ?? d.checks?.minLen ?? 0;
  const max = exact ?? Math.min(d.checks?.maxLen ?? 24, 24);
  const raw = fc.uint8Array({ minLength: min, maxLength: Math.max(min, max) });
  if (hint === 'mac') return fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatHardwareAddress(b, 0, 6));
  if (hint === 'hex' || hint === 'uuid') return (hint === 'uuid' ? fc.uint8Array({ minLength: 16, maxLength: 16 }) : raw).map((b) => {
    const h = hex(b);
    return hint === 'uuid' ? `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` : h;
  });
  return raw;
}

function enumArb(fc: FC, family: CompiledFamily, name: string, flags: boolean | undefined, type: IntType): Arb | undefined {
  const e = family.enumOf(name, flags);
  if (!e) return undefined;
  const [, hi] = INT_MAX[type];
  const fits = e.bits.filter(([, v]) => BigInt(v) <= hi && v >= 0);
  if (e.flags) {
    // Zero-valued entries print nothing in a flag list; bits must be distinct single bits.
    const bits = fits.filter(([, v]) => v !== 0 && (v & (v - 1)) === 0);
    const unique = bits.filter(([, v], i) => bits.findIndex(([, w]) => w === v) === i);
    return fc.subarray(unique.map(([n]) => n));
  }
  const unique = fits.filter(([, v], i) => fits.findIndex(([, w]) => w === v) === i);
  return unique.length ? fc.constantFrom(...unique.map(([n]) => n)) : undefined;
}

export function structArb(fc: FC, family: CompiledFamily, name: string): Arb | undefined {
  const d = family.decl.definitions[name] as StructDecl | undefined;
  if (!d || d.type !== 'struct') return undefined;
  const rec: Record<string, Arb> = {};
  for (const m of d.members as readonly MemberDecl[]) {
    if (m.type === 'pad') continue;
    let a: Arb | undefined;
    if (m.struct) a = structArb(fc, family, m.struct);
    else if (m.type === 'binary') a = bytesArb(fc, m, m.len ?? 0);
    else if (m.type === 'string') return undefined;
    else if (m.enum) a = enumArb(fc, family, m.enum, m.flags, m.type) ?? intArb(fc, m.type);
    else if (m.hint) return undefined; // an integer shown as an address: covered by attributes
    else a = intArb(fc, m.type);
    if (!a) return undefined;
    rec[m.name] = a;
  }
  return fc.record(rec);
}

function attrArb(fc: FC, family: CompiledFamily, d: AttrDecl, depth: number): Arb | undefined {
  switch (d.type) {
    case 'flag': return fc.constant(true);
    case 'string': {
      const max = Math.min(d.checks?.maxLen ?? 20, 20);
      return fc.string({ maxLength: max, unit: 'grapheme-ascii' }).filter((s) => !s.includes('\0'));
    }
    case 'binary':
      if (d.struct) return structArb(fc, family, d.struct);
      if (d.subType && d.subType in INT_MAX) return fc.array(intArb(fc, d.subType as IntType), { maxLength: 4 });
      return bytesArb(fc, d);
    case 'nest':
      if (!d.nested) return fc.uint8Array({ maxLength: 0 }).map(() => new Uint8Array(0));
      return depth > 0 ? setArb(fc, family, d.nested, depth - 1) : undefined;
    case 'indexed-array':
      if (d.subType === 'nest' || !d.subType) return depth > 0 && d.nested ? fc.array(setArb(fc, family, d.nested, depth - 1), { maxLength: 2 }) : undefined;
      if (d.subType in INT_MAX) return fc.array(intArb(fc, d.subType as IntType), { maxLength: 3 });
      return fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 3 });
    case 'bitfield32': return fc.record({ value: intArb(fc, 'u32'), selector: intArb(fc, 'u32') });
    case 'uint': return d.enum ? undefined : fc.integer({ min: 0, max: 0xffffffff });
    case 'sint': return d.enum ? undefined : fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'nest-type-value': {
      if (depth <= 0 || !d.nested) return undefined;
      const levels = Math.max(1, d.typeValue?.length ?? 1);
      let leaf: Arb = setArb(fc, family, d.nested, depth - 1);
      for (let i = 0; i < levels; i++) leaf = fc.dictionary(fc.nat({ max: 40 }).map(String), leaf, { maxKeys: 2 });
      return leaf;
    }
    case 'sub-message': case 'pad': return undefined;
    default: {
      const type = d.type as IntType;
      if (d.hint) return d.hint === 'ipv4' && type === 'u32' ? fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIP(b, 0, 4)) : undefined;
      if (d.enum) return enumArb(fc, family, d.enum, d.flags, type);
      const min = d.checks?.min;
      const max = d.checks?.max;
      if (min !== undefined || max !== undefined) {
        const [lo, hi] = INT_MAX[type];
        if (type === 'u64' || type === 's64') return fc.bigInt({ min: BigInt(min ?? lo), max: BigInt(max ?? hi) });
        return fc.integer({ min: min ?? Number(lo), max: max ?? Number(hi) });
      }
      return intArb(fc, type);
    }
  }
}

/** Values of set `name`: any subset of its attributes, multi-attributes as non-empty arrays. */
export function setArb(fc: FC, family: CompiledFamily, name: string, depth = 2): fcType.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, Arb> = {};
  for (const d of family.decl.attributeSets[name] ?? []) {
    const a = attrArb(fc, family, d, depth);
    if (!a) continue;
    rec[d.name] = d.multi ? fc.array(a, { minLength: 1, maxLength: 3 }) : a;
  }
  return fc.record(rec, { requiredKeys: [] }) as fcType.Arbitrary<Record<string, unknown>>;
}
