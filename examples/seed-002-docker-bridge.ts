// Seed 002, "Linux Network Namespaces, veth pair and bridges": docker's default bridge mode
// rebuilt by hand. Two "containers" (namespaces c1, c2) with eth0 on docker0, masquerade to
// the outside, then the seed's inspection: which veth belongs to which container.
import { randomBytes } from 'node:crypto';
import { ping, runLab, tcpConnect, tcpEchoSourceServer } from './lib/lab.js';
import { linkPeerNamespace } from 'netlinkts/rtnl';

/** Docker names the host side "veth" + 7 hex digits. */
const vethName = (): string => `veth${randomBytes(4).toString('hex').slice(0, 7)}`;

await runLab('seed 002: docker0 bridge, two containers, NAT-ed traffic', 'seed002-host', async (lab) => {
  const { host } = lab;
  lab.step('docker0: ip link add docker0 type bridge; ip addr add 172.17.0.1/16 dev docker0; ip link set docker0 up');
  await host.link('lo').up();
  await host.link('docker0').create({ kind: 'bridge' }).address('172.17.0.1/16').up();

  const containers = [
    { name: 'c1', ip: '172.17.0.2' },
    { name: 'c2', ip: '172.17.0.3' },
  ];
  for (const c of containers) {
    lab.step(`container ${c.name}: veth pair, eth0 inside with ${c.ip}/16, default via 172.17.0.1`);
    const ns = await lab.namespace(c.name);
    const hostSide = vethName();
    // The container end is created directly inside the container's namespace, as docker does.
    await host.link(hostSide).create({ kind: 'veth', peer: { name: 'eth0', netns: ns } }).master('docker0').up();
    await ns.link('lo').up();
    await ns.link('eth0').up().address(`${c.ip}/16`);
    await ns.routes.add({ to: 'default', via: '172.17.0.1' });
  }
  const [c1, c2] = await Promise.all(containers.map(async (c) => (await import('netlinkts')).netns.open(c.name)));

  lab.step('forwarding and NAT: sysctl -w net.ipv4.ip_forward=1; masquerade 172.17.0.0/16');
  await host.sysctl.set('net.ipv4.ip_forward', 1);
  const masq = await host.nft.masquerade({ from: '172.17.0.0/16' });
  console.log(`   ${masq.text}`);
  const again = await host.nft.masquerade({ from: '172.17.0.0/16' });
  lab.check(!again.created, 'a second masquerade call leaves one rule');

  lab.step('the outside world: namespace "internet" with 203.0.113.1, the host\'s uplink0 203.0.113.2');
  const internet = await lab.namespace('internet');
  await host.link('uplink0').create({ kind: 'veth', peer: { name: 'eth0', netns: internet } }).up().address('203.0.113.2/24');
  await internet.link('lo').up();
  await internet.link('eth0').up().address('203.0.113.1/24');

  lab.step('traffic: c1 <-> c2 on the bridge; c2 -> internet, masqueraded');
  lab.check((await ping(c1!, '172.17.0.3')).ok, 'c1 pings c2');
  lab.check((await ping(c2!, '172.17.0.2')).ok, 'c2 pings c1');
  const server = await tcpEchoSourceServer(internet, '203.0.113.1', 10001);
  const conn = await tcpConnect(c2!, '203.0.113.1', 10001);
  server.stop();
  lab.check(conn.ok && conn.text === '203.0.113.2', `the internet host saw c2's connection from ${conn.text}`);

  lab.step('ip link show type veth; ip link show type bridge; (c1) ip link show type veth');
  const veths = await host.links.list({ kind: 'veth' }).collect();
  const bridges = await host.links.list({ kind: 'bridge' }).collect();
  console.log(`   bridges: ${bridges.map((b) => b.ifname).join(' ')}`);
  let matched = 0;
  for (const v of veths) {
    const peerNs = await linkPeerNamespace(host.rtnl, v);
    const peerName = peerNs?.name ?? '(not named)';
    peerNs?.close();
    console.log(`   ${v.ifindex}: ${v.ifname}@if${v.link_index} master ${v.master ?? '-'} link-netnsid ${v.link_netnsid} -> container ${peerName}`);
    if (v.master === 'docker0' && containers.some((c) => c.name === peerName)) matched++;
  }
  lab.check(matched === 2, 'each container\'s veth is on docker0 and its peer found in the container');
  for (const c of [c1!, c2!]) {
    const inside = await c.links.list({ kind: 'veth' }).collect();
    const eth0 = inside.find((l) => l.ifname === 'eth0');
    const hostVeth = veths.find((v) => v.ifindex === eth0?.link_index);
    console.log(`   (${c.name}) ${eth0?.ifindex}: eth0@if${eth0?.link_index} link-netnsid ${eth0?.link_netnsid} -> host ${hostVeth?.ifname}`);
    lab.check(hostVeth !== undefined && hostVeth.link_index === eth0?.ifindex, `${c.name}'s eth0 pairs with ${hostVeth?.ifname} on the host`);
    c.close();
  }
});
