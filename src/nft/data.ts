// nft_data: what registers hold and set elements map to. A value (raw bytes, as the packet
// has them) or a verdict (accept, drop, jump CHAIN, ...). Encode and decode side by side.
import type { MessageWriter } from '../netlink/writer.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import {
  NFTA_DATA_VALUE, NFTA_DATA_VERDICT, NFTA_VERDICT_CHAIN, NFTA_VERDICT_CHAIN_ID, NFTA_VERDICT_CODE,
  NF_ACCEPT, NF_DROP, NF_QUEUE, NF_REPEAT, NF_STOLEN, NF_STOP, NFT_BREAK, NFT_CONTINUE, NFT_GOTO, NFT_JUMP, NFT_RETURN,
} from './constants.js';
import { Attrs, nest } from './codec.js';

export type VerdictCode = 'accept' | 'drop' | 'continue' | 'return' | 'jump' | 'goto' | 'break' | 'queue' | 'stolen' | 'repeat' | 'stop';

/** A verdict. `chain` only for jump and goto. A code nft has no name for stays a number. */
export type Verdict =
  | { code: 'jump' | 'goto'; chain: string; chainId?: number }
  | { code: Exclude<VerdictCode, 'jump' | 'goto'> | number };

const CODE_NUMBER: Record<VerdictCode, number> = {
  accept: NF_ACCEPT, drop: NF_DROP, stolen: NF_STOLEN, queue: NF_QUEUE, repeat: NF_REPEAT, stop: NF_STOP,
  continue: NFT_CONTINUE, break: NFT_BREAK, jump: NFT_JUMP, goto: NFT_GOTO, return: NFT_RETURN,
};
const NUMBER_CODE = new Map<number, VerdictCode>(Object.entries(CODE_NUMBER).map(([k, v]) => [v, k as VerdictCode]));

export function verdictNumber(code: VerdictCode | number): number {
  return typeof code === 'number' ? code : CODE_NUMBER[code];
}

export function verdictName(n: number): VerdictCode | number {
  return NUMBER_CODE.get(n) ?? n;
}

/** Write NFTA_DATA_VERDICT { CODE, CHAIN?, CHAIN_ID? } (inside an NFTA_*_DATA nest). */
export function encodeVerdict(w: MessageWriter, v: Verdict): void {
  const n = nest(w, NFTA_DATA_VERDICT);
  w.attrBe32(NFTA_VERDICT_CODE, verdictNumber(v.code));
  const id = 'chainId' in v ? v.chainId : undefined;
  // A chain named by id alone (a chain of the same batch) has no name to send: an empty
  // NFTA_VERDICT_CHAIN would be looked up by the kernel as a name.
  if ('chain' in v && v.chain !== undefined && (v.chain !== '' || id === undefined)) w.attrString(NFTA_VERDICT_CHAIN, v.chain);
  if (id !== undefined) w.attrBe32(NFTA_VERDICT_CHAIN_ID, id);
  w.nestEnd(n);
}

export function decodeVerdict(buf: NetlinkBuffer, off: number, len: number, depth: number): Verdict {
  const a = Attrs.nested(buf, off, len, depth);
  const code = a.be32(NFTA_VERDICT_CODE);
  if (code === undefined) throw new NetlinkDecodeError('verdict without NFTA_VERDICT_CODE', off);
  const name = verdictName(code | 0);
  if (name === 'jump' || name === 'goto') {
    const v: Verdict = { code: name, chain: a.str(NFTA_VERDICT_CHAIN) ?? '' };
    const id = a.be32(NFTA_VERDICT_CHAIN_ID);
    if (id !== undefined) v.chainId = id;
    return v;
  }
  return { code: name } as Verdict;
}

/** The content of an NFTA_*_DATA nest: a value or a verdict. */
export type NftData = { value: Uint8Array } | { verdict: Verdict };

export function encodeData(w: MessageWriter, type: number, d: NftData): void {
  const n = nest(w, type);
  if ('value' in d) w.attrBytes(NFTA_DATA_VALUE, d.value);
  else encodeVerdict(w, d.verdict);
  w.nestEnd(n);
}

export function decodeData(buf: NetlinkBuffer, off: number, len: number, depth: number): NftData {
  const a = Attrs.nested(buf, off, len, depth);
  if (a.has(NFTA_DATA_VERDICT)) return { verdict: decodeVerdict(buf, a.off(NFTA_DATA_VERDICT), a.len(NFTA_DATA_VERDICT), depth + 1) };
  const value = a.bytes(NFTA_DATA_VALUE);
  if (!value) throw new NetlinkDecodeError('data attribute holds neither a value nor a verdict', off);
  return { value };
}

/** libnftnl's text for a value: its bytes as host-order 32-bit words, "0x0000a8c0 ". */
export function formatValue(v: Uint8Array): string {
  let s = '';
  for (let i = 0; i < v.length; i += 4) {
    const word = (v[i] ?? 0) | ((v[i + 1] ?? 0) << 8) | ((v[i + 2] ?? 0) << 16) | ((v[i + 3] ?? 0) << 24);
    s += `0x${(word >>> 0).toString(16).padStart(8, '0')} `;
  }
  return s;
}

export function formatVerdict(v: Verdict): string {
  let s = `${typeof v.code === 'number' ? 'unknown' : v.code} `;
  if ('chain' in v && v.chain) s += `-> ${v.chain} `;
  return s;
}
