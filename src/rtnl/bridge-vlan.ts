// Bridge VLANs (`bridge vlan add/del`): AF_BRIDGE RTM_SETLINK/RTM_DELLINK whose IFLA_AF_SPEC
// carries IFLA_BRIDGE_FLAGS (self/master) and IFLA_BRIDGE_VLAN_INFO entries (struct
// bridge_vlan_info; a range is a begin and an end entry) or IFLA_BRIDGE_VLAN_TUNNEL_INFO. The
// kernel this was built on answers EOPNOTSUPP (no VLAN filtering), so the requests are what is
// tested: byte-equal to what `bridge vlan add/del` sends.
import { rtBridge } from './families/bridge.js';
import { AF_BRIDGE } from './bridge-port.js';

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
