// Bridge VLANs (`bridge vlan add/del`): AF_BRIDGE RTM_SETLINK/RTM_DELLINK whose IFLA_AF_SPEC
// carries IFLA_BRIDGE_FLAGS (self/master) and IFLA_BRIDGE_VLAN_INFO entries (struct
// bridge_vlan_info; a range is a begin and an end entry) or IFLA_BRIDGE_VLAN_TUNNEL_INFO. The
// kernel this was built on answers EOPNOTSUPP (no VLAN filtering), so the requests are what is
// tested: byte-equal to what `bridge vlan add/del` sends.
import { rtBridge } from './families/bridge.js';
import { AF_BRIDGE } from './bridge-port.js';
import type { MessageRef } from '../netlink/message.js';

export interface BridgeVlanSpec {
  /** One VLAN id (1-4094), or the first of a range. */
  vid: number;
  /** Last id of a range (vid..vidEnd). */
  vidEnd?: number;
  /** Ingress untagged frames get this VLAN (not for ranges). */
  pvid?: boolean;
  /** Egress untagged. */
  untagged?: boolean;
  /** Apply on the device itself (the bridge's own VLAN, or hardware). */
  self?: boolean;
  /** Apply in the master bridge (the default when neither is given). */
  master?: boolean;
  /** Map VLANs to tunnel ids (vxlan ports with vlan_tunnel on): `tunnel_info id ID`. */
  tunnelId?: number;
  tunnelIdEnd?: number;
}

/** The IFLA_AF_SPEC of a `bridge vlan add|del` request. */
export function bridgeVlanAfSpec(v: BridgeVlanSpec): Record<string, unknown> {
  const af: Record<string, unknown> = {};
  const flags = [...(v.master ? ['master'] : []), ...(v.self ? ['self'] : [])];
  if (flags.length) af.flags = flags;
  const base = [...(v.pvid ? ['pvid'] : []), ...(v.untagged ? ['untagged'] : [])];
  if (v.tunnelId !== undefined) {
    // add_tunnel_info_range: begin and end entries when a range is given.
    if (v.vidEnd !== undefined) {
      af['vlan-tunnel-info'] = [
        { id: v.tunnelId, vid: v.vid, flags: ['range-begin'] },
        { id: v.tunnelIdEnd ?? v.tunnelId + (v.vidEnd - v.vid), vid: v.vidEnd, flags: ['range-end'] },
      ];
    } else {
      af['vlan-tunnel-info'] = [{ id: v.tunnelId, vid: v.vid, flags: [] }];
    }
  } else if (v.vidEnd !== undefined) {
    af['vlan-info'] = [{ flags: [...base, 'range-begin'], vid: v.vid }, { flags: [...base, 'range-end'], vid: v.vidEnd }];
  } else {
    af['vlan-info'] = [{ flags: base, vid: v.vid }];
  }
  return af;
}

/** RTM_SETLINK (add) or RTM_DELLINK (del), AF_BRIDGE, as `bridge vlan add|del` sends it. */
export function encodeBridgeVlan(cmd: 'add' | 'del', ifindex: number, v: BridgeVlanSpec): Uint8Array {
  return rtBridge.encode({ op: cmd === 'add' ? 'setlink' : 'dellink', header: { 'ifi-family': AF_BRIDGE, 'ifi-index': ifindex }, attrs: { 'af-spec': bridgeVlanAfSpec(v) } });
}

// ============================================================================================
// Listing (`bridge vlan show`): an AF_BRIDGE link dump with IFLA_EXT_MASK RTEXT_FILTER_BRVLAN;
// each port's IFLA_AF_SPEC then lists its VLANs, one IFLA_BRIDGE_VLAN_INFO each (with
// RTEXT_FILTER_BRVLAN_COMPRESSED, runs come as range-begin/range-end pairs). A kernel without
// VLAN filtering (this one) answers with ports that carry no VLAN list.

export const RTEXT_FILTER_BRVLAN = 1 << 1;
export const RTEXT_FILTER_BRVLAN_COMPRESSED = 1 << 2;

export interface BridgeVlan {
  vid: number;
  /** Last id of a range (compressed dumps). */
  vidEnd?: number;
  pvid: boolean;
  untagged: boolean;
  /** BRIDGE_VLAN_INFO_* names as the kernel sent them (range flags included). */
  flags: string[];
  /** The raw flag bits (bridge prints a flags array whenever they are not 0). */
  flagBits: number;
}

export interface BridgeVlanPort {
  ifindex: number;
  ifname?: string;
  vlans: BridgeVlan[];
  /** vlan-tunnel-info entries (vxlan ports with vlan_tunnel): vid..vidEnd -> id..idEnd. */
  tunnels: Array<{ vid: number; vidEnd?: number; id: number; idEnd?: number }>;
}

const VLAN_FLAG_BITS: Record<string, number> = { master: 1, pvid: 2, untagged: 4, 'range-begin': 8, 'range-end': 16, brentry: 32, 'only-opts': 64 };
const bitsOf = (names: readonly string[]): number => names.reduce((n, f) => n | (VLAN_FLAG_BITS[f] ?? 0), 0);

/** The dump request `bridge vlan show` sends (`-c`: compressed). */
export function encodeBridgeVlanDump(compressed = false): Uint8Array {
  return rtBridge.encode({
    op: 'getlink', mode: 'dump', header: { 'ifi-family': AF_BRIDGE },
    attrs: { 'ext-mask': compressed ? RTEXT_FILTER_BRVLAN_COMPRESSED : RTEXT_FILTER_BRVLAN }, noAck: true,
  });
}

/**
 * The VLANs of one AF_BRIDGE RTM_NEWLINK, undefined when it lists none (bridge then prints
 * nothing for the port). Ranges are folded as bridge folds them: a range-begin entry opens
 * the range, the next entry closes it and brings the flags shown.
 */
export function decodeBridgeVlans(m: MessageRef): BridgeVlanPort | undefined {
  const d = rtBridge.decode(m);
  const h = d.header as { 'ifi-index': number };
  const a = d.attrs as { ifname?: string; 'af-spec'?: { 'vlan-info'?: Array<{ flags: string[]; vid: number }>; 'vlan-tunnel-info'?: Array<{ id?: number; vid?: number; flags?: string[] }> } };
  const af = a['af-spec'];
  if (!af) return undefined;
  const vlans: BridgeVlan[] = [];
  let start: number | undefined;
  for (const v of af['vlan-info'] ?? []) {
    // A short entry (not a whole struct bridge_vlan_info) comes back as bytes: bridge skips what it cannot read.
    if (!v || !Array.isArray(v.flags) || typeof v.vid !== 'number') continue;
    if (v.flags.includes('range-begin')) { start = v.vid; continue; }
    const from = v.flags.includes('range-end') && start !== undefined ? start : v.vid;
    start = undefined;
    const e: BridgeVlan = { vid: from, pvid: v.flags.includes('pvid'), untagged: v.flags.includes('untagged'), flags: v.flags, flagBits: bitsOf(v.flags) };
    if (from !== v.vid) e.vidEnd = v.vid;
    vlans.push(e);
  }
  const tunnels: BridgeVlanPort['tunnels'] = [];
  let tStart: { vid: number; id: number } | undefined;
  for (const ti of af['vlan-tunnel-info'] ?? []) {
    if (ti.vid === undefined) continue;
    const f = ti.flags ?? [];
    if (f.includes('range-begin')) { tStart = { vid: ti.vid, id: ti.id ?? 0 }; continue; }
    const s = f.includes('range-end') && tStart ? tStart : { vid: ti.vid, id: ti.id ?? 0 };
    tStart = undefined;
    const e: BridgeVlanPort['tunnels'][number] = { vid: s.vid, id: s.id };
    if (s.vid !== ti.vid) e.vidEnd = ti.vid;
    if (s.id !== (ti.id ?? 0)) e.idEnd = ti.id ?? 0;
    tunnels.push(e);
  }
  if (!vlans.length && !tunnels.length) return undefined;
  const port: BridgeVlanPort = { ifindex: h['ifi-index'], vlans, tunnels };
  if (a.ifname !== undefined) port.ifname = a.ifname;
  return port;
}
