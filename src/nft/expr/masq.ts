// masq: source NAT to the address of the outgoing interface (iptables MASQUERADE). Optional
// flags (random, fully-random, persistent) and a port range taken from two registers.
import type { MessageWriter } from '../../netlink/writer.js';
import { NFTA_MASQ_FLAGS, NFTA_MASQ_REG_PROTO_MAX, NFTA_MASQ_REG_PROTO_MIN } from '../constants.js';
import type { Attrs } from '../codec.js';
import type { ExprCodec } from './codec.js';

export interface MasqExpr {
  type: 'masq';
  /** NF_NAT_RANGE_* bits (random 0x4, persistent 0x8, fully-random 0x10; proto-specified 0x2 with a port range). */
  flags?: number;
  /** Registers holding the first and last port (2 bytes, network order). */
  regProtoMin?: number;
  regProtoMax?: number;
}

export const masq: ExprCodec<MasqExpr> = {
  name: 'masq',
  attributes: new Set([NFTA_MASQ_FLAGS, NFTA_MASQ_REG_PROTO_MIN, NFTA_MASQ_REG_PROTO_MAX]),

  encode(w: MessageWriter, e: MasqExpr): void {
    if (e.flags !== undefined) w.attrBe32(NFTA_MASQ_FLAGS, e.flags);
    if (e.regProtoMin !== undefined) w.attrBe32(NFTA_MASQ_REG_PROTO_MIN, e.regProtoMin);
    if (e.regProtoMax !== undefined) w.attrBe32(NFTA_MASQ_REG_PROTO_MAX, e.regProtoMax);
  },

  decode(a: Attrs): MasqExpr {
    const e: MasqExpr = { type: 'masq' };
    const flags = a.be32(NFTA_MASQ_FLAGS);
    const min = a.be32(NFTA_MASQ_REG_PROTO_MIN);
    const max = a.be32(NFTA_MASQ_REG_PROTO_MAX);
    if (flags) e.flags = flags; // the kernel dumps flags only when set; zero means none
    if (min !== undefined) e.regProtoMin = min;
    if (max !== undefined) e.regProtoMax = max;
    return e;
  },

  format(e: MasqExpr): string {
    let s = '';
    if (e.regProtoMin !== undefined) s += `proto_min reg ${e.regProtoMin} `;
    if (e.regProtoMax !== undefined) s += `proto_max reg ${e.regProtoMax} `;
    if (e.flags !== undefined) s += `flags 0x${e.flags.toString(16)} `;
    return s;
  },
};
