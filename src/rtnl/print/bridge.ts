// Bridge ports as `bridge -j [-d] link show` prints them (print_linkinfo in bridge/link.c):
// state, priority and cost always, the on/off port options with details.
import type { BridgePort } from '../bridge-port.js';
import type { BridgeVlanPort } from '../bridge-vlan.js';

export function bridgePortJson(p: BridgePort, details = false): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ifindex: p.ifindex, link: p.link, link_index: p.link_index, ifname: p.ifname, flags: p.flags, mtu: p.mtu, master: p.master,
    state: p.state, priority: p.priority, cost: p.cost,
  };
  if (details) {
    Object.assign(base, {
      hairpin: p.hairpin, guard: p.guard, root_block: p.root_block, fastleave: p.fastleave, learning: p.learning,
      learning_sync: p.learning_sync, flood: p.flood, mcast_flood: p.mcast_flood, bcast_flood: p.bcast_flood, mcast_router: p.mcast_router,
      mcast_to_unicast: p.mcast_to_unicast, neigh_suppress: p.neigh_suppress, vlan_tunnel: p.vlan_tunnel, backup_port: p.backup_port,
      isolated: p.isolated, locked: p.locked,
    });
  }
  base.hwmode = p.hwmode;
  return base;
}

// VLANs as `bridge -j vlan show` and `bridge vlan show` print them (print_vlan_info in
// bridge/vlan.c of iproute2 6.1): ranges as vlan/vlanEnd, a flags array whenever the entry's
// flag bits are not 0 (so a range end shows "flags": [] when neither PVID nor untagged).
export function bridgeVlanJson(p: BridgeVlanPort): Record<string, unknown> {
  return {
    ifname: p.ifname ?? `if${p.ifindex}`,
    vlans: p.vlans.map((v) => ({
      vlan: v.vid, vlanEnd: v.vidEnd,
      flags: v.flagBits ? [...(v.pvid ? ['PVID'] : []), ...(v.untagged ? ['Egress Untagged'] : [])] : undefined,
    })),
  };
}

/** The column header bridge prints before the ports. */
export const BRIDGE_VLAN_HEADER = `${'port'.padEnd(16)}  ${'vlan-id'.padEnd(9)}\n`;

export function bridgeVlanText(p: BridgeVlanPort): string {
  let s = '';
  p.vlans.forEach((v, i) => {
    s += i === 0 ? `${(p.ifname ?? `if${p.ifindex}`).padEnd(16)}  ` : ' '.repeat(18);
    s += String(v.vid);
    if (v.vidEnd !== undefined) s += `-${v.vidEnd}`;
    if (v.pvid) s += ' PVID';
    if (v.untagged) s += ' Egress Untagged';
    s += '\n';
  });
  return s;
}
