// Bad input is refused before anything reaches the kernel: every mutating operation gets a
// socket that fails the test if it is touched at all, and must throw a ValidationError
// naming the offending field.
import test from 'ava';
import { ValidationError } from '../src/netlink/errors.js';
import type { NetlinkSocket } from '../src/netlink/socket.js';
import {
  addAddress, addNeighbour, addRoute, createLink, deleteAddress, deleteLink, deleteLinkGroup, deleteNeighbour, deleteRoute,
  getRoute, setLink, setNsid, getSysctl, setSysctl, sysctlPath,
} from '../src/rtnl/index.js';
import { linkNameProblem } from '../src/rtnl/schemas.js';
import { openNamespace, validateNamespaceName } from '../src/netlink/namespace.js';

/** A socket that must never be used: any property access fails the test. */
const untouchable = new Proxy({}, {
  get(_t, key) {
    throw new Error(`the socket was used (${String(key)}) although the input is invalid`);
  },
}) as NetlinkSocket;

async function refused(t: import('ava').ExecutionContext, p: () => Promise<unknown>, field: string, text?: RegExp): Promise<void> {
  const err = await t.throwsAsync(p, { instanceOf: ValidationError });
  t.is(err?.field, field, err?.message);
  if (text) t.regex(err!.message, text);
}

// ---- link names: the kernel's dev_valid_name

const badNames: Array<[string, RegExp]> = [
  ['', /empty/],
  ['a'.repeat(16), /16 bytes long; at most 15/],
  ['ééééééé\u00e9x', /bytes long/], // 8 two-byte letters + 1 = 17 bytes in UTF-8
  ['veth/0', /'\/'/],
  ['veth 0', /whitespace/],
  ['veth\t0', /whitespace/],
  ['eth0:1', /':'/],
  ['.', /not a valid interface name/],
  ['..', /not a valid interface name/],
];

for (const [name, text] of badNames) {
  test(`link name ${JSON.stringify(name)} is refused before any syscall`, async (t) => {
    await refused(t, () => createLink(untouchable, { name, kind: 'veth' }), 'link.name', text);
    await refused(t, () => createLink(untouchable, { name: 'ok0', kind: 'veth', peer: { name } }), 'link.peer.name', text);
    await refused(t, () => createLink(untouchable, { name: 'ok0', kind: 'veth', peer: name }), 'link.peer', text);
    await refused(t, () => setLink(untouchable, 'lo', { name }), 'settings.name', text);
  });
}

test('names the kernel accepts pass: 15 bytes, dots, dashes, UTF-8, %d templates', (t) => {
  for (const n of ['a'.repeat(15), 'br-lan.10', 'vethé', 'tap%d', '_x']) t.is(linkNameProblem(n), undefined, n);
});

test('a link given by a bad selector is refused', async (t) => {
  await refused(t, () => deleteLink(untouchable, 'no/such'), 'link');
  await refused(t, () => deleteLink(untouchable, 0), 'link');
  await refused(t, () => deleteLink(untouchable, -3), 'link');
  await refused(t, () => setLink(untouchable, 'x'.repeat(200), { up: true }), 'link');
  await refused(t, () => deleteLinkGroup(untouchable, 0), 'group', /group 0/);
});

// ---- kinds and kind options

test('unknown kinds are refused on the typed path, with the way out named', async (t) => {
  await refused(t, () => createLink(untouchable, { name: 'x0', kind: 'wireguardx' } as never), 'link.kind', /unknown link kind "wireguardx".*infoData/);
  await refused(t, () => createLink(untouchable, { name: 'x0' } as never), 'link.kind', /kind is required/);
  await refused(t, () => createLink(untouchable, { name: 'x0', kind: 'bad kind', infoData: [] }), 'link.kind');
});

test('kind options are checked: misspelt keys, ranges, required values', async (t) => {
  await refused(t, () => createLink(untouchable, { name: 'br0', kind: 'bridge', bridge: { stp: 1 } as never }), 'link.bridge', /Unrecognized key/);
  await refused(t, () => createLink(untouchable, { name: 'br0', kind: 'bridge', bridge: { priority: 70000 } }), 'link.bridge.priority');
  await refused(t, () => createLink(untouchable, { name: 'br0', kind: 'bridge', mtuu: 1 } as never), 'link', /Unrecognized key.*mtuu/);
  await refused(t, () => createLink(untouchable, { name: 'vx0', kind: 'vxlan', vxlan: {} }), 'link.vxlan.id', /VNI is required/);
  await refused(t, () => createLink(untouchable, { name: 'vx0', kind: 'vxlan', vxlan: { id: 1 << 24 } }), 'link.vxlan.id');
  await refused(t, () => createLink(untouchable, { name: 'vx0', kind: 'vxlan', vxlan: { id: 1, remote: '10.0.0.300' } }), 'link.vxlan.remote');
  await refused(t, () => createLink(untouchable, { name: 'vx0', kind: 'vxlan', vxlan: { id: 1, remote: '10.0.0.1', local: '::1' } }), 'link.vxlan.local', /same family/);
  await refused(t, () => createLink(untouchable, { name: 'mv0', kind: 'macvlan', link: 'eth0', macvlan: { mode: 'hub' as never } }), 'link.macvlan.mode');
  await refused(t, () => createLink(untouchable, { name: 'mv0', kind: 'macvlan' } as never), 'link.link');
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'vlan', link: 'eth0', vlan: { id: 4095 } }), 'link.vlan.id');
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', address: 'zz:00' }), 'link.address');
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', mtu: -1 }), 'link.mtu');
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', mtu: 1.5 }), 'link.mtu');
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', attributes: [{ type: 99999, data: new Uint8Array() }] }), 'link.attributes.0.type');
});

test('a veth peer namespace that does not exist is refused, naming the field', async (t) => {
  // Opening /run/netns/NAME is a file lookup, not a netlink request: the socket stays untouched.
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', peer: { name: 'c0', netns: 'no-such-netns-here' } }), 'link.peer.netns', /does not exist/);
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', netns: 'no-such-netns-here' }), 'link.netns', /does not exist/);
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', peer: { netns: { pid: 0x7ffffff0 } } }), 'link.peer.netns.pid', /no process/);
  await refused(t, () => createLink(untouchable, { name: 'v0', kind: 'veth', peer: { netns: 'bad/../name' as never } }), 'link.peer.netns');
  await refused(t, () => setLink(untouchable, 'lo', { netns: { name: '..' } }), 'settings.netns');
});

// ---- addresses, routes, neighbours

test('addresses and prefixes are checked', async (t) => {
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '192.168.0.256/16' }), 'address.address', /not an IPv4 address/);
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '192.168.0.1/33' }), 'address.address', /prefix length/);
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '2001:db8::1/129' }), 'address.address', /prefix length/);
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '2001:db8:::1/64' }), 'address.address');
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '10.0.0.1/32', peer: '2001:db8::1' }), 'address.peer', /same family/);
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '2001:db8::1/64', broadcast: '+' }), 'address.broadcast');
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '10.0.0.1/8', label: 'a-label-far-too-long' }), 'address.label');
  await refused(t, () => addAddress(untouchable, { dev: 'eth0', address: '10.0.0.1/8', valid_lft: 10, preferred_lft: 20 }), 'address.preferred_lft');
  await refused(t, () => addAddress(untouchable, { dev: 'eth 0', address: '10.0.0.1/8' }), 'address.dev');
  await refused(t, () => deleteAddress(untouchable, { dev: 'eth0', address: 'nope' }), 'address.address');
});

test('routes are checked', async (t) => {
  await refused(t, () => addRoute(untouchable, { to: '10.0.0.0/40' }), 'route.to');
  await refused(t, () => addRoute(untouchable, { to: 'defaultish' }), 'route.to', /or "default"/);
  await refused(t, () => addRoute(untouchable, { to: '10.0.0.0/8', via: '2001:db8::1' }), 'route.via', /family/);
  await refused(t, () => addRoute(untouchable, { to: 'default', table: 0 }), 'route.table');
  await refused(t, () => addRoute(untouchable, { to: 'default', nexthops: [] }), 'route.nexthops');
  await refused(t, () => addRoute(untouchable, { to: 'default', nexthops: [{ weight: 2 }] }), 'route.nexthops.0');
  await refused(t, () => addRoute(untouchable, { to: 'default', nexthops: [{ via: '10.0.0.1', weight: 300 }] }), 'route.nexthops.0.weight');
  await refused(t, () => addRoute(untouchable, { to: 'default', via: '10.0.0.1', metrics: { mtu: -5 } }), 'route.metrics.mtu');
  await refused(t, () => addRoute(untouchable, { to: 'default', via: '10.0.0.1', type: 'weird' as never }), 'route.type');
  await refused(t, () => addRoute(untouchable, { to: '10.0.0.0/8', pref: 'high' }), 'route.pref');
  await refused(t, () => deleteRoute(untouchable, { to: '300.0.0.0/8' }), 'route.to');
  await refused(t, () => getRoute(untouchable, { to: '10.0.0.0/8' }), 'query.to');
});

test('neighbours, nsids and sysctls are checked', async (t) => {
  await refused(t, () => addNeighbour(untouchable, { dev: 'eth0', to: '10.0.0.1', lladdr: 'nope' }), 'neighbour.lladdr');
  await refused(t, () => addNeighbour(untouchable, { dev: 'eth0', to: '10.0.0.x' }), 'neighbour.to');
  await refused(t, () => addNeighbour(untouchable, { dev: 'eth0', to: '10.0.0.1', state: 'sleepy' as never }), 'neighbour.state');
  await refused(t, () => deleteNeighbour(untouchable, { dev: 'eth0', to: '' }), 'neighbour.to');
  await refused(t, () => setNsid(untouchable, 'x', -2), 'nsid');
  await refused(t, () => getSysctl('net.ipv4.../x'), 'key');
  await refused(t, () => getSysctl('kernel.hostname'), 'key', /not a net\.\* sysctl/);
  await refused(t, () => getSysctl('net.ipv4.conf.eth0;rm -rf.forwarding'), 'key');
  await refused(t, () => setSysctl('net.ipv4.ip_forward', 1.5), 'value');
  await refused(t, () => setSysctl('net.ipv4.ip_forward', 'a\nb'), 'value');
});

test('sysctl keys map to /proc/sys paths, with / standing for a dot in an interface name', (t) => {
  t.is(sysctlPath('net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  t.is(sysctlPath('net.ipv4.conf.eth0/100.forwarding'), '/proc/sys/net/ipv4/conf/eth0.100/forwarding');
  t.is(sysctlPath('net/ipv6/conf/all/forwarding'), '/proc/sys/net/ipv6/conf/all/forwarding');
  t.is(sysctlPath('net.ipv4.conf.br-lan.rp_filter'), '/proc/sys/net/ipv4/conf/br-lan/rp_filter');
  t.throws(() => sysctlPath('net'), { instanceOf: ValidationError });
  t.throws(() => sysctlPath('net..ipv4'), { instanceOf: ValidationError });
  t.throws(() => sysctlPath('net.ipv4.conf./.x'), { instanceOf: ValidationError });
});

test('namespace names follow ip netns rules', (t) => {
  t.is(validateNamespaceName('ns0'), 'ns0');
  for (const bad of ['', '.', '..', 'a/b', 'x'.repeat(300)]) t.throws(() => validateNamespaceName(bad), { instanceOf: ValidationError }, bad);
  t.throws(() => openNamespace({ fd: -1 }), { instanceOf: ValidationError });
});
