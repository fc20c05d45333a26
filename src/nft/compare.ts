// Rule equivalence: do two expression lists do the same thing? Listings differ from what
// was sent in ways that carry no meaning: counters hold values, lookups lose the batch-local
// set id, and the kernel fills in defaults (a NAT address range's max, the map-ips flag,
// NFT_REG32_00 reported as NFT_REG_1). Canonicalizing both sides makes them comparable; the
// masquerade helper finds its rule this way, and the round-trip tests compare this way.
import {
  NF_NAT_RANGE_MAP_IPS, NF_NAT_RANGE_PROTO_SPECIFIED, NFT_REG32_00, NFT_REG32_04, NFT_REG32_08, NFT_REG32_12,
} from './constants.js';
import type { Expression } from './expr/index.js';

/** The kernel stores registers in 32-bit units and reports the 16-byte alias when there is one. */
function reg(r: number | undefined): number | undefined {
  if (r === undefined) return undefined;
  switch (r) {
    case NFT_REG32_00: return 1;
    case NFT_REG32_04: return 2;
    case NFT_REG32_08: return 3;
    case NFT_REG32_12: return 4;
    default: return r;
  }
}

function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** The form the kernel would report for an expression, minus stateful values. */
export function canonicalExpression(e: Expression): Expression {
  switch (e.type) {
    case 'counter': return { type: 'counter' };
    case 'lookup': return clean({ type: 'lookup', set: e.set, sreg: reg(e.sreg)!, dreg: reg(e.dreg), invert: e.invert || undefined });
    case 'payload': return clean({ ...e, dreg: reg(e.dreg), sreg: reg(e.sreg), csumType: e.csumType || undefined, csumOffset: e.csumOffset || undefined, csumFlags: e.csumFlags || undefined });
    case 'meta': return clean({ ...e, dreg: reg(e.dreg), sreg: reg(e.sreg) });
    case 'ct': return clean({ ...e, dreg: reg(e.dreg), sreg: reg(e.sreg) });
    case 'cmp': return { ...e, sreg: reg(e.sreg)! };
    case 'range': return { ...e, sreg: reg(e.sreg)! };
    case 'bitwise': return { ...e, sreg: reg(e.sreg)!, dreg: reg(e.dreg)! };
    case 'immediate': return { ...e, dreg: reg(e.dreg)! };
    case 'masq': {
      const min = reg(e.regProtoMin);
      return clean({ type: 'masq', flags: e.flags || undefined, regProtoMin: min, regProtoMax: reg(e.regProtoMax) ?? min });
    }
    case 'nat': {
      let flags = e.flags ?? 0;
      const amin = reg(e.regAddrMin), pmin = reg(e.regProtoMin);
      if (amin !== undefined) flags |= NF_NAT_RANGE_MAP_IPS;
      if (pmin !== undefined) flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
      return clean({
        type: 'nat', nat: e.nat, family: e.family,
        regAddrMin: amin, regAddrMax: reg(e.regAddrMax) ?? amin, regProtoMin: pmin, regProtoMax: reg(e.regProtoMax) ?? pmin,
        flags: flags || undefined,
      });
    }
    default: return e;
  }
}

function equalValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equalValue(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => equalValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** True when two expression lists are the same rule as far as the kernel is concerned. */
export function expressionsEquivalent(a: readonly Expression[], b: readonly Expression[]): boolean {
  return a.length === b.length && a.every((e, i) => equalValue(canonicalExpression(e), canonicalExpression(b[i]!)));
}
