// The oracle, both directions: one topology (bridge, veth pairs with a peer created directly
// in another namespace, macvlan, vxlan v4/v6, a generic kind; IPv4/IPv6 addresses including
// a /32 local + peer; default, device, table 100/1000, metrics, multipath, blackhole and IPv6
// routes; neighbours) is built once with the library and once with `ip`. Each time, what
// `ip -j -d link/addr/route/neigh show` prints is compared field by field with what the
// library decodes from the same namespaces.
import test, { type ExecutionContext } from 'ava';
import type { NetlinkSocket } from '../src/netlink/socket.js';
import {
  addAddress, addNeighbour, addRoute, createLink, linkUp, listAddresses, listLinks, listNeighbours, listRoutes, setLink,
  type Route,
} from '../src/rtnl/index.js';
import { ipn, ipj, sameFields, withNamespaces, type NsContext } from './helpers/rtnl.js';

async function buildWithLibrary(a: NsContext, b: NsContext): Promise<void> {
  const s = a.sock;
  await createLink(s, { name: 'br0', kind: 'bridge', bridge: { ageing_time: 6000, priority: 1000, mcast_snooping: 0 }, up: true });
  await createLink(s, { name: 'veth0', kind: 'veth', peer: { name: 'ceth0', netns: b.ns }, master: 'br0', up: true });
  await linkUp(b.sock, 'ceth0');
  await createLink(s, { name: 'vethx', kind: 'veth', peer: 'vethy', up: true, mtu: 1450 });
  await createLink(s, { name: 'mv0', kind: 'macvlan', link: 'vethy', macvlan: { mode: 'bridge' } });
  await createLink(s, { name: 'vx0', kind: 'vxlan', vxlan: { id: 42, remote: '203.0.113.2', local: '203.0.113.1', port: 4789, ttl: 10 } });
  await createLink(s, { name: 'vx6', kind: 'vxlan', vxlan: { id: 43, group: 'ff05::100', link: 'vethy', port: 4790 } });
  await createLink(s, { name: 'ifb0', kind: 'ifb', infoData: [], txqlen: 32 });
  await setLink(s, 'veth0', { bridge_slave: { cost: 5 } });

  await addAddress(s, { dev: 'br0', address: '192.168.0.1/16' });
  await addAddress(s, { dev: 'br0', address: '192.168.100.1/24', broadcast: '+', label: 'br0:1' });
  await addAddress(s, { dev: 'br0', address: '2001:db8::1/64', nodad: true });
  await addAddress(s, { dev: 'vethx', address: '10.10.1.2/32', peer: '10.10.1.3/32' });
  await addAddress(s, { dev: 'vethx', address: '10.99.0.1/24', valid_lft: 600, preferred_lft: 300, noprefixroute: true });
  await addAddress(b.sock, { dev: 'ceth0', address: '192.168.0.2/16' });

  await addRoute(s, { to: 'default', via: '192.168.0.2' });
  await addRoute(s, { to: '10.10.1.9/32', dev: 'vethx' });
  await addRoute(s, { to: '10.20.0.0/16', via: '192.168.0.2', table: 100 });
  await addRoute(s, { to: '10.21.0.0/16', via: '192.168.0.2', table: 1000, protocol: 'static' });
  await addRoute(s, { to: '10.40.0.0/16', via: '192.168.0.2', metric: 7, metrics: { mtu: 1400, advmss: 1360, lock: ['mtu'] } });
  await addRoute(s, { to: '10.30.0.0/16', nexthops: [{ via: '192.168.0.2', weight: 1 }, { via: '192.168.0.3', weight: 2 }] });
  await addRoute(s, { to: '10.50.0.0/16', type: 'blackhole' });
  await addRoute(s, { to: '2001:db8:1::/64', via: '2001:db8::2', metric: 100 });
  await addRoute(s, { to: 'default', via: '2001:db8::ff', pref: 'high' });
  await addRoute(b.sock, { to: 'default', via: '192.168.0.1' });

  await addNeighbour(s, { dev: 'br0', to: '192.168.0.9', lladdr: '02:00:00:00:00:09' });
  await addNeighbour(s, { dev: 'br0', to: '2001:db8::9', lladdr: '02:00:00:00:00:0a', router: true });
}

function buildWithIp(a: string, b: string): void {
  const A = (...args: string[]): string => ipn(a, args);
  const B = (...args: string[]): string => ipn(b, args);
  A('link', 'add', 'br0', 'type', 'bridge', 'ageing_time', '6000', 'priority', '1000', 'mcast_snooping', '0');
  A('link', 'set', 'br0', 'up');
  A('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'ceth0', 'netns', b);
  A('link', 'set', 'veth0', 'master', 'br0');
  A('link', 'set', 'veth0', 'up');
  B('link', 'set', 'ceth0', 'up');
  A('link', 'add', 'vethx', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'vethy');
  A('link', 'set', 'vethx', 'up');
  A('link', 'add', 'mv0', 'link', 'vethy', 'type', 'macvlan', 'mode', 'bridge');
  A('link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'remote', '203.0.113.2', 'local', '203.0.113.1', 'dstport', '4789', 'ttl', '10');
  A('link', 'add', 'vx6', 'type', 'vxlan', 'id', '43', 'group', 'ff05::100', 'dev', 'vethy', 'dstport', '4790');
  A('link', 'add', 'ifb0', 'txqueuelen', '32', 'type', 'ifb');
  A('link', 'set', 'veth0', 'type', 'bridge_slave', 'cost', '5');

  A('addr', 'add', '192.168.0.1/16', 'dev', 'br0');
  A('addr', 'add', '192.168.100.1/24', 'brd', '+', 'label', 'br0:1', 'dev', 'br0');
  A('addr', 'add', '2001:db8::1/64', 'dev', 'br0', 'nodad');
  A('addr', 'add', '10.10.1.2/32', 'peer', '10.10.1.3/32', 'dev', 'vethx');
  A('addr', 'add', '10.99.0.1/24', 'dev', 'vethx', 'valid_lft', '600', 'preferred_lft', '300', 'noprefixroute');
  B('addr', 'add', '192.168.0.2/16', 'dev', 'ceth0');

  A('route', 'add', 'default', 'via', '192.168.0.2');
  A('route', 'add', '10.10.1.9/32', 'dev', 'vethx');
  A('route', 'add', '10.20.0.0/16', 'via', '192.168.0.2', 'table', '100');
  A('route', 'add', '10.21.0.0/16', 'via', '192.168.0.2', 'table', '1000', 'proto', 'static');
  A('route', 'add', '10.40.0.0/16', 'via', '192.168.0.2', 'metric', '7', 'mtu', 'lock', '1400', 'advmss', '1360');
  A('route', 'add', '10.30.0.0/16', 'nexthop', 'via', '192.168.0.2', 'weight', '1', 'nexthop', 'via', '192.168.0.3', 'weight', '2');
  A('route', 'add', 'blackhole', '10.50.0.0/16');
  A('-6', 'route', 'add', '2001:db8:1::/64', 'via', '2001:db8::2', 'metric', '100');
  A('-6', 'route', 'add', 'default', 'via', '2001:db8::ff', 'pref', 'high');
  B('route', 'add', 'default', 'via', '192.168.0.1');

  A('neigh', 'add', '192.168.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'br0');
  A('neigh', 'add', '2001:db8::9', 'lladdr', '02:00:00:00:00:0a', 'dev', 'br0', 'router');
}

const LIFETIMES = ['valid_life_time', 'preferred_life_time'];

/** Compare everything ip shows in one namespace with the library's decode. Returns counts. */
async function compareNamespace(t: ExecutionContext, ns: string, sock: NetlinkSocket): Promise<Record<string, number>> {
  const counts = { links: 0, addresses: 0, routes: 0, neighbours: 0, fields: 0 };

  const ipLinks = ipj(ns, ['-d', 'link', 'show']);
  const libLinks = await listLinks(sock);
  t.deepEqual(libLinks.map((l) => l.ifindex).sort(), ipLinks.map((l: { ifindex: number }) => l.ifindex).sort(), `${ns}: same links`);
  for (const ipl of ipLinks) {
    const lib = libLinks.find((l) => l.ifindex === ipl.ifindex)!;
    counts.fields += sameFields(t, ipl, lib as never, `${ns} link ${ipl.ifname}`);
    counts.links++;
  }

  const ipAddrs = ipj(ns, ['addr', 'show']).flatMap((l: { ifindex: number; addr_info: object[] }) => l.addr_info.map((a) => ({ ...a, index: l.ifindex })));
  const libAddrs = await listAddresses(sock);
  t.is(libAddrs.length, ipAddrs.length, `${ns}: same number of addresses`);
  for (const ipa of ipAddrs) {
    const lib = libAddrs.find((a) => a.index === ipa.index && a.local === ipa.local);
    t.truthy(lib, `${ns}: address ${ipa.local} decoded`);
    if (!lib) continue;
    const { valid_life_time: v, preferred_life_time: p, ...rest } = ipa;
    counts.fields += sameFields(t, rest, lib as never, `${ns} address ${ipa.local}`);
    // Lifetimes count down between the two reads.
    t.true(Math.abs((lib.valid_life_time ?? 0) - v) <= 2 && Math.abs((lib.preferred_life_time ?? 0) - p) <= 2, `${ns} ${ipa.local} lifetimes`);
    counts.addresses++;
  }

  const key = (r: { table?: string; type?: string; dst: string; dev?: string; metric?: number; gateway?: string }): string =>
    `${r.table}|${r.type}|${r.dst}|${r.dev ?? ''}|${r.metric ?? ''}|${r.gateway ?? ''}`;
  const ipRoutes = ipj(ns, ['-d', 'route', 'show', 'table', 'all']);
  const libRoutes = await listRoutes(sock, { table: 'all' });
  const libByKey = new Map<string, Route>(libRoutes.map((r) => [key(r), r]));
  t.is(libRoutes.length, ipRoutes.length, `${ns}: same number of routes`);
  for (const ipr of ipRoutes) {
    const lib = libByKey.get(key(ipr));
    t.truthy(lib, `${ns}: route ${key(ipr)} decoded`);
    if (!lib) continue;
    counts.fields += sameFields(t, ipr, lib as never, `${ns} route ${key(ipr)}`);
    counts.routes++;
  }

  const ipNeigh = ipj(ns, ['neigh', 'show']);
  const libNeigh = await listNeighbours(sock);
  t.is(libNeigh.length, ipNeigh.length, `${ns}: same number of neighbours`);
  for (const ipn of ipNeigh) {
    const lib = libNeigh.find((n) => n.dst === ipn.dst && n.dev === ipn.dev);
    t.truthy(lib, `${ns}: neighbour ${ipn.dst} decoded`);
    if (!lib) continue;
    counts.fields += sameFields(t, ipn, lib as never, `${ns} neighbour ${ipn.dst}`, LIFETIMES);
    counts.neighbours++;
  }
  return counts;
}

/** The features the topology must show, whoever built it (guards against a silent empty compare). */
async function checkTopology(t: ExecutionContext, a: NsContext, b: NsContext): Promise<void> {
  const links = await listLinks(a.sock);
  const by = (n: string): (typeof links)[number] => links.find((l) => l.ifname === n)!;
  t.is(by('veth0').master, 'br0');
  t.is(by('veth0').link_netnsid, 0, 'peer in the other namespace: link_netnsid');
  t.is(by('vethx').link, 'vethy');
  t.is(by('mv0').link, 'vethy');
  t.like(by('br0').linkinfo?.info_data as object, { ageing_time: 6000, priority: 1000, mcast_snooping: 0 });
  t.like(by('veth0').linkinfo?.info_slave_data as object, { cost: 5 });
  t.like(by('vx0').linkinfo?.info_data as object, { id: 42, remote: '203.0.113.2', local: '203.0.113.1', port: 4789, ttl: 10 });
  t.like(by('vx6').linkinfo?.info_data as object, { id: 43, group6: 'ff05::100', link: 'vethy', port: 4790 });
  t.is(by('ifb0').linkinfo?.info_kind, 'ifb');
  const peer = (await listLinks(b.sock)).find((l) => l.ifname === 'ceth0')!;
  t.is(peer.link_index, by('veth0').ifindex);

  const addrs = await listAddresses(a.sock);
  t.like(addrs.find((x) => x.local === '10.10.1.2'), { address: '10.10.1.3', prefixlen: 32, dev: 'vethx' });
  t.like(addrs.find((x) => x.local === '192.168.100.1'), { broadcast: '192.168.100.255', label: 'br0:1' });
  t.like(addrs.find((x) => x.local === '10.99.0.1'), { noprefixroute: true, dynamic: true });

  const routes = await listRoutes(a.sock, { table: 'all' });
  const r = (dst: string, table = 'main'): Route | undefined => routes.find((x) => x.dst === dst && x.table === table);
  t.like(r('default'), { gateway: '192.168.0.2', dev: 'br0', protocol: 'boot', scope: 'global' });
  t.like(r('10.10.1.9'), { dev: 'vethx', scope: 'link' });
  t.like(r('10.20.0.0/16', '100'), { gateway: '192.168.0.2' });
  t.like(r('10.21.0.0/16', '1000'), { table_id: 1000, protocol: 'static' });
  t.deepEqual(r('10.40.0.0/16')?.metrics, [{ mtu: 1400, advmss: 1360 }]);
  t.deepEqual(r('10.40.0.0/16')?.metrics_lock, ['mtu']);
  t.deepEqual(r('10.30.0.0/16')?.nexthops?.map((n) => [n.gateway, n.weight]), [['192.168.0.2', 1], ['192.168.0.3', 2]]);
  t.is(r('10.50.0.0/16')?.type, 'blackhole');
  t.like(routes.find((x) => x.dst === '2001:db8:1::/64'), { gateway: '2001:db8::2', metric: 100, pref: 'medium' });
  t.like(routes.find((x) => x.dst === 'default' && x.family === 'inet6'), { gateway: '2001:db8::ff', pref: 'high' });
  t.like((await listRoutes(b.sock)).find((x) => x.dst === 'default'), { gateway: '192.168.0.1', dev: 'ceth0' });

  const neigh = await listNeighbours(a.sock);
  t.like(neigh.find((n) => n.dst === '2001:db8::9'), { lladdr: '02:00:00:00:00:0a', router: null, state: ['PERMANENT'] });
}

test('a topology built with the library reads the same through ip -j -d as through the library', async (t) => {
  await withNamespaces(['oa', 'ob'], async ([a, b]) => {
    await buildWithLibrary(a!, b!);
    await checkTopology(t, a!, b!);
    const ca = await compareNamespace(t, a!.name, a!.sock);
    const cb = await compareNamespace(t, b!.name, b!.sock);
    t.log(`library-built: compared ${JSON.stringify(ca)} in ${a!.name}, ${JSON.stringify(cb)} in ${b!.name}`);
    t.true(ca.links >= 8 && ca.routes >= 15 && ca.addresses >= 8 && ca.neighbours === 2);
  });
});

test('a topology built with ip decodes with the library to what ip prints', async (t) => {
  await withNamespaces(['ia', 'ib'], async ([a, b]) => {
    buildWithIp(a!.name, b!.name);
    await checkTopology(t, a!, b!);
    const ca = await compareNamespace(t, a!.name, a!.sock);
    const cb = await compareNamespace(t, b!.name, b!.sock);
    t.log(`ip-built: compared ${JSON.stringify(ca)} in ${a!.name}, ${JSON.stringify(cb)} in ${b!.name}`);
    t.true(ca.links >= 8 && ca.routes >= 15 && ca.addresses >= 8 && ca.neighbours === 2);
  });
});
