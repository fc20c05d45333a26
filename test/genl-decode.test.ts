// `netlinkts decode` on generic netlink: ethtool's own conversation (captured with strace, both
// directions) decoded by the declared tables, the family id learned from the nlctrl reply in
// the capture; the channel counts in the decoded reply are the ones `ethtool -l` printed.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AttrNode, MessageTree } from '../src/netlink/attribute-tree.js';
import { assertPrivate, run, withIpNetns } from './helpers/env.js';
import { tool } from './helpers/tools.js';
import { conversationHex } from './helpers/strace.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const ETHTOOL = tool('ethtool');

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npm run build:ts (npm test does it)');
});

function decode(args: string[], input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'decode', ...args], { input, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Msg = MessageTree & { datagram: number; direction?: string };
const find = (nodes: AttrNode[] | undefined, name: string): AttrNode | undefined => nodes?.find((n) => n.name === name);

test('ethtool -l, as it spoke to the kernel: nlctrl names the id, the ethtool messages decode by the table', async (t) => {
  await withIpNetns('gdc', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'dv0', 'type', 'veth', 'peer', 'name', 'dv1']);
    const cap = conversationHex([ETHTOOL, '-l', 'dv0'], ns);
    t.is(cap.status, 0, cap.stderr);
    const printed = run('ip', ['netns', 'exec', ns, ETHTOOL, '-l', 'dv0']);
    const r = decode(['--json', '--protocol', 'generic'], cap.hex);
    t.is(r.status, 0, r.stderr);
    const msgs = JSON.parse(r.stdout) as Msg[];

    // The nlctrl reply: family-name ethtool and its id.
    const ctrl = msgs.find((m) => m.type === 0x10 && m.direction === 'recv' && find(m.attributes, 'family-name')?.value === 'ethtool');
    t.truthy(ctrl, 'no nlctrl reply naming ethtool');
    const id = find(ctrl!.attributes, 'family-id')!.value as number;
    t.is(ctrl!.type_name, 'nlctrl');

    // The request: channels-get with the device name inside the header nest.
    const req = msgs.find((m) => m.type === id && m.direction === 'send');
    t.truthy(req, `no request of type ${id}`);
    t.is(req!.type_name, 'ethtool');
    t.is(req!.header!.fields.op, 'channels-get');
    t.is(find(find(req!.attributes, 'header')?.children, 'dev-name')?.value, 'dv0');

    // The reply: channels-get's reply set, with the numbers ethtool printed.
    const rep = msgs.find((m) => m.type === id && m.direction === 'recv');
    t.truthy(rep, 'no ethtool reply');
    t.is(rep!.header!.fields.op, 'channels-get');
    const rxMax = find(rep!.attributes, 'rx-max')?.value;
    const rxCount = find(rep!.attributes, 'rx-count')?.value;
    t.regex(printed, new RegExp(`Pre-set maximums:\\nRX:\\s+${rxMax}\\n`));
    t.regex(printed, new RegExp(`Current hardware settings:\\nRX:\\s+${rxCount}\\n`));

    // Without the nlctrl messages the id is unknown; --family names it.
    // (words: direction, then bytes; nlmsg_type is bytes 4-5, little-endian.)
    const lines = cap.hex.split('\n').filter((l) => { const w = l.split(' '); return l && !(w[5] === '10' && w[6] === '00'); });
    const without = JSON.parse(decode(['--json', '--protocol', 'generic'], `${lines.join('\n')}\n`).stdout) as Msg[];
    t.is(without.find((m) => m.type === id)?.type_name, undefined);
    const named = JSON.parse(decode(['--json', '--family', `ethtool=${id}`], `${lines.join('\n')}\n`).stdout) as Msg[];
    t.is(named.find((m) => m.type === id && m.direction === 'recv')?.header?.fields.op, 'channels-get');
  });
});

test('decode --family refuses what is not NAME=ID, naming the option', (t) => {
  const r = decode(['--family', 'ethtool'], 'send 14 00 00 00 10 00 01 00 00 00 00 00 00 00 00 00 03 01 00 00\n');
  t.is(r.status, 2);
  t.regex(r.stderr, /--family takes NAME=ID pairs/);
});
