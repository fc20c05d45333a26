// The CLI's routing and bridge lists (dump-rules, dump-nexthops, dump-fdb, dump-vlans) run as
// processes on state made by ip and bridge, compared with `ip -j rule`, `ip -j nexthop`,
// `bridge -j fdb show` and `bridge -j vlan show` (and their text forms) field for field.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertPrivate, ip, run, withIpNetns } from './helpers/env.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, DEBUG: '' }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`netlinkts ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const cliJson = (args: string[]): unknown => JSON.parse(cli([...args, '--json']));
const ipJ = (ns: string, args: string[]): unknown => {
  const out = run('ip', ['-n', ns, '-j', ...args]).trim();
  return out ? JSON.parse(out) : [];
};
const bridge = (ns: string, args: string[]): string => run('ip', ['netns', 'exec', ns, 'bridge', ...args]);
const bridgeJ = (ns: string, args: string[]): unknown => {
  const out = bridge(ns, ['-j', ...args]).trim();
  return out ? JSON.parse(out) : [];
};

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

// Every selector and action ip has, v4 and v6 (l3mdev is accepted without a VRF module).
const RULES4 = [
  ['not', 'fwmark', '0xca6c', 'table', '51820'],
  ['table', 'main', 'suppress_prefixlength', '0'],
  ['from', '192.0.2.0/24', 'to', '198.51.100.0/24', 'priority', '500', 'tos', '0x10', 'fwmark', '0x10/0xff', 'protocol', 'static',
    'table', '7', 'iif', 'lo', 'oif', 'lo', 'uidrange', '100-200', 'ipproto', 'tcp', 'sport', '1000-2000', 'dport', '80'],
  ['priority', '600', 'goto', '700'],
  ['priority', '601', 'goto', '9999'],
  ['priority', '700', 'blackhole'], ['priority', '701', 'unreachable'], ['priority', '702', 'prohibit'], ['priority', '703', 'nop'],
  ['priority', '704', 'l3mdev'],
  ['priority', '705', 'table', '9', 'suppress_ifgroup', '0'],
  ['priority', '706', 'protocol', 'kernel', 'table', '10', 'ipproto', 'udp', 'sport', '53', 'dport', '1024-65000'],
  ['priority', '707', 'realms', '3/4', 'table', '11'],
  ['not', 'from', '192.0.2.128/25', 'priority', '708', 'fwmark', '0x1', 'table', '12', 'iif', 'nosuch0'],
];
const RULES6 = [
  ['from', '2001:db8::/32', 'to', '2001:db8:1::/48', 'priority', '10', 'table', '100'],
  ['not', 'fwmark', '0xca6c', 'table', '51820'],
  ['table', 'main', 'suppress_prefixlength', '0'],
  ['from', '2001:db8::1', 'priority', '11', 'uidrange', '0-0', 'ipproto', 'ipv6-icmp', 'prohibit'],
  ['priority', '12', 'tos', 'AF11', 'table', '101', 'oif', 'lo', 'sport', '22', 'dport', '1-1023'],
  ['priority', '13', 'l3mdev'],
];

test('dump-rules --json equals ip -j rule (v4, v6, -d) and the text equals ip rule, on rules ip made', async (t) => {
  await withIpNetns('cru', (ns) => {
    for (const a of RULES4) ip(['rule', 'add', ...a], ns);
    for (const a of RULES6) ip(['-6', 'rule', 'add', ...a], ns);
    const four = cliJson(['dump-rules', '--netns', ns]) as unknown[];
    t.deepEqual(four, ipJ(ns, ['rule', 'show']), 'ip -j rule');
    t.is(four.length, RULES4.length + 3, 'every rule and the three defaults');
    t.deepEqual(cliJson(['dump-rules', '--netns', ns, '--family', 'inet6']), ipJ(ns, ['-6', 'rule', 'show']), 'ip -j -6 rule');
    t.deepEqual(cliJson(['dump-rules', '--netns', ns, '--details']), ipJ(ns, ['-d', 'rule', 'show']), 'ip -j -d rule');
    t.deepEqual(cliJson(['dump-rules', '--netns', ns, '--details', '--family', '6']), ipJ(ns, ['-d', '-6', 'rule', 'show']), 'ip -j -d -6 rule');
    t.is(cli(['dump-rules', '--netns', ns]), ip(['rule', 'show'], ns), 'ip rule (text)');
    t.is(cli(['dump-rules', '--netns', ns, '--family', 'inet6']), ip(['-6', 'rule', 'show'], ns), 'ip -6 rule (text)');
    t.is(cli(['dump-rules', '--netns', ns, '--details']), ip(['-d', 'rule', 'show'], ns), 'ip -d rule (text)');
  });
});

test('dump-nexthops --json equals ip -j nexthop (singles, weighted and resilient groups, fdb, blackhole), text too', async (t) => {
  await withIpNetns('cnh', (ns) => {
    for (const a of [['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1'], ['link', 'set', 'veth0', 'up'], ['link', 'set', 'veth1', 'up'],
      ['addr', 'add', '192.0.2.1/24', 'dev', 'veth0'], ['-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'veth0', 'nodad']]) ip(a, ns);
    for (const a of [
      ['id', '1', 'via', '192.0.2.2', 'dev', 'veth0'], ['id', '2', 'via', '192.0.2.3', 'dev', 'veth0', 'onlink', 'protocol', 'static'],
      ['id', '3', 'blackhole'], ['id', '4', 'dev', 'veth0'], ['id', '5', 'via', '2001:db8::2', 'dev', 'veth0'],
      ['id', '6', 'via', '192.0.2.9', 'fdb'], ['id', '7', 'via', '2001:db8::3', 'fdb'],
      ['id', '10', 'group', '1/2,3'],
      ['id', '11', 'group', '1,10/2,20', 'type', 'resilient', 'buckets', '8', 'idle_timer', '30', 'unbalanced_timer', '60'],
      ['id', '12', 'group', '6', 'fdb'], ['id', '13', 'group', '1,256/4', 'type', 'mpath'],
    ]) ip(['nexthop', 'add', ...a], ns);
    const all = cliJson(['dump-nexthops', '--netns', ns]) as unknown[];
    t.is(all.length, 11);
    t.deepEqual(all, ipJ(ns, ['nexthop', 'show']), 'ip -j nexthop');
    t.deepEqual(cliJson(['dump-nexthops', '--netns', ns, '--details']), ipJ(ns, ['-d', 'nexthop', 'show']), 'ip -j -d nexthop');
    t.deepEqual(cliJson(['dump-nexthops', '--netns', ns, '--groups']), ipJ(ns, ['nexthop', 'show', 'groups']), 'groups');
    t.deepEqual(cliJson(['dump-nexthops', '--netns', ns, '--fdb']), ipJ(ns, ['nexthop', 'show', 'fdb']), 'fdb');
    t.deepEqual(cliJson(['dump-nexthops', '--netns', ns, '--dev', 'veth0']), ipJ(ns, ['nexthop', 'show', 'dev', 'veth0']), 'dev');
    t.deepEqual(cliJson(['dump-nexthops', '--netns', ns, '--family', 'inet6']), ipJ(ns, ['-6', 'nexthop', 'show']), '-6');
    t.is(cli(['dump-nexthops', '--netns', ns]), ip(['nexthop', 'show'], ns), 'ip nexthop (text)');
    t.is(cli(['dump-nexthops', '--netns', ns, '--details']), ip(['-d', 'nexthop', 'show'], ns), 'ip -d nexthop (text)');
  });
});

test('dump-fdb --json equals bridge -j fdb show (ports static/permanent/dynamic, master/self; vxlan dst/port/vni/via/nhid), text too', async (t) => {
  await withIpNetns('cfd', (ns) => {
    for (const a of [
      ['link', 'add', 'br0', 'type', 'bridge'], ['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1'],
      ['link', 'set', 'veth0', 'master', 'br0'], ['link', 'set', 'br0', 'up'], ['link', 'set', 'veth0', 'up'], ['link', 'set', 'veth1', 'up'],
      ['addr', 'add', '192.0.2.1/24', 'dev', 'br0'],
      ['link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '192.0.2.1', 'nolearning'],
      ['link', 'add', 'vx1', 'type', 'vxlan', 'external', 'dstport', '4790'], ['link', 'set', 'vx0', 'up'], ['link', 'set', 'vx1', 'up'],
      ['nexthop', 'add', 'id', '1', 'via', '198.51.100.20', 'fdb'], ['nexthop', 'add', 'id', '2', 'group', '1', 'fdb'],
    ]) ip(a, ns);
    for (const [verb, ...a] of [
      ['add', '02:00:00:00:00:01', 'dev', 'veth0', 'master', 'static'], ['add', '02:00:00:00:00:02', 'dev', 'veth0', 'master', 'dynamic'],
      ['add', '02:00:00:00:00:03', 'dev', 'veth0', 'master', 'permanent'], ['add', '02:00:00:00:00:0b', 'dev', 'veth0', 'self'],
      ['add', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '198.51.100.1'], ['append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '198.51.100.2'],
      ['add', '02:00:00:00:00:04', 'dev', 'vx0', 'dst', '198.51.100.3', 'port', '4790', 'vni', '43'],
      ['add', '02:00:00:00:00:05', 'dev', 'vx0', 'dst', '198.51.100.4', 'via', 'veth1', 'self', 'permanent'],
      ['add', '02:00:00:00:00:06', 'dev', 'vx1', 'dst', '198.51.100.5', 'vni', '100', 'src_vni', '200'],
      ['add', '02:00:00:00:00:11', 'dev', 'vx1', 'nhid', '2', 'self'],
    ] as string[][]) bridge(ns, ['fdb', verb!, ...a]);
    const all = cliJson(['dump-fdb', '--netns', ns]) as Array<{ mac: string }>;
    t.deepEqual(all, bridgeJ(ns, ['fdb', 'show']), 'bridge -j fdb show');
    t.is(all.filter((e) => /^(02:00|00:00)/.test(e.mac)).length, 10, 'every entry made is there (per-VLAN entries need VLAN filtering, which this kernel lacks)');
    t.is(cli(['dump-fdb', '--netns', ns]), bridge(ns, ['fdb', 'show']), 'bridge fdb show (text)');
    for (const dev of ['vx0', 'veth0', 'vx1']) {
      t.deepEqual(cliJson(['dump-fdb', '--netns', ns, '--dev', dev]), bridgeJ(ns, ['fdb', 'show', 'dev', dev]), `dev ${dev}`);
      t.is(cli(['dump-fdb', '--netns', ns, '--dev', dev]), bridge(ns, ['fdb', 'show', 'dev', dev]), `dev ${dev} (text)`);
    }
    t.deepEqual(cliJson(['dump-fdb', '--netns', ns, '--br', 'br0']), bridgeJ(ns, ['fdb', 'show', 'br', 'br0']), 'br br0');
    t.deepEqual(cliJson(['dump-fdb', '--netns', ns, '--dynamic']), bridgeJ(ns, ['fdb', 'show', 'dynamic']), 'dynamic');
  });
});

test('dump-vlans equals bridge -j vlan show and bridge vlan show (this kernel: no VLAN filtering, so no VLAN lists)', async (t) => {
  await withIpNetns('cvl', (ns) => {
    for (const a of [['link', 'add', 'br0', 'type', 'bridge'], ['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1'],
      ['link', 'set', 'veth0', 'master', 'br0']]) ip(a, ns);
    const filtering = run('ip', ['netns', 'exec', ns, 'sh', '-c', 'bridge vlan add dev veth0 vid 10 2>&1; true']);
    t.deepEqual(cliJson(['dump-vlans', '--netns', ns]), bridgeJ(ns, ['vlan', 'show']), 'bridge -j vlan show');
    t.is(cli(['dump-vlans', '--netns', ns]), bridge(ns, ['vlan', 'show']), 'bridge vlan show (text)');
    t.deepEqual(cliJson(['dump-vlans', '--netns', ns, '--compressed']), bridgeJ(ns, ['-compressvlans', 'vlan', 'show']), 'bridge -compressvlans -j vlan show');
    if (/not supported/i.test(filtering)) t.deepEqual(cliJson(['dump-vlans', '--netns', ns]), [], 'no VLAN lists where the kernel refuses VLANs');
  });
});
