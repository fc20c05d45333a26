// Bridge ports as `bridge -j [-d] link show` prints them (print_linkinfo in bridge/link.c):
// state, priority and cost always, the on/off port options with details.
import type { BridgePort } from '../bridge-port.js';

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
