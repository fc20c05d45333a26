// The generic client against this kernel, checked by the system tools: generic netlink
// families as `genl ctrl list` shows them, ethtool features and channels of a veth as
// `ethtool` reads them, links as `ip -j -d` prints them. Nothing here is family-specific code:
// every request and reply goes through the generated tables.
import test from 'ava';
import { tool } from './helpers/tools.js';
import { assertPrivate, ipJson, run, withIpNetns } from './helpers/env.js';
import { NetlinkSocket } from '../src/netlink/socket.js';
import { NETLINK_GENERIC } from '../src/netlink/constants.js';
import { ValidationError, NetlinkError } from '../src/netlink/errors.js';
import { listGenlFamilies, resolveGenlFamily, ynl, ynlJson } from '../src/ynl/index.js';
import { ynlCommand } from '../src/cli/commands/ynl.js';

const ETHTOOL = tool('ethtool');
const GENL = tool('genl');

test.before(() => assertPrivate());

/** `genl ctrl list` parsed: name -> { id, groups: name -> id }. */
function genlCtrlList(ns: string): Map<string, { id: number; groups: Map<string, number> }> {
  const out = new Map<string, { id: number; groups: Map<string, number> }>();
  let cur: { id: number; groups: Map<string, number> } | undefined;
  for (const line of run('ip', ['netns', 'exec', ns, GENL, 'ctrl', 'list']).split('\n')) {
    let m;
    if ((m = /^Name: (\S+)/.exec(line))) out.set(m[1]!, (cur = { id: -1, groups: new Map() }));
    else if (cur && (m = /^\s+ID: (0x[0-9a-f]+)\s+Version/.exec(line))) cur.id = Number(m[1]);
    else if (cur && (m = /ID-(0x[0-9a-f]+)\s+name: (\S+)/.exec(line))) cur.groups.set(m[2]!, Number(m[1]));
  }
  return out;
}

test('every generic netlink family, id and multicast group `genl ctrl list` shows', async (t) => {
  await withIpNetns('ynlg', async (ns) => {
    const oracle = genlCtrlList(ns);
    const sock = new NetlinkSocket({ protocol: NETLINK_GENERIC, netns: `/run/netns/${ns}` });
    try {
      const mine = await listGenlFamilies(sock);
      t.deepEqual(mine.map((f) => f.name).sort(), [...oracle.keys()].sort());
      for (const f of mine) {
        const o = oracle.get(f.name)!;
        t.is(f.id, o.id, f.name);
        t.deepEqual([...f.mcastGroups].sort(), [...o.groups].sort(), `${f.name} groups`);
      }
      const ethtool = await resolveGenlFamily(sock, 'ethtool');
      t.is(ethtool.id, oracle.get('ethtool')!.id);
      t.true(ethtool.mcastGroups.has('monitor'));
      const err = await t.throwsAsync(resolveGenlFamily(sock, 'no-such-family'), { instanceOf: ValidationError });
      t.regex(err!.message, /no generic netlink family "no-such-family" \(it has: .*ethtool.*nlctrl/);
    } finally {
      sock.close();
    }
  });
});

test('ethtool features-get and channels-get of a veth agree with ethtool -k and -l', async (t) => {
  await withIpNetns('ynle', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 've0', 'type', 'veth', 'peer', 'name', 've1']);
    run('ip', ['netns', 'exec', ns, ETHTOOL, '-K', 've0', 'tx-checksumming', 'off']);
    const [reply] = await ynl({ family: 'ethtool', op: 'features-get', attrs: { header: { 'dev-name': 've0' } }, netns: ns });
    // A bitset without a mask (ETHTOOL_A_BITSET_NOMASK) lists only the bits that are set; hw
    // (with a mask) lists every bit with a value flag on the set ones.
    const active = new Map<string, boolean>();
    const hw = (reply!.attrs.hw as { bits: { bit: { name: string }[] } }).bits.bit;
    for (const b of hw) active.set(b.name, false);
    const set = reply!.attrs.active as { nomask?: true; bits: { bit: { name: string; value?: true }[] } };
    t.true(set.nomask);
    for (const b of set.bits.bit) active.set(b.name, true);
    const oracle = JSON.parse(run('ip', ['netns', 'exec', ns, ETHTOOL, '--json', '-k', 've0']))[0] as Record<string, { active: boolean }>;
    // ethtool -k names some features by their legacy group names; compare the netlink names it also prints.
    let compared = 0;
    for (const [name, v] of active) {
      if (!name || !(name in oracle)) continue;
      t.is(v, oracle[name]!.active, name);
      compared++;
    }
    t.true(compared > 20, `${compared} features compared`);
    t.false(active.get('tx-checksum-ip-generic'));

    const [ch] = await ynl({ family: 'ethtool', op: 'channels-get', attrs: { header: { 'dev-name': 've0' } }, netns: ns });
    const text = run('ip', ['netns', 'exec', ns, ETHTOOL, '-l', 've0']);
    const field = (section: string, key: string): number => Number(new RegExp(`${section}[\\s\\S]*?${key}:\\s+(\\d+)`).exec(text)![1]);
    t.is(ch!.attrs['rx-max'], field('Pre-set maximums', 'RX'));
    t.is(ch!.attrs['tx-count'], field('Current hardware settings', 'TX'));
  });
});

test('rt-link dump through the generic client matches ip -j -d link show', async (t) => {
  await withIpNetns('ynll', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'br9', 'type', 'bridge']);
    run('ip', ['-n', ns, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb']);
    run('ip', ['-n', ns, 'link', 'set', 'va', 'master', 'br9', 'mtu', '1400']);
    const replies = await ynl({ family: 'rt-link', op: 'getlink', mode: 'dump', netns: ns });
    const oracle = ipJson<any[]>(['-d', 'link', 'show'], ns);
    t.is(replies.length, oracle.length);
    for (const o of oracle) {
      const r = replies.find((x) => x.attrs.ifname === o.ifname)!;
      t.truthy(r, o.ifname);
      t.is(r.header!['ifi-index'], o.ifindex);
      t.is(r.attrs.mtu, o.mtu);
      if (o.address) t.is(r.attrs.address, o.address);
      const li = r.attrs.linkinfo as Record<string, any> | undefined;
      t.is(li?.kind, o.linkinfo?.info_kind, `${o.ifname} kind`);
      if (o.linkinfo?.info_slave_kind) {
        t.is(li?.['slave-kind'], o.linkinfo.info_slave_kind);
        t.is(li?.['slave-data'].priority, o.linkinfo.info_slave_data.priority);
        t.is(li?.['slave-data'].learning === 1, o.linkinfo.info_slave_data.learning);
      }
      if (o.linkinfo?.info_kind === 'bridge') t.is(li?.data['stp-state'], o.linkinfo.info_data.stp_state);
    }
  });
});

test('bad input is refused before any socket is opened; kernel errors name the attribute from the table', async (t) => {
  // A namespace that does not exist would fail the socket: a ValidationError proves nothing was opened.
  const cases: Array<[Parameters<typeof ynl>[0], RegExp]> = [
    [{ family: 'devlink', op: 'get' }, /no declared family "devlink"/],
    [{ family: 'ethtool', op: 'features-gett' }, /"features-gett" is not an operation of ethtool/],
    [{ family: 'ethtool', op: 'features-get', attrs: { header: { 'dev-nam': 'x' } } }, /header\.dev-nam.*not an attribute/],
    [{ family: 'rt-link', op: 'getlink', attrs: { mtu: -1 } }, /link-attrs\.mtu.*out of range/],
    [{ family: 'nlctrl', op: 'getpolicy' }, /getpolicy has no do/],
  ];
  for (const [req, re] of cases) {
    await t.throwsAsync(ynl({ ...req, netns: '/run/netns/does-not-exist' }), { instanceOf: ValidationError, message: re }, req.op);
  }
  await withIpNetns('ynlx', async (ns) => {
    const e = await t.throwsAsync(ynl({ family: 'ethtool', op: 'channels-get', attrs: { header: { 'dev-name': 'nope' } }, netns: ns }), { instanceOf: NetlinkError });
    t.is(e!.code, 'ENODEV');
    t.regex(e!.message, /no device matches name.*header\.dev-name/);
  });
});

test('netlinkts ynl prints one JSON message per reply', async (t) => {
  await withIpNetns('ynlc', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'ce0', 'type', 'veth', 'peer', 'name', 'ce1']);
    let out = '';
    const code = await ynlCommand(['--family', 'ethtool', '--do', 'channels-get', '--json', '{"header":{"dev-name":"ce0"}}', '--netns', ns], (s) => { out += s; });
    t.is(code, 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    t.is(lines.length, 1);
    t.is(lines[0].op, 'channels-get');
    t.is(lines[0].attrs.header['dev-name'], 'ce0');
    out = '';
    await ynlCommand(['--family', 'netdev', '--dump', 'dev-get', '--netns', ns], (s) => { out += s; });
    const ifindexes = out.trim().split('\n').map((l) => JSON.parse(l).attrs.ifindex).sort();
    t.deepEqual(ifindexes, ipJson<any[]>(['link', 'show'], ns).map((l) => l.ifindex).sort());
    out = '';
    await ynlCommand(['--family', 'ethtool', '--list-ops'], (s) => { out += s; });
    t.regex(out, /^features-get\tdo dump$/m);
    t.is(ynlJson({ a: 2n ** 64n - 1n, b: new Uint8Array([1, 255]), c: 5n }), '{"a":"18446744073709551615","b":"01ff","c":5}');
  });
});
