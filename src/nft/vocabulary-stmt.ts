// Verdicts and statements of the vocabulary (see vocabulary.ts): counter, masquerade, snat
// and dnat with nft's register use and flag bits.
import { ValidationError } from '../netlink/errors.js';
import { formatIPv4, formatIPv6, parsePrefix } from '../netlink/address.js';
import {
  NF_NAT_RANGE_PERSISTENT, NF_NAT_RANGE_PROTO_RANDOM, NF_NAT_RANGE_PROTO_RANDOM_FULLY,
  NF_NAT_RANGE_PROTO_SPECIFIED, NFT_REG_1, NFT_REG_2, NFT_REG_3, NFT_REG_4,
} from './constants.js';
import type { Expression } from './expr/index.js';
import { FnPart, be16, part, portNumber, type BuildContext, type RulePart } from './vocabulary-core.js';

const verdictPart = (code: 'accept' | 'drop' | 'return' | 'continue'): RulePart =>
  part(code, () => [{ type: 'verdict', code }]);

export const verdict = {
  accept: (): RulePart => verdictPart('accept'),
  drop: (): RulePart => verdictPart('drop'),
  return: (): RulePart => verdictPart('return'),
  continue: (): RulePart => verdictPart('continue'),
  jump: (chain: string): RulePart => {
    if (typeof chain !== 'string' || !chain) throw new ValidationError('verdict.jump', 'name the chain to jump to');
    return part(`jump ${chain}`, () => [{ type: 'verdict', code: 'jump', chain }]);
  },
  goto: (chain: string): RulePart => {
    if (typeof chain !== 'string' || !chain) throw new ValidationError('verdict.goto', 'name the chain to go to');
    return part(`goto ${chain}`, () => [{ type: 'verdict', code: 'goto', chain }]);
  },
};

export interface NatFlags {
  /** Randomize the source port mapping (`random`). */
  random?: boolean;
  /** Fully random port mapping (`fully-random`). */
  fullyRandom?: boolean;
  /** Give a client the same address for all its connections (`persistent`). */
  persistent?: boolean;
}

const NO_FLAGS = { bits: 0, text: '' };

function natFlags(f: NatFlags, ports: boolean): { bits: number; text: string } {
  if (!ports && !f.random && !f.fullyRandom && !f.persistent) return NO_FLAGS;
  let bits = ports ? NF_NAT_RANGE_PROTO_SPECIFIED : 0;
  const names: string[] = [];
  if (f.random) { bits |= NF_NAT_RANGE_PROTO_RANDOM; names.push('random'); }
  if (f.fullyRandom) { bits |= NF_NAT_RANGE_PROTO_RANDOM_FULLY; names.push('fully-random'); }
  if (f.persistent) { bits |= NF_NAT_RANGE_PERSISTENT; names.push('persistent'); }
  return { bits, text: names.join(',') };
}

function portRange(v: number | readonly [number, number] | string | undefined, field: string): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return [portNumber(v[0], field), portNumber(v[1], field)];
  if (typeof v === 'string' && v.includes('-')) { const [a, b] = v.split('-'); return [portNumber(a, field), portNumber(b, field)]; }
  const p = portNumber(v, field);
  return [p, p];
}

const REGS = [NFT_REG_1, NFT_REG_2, NFT_REG_3, NFT_REG_4];

function natFamilyCheck(ctx: BuildContext, field: string): void {
  if (ctx.family !== 'ip' && ctx.family !== 'ip6' && ctx.family !== 'inet') throw new ValidationError(field, `NAT needs a table of family ip, ip6 or inet, not ${ctx.family}`);
}

export interface MasqueradeOptions extends NatFlags {
  /** Map source ports into this range: 1024, [1024, 2048] or "1024-2048". */
  ports?: number | readonly [number, number] | string;
}

export interface NatOptions extends NatFlags {
  /** An address or an address range: "203.0.113.1", "203.0.113.1-203.0.113.10", ["a", "b"]. */
  to: string | readonly [string, string];
  /** A port or port range. */
  ports?: number | readonly [number, number] | string;
}

function natStatement(kind: 'snat' | 'dnat', o: NatOptions): RulePart {
  const field = `stmt.${kind}`;
  if (!o || o.to === undefined) throw new ValidationError(`${field}.to`, 'give the address to translate to');
  const [minText, maxText] = Array.isArray(o.to) ? o.to : (o.to as string).split('-');
  const min = parsePrefix(minText ?? '');
  const max = maxText !== undefined ? parsePrefix(maxText) : undefined;
  if (!min || min.length !== undefined) throw new ValidationError(`${field}.to`, `${JSON.stringify(minText)} is not an address`);
  if (maxText !== undefined && (!max || max.length !== undefined || max.family !== min.family)) throw new ValidationError(`${field}.to`, `${JSON.stringify(maxText)} is not an address of the same family`);
  const v6 = min.family === 6;
  const ports = portRange(o.ports, `${field}.ports`);
  const flags = natFlags(o, !!ports);
  const fmt = (b: Uint8Array): string => (v6 ? formatIPv6(b) : formatIPv4(b));
  let text = `${kind} to ${v6 && ports ? `[${fmt(min.address)}]` : fmt(min.address)}${max ? `-${fmt(max.address)}` : ''}`;
  if (ports) text += `:${ports[0]}${ports[1] !== ports[0] ? `-${ports[1]}` : ''}`;
  if (flags.text) text += ` ${flags.text}`;
  return part(text, (ctx) => {
    natFamilyCheck(ctx, field);
    if (ctx.family !== 'inet' && (ctx.family === 'ip6') !== v6) throw new ValidationError(`${field}.to`, `an ${v6 ? 'IPv6' : 'IPv4'} address cannot be used in a table of family ${ctx.family}`);
    const out: Expression[] = [];
    let reg = 0;
    const regAddrMin = REGS[reg++]!;
    out.push({ type: 'immediate', dreg: regAddrMin, data: min.address });
    let regAddrMax: number | undefined;
    if (max) { regAddrMax = REGS[reg++]!; out.push({ type: 'immediate', dreg: regAddrMax, data: max.address }); }
    let regProtoMin: number | undefined, regProtoMax: number | undefined;
    if (ports) {
      regProtoMin = REGS[reg++]!;
      out.push({ type: 'immediate', dreg: regProtoMin, data: be16(ports[0]) });
      if (ports[1] !== ports[0]) { regProtoMax = REGS[reg++]!; out.push({ type: 'immediate', dreg: regProtoMax, data: be16(ports[1]) }); }
    }
    const e: Expression = { type: 'nat', nat: kind, family: v6 ? 'ip6' : 'ip', regAddrMin };
    if (regAddrMax !== undefined) e.regAddrMax = regAddrMax;
    if (regProtoMin !== undefined) e.regProtoMin = regProtoMin;
    if (regProtoMax !== undefined) e.regProtoMax = regProtoMax;
    if (flags.bits) e.flags = flags.bits;
    out.push(e);
    return out;
  });
}

export const stmt = {
  /** Count packets and bytes. */
  counter: (): RulePart => part('counter', () => [{ type: 'counter' }]),
  /** Source NAT to the outgoing interface's address (iptables MASQUERADE). */
  masquerade(o: MasqueradeOptions = {}): RulePart {
    const ports = portRange(o.ports, 'stmt.masquerade.ports');
    const flags = natFlags(o, !!ports);
    const text = (): string => {
      let t = 'masquerade';
      if (ports) t += ` to :${ports[0]}${ports[1] !== ports[0] ? `-${ports[1]}` : ''}`;
      if (flags.text) t += ` ${flags.text}`;
      return t;
    };
    return new FnPart(text, (ctx, out) => {
      natFamilyCheck(ctx, 'stmt.masquerade');
      const e: Expression = { type: 'masq' };
      if (ports) {
        out.push({ type: 'immediate', dreg: NFT_REG_1, data: be16(ports[0]) });
        e.regProtoMin = NFT_REG_1;
        if (ports[1] !== ports[0]) {
          out.push({ type: 'immediate', dreg: NFT_REG_2, data: be16(ports[1]) });
          e.regProtoMax = NFT_REG_2;
        }
      }
      if (flags.bits) e.flags = flags.bits;
      // libnftnl writes flags before the registers; the object's key order does not matter on the wire.
      out.push(e);
    });
  },
  snat: (o: NatOptions): RulePart => natStatement('snat', o),
  dnat: (o: NatOptions): RulePart => natStatement('dnat', o),
};
