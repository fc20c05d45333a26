// Neighbour operations against the kernel (`ip neigh add/replace/del/show`).
import test from 'ava';
import { NetlinkError } from '../src/netlink/errors.js';
import {
  addAddress, addNeighbour, createLink, deleteNeighbour, listNeighbours, replaceNeighbour,
} from '../src/rtnl/index.js';
import { ipj, withNamespaces, withNs } from './helpers/rtnl.js';

test('add, replace, list (filtered by device), delete neighbours', async (t) => {
  await withNs('ne', async ({ name, sock }) => {
    await createLink(sock, { name: 'veth0', kind: 'veth', peer: { name: 'ceth0', up: true }, up: true });
    await createLink(sock, { name: 'veth1', kind: 'veth', peer: { name: 'ceth1', up: true }, up: true });
    await addAddress(sock, { dev: 'veth0', address: '192.168.0.1/24' });
    await addNeighbour(sock, { dev: 'veth0', to: '192.168.0.9', lladdr: '02:00:00:00:00:09' });
    await addNeighbour(sock, { dev: 'veth0', to: '2001:db8::9', lladdr: '02:00:00:00:00:0a', router: true, state: 'reachable' });
    await addNeighbour(sock, { dev: 'veth1', to: '192.168.1.9', lladdr: '02:00:00:00:01:09', state: 'stale' });
    t.like(ipj(name, ['neigh', 'show', '192.168.0.9'])[0], { dev: 'veth0', lladdr: '02:00:00:00:00:09', state: ['PERMANENT'] });
    const v0 = await listNeighbours(sock, { dev: 'veth0' });
    t.deepEqual(v0.map((n) => n.dst).sort(), ['192.168.0.9', '2001:db8::9']);
    t.like(v0.find((n) => n.dst === '2001:db8::9'), { router: null, family: 'inet6', dev: 'veth0' });
    t.deepEqual((await listNeighbours(sock, { family: 4 })).map((n) => n.dst).sort(), ['192.168.0.9', '192.168.1.9']);
    const dup = await t.throwsAsync(addNeighbour(sock, { dev: 'veth0', to: '192.168.0.9', lladdr: '02:00:00:00:00:99' }), { instanceOf: NetlinkError });
    t.is(dup!.code, 'EEXIST');
    await replaceNeighbour(sock, { dev: 'veth0', to: '192.168.0.9', lladdr: '02:00:00:00:00:99' });
    t.is(ipj(name, ['neigh', 'show', '192.168.0.9'])[0].lladdr, '02:00:00:00:00:99');
    await deleteNeighbour(sock, { dev: 'veth0', to: '192.168.0.9' });
    t.deepEqual(ipj(name, ['neigh', 'show', '192.168.0.9']), []);
    const gone = await t.throwsAsync(deleteNeighbour(sock, { dev: 'veth0', to: '192.168.0.9' }), { instanceOf: NetlinkError });
    t.is(gone!.code, 'ENOENT');
    // A NOARP entry: hidden by default (as `ip neigh show` hides it), listed with all: true.
    await addNeighbour(sock, { dev: 'veth0', to: '192.168.0.77', lladdr: '02:00:00:00:00:77', state: 'noarp' });
    const dst = (l: { dst?: string }[]) => l.map((n) => n.dst);
    t.false(dst(await listNeighbours(sock)).includes('192.168.0.77'));
    t.true(dst(await listNeighbours(sock, { all: true })).includes('192.168.0.77'), 'all: true adds the NOARP entries ip hides');
    t.false(ipj(name, ['neigh', 'show']).some((n: { dst: string }) => n.dst === '192.168.0.77'), 'ip hides it too');
    t.true(ipj(name, ['neigh', 'show', 'nud', 'all']).some((n: { dst: string }) => n.dst === '192.168.0.77'));
  });
});

test('neighbours learned from traffic between two namespaces read as in ip', async (t) => {
  await withNamespaces(['na', 'nb'], async ([a, b]) => {
    await createLink(a!.sock, { name: 'veth0', kind: 'veth', peer: { name: 'ceth0', netns: b!.ns, up: true }, up: true });
    await addAddress(a!.sock, { dev: 'veth0', address: '192.168.7.1/24' });
    await addAddress(b!.sock, { dev: 'ceth0', address: '192.168.7.2/24' });
    // Traffic only between the two namespaces this test made.
    const r = await a!.ns.exec('ping', ['-c', '1', '-W', '2', '192.168.7.2']);
    t.is(r.code, 0, r.stdout + r.stderr);
    const ip = ipj(a!.name, ['neigh', 'show']);
    const lib = await listNeighbours(a!.sock);
    const peer = lib.find((n) => n.dst === '192.168.7.2');
    t.truthy(peer, 'the ARP entry for the peer was learned');
    t.is(peer!.dev, 'veth0');
    t.regex(peer!.state!.join(','), /REACHABLE|STALE|DELAY|PROBE/);
    t.is(lib.length, ip.length);
    for (const e of ip) t.like(lib.find((n) => n.dst === e.dst && n.dev === e.dev), e);
  });
});
