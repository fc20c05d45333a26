// strace as the oracle for what goes on the wire: it decodes the library's requests on its
// own (it knows rtnetlink), so we can see the kernel-side filters in dump requests and put
// the library's request for each seed command next to the one `ip` itself sends.
// (The native shim sends with sendto(), ip with sendmsg(): both are traced.)
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withNs } from './helpers/rtnl.js';

const INDEX = fileURLToPath(new URL('../src/rtnl/index.ts', import.meta.url));

interface Traced {
  type: string;
  flags: string[];
  header: string;
  attrs: Array<[string, string]>;
  text: string;
}

function strace(ns: string, argv: string[]): Traced[] {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'strace', '-f', '-qq', '-e', 'trace=sendto,sendmsg', '-e', 'signal=none', '-s', '8192', ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`strace ${argv.join(' ')} failed: ${r.stderr}`);
  const out: Traced[] = [];
  for (const line of r.stderr.split('\n')) {
    if (!/\b(sendto|sendmsg)\(/.test(line)) continue;
    const m = /nlmsg_type=(\w+), nlmsg_flags=([\w|]+), nlmsg_seq=(\d+)/.exec(line);
    if (!m || m[3] === '0') continue; // ip's probe at start-up carries seq 0
    const header = /\{(if[a]?_family|rtm_family|ndm_family|ifi_family)[^}]*\}/.exec(line)?.[0] ?? '';
    const attrs: Array<[string, string]> = [];
    for (const a of line.matchAll(/\{nla_len=\d+, nla_type=(?:NLA_F_NESTED\|)?(\w+)\}, ("(?:[^"\\]|\\.)*"(?:\.\.\.)?|[^\][]+?)\]/g)) {
      attrs.push([a[1]!, a[2]!.replace(/\.\.\.$/, '')]);
    }
    out.push({ type: m[1]!, flags: m[2]!.split('|').filter((f) => f !== 'NLM_F_ECHO'), header, attrs, text: line });
  }
  return out;
}

function lib(ns: string, body: string): Traced[] {
  const script = `import * as R from ${JSON.stringify(INDEX)}; const s = R.openRtnlSocket(); try { ${body} } finally { s.close(); }`;
  return strace(ns, [process.execPath, '--import=tsx', '--input-type=module', '-e', script]);
}

const mutating = (t: Traced): boolean => /^RTM_(NEW|DEL|SET)/.test(t.type);

test('a dump with kind=veth carries IFLA_LINKINFO/IFLA_INFO_KIND "veth" (and IFLA_EXT_MASK) in its request', async (t) => {
  await withNs('st', async ({ name }) => {
    const sent = lib(name, `await R.createLink(s, { name: 'veth0', kind: 'veth', peer: 'ceth0' }); await R.createLink(s, { name: 'br0', kind: 'bridge' }); console.log(JSON.stringify((await R.listLinks(s, { kind: 'veth' })).map((l) => l.ifname)));`);
    const dump = sent.find((s) => s.type === 'RTM_GETLINK' && s.flags.some((f) => f === 'NLM_F_DUMP' || f === '0x300'));
    t.truthy(dump, 'the dump request was traced');
    t.regex(dump!.text, /nla_type=(NLA_F_NESTED\|)?IFLA_LINKINFO\}, \[\{nla_len=\d+, nla_type=IFLA_INFO_KIND\}, "veth"\]/);
    t.regex(dump!.text, /nla_type=IFLA_EXT_MASK\}, RTEXT_FILTER_SKIP_STATS\]/);
    t.notRegex(dump!.text, /RTEXT_FILTER_VF/);
    t.log(dump!.text.replace(/^.*?(sendto|sendmsg)/, '$1').slice(0, 400));
  });
});

test('a route dump by table and a neighbour dump by device put their filters in the request', async (t) => {
  await withNs('su', async ({ name }) => {
    const sent = lib(name, `await R.createLink(s, { name: 'veth0', kind: 'veth', peer: 'ceth0' }); await R.listRoutes(s, { table: 1000, family: 4, resolveNames: false }); await R.listRoutes(s, { table: 100, family: 4, resolveNames: false }); await R.listNeighbours(s, { dev: 'veth0', resolveNames: false });`);
    const routes = sent.filter((s) => s.type === 'RTM_GETROUTE');
    t.true(routes.some((r) => /nla_type=RTA_TABLE\}, (1000|0x3e8)\]/.test(r.text)), 'table 1000 in RTA_TABLE');
    t.true(routes.some((r) => /rtm_table=(100\b|0x64)/.test(r.text)), 'table 100 in the header');
    const neigh = sent.find((s) => s.type === 'RTM_GETNEIGH')!;
    t.regex(neigh.text, /nla_type=NDA_IFINDEX\}, if_nametoindex\("veth0"\)\]/);
  });
});

// Each seed command next to its library call: same message type, flags, header and attributes
// (the library may add attributes ip leaves implicit, e.g. RTA_TABLE main; NLM_F_ECHO is ignored).
const pairs: Array<{ what: string; setup?: string[][]; ip: string[]; lib: string; extra?: string[] }> = [
  { what: 'ip link add br0 type bridge', ip: ['link', 'add', 'br0', 'type', 'bridge'], lib: `await R.createLink(s, { name: 'br0', kind: 'bridge' })` },
  { what: 'ip link add veth0 type veth peer name ceth0', ip: ['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'ceth0'], lib: `await R.createLink(s, { name: 'veth0', kind: 'veth', peer: 'ceth0' })` },
  { what: 'ip link set br0 up', setup: [['link', 'add', 'br0', 'type', 'bridge']], ip: ['link', 'set', 'br0', 'up'], lib: `await R.setLink(s, 'br0', { up: true })` },
  { what: 'ip link set veth0 master br0', setup: [['link', 'add', 'br0', 'type', 'bridge'], ['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'ceth0']], ip: ['link', 'set', 'veth0', 'master', 'br0'], lib: `await R.setLink(s, 'veth0', { master: 'br0' })` },
  { what: 'ip addr add 192.168.0.1/16 dev br0', setup: [['link', 'add', 'br0', 'type', 'bridge']], ip: ['addr', 'add', '192.168.0.1/16', 'dev', 'br0'], lib: `await R.addAddress(s, { dev: 'br0', address: '192.168.0.1/16' })` },
  { what: 'ip addr add 10.10.1.2/32 peer 10.10.1.3/32 dev rveth', setup: [['link', 'add', 'rveth', 'type', 'veth', 'peer', 'name', 'gveth']], ip: ['addr', 'add', '10.10.1.2/32', 'peer', '10.10.1.3/32', 'dev', 'rveth'], lib: `await R.addAddress(s, { dev: 'rveth', address: '10.10.1.2/32', peer: '10.10.1.3/32' })` },
  { what: 'ip route add default via 192.168.0.1', setup: [['link', 'add', 'br0', 'up', 'type', 'bridge'], ['addr', 'add', '192.168.0.2/16', 'dev', 'br0']], ip: ['route', 'add', 'default', 'via', '192.168.0.1'], lib: `await R.addRoute(s, { to: 'default', via: '192.168.0.1' })`, extra: ['RTA_TABLE'] },
  { what: 'ip route add 10.10.1.2/32 dev gveth', setup: [['link', 'add', 'gveth', 'up', 'type', 'veth', 'peer', 'name', 'rveth']], ip: ['route', 'add', '10.10.1.2/32', 'dev', 'gveth'], lib: `await R.addRoute(s, { to: '10.10.1.2/32', dev: 'gveth' })`, extra: ['RTA_TABLE'] },
  { what: 'ip link del veth0', setup: [['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'ceth0']], ip: ['link', 'del', 'veth0'], lib: `await R.deleteLink(s, 'veth0')` },
];

for (const p of pairs) {
  test(`\`${p.what}\` and its library call send the same request`, async (t) => {
    const fromIp = await withNs('sa', async ({ name }) => {
      for (const s of p.setup ?? []) spawnSync('ip', ['-n', name, ...s]);
      return strace(name, ['ip', ...p.ip]).filter(mutating);
    });
    const fromLib = await withNs('sb', async ({ name }) => {
      for (const s of p.setup ?? []) spawnSync('ip', ['-n', name, ...s]);
      return lib(name, p.lib).filter(mutating);
    });
    t.is(fromIp.length, 1, fromIp.map((x) => x.text).join('\n'));
    t.is(fromLib.length, 1, fromLib.map((x) => x.text).join('\n'));
    const [a, b] = [fromIp[0]!, fromLib[0]!];
    t.is(b.type, a.type);
    t.deepEqual([...b.flags].sort(), [...a.flags].sort());
    t.is(b.header, a.header);
    const norm = (v: string): string => v.replace(/\\x00"$/, '"');
    const ours = b.attrs.filter(([n]) => !(p.extra ?? []).includes(n)).map(([n, v]) => `${n}=${norm(v)}`);
    const theirs = a.attrs.map(([n, v]) => `${n}=${norm(v)}`);
    t.deepEqual([...ours].sort(), [...theirs].sort(), `ip:  ${a.text}\nlib: ${b.text}`);
  });
}
