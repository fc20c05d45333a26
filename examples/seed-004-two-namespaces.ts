// Seed 004, "network-namespaces": two namespaces joined by a veth pair, like two computers.
// Every `ip` command of the tutorial is shown beside its library call.
import { NetlinkError } from 'netlinkts';
import { ping, runLab } from './lib/lab.js';

await runLab('seed 004: two namespaces, red and green, joined by a veth pair', 'seed004-host', async (lab) => {
  const { host } = lab;
  lab.step('ip netns add red; ip netns add green; ip netns list');
  const red = await lab.namespace('red');
  const green = await lab.namespace('green');
  const names = await (await import('netlinkts')).netns.list();
  lab.check(names.includes('red') && names.includes('green'), `namespaces listed: ${names.join(' ')}`);

  lab.step('ip link add rveth type veth peer name gveth; ip link list');
  await host.link('rveth').create({ kind: 'veth', peer: { name: 'gveth' } });
  const links = await host.links.list().collect();
  lab.check(links.some((l) => l.ifname === 'rveth') && links.some((l) => l.ifname === 'gveth'), `links: ${links.map((l) => l.ifname).join(' ')}`);

  lab.step('ip link set rveth netns red; ip link set gveth netns green');
  await host.link('rveth').moveTo(red);
  await host.link('gveth').moveTo(green);

  lab.step('(red) ip addr; ip link set dev lo up; ip link set dev rveth up; ip addr add 10.10.1.2/32 dev rveth');
  const before = await red.addresses.list().collect();
  lab.check(before.every((a) => a.dev !== 'rveth'), 'rveth has no address yet');
  await red.link('lo').up();
  await red.link('rveth').up().address('10.10.1.2/32');

  lab.step('(green) ip link set dev lo up; ip link set dev gveth up; ip addr add 10.10.1.3/32 dev gveth');
  await green.link('lo').up();
  await green.link('gveth').up().address('10.10.1.3/32');
  const gaddrs = await green.addresses.list({ dev: 'gveth', family: 4 }).collect();
  lab.check(gaddrs.map((a) => `${a.local}/${a.prefixlen}`).join() === '10.10.1.3/32', `gveth: ${gaddrs.map((a) => `${a.local}/${a.prefixlen}`).join(' ')}`);

  lab.step('(green) ping 10.10.1.2  -> connect: Network is unreachable');
  const noRoute = await green.routes.get('10.10.1.2').then(() => undefined, (e: unknown) => e);
  lab.check(noRoute instanceof NetlinkError && noRoute.code === 'ENETUNREACH', `the kernel says: ${(noRoute as Error | undefined)?.message ?? 'a route exists?!'}`);
  const p0 = await ping(green, '10.10.1.2');
  lab.check(!p0.ok && /unreachable/i.test(p0.output), `ping: ${p0.output.split('\n').pop()}`);

  lab.step('(green) ip route add 10.10.1.2/32 dev gveth; (red) ip route add 10.10.1.3/32 dev rveth');
  await green.routes.add({ to: '10.10.1.2/32', dev: 'gveth' });
  await red.routes.add({ to: '10.10.1.3/32', dev: 'rveth' });
  const rroutes = await red.routes.list().collect();
  lab.check(rroutes.some((r) => r.dst === '10.10.1.3' && r.scope === 'link'), `red routes: ${rroutes.map((r) => `${r.dst} dev ${r.dev} scope ${r.scope}`).join('; ')}`);

  lab.step('(red) ping 10.10.1.3; (green) ping 10.10.1.2');
  const p1 = await ping(red, '10.10.1.3');
  lab.check(p1.ok, 'red reaches green (10.10.1.3)');
  const p2 = await ping(green, '10.10.1.2');
  lab.check(p2.ok, 'green reaches red (10.10.1.2)');
});
