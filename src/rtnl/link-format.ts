// Value formats shared with ip (flag names, 0x-hex, bridge ids, timers, vlan protocols), used by
// the decoders and, for vlan protocols, by the encoder.
import { formatHardwareAddress } from '../netlink/address.js';
import { NetlinkBuffer } from '../netlink/reader.js';
import * as C from './constants.js';

export const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** print_0xhex in a JSON context: "%#llx" -> "0" for zero, else "0x..". */
export function hex0x(v: number): string {
  return v === 0 ? '0' : `0x${v.toString(16)}`;
}

/** The flags list `ip` prints for ifi_flags (without M-DOWN, which needs the lower link). */
export function linkFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & C.IFF_UP && !(flags & C.IFF_RUNNING)) out.push('NO-CARRIER');
  let rest = flags & ~C.IFF_RUNNING;
  for (const [bit, name] of C.IFF_PRINT_ORDER) {
    if (rest & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push((rest >>> 0).toString(16));
  return out;
}

/** br_dump_bridge_id: "%.2x%.2x." then ether_ntoa_r, which does not zero-pad ("8000.6e:a8:3:32:73:ff"). */
export function bridgeId(b: Uint8Array, off: number, len: number): string {
  if (len < 8) return formatHardwareAddress(b, off, len);
  let s = `${HEX2[b[off]!]}${HEX2[b[off + 1]!]}.`;
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + b[off + 2 + i]!.toString(16);
  return s;
}

/** A bridge timer (u64 centiseconds, i.e. USER_HZ ticks) in seconds, as ip prints "%i.%.2i". */
export function timer(buf: NetlinkBuffer, off: number, len: number): number {
  const v = buf.attrU64n(off, len);
  return v / 100;
}

/** Ethernet protocol names ip prints for VLAN protocols (ll_proto_n2a). */
export function vlanProtocolName(proto: number): string {
  if (proto === C.ETH_P_8021Q) return '802.1Q';
  if (proto === C.ETH_P_8021AD) return '802.1ad';
  return `0x${proto.toString(16).padStart(4, '0')}`;
}

export function vlanProtocolNumber(name: string | number): number {
  if (typeof name === 'number') return name;
  if (name === '802.1Q' || name === '802.1q') return C.ETH_P_8021Q;
  if (name === '802.1ad' || name === '802.1AD') return C.ETH_P_8021AD;
  return Number(name);
}

export function groupName(group: number): string {
  return group === 0 ? 'default' : String(group);
}

export const ADDR_GEN_MODES = ['eui64', 'none', 'stable_secret', 'random'];
