// Inspect a Docker host (seed 002's questions, on a host Docker built): which container each
// docker0 port belongs to, that container's eth0 and address, and the NAT rules. Read-only:
// it only lists. Run as root on the Docker host: `npx tsx examples/inspect-docker-host.ts`.
import { netns } from 'netlinkts';
import { rulesetToText } from 'netlinkts/nft';

const all = await netns.all();
const host = await netns.current();
try {
  for await (const port of host.links.list({ kind: 'veth' })) {
    // link_netnsid is an id in this namespace's table; netns.all() asked each namespace's id.
    const peer = all.find((e) => !e.current && e.nsid === port.link_netnsid);
    if (!peer) continue;
    const who = peer.container ? `container ${peer.container.id.slice(0, 12)} (${peer.container.runtime})` : peer.label;
    const ns = await peer.open();
    try {
      const eth = (await ns.links.list().collect()).find((l) => l.ifindex === port.link_index);
      const addrs = eth ? await ns.addresses.list({ dev: eth.ifindex, family: 4 }).collect() : [];
      console.log(`${port.ifname} (master ${port.master ?? '-'}) -> ${who}: ${eth?.ifname ?? '?'} ${eth?.address ?? ''} ${addrs.map((a) => `${a.local}/${a.prefixlen}`).join(' ')}`);
      console.log(`    namespace ${peer.mounts[0] ?? peer.paths[0]}, pids ${peer.holders.map((h) => `${h.pid} (${h.comm})`).join(', ')}`);
    } finally {
      ns.close();
    }
  }
  // The NAT rules Docker installed through iptables-nft: its `nat` table as the library reads it.
  // iptables' own targets (MASQUERADE, DNAT) are x_tables expressions, printed raw with the
  // target's name spelled in hex (4d415351... is "MASQUERADE").
  const rs = await host.nft.ruleset();
  console.log(rulesetToText({ tables: rs.tables.filter((t) => t.family === 'ip' && t.name === 'nat') }).trimEnd());
} finally {
  host.close();
}
if (all.skipped.length) console.error(`(${all.skipped.length} paths were not readable: run as root to see every namespace)`);
