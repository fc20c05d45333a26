// counter: packets and bytes seen by the rule. The builder sends none (start at zero); a
// listing carries the kernel's current values.
import type { MessageWriter } from '../../netlink/writer.js';
import { NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS, NFTA_COUNTER_PAD } from '../constants.js';
import type { Attrs } from '../codec.js';
import type { ExprCodec } from './codec.js';

export interface CounterExpr {
  type: 'counter';
  packets?: number;
  bytes?: number;
}

export const counter: ExprCodec<CounterExpr> = {
  name: 'counter',
  attributes: new Set([NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS, NFTA_COUNTER_PAD]),

  encode(w: MessageWriter, e: CounterExpr): void {
    if (e.bytes !== undefined) w.attrBe64(NFTA_COUNTER_BYTES, e.bytes);
    if (e.packets !== undefined) w.attrBe64(NFTA_COUNTER_PACKETS, e.packets);
  },

  decode(a: Attrs): CounterExpr {
    const e: CounterExpr = { type: 'counter' };
    const packets = a.be64(NFTA_COUNTER_PACKETS);
    const bytes = a.be64(NFTA_COUNTER_BYTES);
    if (packets !== undefined) e.packets = packets;
    if (bytes !== undefined) e.bytes = bytes;
    return e;
  },

  format(e: CounterExpr): string {
    return `pkts ${e.packets ?? 0} bytes ${e.bytes ?? 0} `;
  },
};
