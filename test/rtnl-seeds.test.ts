// The three seed tutorials, command by command, with the rtnl calls that replace each `ip`,
// `route` and `sysctl` command (the iptables MASQUERADE step belongs to the nft layer and
// its tests). The tutorials' "root namespace" is a namespace each test makes; their outside
// world is a namespace holding a documentation address. Traffic stays among them.
import test from 'ava';
import { addNamespace, deleteNamespace, listNamespaces, type NetworkNamespace } from '../src/netlink/namespace.js';
import type { NetlinkSocket } from '../src/netlink/socket.js';
import {
  addAddress, addRoute, createLink, getRoute, getSysctl, linkUp, listAddresses, listLinks, listRoutes, moveLink, setLink,
  setSysctl, openRtnlSocket,
} from '../src/rtnl/index.js';
import { uniqueName } from './helpers/env.js';
import { ipj, sameFields, withNs } from './helpers/rtnl.js';

interface Named { name: string; ns: NetworkNamespace; sock: NetlinkSocket }

/** `ip netns add NAME` with the library, plus a socket inside; removed by the caller's finally. */
async function netnsAdd(prefix: string, made: Named[]): Promise<Named> {
  const name = uniqueName(prefix);
  const ns = await addNamespace(name);
  const n = { name, ns, sock: openRtnlSocket({ netns: ns.fd }) };
  made.push(n);
  return n;
}

async function cleanup(made: Named[]): Promise<void> {
  for (const n of made) {
    n.sock.close();
    n.ns.close();
    await deleteNamespace(n.name).catch(() => {});
  }
}

async function ping(ns: NetworkNamespace, addr: string): Promise<{ ok: boolean; out: string }> {
  const r = await ns.exec('ping', ['-c', '1', '-W', '2', addr]);
  return { ok: r.code === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

test('seed 001 (egress traffic): bridge, veth into ns0, addresses, default route, ip_forward', async (t) => {
  await withNs('root', async (root) => {
    const made: Named[] = [];
    try {
      // sudo ip netns add ns0
      const ns0 = await netnsAdd('ns0', made);
      // sudo ip link add br0 type bridge; ip link
      await createLink(root.sock, { name: 'br0', kind: 'bridge' });
      const br = (await listLinks(root.sock)).find((l) => l.ifname === 'br0')!;
      t.like(br, { flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, qdisc: 'noop', operstate: 'DOWN', linkmode: 'DEFAULT', group: 'default', txqlen: 1000, link_type: 'ether', broadcast: 'ff:ff:ff:ff:ff:ff' });
      // sudo ip link set br0 up; sudo ip addr add 192.168.0.1/16 dev br0; ip addr show dev br0
      await setLink(root.sock, 'br0', { up: true });
      await addAddress(root.sock, { dev: 'br0', address: '192.168.0.1/16' });
      const brAddrs = await listAddresses(root.sock, { dev: 'br0', family: 4 });
      t.like(brAddrs[0], { local: '192.168.0.1', prefixlen: 16, scope: 'global', label: 'br0', valid_life_time: 0xffffffff });
      // ping 192.168.0.1 -c 3 (the bridge's own address, from its namespace)
      t.true((await ping(root.ns, '192.168.0.1')).ok);
      // sudo ip link add veth0 type veth peer name ceth0; ip link set ceth0 netns ns0; ip link set veth0 master br0
      await createLink(root.sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
      await moveLink(root.sock, 'ceth0', ns0.ns);
      await setLink(root.sock, 'veth0', { master: 'br0' });
      // ip netns exec ns0 ip link set ceth0 up; sudo ip link set veth0 up
      await setLink(ns0.sock, 'ceth0', { up: true });
      await setLink(root.sock, 'veth0', { up: true });
      // (ns0) ip link set lo up; ip addr add 192.168.0.2/16 dev ceth0
      await linkUp(ns0.sock, 'lo');
      await addAddress(ns0.sock, { dev: 'ceth0', address: '192.168.0.2/16' });
      // The host's primary interface: ens34 10.56.80.102/30, its far end in an "outside" namespace.
      const world = await netnsAdd('world', made);
      await createLink(root.sock, { name: 'ens34', kind: 'veth', peer: { name: 'eth0', netns: world.ns, up: true }, up: true });
      await addAddress(root.sock, { dev: 'ens34', address: '10.56.80.102/30' });
      await linkUp(world.sock, 'lo');
      await addAddress(world.sock, { dev: 'eth0', address: '10.56.80.101/30' });
      await addAddress(world.sock, { dev: 'lo', address: '203.0.113.1/32' });
      // ip addr show from ns0: "21: ceth0@if22: ... link-netnsid 0"
      const ceth0 = (await listLinks(ns0.sock)).find((l) => l.ifname === 'ceth0')!;
      const veth0 = (await listLinks(root.sock)).find((l) => l.ifname === 'veth0')!;
      t.is(ceth0.link_index, veth0.ifindex, 'ceth0@ifN names veth0');
      t.is(typeof ceth0.link_netnsid, 'number');
      t.is(veth0.master, 'br0');
      // ping 10.56.80.102 from ns0 -> connect: Network is unreachable
      const p0 = await ping(ns0.ns, '10.56.80.102');
      t.false(p0.ok);
      t.regex(p0.out, /Network is unreachable/);
      await t.throwsAsync(getRoute(ns0.sock, { to: '10.56.80.102' }), { message: /ENETUNREACH/ });
      // (ns0) ip route add default via 192.168.0.1; route
      await addRoute(ns0.sock, { to: 'default', via: '192.168.0.1' });
      const table = (await listRoutes(ns0.sock, { family: 4 })).map((r) => [r.dst, r.gateway ?? '0.0.0.0', r.dev]);
      t.deepEqual(table, [['default', '192.168.0.1', 'ceth0'], ['192.168.0.0/16', '0.0.0.0', 'ceth0']]);
      // ping 10.56.80.102 -c 5 (the host's own address)
      t.true((await ping(ns0.ns, '10.56.80.102')).ok);
      // ping "the outside world" (203.0.113.1): no forwarding yet.
      t.false((await ping(ns0.ns, '203.0.113.1')).ok);
      // sudo sysctl -w net.ipv4.ip_forward=1
      await setSysctl('net.ipv4.ip_forward', 1, { netns: root.ns });
      t.is(await getSysctl('net.ipv4.ip_forward', { netns: root.ns }), '1');
      // (The tutorial's MASQUERADE hides 192.168.0.0/16; without NAT the outside needs a route back.)
      await addRoute(world.sock, { to: '192.168.0.0/16', via: '10.56.80.102' });
      await addRoute(root.sock, { to: '203.0.113.1/32', via: '10.56.80.101' });
      t.true((await ping(ns0.ns, '203.0.113.1')).ok, 'forwarded through the root namespace');
    } finally {
      await cleanup(made);
    }
  });
});

test('seed 002 (docker bridge): ip link show type veth / type bridge, in the host and in a container', async (t) => {
  await withNs('dock', async (host) => {
    const made: Named[] = [];
    try {
      await createLink(host.sock, { name: 'docker0', kind: 'bridge', address: '02:42:b6:1f:1e:51', up: true });
      const brave = await netnsAdd('brave', made);
      const affect = await netnsAdd('affect', made);
      // What docker does: the container end is made inside the container, named eth0.
      await createLink(host.sock, { name: 'veth2d85589', kind: 'veth', peer: { name: 'eth0', netns: brave.ns, address: '02:42:ac:11:00:02', up: true }, master: 'docker0', up: true });
      await createLink(host.sock, { name: 'veth6292b12', kind: 'veth', peer: { name: 'eth0', netns: affect.ns, address: '02:42:ac:11:00:03', up: true }, master: 'docker0', up: true });
      // ip link show type veth
      const veths = await listLinks(host.sock, { kind: 'veth' });
      t.deepEqual(veths.map((l) => l.ifname), ['veth2d85589', 'veth6292b12']);
      for (const v of veths) {
        t.like(v, { flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], master: 'docker0', operstate: 'UP' });
        t.is(typeof v.link_netnsid, 'number');
      }
      t.not(veths[0]!.link_netnsid, veths[1]!.link_netnsid, 'two containers, two netns ids');
      for (const ipl of ipj(host.name, ['link', 'show', 'type', 'veth'])) sameFields(t, ipl, veths.find((l) => l.ifindex === ipl.ifindex) as never, `host ${ipl.ifname}`);
      // ip link show type bridge
      const bridges = await listLinks(host.sock, { kind: 'bridge' });
      t.deepEqual(bridges.map((l) => [l.ifname, l.address]), [['docker0', '02:42:b6:1f:1e:51']]);
      // sudo ip netns exec brave_ramanujan ip link show type veth: "4: eth0@if5: ... link-netnsid 0"
      const inside = await listLinks(brave.sock, { kind: 'veth' });
      t.is(inside.length, 1);
      t.like(inside[0], { ifname: 'eth0', link_index: veths[0]!.ifindex, address: '02:42:ac:11:00:02', operstate: 'UP' });
      sameFields(t, ipj(brave.name, ['link', 'show', 'type', 'veth'])[0], inside[0] as never, 'brave eth0');
      // sudo ip netns exec brave_ramanujan ip link show type bridge: nothing
      t.deepEqual(await listLinks(brave.sock, { kind: 'bridge' }), []);
    } finally {
      await cleanup(made);
    }
  });
});

test('seed 004 (two namespaces): red and green joined by a veth pair, /32 addresses, device routes, ping', async (t) => {
  await withNs('root', async (root) => {
    const made: Named[] = [];
    try {
      // sudo ip netns add red; sudo ip netns add green; sudo ip netns list
      const red = await netnsAdd('red', made);
      const green = await netnsAdd('green', made);
      const names = await listNamespaces();
      t.true(names.includes(red.name) && names.includes(green.name));
      // sudo ip link add rveth type veth peer name gveth; sudo ip link list
      await createLink(root.sock, { name: 'rveth', kind: 'veth', peer: 'gveth' });
      t.deepEqual((await listLinks(root.sock, { kind: 'veth' })).map((l) => l.ifname).sort(), ['gveth', 'rveth']);
      // sudo ip link set rveth netns red; sudo ip link set gveth netns green
      await moveLink(root.sock, 'rveth', red.ns);
      await moveLink(root.sock, 'gveth', green.ns);
      // (red) ip addr: "lo: <LOOPBACK> ... DOWN", "rveth@if3: <BROADCAST,MULTICAST> ... DOWN ... link-netnsid 1"
      const redLinks = await listLinks(red.sock);
      t.like(redLinks.find((l) => l.ifname === 'lo'), { flags: ['LOOPBACK'], operstate: 'DOWN' });
      t.like(redLinks.find((l) => l.ifname === 'rveth'), { flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN' });
      t.is(typeof redLinks.find((l) => l.ifname === 'rveth')!.link_netnsid, 'number');
      t.deepEqual(await listAddresses(red.sock), [], 'no addresses yet');
      // (red) ip link set dev lo up; ip link set dev rveth up -> NO-CARRIER, LOWERLAYERDOWN (green end is down)
      await setLink(red.sock, 'lo', { up: true });
      await setLink(red.sock, 'rveth', { up: true });
      t.like(await (async () => (await listLinks(red.sock)).find((l) => l.ifname === 'rveth'))(), { flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], operstate: 'LOWERLAYERDOWN' });
      t.like((await listLinks(red.sock)).find((l) => l.ifname === 'lo'), { flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN' });
      // (red) ip addr add 10.10.1.2/32 dev rveth
      await addAddress(red.sock, { dev: 'rveth', address: '10.10.1.2/32' });
      // (green) ip link set dev lo up; ip link set dev gveth up; ip addr add 10.10.1.3/32 dev gveth
      await setLink(green.sock, 'lo', { up: true });
      await setLink(green.sock, 'gveth', { up: true });
      await addAddress(green.sock, { dev: 'gveth', address: '10.10.1.3/32' });
      const gveth = (await listLinks(green.sock)).find((l) => l.ifname === 'gveth')!;
      t.like(gveth, { flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP' });
      t.like((await listAddresses(green.sock, { dev: 'gveth', family: 4 }))[0], { local: '10.10.1.3', prefixlen: 32, scope: 'global' });
      // (green) ping 10.10.1.2 -> connect: Network is unreachable
      const p0 = await ping(green.ns, '10.10.1.2');
      t.false(p0.ok);
      t.regex(p0.out, /Network is unreachable/);
      // (green) ip route add 10.10.1.2/32 dev gveth; route -> "10.10.1.2 0.0.0.0 255.255.255.255 UH ... gveth"
      await addRoute(green.sock, { to: '10.10.1.2/32', dev: 'gveth' });
      t.deepEqual((await listRoutes(green.sock, { family: 4 })).map((r) => [r.dst, r.gateway, r.dev, r.scope]), [['10.10.1.2', undefined, 'gveth', 'link']]);
      // (red) ip route add 10.10.1.3/32 dev rveth; route; ping 10.10.1.3
      await addRoute(red.sock, { to: '10.10.1.3/32', dev: 'rveth' });
      t.deepEqual((await listRoutes(red.sock, { family: 4 })).map((r) => [r.dst, r.dev]), [['10.10.1.3', 'rveth']]);
      t.true((await ping(red.ns, '10.10.1.3')).ok, 'ping successfully work');
      t.true((await ping(green.ns, '10.10.1.2')).ok);
    } finally {
      await cleanup(made);
    }
  });
});
