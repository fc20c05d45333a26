// Seed 001, "EGRESS-TRAFFIC": a container namespace behind a bridge reaches "the internet"
// through forwarding and masquerade. The internet is a namespace of our own holding a
// documentation address (203.0.113.1), joined to the host by a veth, with no route back to
// 192.168.0.0/16: only masquerade makes replies find their way.
import { NetlinkError } from 'netlinkts';
import { formatEntry, natOf } from 'netlinkts/conntrack';
import { ping, runLab, tcpConnect, tcpEchoSourceServer } from './lib/lab.js';

await runLab('seed 001: egress traffic from ns0 through br0, forwarding and masquerade', 'seed001-host', async (lab) => {
  const { host } = lab;
  lab.step('ip netns add ns0; ip link add br0 type bridge; ip link');
  const ns0 = await lab.namespace('ns0');
  await host.link('br0').create({ kind: 'bridge' });
  const bridges = await host.links.list({ kind: 'bridge' }).collect();
  lab.check(bridges.some((l) => l.ifname === 'br0' && !l.flags.includes('UP')), 'br0 exists and is DOWN');

  lab.step('ip link set br0 up; ip addr add 192.168.0.1/16 dev br0; ip addr show dev br0');
  await host.link('br0').up().address('192.168.0.1/16');
  const braddr = await host.addresses.list({ dev: 'br0', family: 4 }).collect();
  lab.check(braddr.some((a) => a.local === '192.168.0.1' && a.prefixlen === 16), `br0: ${braddr.map((a) => `${a.local}/${a.prefixlen}`).join(' ')}`);
  await host.link('lo').up();
  lab.check((await ping(host, '192.168.0.1')).ok, 'ping 192.168.0.1 (br0) from the host');

  lab.step('ip link add veth0 type veth peer name ceth0; ip link set ceth0 netns ns0; ip link set veth0 master br0');
  await host.link('veth0').create({ kind: 'veth', peer: { name: 'ceth0' } });
  await host.link('ceth0').moveTo(ns0);
  await host.link('veth0').master('br0');

  lab.step('(ns0) ip link set ceth0 up; ip link set veth0 up; (ns0) ip link set lo up; ip addr add 192.168.0.2/16 dev ceth0');
  await ns0.link('ceth0').up();
  await host.link('veth0').up();
  await ns0.link('lo').up();
  await ns0.link('ceth0').address('192.168.0.2/16');

  lab.step('the outside world: namespace "internet", uplink0 (host) 203.0.113.2/24 <-> eth0 (internet) 203.0.113.1/24');
  const internet = await lab.namespace('internet');
  await host.link('uplink0').create({ kind: 'veth', peer: { name: 'eth0', netns: internet } }).up().address('203.0.113.2/24');
  await internet.link('lo').up();
  await internet.link('eth0').up().address('203.0.113.1/24');
  lab.check((await ping(host, '203.0.113.1')).ok, 'the host reaches the internet host 203.0.113.1');

  lab.step('(ns0) ping 203.0.113.2  -> connect: Network is unreachable');
  const unreachable = await ns0.routes.get('203.0.113.2').then(() => undefined, (e: unknown) => e);
  lab.check(unreachable instanceof NetlinkError && unreachable.code === 'ENETUNREACH', `the kernel says: ${(unreachable as Error | undefined)?.message}`);

  lab.step('(ns0) ip route add default via 192.168.0.1; route');
  await ns0.routes.add({ to: 'default', via: '192.168.0.1' });
  const table = await ns0.routes.list({ family: 4 }).collect();
  for (const r of table) console.log(`   ${r.dst} ${r.gateway ? `via ${r.gateway} ` : ''}dev ${r.dev}`);
  lab.check(table.some((r) => r.dst === 'default' && r.gateway === '192.168.0.1'), 'default via 192.168.0.1');
  lab.check((await ping(ns0, '203.0.113.2')).ok, 'ns0 reaches the host\'s uplink address 203.0.113.2');

  lab.step('sysctl -w net.ipv4.ip_forward=1');
  await host.sysctl.set('net.ipv4.ip_forward', 1);
  lab.check((await host.sysctl.get('net.ipv4.ip_forward')) === '1', 'net.ipv4.ip_forward = 1');

  lab.step('(ns0) connect to 203.0.113.1 without NAT: packets get stuck (no route back to 192.168.0.0/16)');
  const server0 = await tcpEchoSourceServer(internet, '203.0.113.1', 8080);
  const stuck = await tcpConnect(ns0, '203.0.113.1', 8080, 1500);
  server0.stop();
  lab.check(!stuck.ok, `connection fails: ${stuck.text}`);
  lab.check(!(await ping(ns0, '203.0.113.1')).ok, 'ping 203.0.113.1 gets no reply');

  lab.step('iptables -t nat -A POSTROUTING -s 192.168.0.0/16 -j MASQUERADE  (here: nft, ip saddr 192.168.0.0/16 masquerade)');
  const masq = await host.nft.masquerade({ from: '192.168.0.0/16' });
  console.log(`   table ip nat, chain postrouting: ${masq.text}`);
  lab.check(masq.created, 'masquerade rule added');

  lab.step('(ns0) ping 203.0.113.1; TCP to 203.0.113.1:8080');
  lab.check((await ping(ns0, '203.0.113.1')).ok, 'ns0 reaches the internet host');
  const server = await tcpEchoSourceServer(internet, '203.0.113.1', 8080);
  const conn = await tcpConnect(ns0, '203.0.113.1', 8080);
  server.stop();
  lab.check(conn.ok && conn.text === '203.0.113.2', `the server saw the connection come from ${conn.text} (the host's uplink: masqueraded)`);

  lab.step('conntrack -L -p tcp --dport 8080  (the translation, in the host\'s connection table)');
  let translated = '';
  for await (const e of host.conntrack.list({ proto: 'tcp', dport: 8080 })) {
    const nat = natOf(e);
    if (nat) translated = nat.text;
    console.log(`   ${formatEntry(e)}`);
  }
  console.log(`   nat: ${translated}`);
  lab.check(/^192\.168\.\d+\.\d+:\d+ -> 203\.0\.113\.1:8080 via masquerade to 203\.0\.113\.2$/.test(translated), 'the connection table shows the masqueraded flow');
});
