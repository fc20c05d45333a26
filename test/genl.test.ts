// Generic netlink families through the generated tables, against the system tools: ethtool
// features and channels of a veth as `ethtool` reads and writes them, MPTCP endpoints and
// limits as `ip mptcp` does (state made by ip read back, state made here read by ip, and the
// requests byte-equal to ip's), and notifications by group name.
import test from 'ava';
import { assertPrivate, run, withIpNetns, ipJson } from './helpers/env.js';
import { tool } from './helpers/tools.js';
import { messagesOf, requestHex, sentDatagrams } from './helpers/strace.js';
import { ValidationError } from '../src/netlink/errors.js';
import { GenlClient } from '../src/genl/client.js';
import { Ethtool, ethtoolFamily } from '../src/genl/ethtool/index.js';
import { addEndpoint, endpointAttrs, deleteEndpoint, flushEndpoints, getLimits, listEndpoints, mptcpFamily, setLimits } from '../src/genl/mptcp.js';

const ETHTOOL = tool('ethtool');
const GENL = tool('genl');
test.before(() => assertPrivate());

function ethtoolK(ns: string, dev: string): Record<string, unknown> {
  return JSON.parse(run('ip', ['netns', 'exec', ns, ETHTOOL, '--json', '-k', dev]))[0];
}

test('features read as `ethtool --json -k` prints them, after ethtool -K changed them', async (t) => {
  await withIpNetns('gfk', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'fv0', 'type', 'veth', 'peer', 'name', 'fv1']);
    const e = new Ethtool({ netns: ns });
    try {
      t.deepEqual(await e.featuresJson('fv0'), ethtoolK(ns, 'fv0'));
      run('ip', ['netns', 'exec', ns, ETHTOOL, '-K', 'fv0', 'tx-checksumming', 'off', 'gro', 'on', 'tso', 'off']);
      t.deepEqual(await e.featuresJson('fv0'), ethtoolK(ns, 'fv0'));
    } finally {
      e.close();
    }
  });
});

test('features changed by name and by group; ethtool -k agrees; bad names are refused naming what exists', async (t) => {
  await withIpNetns('gfs', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'fs0', 'type', 'veth', 'peer', 'name', 'fs1']);
    const e = new Ethtool({ netns: ns });
    try {
      const before = ethtoolK(ns, 'fs0') as Record<string, { active: boolean }>;
      t.true(before['tx-checksum-ip-generic']!.active);
      t.false(before['generic-receive-offload']!.active); // ethtool -k names rx-gro by its group
      const r = await e.setFeatures('fs0', { 'tx-checksumming': false, 'rx-gro': true });
      t.deepEqual(r.notApplied, []);
      const after = ethtoolK(ns, 'fs0') as Record<string, { active: boolean }>;
      t.false(after['tx-checksum-ip-generic']!.active);
      t.false(after['tx-checksum-sctp']!.active);
      t.true(after['generic-receive-offload']!.active);
      t.is(r.features.get('rx-gro')!.active, true);
      const unknown = await t.throwsAsync(e.setFeatures('fs0', { 'tx-checksuming': false }), { instanceOf: ValidationError });
      t.regex(unknown!.message, /fs0 has no feature "tx-checksuming" \(features: .*tx-checksum-ip-generic.*groups: .*tx-checksumming/);
      await t.throwsAsync(e.setFeatures('fs0', { 'rx-lro': true }), { instanceOf: ValidationError, message: /rx-lro is fixed off on fs0/ });
      // Nothing was changed by the refused calls.
      t.deepEqual(ethtoolK(ns, 'fs0'), after);
    } finally {
      e.close();
    }
  });
});

test('channels: read as ethtool -l shows them, changed and read back by ethtool', async (t) => {
  await withIpNetns('gch', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'ch0', 'numrxqueues', '4', 'numtxqueues', '4', 'type', 'veth', 'peer', 'name', 'ch1']);
    const e = new Ethtool({ netns: ns });
    try {
      const text = () => run('ip', ['netns', 'exec', ns, ETHTOOL, '-l', 'ch0']);
      const field = (s: string, section: string, key: string): number => Number(new RegExp(`${section}[\\s\\S]*?${key}:\\s+(\\d+)`).exec(s)![1]);
      const ch = await e.channels('ch0');
      t.is(ch['rx-max'], field(text(), 'Pre-set maximums', 'RX'));
      t.is(ch['rx-count'], field(text(), 'Current hardware settings', 'RX'));
      await e.setChannels('ch0', { 'rx-count': 3, 'tx-count': 2 });
      t.is(field(text(), 'Current hardware settings', 'RX'), 3);
      t.is(field(text(), 'Current hardware settings', 'TX'), 2);
      await t.throwsAsync(e.setChannels('ch0', { 'rx-count': -1 }), { instanceOf: ValidationError, message: /rx-count/ });
    } finally {
      e.close();
    }
  });
});

test('features notifications arrive by group name ("monitor") when ethtool -K changes a device', async (t) => {
  await withIpNetns('gmo', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'mo0', 'type', 'veth', 'peer', 'name', 'mo1']);
    const client = new GenlClient({ netns: ns });
    const ac = new AbortController();
    try {
      const it = await client.subscribe(ethtoolFamily, 'monitor', { signal: ac.signal });
      run('ip', ['netns', 'exec', ns, ETHTOOL, '-K', 'mo0', 'gro', 'on']);
      const { value } = await it.next();
      t.is(value!.op, 'features-ntf');
      t.is((value!.attrs.header as Record<string, unknown>)['dev-name'], 'mo0');
      ac.abort();
      await t.throwsAsync(client.subscribe(ethtoolFamily, 'nope'), { instanceOf: ValidationError, message: /no multicast group "nope" \(groups: monitor\)/ });
    } finally {
      ac.abort();
      client.close();
    }
  });
});

test('MPTCP endpoints made by ip are listed as ip -j mptcp shows them; ones made here are read back by ip', async (t) => {
  await withIpNetns('gmp', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'mp0', 'type', 'veth', 'peer', 'name', 'mp1']);
    run('ip', ['-n', ns, 'mptcp', 'endpoint', 'add', '10.0.0.1', 'dev', 'mp0', 'subflow', 'signal', 'id', '5']);
    // A signal endpoint with a port listens on it: the address must exist.
    run('ip', ['-n', ns, 'addr', 'add', '2001:db8::1/64', 'dev', 'lo', 'nodad']);
    run('ip', ['-n', ns, 'mptcp', 'endpoint', 'add', '2001:db8::1', 'port', '8080', 'signal']);
    const client = new GenlClient({ netns: ns });
    try {
      const ifnames = new Map(ipJson<any[]>(['link', 'show'], ns).map((l) => [l.ifindex, l.ifname]));
      const asIp = (list: Awaited<ReturnType<typeof listEndpoints>>) => list.map(({ ifindex, ...e }) => (ifindex ? { ...e, dev: ifnames.get(ifindex) } : e));
      t.deepEqual(asIp(await listEndpoints(client)), ipJson(['mptcp', 'endpoint', 'show'], ns));
      await addEndpoint(client, { address: '10.0.0.9', id: 9, flags: ['signal', 'backup'] });
      t.deepEqual(asIp(await listEndpoints(client)), ipJson(['mptcp', 'endpoint', 'show'], ns));
      t.true(ipJson<any[]>(['mptcp', 'endpoint', 'show'], ns).some((e) => e.id === 9 && e.backup === true && e.signal === true));
      await deleteEndpoint(client, 9);
      t.false(ipJson<any[]>(['mptcp', 'endpoint', 'show'], ns).some((e) => e.id === 9));
      await setLimits(client, { subflows: 3, add_addr_accepted: 2 });
      t.regex(run('ip', ['-n', ns, 'mptcp', 'limits', 'show']), /add_addr_accepted 2 subflows 3/);
      run('ip', ['-n', ns, 'mptcp', 'limits', 'set', 'subflows', '1', 'add_addr_accepted', '4']);
      t.deepEqual(await getLimits(client), { subflows: 1, add_addr_accepted: 4 });
      await flushEndpoints(client);
      t.deepEqual(ipJson(['mptcp', 'endpoint', 'show'], ns), []);
      await t.throwsAsync(addEndpoint(client, { address: '10.0.0.300' }), { instanceOf: ValidationError, message: /not an IPv4 or IPv6 address/ });
      await t.throwsAsync(addEndpoint(client, { address: '10.0.0.3', flags: ['sgnal' as never] }), { instanceOf: ValidationError, message: /unknown flag "sgnal"/ });
    } finally {
      client.close();
    }
  });
});

test('an MPTCP endpoint request is byte-equal to the one ip mptcp sends', async (t) => {
  await withIpNetns('gmb', async (ns) => {
    const { datagrams } = sentDatagrams(['ip', 'mptcp', 'endpoint', 'add', '10.0.0.9', 'id', '9', 'signal'], ns);
    const ipMsg = messagesOf(datagrams).find((m) => m[16] === 1)!; // genlmsghdr.cmd = MPTCP_PM_CMD_ADD_ADDR
    t.truthy(ipMsg, 'ip sent an add-addr request');
    const familyId = new DataView(ipMsg.buffer, ipMsg.byteOffset).getUint16(4, true);
    const mine = mptcpFamily.encode({ op: 'add-addr', familyId, attrs: { addr: endpointAttrs({ address: '10.0.0.9', id: 9, flags: ['signal'] }) } });
    t.is(requestHex(mine), requestHex(ipMsg));
    t.deepEqual(ipJson<any[]>(['mptcp', 'endpoint', 'show'], ns).map((e) => e.id), [9]);
  });
});

test('dump-genl prints exactly what genl ctrl list prints; --json has the same ids and groups', async (t) => {
  const { dumpGenlCommand } = await import('../src/cli/commands/dump-genl.js');
  await withIpNetns('gdg', async (ns) => {
    let text = '';
    await dumpGenlCommand(['--netns', ns], (s) => { text += s; });
    t.is(text, run('ip', ['netns', 'exec', ns, GENL, 'ctrl', 'list']));
    let json = '';
    await dumpGenlCommand(['--netns', ns, '--json', 'ethtool', 'nlctrl'], (s) => { json += s; });
    const [ethtool, nlctrl] = JSON.parse(json);
    t.is(ethtool.name, 'ethtool');
    t.is(nlctrl.id, 0x10);
    t.deepEqual(nlctrl.mcast_groups, [{ name: 'notify', id: 0x10 }]);
  });
});

test('netlinkts ethtool DEV prints exactly what ethtool -k and ethtool --json -k print, before and after --set', async (t) => {
  const { ethtoolCommand } = await import('../src/cli/commands/ethtool.js');
  await withIpNetns('get', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'et0', 'type', 'veth', 'peer', 'name', 'et1']);
    const cli = async (...args: string[]): Promise<string> => {
      let out = '';
      await ethtoolCommand([...args, '--netns', ns], (s) => { out += s; });
      return out;
    };
    t.is(await cli('et0'), run('ip', ['netns', 'exec', ns, ETHTOOL, '-k', 'et0']));
    run('ip', ['netns', 'exec', ns, ETHTOOL, '-K', 'et0', 'tso', 'off', 'gro', 'on']);
    t.is(await cli('et0'), run('ip', ['netns', 'exec', ns, ETHTOOL, '-k', 'et0']));
    t.is(await cli('et0', '--json'), run('ip', ['netns', 'exec', ns, ETHTOOL, '--json', '-k', 'et0']));
    const after = await cli('et0', '--set', 'tx-checksumming=off', '--set', 'generic-receive-offload=off');
    t.is(after, run('ip', ['netns', 'exec', ns, ETHTOOL, '-k', 'et0']));
    t.regex(after, /^tx-checksumming: off$/m);
    await t.throwsAsync(cli('et0', '--set', 'gro'), { instanceOf: ValidationError, message: /NAME=on or NAME=off/ });
  });
});

test('monitor genl ethtool prints the notification ethtool -K causes', async (t) => {
  const { monitorGenlCommand } = await import('../src/cli/commands/monitor-genl.js');
  await withIpNetns('gmg', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'mg0', 'type', 'veth', 'peer', 'name', 'mg1']);
    const ac = new AbortController();
    let out = '';
    let seen: () => void;
    const got = new Promise<void>((r) => { seen = r; });
    const done = monitorGenlCommand(['ethtool:monitor', '--netns', ns], (s) => { out += s; seen(); }, ac.signal);
    // The command joins the group before it reads; give it the time to get there.
    for (let i = 0; i < 50 && !out; i++) {
      run('ip', ['netns', 'exec', ns, ETHTOOL, '-K', 'mg0', 'gro', i % 2 ? 'off' : 'on']);
      await Promise.race([got, new Promise((r) => setTimeout(r, 100))]);
    }
    ac.abort();
    t.is(await done, 0);
    const first = JSON.parse(out.split('\n')[0]!);
    t.like(first, { family: 'ethtool', group: 'monitor', op: 'features-ntf' });
    t.is(first.attrs.header['dev-name'], 'mg0');
  });
});

test('the netlinkts command runs dump-genl and ethtool (passthrough commands), with their own --help', async (t) => {
  const { fileURLToPath } = await import('node:url');
  const bin = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
  await withIpNetns('gbin', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'bn0', 'type', 'veth', 'peer', 'name', 'bn1']);
    t.is(run(process.execPath, [bin, 'dump-genl', '--netns', ns]), run('ip', ['netns', 'exec', ns, GENL, 'ctrl', 'list']));
    t.is(run(process.execPath, [bin, 'ethtool', 'bn0', '--netns', ns]), run('ip', ['netns', 'exec', ns, ETHTOOL, '-k', 'bn0']));
    t.regex(run(process.execPath, [bin, 'ynl', '--help']), /^usage: netlinkts ynl --family NAME/);
    const { spawnSync } = await import('node:child_process');
    const bad = spawnSync(process.execPath, [bin, 'ynl', '--famly', 'x'], { encoding: 'utf8' });
    t.is(bad.status, 2);
    t.regex(bad.stderr, /Unknown option '--famly'/);
  });
});

test('fluent: ns.link(name).ethtool reads and changes features and channels; ethtool agrees', async (t) => {
  const { netns } = await import('../src/index.js');
  const { uniqueName } = await import('./helpers/env.js');
  const ns = await netns.add(uniqueName('gfl'));
  try {
    await ns.link('fl0').create({ kind: 'veth', peer: { name: 'fl1' } });
    const link = ns.link('fl0');
    t.deepEqual(await link.ethtool.features.json(), ethtoolK(ns.name!, 'fl0'));
    const r = await link.ethtool.features.set({ 'tx-checksumming': false });
    t.deepEqual(r.notApplied, []);
    t.false((ethtoolK(ns.name!, 'fl0') as Record<string, { active: boolean }>)['tx-checksum-ip-generic']!.active);
    t.false((await link.ethtool.features.get()).get('tx-checksum-ip-generic')!.active);
    await link.ethtool.channels.set({ 'rx-count': 2 });
    t.regex(run('ip', ['netns', 'exec', ns.name!, ETHTOOL, '-l', 'fl0']), /Current hardware settings:\nRX:\s+2\n/);
    t.is((await link.ethtool.channels.get())['rx-count'], 2);
    // One generic netlink client per namespace, shared by every link's facade.
    t.is(await ns.genl(), await ns.genl());
    await t.throwsAsync(ns.link('nosuch0').ethtool.channels.get(), { message: /nosuch0|ENODEV/ });
  } finally {
    await ns.delete();
  }
});
