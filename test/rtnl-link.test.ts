// Link operations against the kernel, each test in namespaces of its own, checked with `ip`.
import test from 'ava';
import { NetlinkError } from '../src/netlink/errors.js';
import { NLM_F_DUMP_FILTERED } from '../src/netlink/constants.js';
import * as C from '../src/rtnl/constants.js';
import {
  addAltNames, createLink, deleteAltNames, deleteLink, deleteLinkGroup, dumpLinks, encodeLinkDump, findLink, getLink,
  linkDown, linkIndex, linkPeerNamespace, linkUp, listLinks, moveLink, setLink, type BridgeInfoData, type BridgePortInfoData, type LinkSpec,
} from '../src/rtnl/index.js';
import { ipj, ipn, withNamespaces, withNs } from './helpers/rtnl.js';
import { tryRun } from './helpers/env.js';

test('create returns the new link; get finds it by name, index and altname', async (t) => {
  await withNs('lk', async ({ name, sock }) => {
    const v = await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
    t.truthy(v);
    t.is(v!.ifname, 'veth0');
    t.is(v!.link, 'ceth0', 'same-namespace peer is named');
    t.deepEqual(v!.flags, ['BROADCAST', 'MULTICAST', 'M-DOWN']);
    const byName = await getLink(sock, 'veth0');
    const byIndex = await getLink(sock, v!.ifindex);
    t.is(byIndex.ifname, 'veth0');
    t.is(byName.ifindex, v!.ifindex);
    const alt = 'an-alternative-name-longer-than-fifteen-bytes';
    await addAltNames(sock, 'veth0', [alt]);
    t.is((await getLink(sock, alt)).ifindex, v!.ifindex, 'IFLA_ALT_IFNAME lookup');
    t.deepEqual((await getLink(sock, 'veth0')).altnames, [alt]);
    t.deepEqual(ipj(name, ['link', 'show', 'veth0'])[0].altnames, [alt]);
    await deleteAltNames(sock, 'veth0', [alt]);
    t.is((await getLink(sock, 'veth0')).altnames, undefined);
    t.is(await linkIndex(sock, 'ceth0'), ipj(name, ['link', 'show', 'ceth0'])[0].ifindex);
    t.is(await findLink(sock, 'nosuch0'), undefined);
    const err = await t.throwsAsync(getLink(sock, 'nosuch0'), { instanceOf: NetlinkError });
    t.is(err?.code, 'ENODEV');
    t.regex(err!.message, /^get link nosuch0: ENODEV/);
  });
});

test('set: up/down, mtu, rename, address, txqlen, group, alias, promisc, arp — as ip sees them', async (t) => {
  await withNs('ls', async ({ name, sock }) => {
    await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
    await setLink(sock, 'veth0', { mtu: 1400, address: '02:00:00:00:00:01', txqlen: 500, group: 3, ifalias: 'uplink', promisc: true, arp: false });
    await linkUp(sock, 'ceth0');
    await linkUp(sock, 'veth0');
    let ip = ipj(name, ['-d', 'link', 'show', 'veth0'])[0];
    t.like(ip, { mtu: 1400, address: '02:00:00:00:00:01', txqlen: 500, group: '3', ifalias: 'uplink', promiscuity: 1, operstate: 'UP' });
    t.true(ip.flags.includes('NOARP') && ip.flags.includes('PROMISC') && ip.flags.includes('UP'));
    await setLink(sock, 'veth0', { up: false, name: 'uplink0', group: 'default', promisc: false, arp: true });
    ip = ipj(name, ['-d', 'link', 'show', 'uplink0'])[0];
    t.like(ip, { ifname: 'uplink0', group: 'default', promiscuity: 0, operstate: 'DOWN' });
    t.false(ip.flags.includes('UP'));
    await linkDown(sock, 'ceth0');
    const peer = await getLink(sock, 'ceth0');
    t.is(peer.link, 'uplink0');
    t.true(peer.flags.includes('M-DOWN'), 'ip marks a link whose peer is down M-DOWN');
  });
});

test('bridge: create with options, change them, enslave and free ports, port options', async (t) => {
  await withNs('lb', async ({ name, sock }) => {
    await createLink(sock, { name: 'br0', kind: 'bridge', bridge: { stp_state: 1, forward_delay: 400, priority: 4096, ageing_time: 1000 }, up: true });
    await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0', master: 'br0' });
    await createLink(sock, { name: 'veth1', kind: 'veth', peer: 'ceth1' });
    await setLink(sock, 'veth1', { master: 'br0' });
    let br = ipj(name, ['-d', 'link', 'show', 'br0'])[0];
    t.like(br.linkinfo.info_data, { stp_state: 1, forward_delay: 400, priority: 4096, ageing_time: 1000 });
    await setLink(sock, 'br0', { bridge: { stp_state: 0, hello_time: 300, mcast_snooping: false } });
    br = ipj(name, ['-d', 'link', 'show', 'br0'])[0];
    t.like(br.linkinfo.info_data, { stp_state: 0, hello_time: 300, mcast_snooping: 0 });
    const lib = await getLink(sock, 'br0');
    t.like(lib.linkinfo?.info_data as BridgeInfoData, { stp_state: 0, hello_time: 300, mcast_snooping: 0, priority: 4096 });
    await setLink(sock, 'veth1', { bridge_slave: { cost: 42, priority: 7, hairpin: true, learning: false } });
    const port = ipj(name, ['-d', 'link', 'show', 'veth1'])[0];
    t.is(port.master, 'br0');
    t.like(port.linkinfo.info_slave_data, { cost: 42, priority: 7, hairpin: true, learning: false });
    const libPort = await getLink(sock, 'veth1');
    t.is(libPort.master, 'br0');
    t.like(libPort.linkinfo?.info_slave_data as BridgePortInfoData, { cost: 42, priority: 7, hairpin: true, learning: false, state: 'disabled' });
    const ports = await listLinks(sock, { master: 'br0' });
    t.deepEqual(ports.map((l) => l.ifname).sort(), ['veth0', 'veth1']);
    await setLink(sock, 'veth0', { master: null });
    t.is(ipj(name, ['link', 'show', 'veth0'])[0].master, undefined, 'nomaster');
    t.deepEqual((await listLinks(sock, { master: 'br0' })).map((l) => l.ifname), ['veth1']);
  });
});

test('macvlan, vxlan and a generic kind (ifb through infoData)', async (t) => {
  await withNs('lm', async ({ name, sock }) => {
    await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
    const mv = await createLink(sock, { name: 'mv0', kind: 'macvlan', link: 'veth0', macvlan: { mode: 'bridge' } });
    t.is(mv?.link, 'veth0');
    t.like(mv?.linkinfo?.info_data as object, { mode: 'bridge' });
    await createLink(sock, { name: 'mv1', kind: 'macvlan', link: 'veth0', macvlan: { mode: 'private' } });
    await createLink(sock, { name: 'vx0', kind: 'vxlan', vxlan: { id: 42, remote: '203.0.113.2', local: '203.0.113.1', port: 4789, ttl: 10, learning: false } });
    await createLink(sock, { name: 'vx6', kind: 'vxlan', vxlan: { id: 43, group: 'ff05::100', link: 'veth0', port: 4790, ttl_inherit: true } });
    const vx = ipj(name, ['-d', 'link', 'show', 'vx0'])[0].linkinfo.info_data;
    t.like(vx, { id: 42, remote: '203.0.113.2', local: '203.0.113.1', port: 4789, ttl: 10, learning: false });
    const vx6 = ipj(name, ['-d', 'link', 'show', 'vx6'])[0].linkinfo.info_data;
    t.like(vx6, { id: 43, group6: 'ff05::100', link: 'veth0', port: 4790 });
    t.like((await getLink(sock, 'vx6')).linkinfo?.info_data as object, { id: 43, group6: 'ff05::100', link: 'veth0', port: 4790, ttl_inherit: true });
    const ifb = await createLink(sock, { name: 'ifb0', kind: 'ifb', infoData: [] });
    t.is(ifb?.linkinfo?.info_kind, 'ifb');
    t.is(ipj(name, ['-d', 'link', 'show', 'ifb0'])[0].linkinfo.info_kind, 'ifb');
  });
});

test('a veth peer created directly in another namespace (IFLA_NET_NS_FD in VETH_INFO_PEER)', async (t) => {
  await withNamespaces(['pa', 'pb'], async ([a, b]) => {
    const v = await createLink(a!.sock, { name: 'veth0', kind: 'veth', peer: { name: 'ceth0', netns: b!.ns, mtu: 1450 }, mtu: 1450 });
    t.is(v?.link_netnsid, 0, 'the peer is reported by index and netns id');
    const peerIp = ipj(b!.name, ['-d', 'link', 'show', 'ceth0'])[0];
    t.is(peerIp.mtu, 1450);
    t.is(peerIp.link_index, v!.ifindex, 'ceth0@ifN points back at veth0');
    const peer = await getLink(b!.sock, 'ceth0');
    t.is(peer.link_index, v!.ifindex);
    t.is(peer.link_netnsid, peerIp.link_netnsid);
    t.is(peer.link, undefined);
    const ns = await linkPeerNamespace(a!.sock, v!);
    t.truthy(ns, 'link_netnsid resolves to the named namespace');
    t.is(ns!.name, b!.name);
    t.true(ns!.equals(b!.ns));
    ns!.close();
    // The peer from a's socket, by the id a knows b by (IFLA_TARGET_NETNSID): no socket in b.
    const there = await getLink(a!.sock, v!.link_index!, { targetNetnsid: v!.link_netnsid });
    t.is(there.ifname, 'ceth0');
    t.is(there.mtu, 1450);
    t.is(there.link_index, v!.ifindex, 'its own peer index, unresolved (a name here would be from a)');
    t.is(there.link, undefined);
    await t.throwsAsync(getLink(a!.sock, v!.link_index!, { targetNetnsid: 4242 }), { instanceOf: NetlinkError, message: /get link \d+ in namespace id 4242.*EINVAL/ });
    await t.throwsAsync(getLink(a!.sock, 99999, { targetNetnsid: v!.link_netnsid }), { instanceOf: NetlinkError, message: /ENODEV/ });
    for (const bad of [-1, 1.5, 2 ** 31]) {
      await t.throwsAsync(getLink(a!.sock, 1, { targetNetnsid: bad }), { message: /targetNetnsid/ }, `targetNetnsid ${bad}`);
    }
    // By name works too, and ip sees the peer only in b.
    await createLink(a!.sock, { name: 'veth1', kind: 'veth', peer: { name: 'ceth1', netns: b!.name } });
    t.is(tryRun('ip', ['-n', a!.name, 'link', 'show', 'ceth1']).status, 1);
    t.is(ipj(b!.name, ['link', 'show', 'ceth1'])[0].ifname, 'ceth1');
  });
});

test('create a link directly in another namespace, move links between namespaces (and rename on the way)', async (t) => {
  await withNamespaces(['ma', 'mb'], async ([a, b]) => {
    const none = await createLink(a!.sock, { name: 'br9', kind: 'bridge', netns: b!.ns });
    t.is(none, undefined, 'no echo to read when the link lands elsewhere');
    t.is(ipj(b!.name, ['link', 'show', 'br9'])[0].ifname, 'br9');
    await createLink(a!.sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
    await moveLink(a!.sock, 'ceth0', b!.ns);
    t.is(ipj(b!.name, ['link', 'show', 'ceth0'])[0].ifname, 'ceth0');
    t.is(tryRun('ip', ['-n', a!.name, 'link', 'show', 'ceth0']).status, 1);
    await moveLink(b!.sock, 'ceth0', a!.name, { name: 'back0' });
    t.is(ipj(a!.name, ['link', 'show', 'back0'])[0].link, 'veth0');
    await setLink(a!.sock, 'back0', { netns: { path: `/run/netns/${b!.name}` } });
    t.is(ipj(b!.name, ['link', 'show', 'back0'])[0].ifname, 'back0');
  });
});

test('list: kind and master filters are applied by the kernel (NLM_F_DUMP_FILTERED)', async (t) => {
  await withNs('lf', async ({ sock }) => {
    await createLink(sock, { name: 'br0', kind: 'bridge' });
    for (let i = 0; i < 3; i++) await createLink(sock, { name: `veth${i}`, kind: 'veth', peer: `ceth${i}`, master: i < 2 ? 'br0' : undefined });
    await createLink(sock, { name: 'ifb0', kind: 'ifb', infoData: [] });
    // Raw dump: every message the kernel sent is a veth and is marked filtered.
    let n = 0;
    for await (const batch of sock.dumpBatches(encodeLinkDump({ kind: 'veth' }))) {
      for (const m of batch) {
        if (m.type !== C.RTM_NEWLINK) continue;
        n++;
        t.truthy(m.flags & NLM_F_DUMP_FILTERED);
      }
    }
    t.is(n, 6, 'six veth ends, nothing else crossed the socket');
    t.deepEqual((await listLinks(sock, { kind: 'veth' })).map((l) => l.ifname).sort(), ['ceth0', 'ceth1', 'ceth2', 'veth0', 'veth1', 'veth2']);
    t.deepEqual((await listLinks(sock, { kind: 'bridge' })).map((l) => l.ifname), ['br0']);
    t.deepEqual((await listLinks(sock, { master: 'br0' })).map((l) => l.ifname).sort(), ['veth0', 'veth1']);
    const ports = await listLinks(sock, { master: 'br0', kind: 'veth' });
    t.true(ports.every((l) => l.master === 'br0'), 'the master is named although it was not in the filtered dump');
    // A kind this kernel does not know is not filtered by it: the library filters instead.
    t.deepEqual(await listLinks(sock, { kind: 'dummy' }), []);
    const all: string[] = [];
    for await (const l of dumpLinks(sock)) all.push(l.ifname);
    t.is(all.length, 9);
  });
});

test('statistics only when asked for', async (t) => {
  await withNs('lt', async ({ sock }) => {
    const lo = await getLink(sock, 'lo');
    t.is(lo.stats64, undefined);
    t.false(lo.raw.some((r) => r.type === C.IFLA_STATS || r.type === C.IFLA_STATS64));
    const s = await getLink(sock, 'lo', { stats: true });
    t.is(typeof s.stats64?.rx.bytes, 'number');
    t.is(typeof s.stats64?.tx.packets, 'number');
  });
});

test('delete one link (its veth peer goes too), and a whole group in one request', async (t) => {
  await withNs('ld', async ({ name, sock }) => {
    await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
    await deleteLink(sock, 'veth0');
    t.deepEqual(ipj(name, ['link', 'show', 'type', 'veth']), []);
    const N = 60;
    for (let i = 0; i < N; i++) await createLink(sock, { name: `g${i}`, kind: 'veth', peer: { name: `h${i}`, group: 9 }, group: 9 });
    await createLink(sock, { name: 'keep0', kind: 'veth', peer: 'keep1' });
    // (ip 6.1 prints an empty {} for each link its group filter skips: count named entries.)
    const group9 = (): number => ipj(name, ['link', 'show', 'group', '9']).filter((l: { ifname?: string }) => l.ifname).length;
    t.is(group9(), 2 * N);
    await deleteLinkGroup(sock, 9);
    t.is(group9(), 0);
    t.is(ipj(name, ['link', 'show', 'type', 'veth']).length, 2, 'other groups untouched');
    // How much faster than one by one it is, is the benchmark's claim (bench/workloads/w3-veth.ts).
  });
});

test('kernel refusals: EEXIST, ENODEV, EOPNOTSUPP with the kernel text, the attribute named', async (t) => {
  await withNs('le', async ({ sock }) => {
    await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
    const exists = await t.throwsAsync(createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth9' }), { instanceOf: NetlinkError });
    t.is(exists!.code, 'EEXIST');
    t.is(exists!.message, 'create link veth0: EEXIST (file exists)');
    const master = await t.throwsAsync(createLink(sock, { name: 'x0', kind: 'veth', master: 'nosuchbr' }), { instanceOf: NetlinkError });
    t.is(master!.code, 'ENODEV');
    t.regex(master!.message, /^create link x0: master nosuchbr: ENODEV/);
    const gone = await t.throwsAsync(deleteLink(sock, 'nosuch0'), { instanceOf: NetlinkError });
    t.is(gone!.message, 'delete link nosuch0: ENODEV (no such device)');
    const vni = await t.throwsAsync(async () => {
      await createLink(sock, { name: 'vx0', kind: 'vxlan', vxlan: { id: 5, remote: '203.0.113.9', port: 4789 } });
      await createLink(sock, { name: 'vx1', kind: 'vxlan', vxlan: { id: 5, remote: '203.0.113.9', port: 4789 } });
    }, { instanceOf: NetlinkError });
    t.is(vni!.code, 'EEXIST');
    t.is(vni!.kernelMessage, 'A VXLAN device with the specified VNI already exists');
    // A malformed attribute (IFLA_MTU of one byte) is pointed at by the kernel: named IFLA_MTU.
    const bad = await t.throwsAsync(createLink(sock, { name: 'x1', kind: 'veth', attributes: [{ type: C.IFLA_MTU, data: new Uint8Array([1]) }] }), { instanceOf: NetlinkError });
    t.is(bad!.code, 'ERANGE');
    t.is(bad!.attributeName, 'IFLA_MTU');
    t.regex(bad!.message, /\[attribute IFLA_MTU\]/);
    const nested = await t.throwsAsync(createLink(sock, { name: 'vx2', kind: 'vxlan', vxlan: { id: 6, remote: '203.0.113.9' }, attributes: [] }).then(() =>
      setLink(sock, 'vx2', { bridge: { stp_state: 1 } })), { instanceOf: NetlinkError });
    t.is(nested!.code, 'EOPNOTSUPP', 'bridge options on a vxlan');
  });
});

for (const kind of ['dummy', 'vlan', 'bond'] as const) {
  test(`kind ${kind}: created if this kernel has it, else EOPNOTSUPP "Unknown device type"`, async (t) => {
    await withNs(`k${kind.slice(0, 2)}`, async ({ name, sock }) => {
      await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
      const spec = (kind === 'vlan' ? { name: 'x0', kind, link: 'veth0', vlan: { id: 5 } } : { name: 'x0', kind }) as LinkSpec;
      const viaIp = tryRun('ip', ['-n', name, 'link', 'add', 'probe0', ...(kind === 'vlan' ? ['link', 'veth0'] : []), 'type', kind, ...(kind === 'vlan' ? ['id', '6'] : [])]);
      try {
        await createLink(sock, spec);
        t.is(viaIp.status, 0, 'ip could create it too');
        t.is(ipj(name, ['-d', 'link', 'show', 'x0'])[0].linkinfo.info_kind, kind);
      } catch (err) {
        t.true(err instanceof NetlinkError);
        const e = err as NetlinkError;
        t.is(e.code, 'EOPNOTSUPP');
        t.is(e.kernelMessage, 'Unknown device type');
        t.is(e.message, 'create link x0: EOPNOTSUPP (operation not supported): Unknown device type');
        t.regex(viaIp.stderr, /Unknown device type/, 'ip gets the same answer');
        t.log(`this kernel has no ${kind}: ${e.message}`);
      }
    });
  });
}

test('bridge vlan_filtering where the kernel lacks it is refused by the kernel (EOPNOTSUPP), like ip', async (t) => {
  await withNs('lv', async ({ name, sock }) => {
    const viaIp = tryRun('ip', ['-n', name, 'link', 'add', 'brx', 'type', 'bridge', 'vlan_filtering', '1']);
    try {
      await createLink(sock, { name: 'br0', kind: 'bridge', bridge: { vlan_filtering: 1 } });
      t.is(viaIp.status, 0);
      t.is(ipj(name, ['-d', 'link', 'show', 'br0'])[0].linkinfo.info_data.vlan_filtering, 1);
    } catch (err) {
      t.is((err as NetlinkError).code, 'EOPNOTSUPP');
      t.not(viaIp.status, 0);
    }
    ipn(name, ['link', 'show']);
  });
});

test('without CAP_NET_ADMIN the kernel says EPERM, and reading still works', async (t) => {
  await withNs('lp', async ({ ns }) => {
    const index = new URL('../src/rtnl/index.ts', import.meta.url).pathname;
    const script = `import * as R from ${JSON.stringify(index)}; const s = R.openRtnlSocket();
      try { await R.createLink(s, { name: 'x0', kind: 'bridge' }); console.log('created'); }
      catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }
      console.log(JSON.stringify((await R.listLinks(s)).map((l) => l.ifname))); s.close();`;
    // An unprivileged process (nobody, no capabilities) inside this test's namespace.
    const r = await ns.exec('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, '--import=tsx', '--input-type=module', '-e', script]);
    t.is(r.code, 0, r.stderr);
    const [err, links] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    t.deepEqual(err, { name: 'NetlinkError', code: 'EPERM', message: 'create link x0: EPERM (operation not permitted)' });
    t.deepEqual(links, ['lo']);
  });
});
