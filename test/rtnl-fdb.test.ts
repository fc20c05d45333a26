// Bridge FDB against the kernel and `bridge fdb`: entries made by bridge on bridge ports and
// vxlan devices decode and print as `bridge -j [-s] fdb show`, the library's requests are
// byte-equal to bridge's, library writes read back by bridge, bad input refused.
import test from 'ava';
import { ValidationError } from '../src/netlink/errors.js';
import {
  addBridgeVlan, addFdb, appendFdb, bridgePortJson, deleteBridgeVlan, deleteFdb, encodeBridgePortSet, encodeBridgeVlan, encodeDelFdb, encodeNewFdb,
  fdbJson, fdbMessage, fdbText, linkIndex, listBridgePorts, listFdb, replaceFdb, setBridgePort, type BridgePortSettings, type BridgeVlanSpec, type FdbSpec,
} from '../src/rtnl/index.js';
import { ipn, withNs } from './helpers/rtnl.js';
import { messagesOf, requestHex, sentDatagrams } from './helpers/strace.js';
import { run } from './helpers/env.js';

const RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29;
const clean = (o: unknown): any => JSON.parse(JSON.stringify(o));
const bridgej = (ns: string, args: string[]): any[] => {
  const out = run('ip', ['netns', 'exec', ns, 'bridge', '-j', ...args]).trim();
  return out ? JSON.parse(out) : [];
};

/** br0 with port veth0 (peer veth1), vxlan vx0 (vni 42), vx1 (external), vx6 (IPv6 underlay), fdb nexthops 1 and group 2. */
function topology(ns: string): void {
  for (const args of [
    ['link', 'add', 'br0', 'type', 'bridge'], ['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1'],
    ['link', 'set', 'veth0', 'master', 'br0'], ['link', 'set', 'br0', 'up'], ['link', 'set', 'veth0', 'up'], ['link', 'set', 'veth1', 'up'],
    ['addr', 'add', '192.0.2.1/24', 'dev', 'br0'], ['-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'br0', 'nodad'],
    ['link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '192.0.2.1', 'nolearning'],
    ['link', 'add', 'vx1', 'type', 'vxlan', 'external', 'dstport', '4790'],
    ['link', 'add', 'vx6', 'type', 'vxlan', 'id', '7', 'dstport', '4791', 'local', '2001:db8::1'],
    ['link', 'set', 'vx0', 'up'], ['link', 'set', 'vx1', 'up'], ['link', 'set', 'vx6', 'up'],
    ['nexthop', 'add', 'id', '1', 'via', '198.51.100.20', 'fdb'], ['nexthop', 'add', 'id', '2', 'group', '1', 'fdb'],
  ]) ipn(ns, args);
}

// bridge arguments (after the verb) and the library's spec for the same entry.
const CASES: Array<['add' | 'append' | 'replace', string[], FdbSpec]> = [
  ['add', ['02:00:00:00:00:01', 'dev', 'veth0', 'master', 'static'], { mac: '02:00:00:00:00:01', dev: 'veth0', master: true, state: 'static' }],
  ['add', ['02:00:00:00:00:03', 'dev', 'veth0', 'master'], { mac: '02:00:00:00:00:03', dev: 'veth0', master: true }],
  ['add', ['02:00:00:00:00:07', 'dev', 'veth0', 'master', 'static', 'sticky'], { mac: '02:00:00:00:00:07', dev: 'veth0', master: true, state: 'static', sticky: true }],
  ['add', ['02:00:00:00:00:08', 'dev', 'veth0', 'master', 'extern_learn'], { mac: '02:00:00:00:00:08', dev: 'veth0', master: true, extern_learn: true }],
  ['add', ['02:00:00:00:00:0b', 'dev', 'veth0', 'self'], { mac: '02:00:00:00:00:0b', dev: 'veth0', self: true }],
  ['add', ['02:00:00:00:00:0d', 'dev', 'veth0', 'master', 'router', 'permanent'], { mac: '02:00:00:00:00:0d', dev: 'veth0', master: true, router: true, state: 'permanent' }],
  ['add', ['00:00:00:00:00:00', 'dev', 'vx0', 'dst', '198.51.100.1'], { mac: '00:00:00:00:00:00', dev: 'vx0', dst: '198.51.100.1' }],
  ['append', ['00:00:00:00:00:00', 'dev', 'vx0', 'dst', '198.51.100.2'], { mac: '00:00:00:00:00:00', dev: 'vx0', dst: '198.51.100.2' }],
  ['add', ['02:00:00:00:00:04', 'dev', 'vx0', 'dst', '198.51.100.3', 'port', '4790', 'vni', '43'], { mac: '02:00:00:00:00:04', dev: 'vx0', dst: '198.51.100.3', port: 4790, vni: 43 }],
  ['add', ['02:00:00:00:00:05', 'dev', 'vx0', 'dst', '198.51.100.4', 'via', 'veth1', 'self', 'permanent'], { mac: '02:00:00:00:00:05', dev: 'vx0', dst: '198.51.100.4', via: 'veth1', self: true, state: 'permanent' }],
  ['add', ['02:00:00:00:00:06', 'dev', 'vx1', 'dst', '198.51.100.5', 'vni', '100', 'src_vni', '200'], { mac: '02:00:00:00:00:06', dev: 'vx1', dst: '198.51.100.5', vni: 100, src_vni: 200 }],
  ['add', ['02:00:00:00:00:11', 'dev', 'vx1', 'nhid', '2', 'self'], { mac: '02:00:00:00:00:11', dev: 'vx1', nhid: 2, self: true }],
  ['add', ['00:00:00:00:00:00', 'dev', 'vx6', 'dst', '2001:db8::10'], { mac: '00:00:00:00:00:00', dev: 'vx6', dst: '2001:db8::10' }],
  ['replace', ['02:00:00:00:00:04', 'dev', 'vx0', 'dst', '198.51.100.30', 'port', '5000', 'vni', '44'], { mac: '02:00:00:00:00:04', dev: 'vx0', dst: '198.51.100.30', port: 5000, vni: 44 }],
];

/** The entries that are not the kernel's own (multicast, the ports' addresses): ours. */
const ours = (list: any[]): any[] => list.filter((e) => /^(02:00|00:00)/.test(e.mac));

test('fdb entries made by bridge (ports and vxlan) decode and print as bridge -j [-s] fdb show', async (t) => {
  await withNs('fd', async ({ name, sock }) => {
    topology(name);
    for (const [verb, args] of CASES) run('ip', ['netns', 'exec', name, 'bridge', 'fdb', verb, ...args]);
    const lib = await listFdb(sock);
    t.deepEqual(clean(lib.map((e) => fdbJson(e))), bridgej(name, ['fdb', 'show']));
    t.is(ours(bridgej(name, ['fdb', 'show'])).length, CASES.length - 1, 'every case is there (replace changed one)');
    t.is(lib.map((e) => fdbText(e)).join(''), run('ip', ['netns', 'exec', name, 'bridge', 'fdb', 'show']));
    // -s: used/updated count seconds, so they may tick between the two reads.
    // Read by bridge before and after the library: the library's ages lie between the two (a
    // fixed tolerance failed on a loaded machine, where seconds pass between two reads).
    const stats = bridgej(name, ['-s', 'fdb', 'show']);
    const libStats = clean((await listFdb(sock)).map((e) => fdbJson(e, { stats: true })));
    const after = bridgej(name, ['-s', 'fdb', 'show']);
    t.is(libStats.length, stats.length);
    stats.forEach((s: any, i: number) => {
      const l = libStats[i];
      const a = after[i];
      // (An entry the bridge learned can be refreshed by traffic in between: its age restarts.)
      const between = (x: unknown, lo: unknown, hi: unknown): boolean => x === lo || (typeof x === 'number' && typeof lo === 'number' && typeof hi === 'number' && Math.min(lo, hi) - 1 <= x && x <= Math.max(lo, hi) + 1);
      t.true(between(l.used, s.used, a.used) && between(l.updated, s.updated, a.updated), `${s.mac} used/updated: ${JSON.stringify([l.used, l.updated, s.used, s.updated, a.used, a.updated])}`);
      t.deepEqual({ ...l, used: 0, updated: 0 }, { ...s, used: 0, updated: 0 }, s.mac);
    });
    // Filters: dev (bridge then leaves the device out) and br (the kernel's NDA_MASTER).
    for (const dev of ['vx0', 'veth0', 'vx1']) {
      t.deepEqual(clean((await listFdb(sock, { dev })).map((e) => fdbJson(e, { showDev: false }))), bridgej(name, ['fdb', 'show', 'dev', dev]), `dev ${dev}`);
    }
    t.deepEqual(clean((await listFdb(sock, { master: 'br0' })).map((e) => fdbJson(e))), bridgej(name, ['fdb', 'show', 'br', 'br0']), 'br br0');
    t.deepEqual(clean((await listFdb(sock, { dynamic: true })).map((e) => fdbJson(e))), bridgej(name, ['fdb', 'show', 'dynamic']), 'dynamic');
    const vx = lib.find((e) => e.mac === '02:00:00:00:00:04')!;
    t.like(vx, { ifname: 'vx0', dst: '198.51.100.30', port: 5000, vni: 44, flags: ['self'], state: 'permanent', nud: ['noarp', 'permanent'] });
    t.like(lib.find((e) => e.mac === '02:00:00:00:00:05'), { viaIf: 'veth1' });
    t.deepEqual(lib.filter((e) => e.ifname === 'vx0' && e.mac === '00:00:00:00:00:00').map((e) => e.dst).sort(), ['198.51.100.1', '198.51.100.2']);
  });
});

test('library fdb requests are byte-equal to bridge fdb add / append / replace / del', async (t) => {
  await withNs('fb', async ({ name, sock }) => {
    topology(name);
    const idx = async (d: unknown): Promise<number | undefined> => (d === undefined ? undefined : linkIndex(sock, d as string));
    // vlan on a port: this kernel refuses it (no VLAN filtering) but bridge still sends the request.
    const cases: typeof CASES = [...CASES, ['add', ['02:00:00:00:00:0a', 'dev', 'veth0', 'master', 'vlan', '5'], { mac: '02:00:00:00:00:0a', dev: 'veth0', master: true, vlan: 5 }]];
    for (const [verb, args, spec] of cases) {
      const { datagrams, stderr } = sentDatagrams(['bridge', 'fdb', verb, ...args], name);
      const sent = messagesOf(datagrams).filter((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true) === RTM_NEWNEIGH);
      t.is(sent.length, 1, `bridge fdb ${verb} ${args.join(' ')}: ${stderr}`);
      const mine = encodeNewFdb(fdbMessage(spec, (await idx(spec.dev))!, await idx(spec.via)), verb);
      t.is(requestHex(mine), requestHex(sent[0]!), `bridge fdb ${verb} ${args.join(' ')}`);
      const del = sentDatagrams(['bridge', 'fdb', 'del', ...args.filter((a) => !['sticky', 'extern_learn', 'router'].includes(a))], name);
      const sentDel = messagesOf(del.datagrams).find((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true) === RTM_DELNEIGH)!;
      t.is(requestHex(encodeDelFdb(fdbMessage(spec, (await idx(spec.dev))!, await idx(spec.via), true))), requestHex(sentDel), `bridge fdb del ${args.join(' ')}`);
    }
  });
});

test('library fdb writes read back by bridge; append, replace, delete one remote', async (t) => {
  await withNs('fl', async ({ name, sock }) => {
    topology(name);
    for (const [verb, , spec] of CASES) await (verb === 'add' ? addFdb : verb === 'append' ? appendFdb : replaceFdb)(sock, spec);
    t.deepEqual(clean((await listFdb(sock)).map((e) => fdbJson(e))), bridgej(name, ['fdb', 'show']));
    t.deepEqual(ours(bridgej(name, ['fdb', 'show', 'dev', 'vx0'])).map((e: any) => e.dst).sort(), ['198.51.100.1', '198.51.100.2', '198.51.100.30', '198.51.100.4']);
    t.like(bridgej(name, ['fdb', 'show', 'dev', 'vx1']).find((e: any) => e.mac === '02:00:00:00:00:06'), { dst: '198.51.100.5', vni: 100, src_vni: 200 });
    t.like(bridgej(name, ['fdb', 'show', 'dev', 'vx1']).find((e: any) => e.mac === '02:00:00:00:00:11'), { nhid: 2 });
    t.like(bridgej(name, ['fdb', 'show', 'dev', 'veth0']).find((e: any) => e.mac === '02:00:00:00:00:07'), { flags: ['sticky'], master: 'br0', state: 'static' });

    const dup = await t.throwsAsync(addFdb(sock, CASES[0]![2]));
    t.is((dup as any).code, 'EEXIST');
    // Delete one of the two all-zeros remotes: the other stays.
    await deleteFdb(sock, { mac: '00:00:00:00:00:00', dev: 'vx0', dst: '198.51.100.1' });
    t.deepEqual(bridgej(name, ['fdb', 'show', 'dev', 'vx0']).filter((e: any) => e.mac === '00:00:00:00:00:00').map((e: any) => e.dst), ['198.51.100.2']);
    await deleteFdb(sock, { mac: '02:00:00:00:00:01', dev: 'veth0', master: true });
    t.is(bridgej(name, ['fdb', 'show', 'dev', 'veth0']).filter((e: any) => e.mac === '02:00:00:00:00:01').length, 0);
    const gone = await t.throwsAsync(deleteFdb(sock, { mac: '02:00:00:00:00:01', dev: 'veth0', master: true }));
    t.is((gone as any).code, 'ENOENT');
    t.regex((gone as Error).message, /delete fdb 02:00:00:00:00:01 dev veth0/);
    // What this kernel refuses comes back with its errno and reason.
    const vlan = await t.throwsAsync(addFdb(sock, { mac: '02:00:00:00:00:0a', dev: 'veth0', master: true, vlan: 5 }));
    t.is((vlan as any).code, 'EINVAL', 'a vlan on a bridge without VLAN filtering');
  });
});

test('bad fdb entries are refused before anything is sent, the field named', async (t) => {
  const sock = { request: () => { throw new Error('sent'); } } as any;
  const bad: Array<[any, RegExp]> = [
    [{ mac: 'zz', dev: 'vx0' }, /fdb\.mac/],
    [{ mac: '02:00:00:00:00:01' }, /fdb\.dev/],
    [{ mac: '02:00:00:00:00:01', dev: 'vx0', vni: 1 << 24 }, /fdb\.vni/],
    [{ mac: '02:00:00:00:00:01', dev: 'vx0', port: 70000 }, /fdb\.port/],
    [{ mac: '02:00:00:00:00:01', dev: 'vx0', dst: '198.51.100.1', nhid: 2 }, /fdb\.nhid.*mutually exclusive/],
    [{ mac: '02:00:00:00:00:01', dev: 'vx0', vlan: 4095 }, /fdb\.vlan/],
    [{ mac: '02:00:00:00:00:01', dev: 'vx0', state: 'stale' }, /fdb\.state/],
    [{ mac: '02:00:00:00:00:01', dev: 'vx0', dst: 'nope' }, /fdb\.dst/],
  ];
  for (const [spec, re] of bad) {
    const e = await t.throwsAsync(addFdb(sock, spec), { instanceOf: ValidationError });
    t.regex(e!.message, re, JSON.stringify(spec));
  }
});

// ---- bridge port options (`bridge link`) and VLAN requests (`bridge vlan`)

const RTM_SETLINK = 19, RTM_DELLINK = 17;
const sentOfType = (argv: string[], ns: string, type: number): Uint8Array[] =>
  messagesOf(sentDatagrams(argv, ns).datagrams).filter((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true) === type);

test('bridge port options set by bridge link set read as bridge -j [-d] link and ip -j -d link', async (t) => {
  await withNs('bp', async ({ name, sock }) => {
    topology(name);
    ipn(name, ['link', 'set', 'vx0', 'master', 'br0']);
    run('ip', ['netns', 'exec', name, 'bridge', 'link', 'set', 'dev', 'veth0', 'learning', 'off', 'flood', 'off', 'hairpin', 'on', 'isolated', 'on', 'neigh_suppress', 'on']);
    run('ip', ['netns', 'exec', name, 'bridge', 'link', 'set', 'dev', 'vx0', 'mcast_flood', 'off', 'cost', '7', 'priority', '9', 'vlan_tunnel', 'on']);
    const ports = await listBridgePorts(sock);
    t.deepEqual(clean(ports.map((p) => bridgePortJson(p, true))), bridgej(name, ['-d', 'link', 'show']));
    t.deepEqual(clean(ports.map((p) => bridgePortJson(p))), bridgej(name, ['link', 'show']));
    t.deepEqual(clean((await listBridgePorts(sock, { dev: 'vx0' })).map((p) => bridgePortJson(p, true))), bridgej(name, ['-d', 'link', 'show', 'dev', 'vx0']));
    t.like(ports.find((p) => p.ifname === 'veth0'), { learning: false, flood: false, hairpin: true, isolated: true, neigh_suppress: true, link: 'veth1' });
    t.like(ports.find((p) => p.ifname === 'vx0'), { mcast_flood: false, cost: 7, priority: 9, vlan_tunnel: true });

    // The library sets, bridge and ip read back (ip from IFLA_INFO_SLAVE_DATA, bridge from IFLA_PROTINFO).
    await setBridgePort(sock, 'veth0', { learning: true, flood: true, hairpin: false, isolated: false, neigh_suppress: false, bcast_flood: false, cost: 11 });
    const back = bridgej(name, ['-d', 'link', 'show', 'dev', 'veth0'])[0];
    t.like(back, { learning: true, flood: true, hairpin: false, isolated: false, neigh_suppress: false, bcast_flood: false, cost: 11 });
    const slave = JSON.parse(run('ip', ['-n', name, '-j', '-d', 'link', 'show', 'veth0']))[0].linkinfo.info_slave_data;
    t.like(slave, { learning: true, flood: true, hairpin: false, isolated: false, neigh_suppress: false, bcast_flood: false, cost: 11 });
    // (A state set on a port without STP is taken and then recomputed by the bridge: compare, not predict.)
    await setBridgePort(sock, 'veth0', { learning: false, isolated: true, state: 'blocking', backup_port: 'vx0' });
    t.like(bridgej(name, ['-d', 'link', 'show', 'dev', 'veth0'])[0], { learning: false, isolated: true, backup_port: 'vx0' });
    t.deepEqual(clean((await listBridgePorts(sock)).map((p) => bridgePortJson(p, true))), bridgej(name, ['-d', 'link', 'show']));
    await setBridgePort(sock, 'veth0', { backup_port: null });
    t.is(bridgej(name, ['-d', 'link', 'show', 'dev', 'veth0'])[0].backup_port, undefined, 'nobackup_port');
    await t.throwsAsync(setBridgePort(sock, 'veth0', { priority: 64 }), { instanceOf: ValidationError, message: /bridgePort\.priority/ });
  });
});

test('bridge link set and bridge vlan add/del requests are byte-equal to bridge (VLAN filtering: EOPNOTSUPP here)', async (t) => {
  await withNs('bv', async ({ name, sock }) => {
    topology(name);
    ipn(name, ['link', 'set', 'vx0', 'master', 'br0']);
    const portCases: Array<[string, string[], BridgePortSettings]> = [
      ['veth0', ['learning', 'off', 'flood', 'off', 'hairpin', 'on', 'isolated', 'on', 'neigh_suppress', 'on'], { learning: false, flood: false, hairpin: true, isolated: true, neigh_suppress: true }],
      ['vx0', ['guard', 'on', 'fastleave', 'on', 'root_block', 'on', 'mcast_router', '2', 'mcast_flood', 'off', 'bcast_flood', 'off', 'mcast_to_unicast', 'on',
        'learning_sync', 'off', 'cost', '7', 'priority', '9', 'state', '3', 'vlan_tunnel', 'on', 'locked', 'off'],
      { guard: true, fastleave: true, root_block: true, mcast_router: 2, mcast_flood: false, bcast_flood: false, mcast_to_unicast: true, learning_sync: false,
        cost: 7, priority: 9, state: 'forwarding', vlan_tunnel: true, locked: false }],
      ['veth0', ['hairpin', 'on', 'self'], { hairpin: true, self: true }],
      ['veth0', ['hwmode', 'vepa', 'master'], { hwmode: 'vepa', master: true }],
    ];
    for (const [dev, args, settings] of portCases) {
      const sent = sentOfType(['bridge', 'link', 'set', 'dev', dev, ...args], name, RTM_SETLINK);
      t.is(sent.length, 1, args.join(' '));
      t.is(requestHex(encodeBridgePortSet(await linkIndex(sock, dev), settings)), requestHex(sent[0]!), `bridge link set dev ${dev} ${args.join(' ')}`);
    }
    const vlanCases: Array<[string, string[], BridgeVlanSpec]> = [
      ['veth0', ['vid', '10', 'pvid', 'untagged'], { vid: 10, pvid: true, untagged: true }],
      ['veth0', ['vid', '20-30', 'master'], { vid: 20, vidEnd: 30, master: true }],
      ['veth0', ['vid', '40-41', 'untagged'], { vid: 40, vidEnd: 41, untagged: true }],
      ['br0', ['vid', '1', 'self'], { vid: 1, self: true }],
      ['vx0', ['vid', '100', 'tunnel_info', 'id', '1000'], { vid: 100, tunnelId: 1000 }],
      ['vx0', ['vid', '200-210', 'tunnel_info', 'id', '2000-2010'], { vid: 200, vidEnd: 210, tunnelId: 2000, tunnelIdEnd: 2010 }],
    ];
    for (const [dev, args, v] of vlanCases) {
      for (const [verb, type] of [['add', RTM_SETLINK], ['del', RTM_DELLINK]] as const) {
        const sent = sentOfType(['bridge', 'vlan', verb, 'dev', dev, ...args], name, type);
        t.is(sent.length, 1, args.join(' '));
        t.is(requestHex(encodeBridgeVlan(verb, await linkIndex(sock, dev), v)), requestHex(sent[0]!), `bridge vlan ${verb} dev ${dev} ${args.join(' ')}`);
      }
    }
    // The kernel: this one has no VLAN filtering and refuses; one that has it keeps the VLAN.
    const r = await addBridgeVlan(sock, { dev: 'veth0', vid: 10, pvid: true, untagged: true }).then(() => undefined, (e: any) => e);
    if (r) t.is(r.code, 'EOPNOTSUPP', `only a kernel without bridge VLAN filtering may refuse: ${r.message}`);
    else {
      t.like(bridgej(name, ['vlan', 'show', 'dev', 'veth0'])[0], { ifname: 'veth0' });
      await deleteBridgeVlan(sock, { dev: 'veth0', vid: 10 });
    }
    await t.throwsAsync(addBridgeVlan(sock, { dev: 'veth0', vid: 20, vidEnd: 10 }), { instanceOf: ValidationError, message: /vlan\.vidEnd.*reversed/ });
    await t.throwsAsync(addBridgeVlan(sock, { dev: 'veth0', vid: 20, vidEnd: 30, pvid: true }), { instanceOf: ValidationError, message: /vlan\.pvid/ });
    await t.throwsAsync(addBridgeVlan(sock, { dev: 'veth0', vid: 4095 }), { instanceOf: ValidationError, message: /vlan\.vid/ });
  });
});

test('fdb notifications (RTNLGRP_NEIGH, family bridge) decode as bridge -j fdb shows them, deletions flagged', async (t) => {
  const { notifications } = await import('./helpers/notify.js');
  const { decodeFdb } = await import('../src/rtnl/index.js');
  await withNs('fn', async ({ name, sock }) => {
    topology(name);
    const links = new Map<number, string>();
    for (const d of ['veth0', 'veth1', 'vx0', 'br0']) links.set(await linkIndex(sock, d), d);
    const bridgeCmd = (args: string[]): string => run('ip', ['netns', 'exec', name, 'bridge', 'fdb', ...args]);
    const events = await notifications(name, [3], (m) => {
      if ((m.type !== RTM_NEWNEIGH && m.type !== RTM_DELNEIGH) || m.buf.u8(m.payloadStart) !== 7) return undefined;
      const e = decodeFdb(m, (i) => links.get(i));
      return e.mac?.startsWith('02:00:00:00:00') ? e : undefined;
    }, () => {
      bridgeCmd(['add', '02:00:00:00:00:04', 'dev', 'vx0', 'dst', '198.51.100.3', 'port', '4790', 'vni', '43']);
      bridgeCmd(['add', '02:00:00:00:00:01', 'dev', 'veth0', 'master', 'static']);
      bridgeCmd(['del', '02:00:00:00:00:04', 'dev', 'vx0']);
    }, (got) => got.length >= 3);
    t.deepEqual(events.map((e) => [e.msg, e.mac]), [['newneigh', '02:00:00:00:00:04'], ['newneigh', '02:00:00:00:00:01'], ['delneigh', '02:00:00:00:00:04']]);
    t.deepEqual(clean(fdbJson(events[1]!)), bridgej(name, ['fdb', 'show', 'br', 'br0']).find((e: any) => e.mac === '02:00:00:00:00:01'));
    t.deepEqual(clean(fdbJson(events[2]!)), { deleted: true, mac: '02:00:00:00:00:04', ifname: 'vx0', dst: '198.51.100.3', port: 4790, vni: 43, flags: ['self'], state: 'permanent' });
    t.is(fdbText(events[2]!), 'Deleted 02:00:00:00:00:04 dev vx0 dst 198.51.100.3 port 4790 vni 43 self permanent\n');
  });
});

test('bridge fdb flush: requests byte-equal to bridge, and the kernel deletes what they select', async (t) => {
  const { flushFdb, encodeFdbFlush, fdbFlushSelectors } = await import('../src/rtnl/index.js');
  await withNs('ff', async ({ name, sock }) => {
    topology(name);
    const cases: Array<[string[], Parameters<typeof flushFdb>[1]]> = [
      [['dev', 'br0'], { dev: 'br0' }],
      [['dev', 'br0', 'brport', 'veth0', 'static', 'nosticky'], { dev: 'br0', brport: 'veth0', static: true, sticky: false }],
      [['dev', 'veth0', 'master', 'vlan', '5'], { dev: 'veth0', master: true, vlan: 5 }],
      [['dev', 'vx0', 'self', 'nopermanent', 'dynamic'], { dev: 'vx0', self: true, permanent: false, dynamic: true }],
      [['dev', 'br0', 'permanent', 'nostatic', 'nodynamic', 'added_by_user', 'noextern_learn', 'sticky', 'nooffloaded'],
        { dev: 'br0', permanent: true, static: false, dynamic: false, added_by_user: true, extern_learn: false, sticky: true, offloaded: false }],
    ];
    for (const [args, spec] of cases) {
      const sent = messagesOf(sentDatagrams(['bridge', 'fdb', 'flush', ...args], name).datagrams)
        .filter((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true) === RTM_DELNEIGH);
      t.is(sent.length, 1, args.join(' '));
      const ifindex = await linkIndex(sock, spec.dev as string);
      const port = spec.brport !== undefined ? await linkIndex(sock, spec.brport as string) : undefined;
      t.is(requestHex(encodeFdbFlush({ ifindex, port, vlan: spec.vlan, ...fdbFlushSelectors(spec) })), requestHex(sent[0]!), `bridge fdb flush ${args.join(' ')}`);
    }
    const bridgeCmd = (args: string[]): string => run('ip', ['netns', 'exec', name, 'bridge', 'fdb', ...args]);
    bridgeCmd(['add', '02:00:00:00:00:01', 'dev', 'veth0', 'master', 'static']);
    bridgeCmd(['add', '02:00:00:00:00:02', 'dev', 'veth0', 'master']);
    bridgeCmd(['add', '02:00:00:00:00:03', 'dev', 'veth0', 'master', 'static', 'sticky']);
    await flushFdb(sock, { dev: 'br0', brport: 'veth0', static: true, sticky: false });
    t.deepEqual(ours(bridgej(name, ['fdb', 'show', 'br', 'br0'])).map((e: any) => e.mac).sort(), ['02:00:00:00:00:02', '02:00:00:00:00:03'], 'only the static non-sticky entry');
    bridgeCmd(['add', '02:00:00:00:00:05', 'dev', 'vx0', 'dst', '198.51.100.1']);
    await flushFdb(sock, { dev: 'vx0' });
    t.deepEqual(ours(bridgej(name, ['fdb', 'show', 'dev', 'vx0'])), []);
    await t.throwsAsync(flushFdb(sock, { dev: 'br0', vlan: 5000 }), { instanceOf: ValidationError, message: /fdb\.vlan/ });
  });
});

test('the AF_BRIDGE declaration repeats rt-link\'s bridge port attributes exactly, and IFLA_BRIDGE_* as linux/if_bridge.h has them', async (t) => {
  const { rtBridgeSpec } = await import('../src/rtnl/spec/bridge.js');
  const { rtLinkSpec } = await import('../src/rtnl/spec/rt-link.gen.js');
  const { readFileSync } = await import('node:fs');
  t.deepEqual(rtBridgeSpec.attributeSets['brport-attrs'], rtLinkSpec.attributeSets['linkinfo-brport-attrs']);
  t.deepEqual(rtBridgeSpec.definitions['ifla-bridge-id'], rtLinkSpec.definitions['ifla-bridge-id']);
  const header = readFileSync('/usr/include/linux/if_bridge.h', 'utf8');
  const body = /enum \{([^}]*IFLA_BRIDGE_FLAGS[^}]*)\}/.exec(header)![1]!;
  const names = [...body.matchAll(/^\s*(IFLA_BRIDGE_\w+),/gm)].map((m) => m[1]!);
  const af = new Map<string, number>(rtBridgeSpec.attributeSets['bridge-af-spec-attrs'].map((a) => [a.name, a.value]));
  for (const [name, value] of [['flags', 0], ['mode', 1], ['vlan-info', 2], ['vlan-tunnel-info', 3]] as const) {
    t.is(names.indexOf(`IFLA_BRIDGE_${name.toUpperCase().replace(/-/g, '_')}`), value, name);
    t.is(af.get(name), value);
  }
  for (const [bit, name] of [[1, 'MASTER'], [2, 'PVID'], [4, 'UNTAGGED'], [8, 'RANGE_BEGIN'], [16, 'RANGE_END']] as const) {
    t.regex(header, new RegExp(`#define BRIDGE_VLAN_INFO_${name}\\s+\\(1<<${Math.log2(bit)}\\)`));
  }
});
