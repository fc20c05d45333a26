// nat: snat or dnat to addresses and ports held in registers (loaded by immediate expressions).
import type { MessageWriter } from '../../netlink/writer.js';
import {
  NFPROTO_IPV4, NFPROTO_IPV6, NFTA_NAT_FAMILY, NFTA_NAT_FLAGS, NFTA_NAT_REG_ADDR_MAX, NFTA_NAT_REG_ADDR_MIN,
  NFTA_NAT_REG_PROTO_MAX, NFTA_NAT_REG_PROTO_MIN, NFTA_NAT_TYPE, NFT_NAT_DNAT, NFT_NAT_SNAT,
} from '../constants.js';
import type { Attrs } from '../codec.js';
import type { ExprCodec } from './codec.js';

export interface NatExpr {
  type: 'nat';
  nat: 'snat' | 'dnat';
  /** Address family of the addresses in the registers. */
  family: 'ip' | 'ip6';
  regAddrMin?: number;
  regAddrMax?: number;
  regProtoMin?: number;
  regProtoMax?: number;
  /** NF_NAT_RANGE_* bits: map-ips 0x1 with addresses, proto-specified 0x2 with ports, random 0x4... */
  flags?: number;
}

export const nat: ExprCodec<NatExpr> = {
  name: 'nat',
  attributes: new Set([NFTA_NAT_TYPE, NFTA_NAT_FAMILY, NFTA_NAT_REG_ADDR_MIN, NFTA_NAT_REG_ADDR_MAX,
    NFTA_NAT_REG_PROTO_MIN, NFTA_NAT_REG_PROTO_MAX, NFTA_NAT_FLAGS]),

  encode(w: MessageWriter, e: NatExpr): void {
    w.attrBe32(NFTA_NAT_TYPE, e.nat === 'dnat' ? NFT_NAT_DNAT : NFT_NAT_SNAT);
    w.attrBe32(NFTA_NAT_FAMILY, e.family === 'ip6' ? NFPROTO_IPV6 : NFPROTO_IPV4);
    if (e.regAddrMin !== undefined) w.attrBe32(NFTA_NAT_REG_ADDR_MIN, e.regAddrMin);
    if (e.regAddrMax !== undefined) w.attrBe32(NFTA_NAT_REG_ADDR_MAX, e.regAddrMax);
    if (e.regProtoMin !== undefined) w.attrBe32(NFTA_NAT_REG_PROTO_MIN, e.regProtoMin);
    if (e.regProtoMax !== undefined) w.attrBe32(NFTA_NAT_REG_PROTO_MAX, e.regProtoMax);
    if (e.flags !== undefined) w.attrBe32(NFTA_NAT_FLAGS, e.flags);
  },

  decode(a: Attrs): NatExpr {
    const e: NatExpr = {
      type: 'nat',
      nat: a.be32(NFTA_NAT_TYPE) === NFT_NAT_DNAT ? 'dnat' : 'snat',
      family: a.be32(NFTA_NAT_FAMILY) === NFPROTO_IPV6 ? 'ip6' : 'ip',
    };
    const amin = a.be32(NFTA_NAT_REG_ADDR_MIN), amax = a.be32(NFTA_NAT_REG_ADDR_MAX);
    const pmin = a.be32(NFTA_NAT_REG_PROTO_MIN), pmax = a.be32(NFTA_NAT_REG_PROTO_MAX);
    const flags = a.be32(NFTA_NAT_FLAGS);
    if (amin !== undefined) e.regAddrMin = amin;
    if (amax !== undefined) e.regAddrMax = amax;
    if (pmin !== undefined) e.regProtoMin = pmin;
    if (pmax !== undefined) e.regProtoMax = pmax;
    if (flags) e.flags = flags;
    return e;
  },

  format(e: NatExpr): string {
    let s = `${e.nat} ${e.family} `;
    if (e.regAddrMin !== undefined) s += `addr_min reg ${e.regAddrMin} `;
    if (e.regAddrMax !== undefined) s += `addr_max reg ${e.regAddrMax} `;
    if (e.regProtoMin !== undefined) s += `proto_min reg ${e.regProtoMin} `;
    if (e.regProtoMax !== undefined) s += `proto_max reg ${e.regProtoMax} `;
    if (e.flags !== undefined) s += `flags 0x${e.flags.toString(16)} `;
    return s;
  },
};
