// The compiled CLI run as a process inside namespaces the test makes, compared with iproute2
// (and nft) on the same namespace: names, indexes, flags, mtu, operstate, master, kind,
// link_netnsid, veth peers across namespaces; addresses, routes, neighbours, netns ids,
// the nftables ruleset; --raw/--hex; errors for missing namespaces and links.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPrivate, ip, ipJson, nftJson, NFT, run, uniqueName, withIpNetns } from './helpers/env.js';
import { tool } from './helpers/tools.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

/**
 * --all-netns walks every namespace the process can see; the private test namespace has the
 * machine's /proc, so it runs in a pid namespace of its own, where /proc holds only this
 * world (it must not dump, and so allocate nsids in, namespaces of other programs).
 */
const inPidNs = (args: string[], nodeArgs: string[] = []): [string, string[]] => (args.includes('--all-netns')
  ? [tool('unshare'), ['--pid', '--fork', '--mount-proc', process.execPath, ...nodeArgs, MAIN, ...args]]
  : [process.execPath, [...nodeArgs, MAIN, ...args]]);

function cli(args: string[], input = '') {
  const r = spawnSync(...inPidNs(args), { encoding: 'utf8', input, env: { ...process.env, DEBUG: '' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliJson<T = any>(args: string[]): T {
  const r = cli([...args, '--json']);
  if (r.status !== 0) throw new Error(`netlinkts ${args.join(' ')} --json: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

/** Two namespaces made with ip: A holds a bridge, a veth pair inside A, and a veth whose peer is in B. */
async function withTopology<T>(fn: (a: string, b: string) => Promise<T> | T): Promise<T> {
  return withIpNetns('cla', (a) => withIpNetns('clb', (b) => {
    ip(['link', 'add', 'br0', 'type', 'bridge'], a);
    ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
    ip(['link', 'set', 'v0', 'master', 'br0'], a);
    ip(['link', 'set', 'br0', 'up'], a);
    ip(['link', 'set', 'v0', 'up'], a);
    ip(['link', 'add', 'x0', 'mtu', '1400', 'type', 'veth', 'peer', 'name', 'y0', 'netns', b], a);
    ip(['link', 'set', 'x0', 'master', 'br0'], a);
    return fn(a, b);
  }));
}

// Keys whose values move on their own between two reads (bridge timers count down).
const VOLATILE = /_timer$/;

function sameAsIp(t: any, ours: any, theirs: any, where: string): void {
  for (const [k, v] of Object.entries(theirs)) {
    if (k === 'linkinfo') continue;
    t.deepEqual(ours[k], v, `${where}: ${k}`);
  }
  if (theirs.linkinfo) {
    t.is(ours.linkinfo?.info_kind, theirs.linkinfo.info_kind, `${where}: info_kind`);
    t.is(ours.linkinfo?.info_slave_kind, theirs.linkinfo.info_slave_kind, `${where}: info_slave_kind`);
    for (const part of ['info_data', 'info_slave_data'] as const) {
      for (const [k, v] of Object.entries(theirs.linkinfo[part] ?? {})) {
        if (VOLATILE.test(k)) continue;
        t.deepEqual(ours.linkinfo[part]?.[k], v, `${where}: linkinfo.${part}.${k}`);
      }
    }
  } else {
    t.is(ours.linkinfo, undefined, `${where}: no linkinfo`);
  }
}

test('dump-links --json agrees with `ip -j -d link show` field by field', async (t) => {
  await withTopology((a) => {
    const theirs = ipJson<any[]>(['-d', 'link', 'show'], a);
    const ours = cliJson<any[]>(['dump-links', '--netns', a]);
    t.deepEqual(ours.map((l) => l.ifname), theirs.map((l) => l.ifname));
    t.true(theirs.length >= 5);
    for (let i = 0; i < theirs.length; i++) {
      sameAsIp(t, ours[i], theirs[i], theirs[i].ifname);
      t.is(ours[i].netns, a);
    }
    const x0 = ours.find((l) => l.ifname === 'x0');
    t.is(x0.mtu, 1400);
    t.is(x0.master, 'br0');
    t.is(typeof x0.link_netnsid, 'number');
  });
});

test('veth peers: same namespace and across namespaces, with --netns and --all-netns', async (t) => {
  await withTopology((a, b) => {
    const inA = cliJson<any[]>(['dump-links', '--netns', a]);
    const v0 = inA.find((l) => l.ifname === 'v0');
    t.is(v0.peer_ifname, 'v1');
    t.is(v0.peer_netns, a);
    const x0 = inA.find((l) => l.ifname === 'x0');
    t.is(x0.peer_ifname, 'y0');
    t.is(x0.peer_netns, b);
    t.is(inA.find((l) => l.ifname === 'br0').peer_ifname, undefined, 'only veths have peers');

    const inB = cliJson<any[]>(['dump-links', '--netns', b]);
    const y0 = inB.find((l) => l.ifname === 'y0');
    t.is(y0.peer_ifname, 'x0');
    t.is(y0.peer_netns, a);
    // the peer's index over there is what ip prints as link_index
    t.is(y0.link_index, inA.find((l) => l.ifname === 'x0').ifindex);

    const all = cliJson<any[]>(['dump-links', '--all-netns']);
    const here = all.filter((l) => l.netns === null);
    t.deepEqual(here.map((l) => l.ifname), ipJson<any[]>(['link', 'show']).map((l) => l.ifname), 'the current namespace comes first, as netns null');
    const mine = all.filter((l) => l.netns === a || l.netns === b);
    const pairs = mine.filter((l) => l.peer_ifname).map((l) => `${l.netns}/${l.ifname} -> ${l.peer_netns}/${l.peer_ifname}`).sort();
    t.deepEqual(pairs, [`${a}/v0 -> ${a}/v1`, `${a}/v1 -> ${a}/v0`, `${a}/x0 -> ${b}/y0`, `${b}/y0 -> ${a}/x0`].sort());

    // text: ip's shape, with the peer's namespace named
    const text = cli(['dump-links', '--netns', a]).stdout;
    t.regex(text, new RegExp(`^\\d+: x0@if\\d+: <[A-Z_,-]+> mtu 1400 .*master br0`, 'm'));
    t.regex(text, new RegExp(`link-netns ${b} peer y0 peer-netns ${b}`));
    t.regex(text, /^\d+: v1@v0: /m);
  });
});

test('veth peers in other namespaces: asked by namespace id one by one, or that namespace dumped when it holds many', async (t) => {
  // Host H: 12 veths whose peers are in B (more than are asked for one by one: the rest come
  // from a dump of B) and 2 whose peers are in C (asked for by IFLA_TARGET_NETNSID).
  await withIpNetns('clh', (h) => withIpNetns('clp', (b) => withIpNetns('clq', (c) => {
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(`link add h${i} type veth peer name p${i} netns ${b}`);
    for (let i = 0; i < 2; i++) lines.push(`link add g${i} type veth peer name eth${i} netns ${c}`);
    run('ip', ['-n', h, '-batch', '-'], `${lines.join('\n')}\n`);
    const inB = new Map(ipJson<any[]>(['link', 'show'], b).map((l) => [l.ifindex, l.ifname]));
    const inC = new Map(ipJson<any[]>(['link', 'show'], c).map((l) => [l.ifindex, l.ifname]));
    for (const json of [true, false]) {
      const ours = json ? cliJson<any[]>(['dump-links', '--netns', h]) : undefined;
      const text = json ? '' : cli(['dump-links', '--netns', h]).stdout;
      for (const l of ipJson<any[]>(['-d', 'link', 'show'], h).filter((x) => x.link_netnsid !== undefined)) {
        const [ns, names] = l.ifname.startsWith('h') ? [b, inB] : [c, inC];
        const peer = names.get(l.link_index);
        t.truthy(peer, `${l.ifname}: ip shows its peer's index ${l.link_index} in ${ns}`);
        if (ours) {
          const o = ours.find((x) => x.ifname === l.ifname);
          t.deepEqual([o.peer_ifname, o.peer_netns, o.link_index, o.link_netnsid], [peer, ns, l.link_index, l.link_netnsid], l.ifname);
        } else {
          t.regex(text, new RegExp(`^\\d+: ${l.ifname}@if${l.link_index}: .*\\n.*link-netns ${ns} peer ${peer} peer-netns ${ns}`, 'm'), l.ifname);
        }
      }
    }
    // The requests as strace decodes them: 8 peers asked for in B (then B is dumped from a
    // socket inside it), 2 in C; each an RTM_GETLINK carrying IFLA_TARGET_NETNSID. Run inside H
    // (strace decodes netlink only for sockets of its own namespace).
    const trace = join(mkdtempSync(join(tmpdir(), 'netlinkts-peers-')), 'strace');
    const r = spawnSync('ip', ['netns', 'exec', h, 'strace', '-f', '-qq', '-e', 'trace=sendto,sendmsg', '-o', trace, process.execPath, MAIN, 'dump-links', '--json'], { encoding: 'utf8', env: { ...process.env, DEBUG: '' } });
    t.is(r.status, 0, r.stderr);
    const asked = readFileSync(trace, 'utf8').match(/nla_type=IFLA_(IF|TARGET)_NETNSID\}/g)?.length ?? 0;
    rmSync(dirname(trace), { recursive: true, force: true });
    t.is(asked, 10, 'RTM_GETLINK requests with IFLA_TARGET_NETNSID');
  })));
});

test('--type and --master are filtered like `ip link show type/master`', async (t) => {
  await withTopology((a) => {
    const veths = cliJson<any[]>(['dump-links', '--netns', a, '--type', 'veth']);
    t.deepEqual(veths.map((l) => l.ifname).sort(), ipJson<any[]>(['link', 'show', 'type', 'veth'], a).map((l) => l.ifname).sort());
    t.true(veths.every((l) => l.linkinfo.info_kind === 'veth'));
    const ports = cliJson<any[]>(['dump-links', '--netns', a, '--master', 'br0']);
    t.deepEqual(ports.map((l) => l.ifname).sort(), ['v0', 'x0']);
    t.deepEqual(ports.map((l) => l.ifname).sort(), ipJson<any[]>(['link', 'show', 'master', 'br0'], a).map((l) => l.ifname).sort());
    // a filtered dump still finds a peer outside the filter
    t.is(ports.find((l) => l.ifname === 'v0').peer_ifname, 'v1');
    const none = cli(['dump-links', '--netns', a, '--master', 'nosuch0']);
    t.is(none.status, 1);
    t.regex(none.stderr, /--master nosuch0: no such link in namespace/);
  });
});

test('a missing namespace is named, exit 1, one line', (t) => {
  const name = uniqueName('gone');
  for (const cmd of ['dump-links', 'dump-addrs', 'dump-routes', 'dump-neigh', 'dump-nft']) {
    const r = cli([cmd, '--netns', name]);
    t.is(r.status, 1, cmd);
    t.is(r.stderr, `netlinkts: network namespace "${name}" not found: /run/netns/${name} does not exist; \`netlinkts netns list\` shows the named ones\n`);
  }
  const m = cli(['monitor', '--netns', name]);
  t.is(m.status, 1);
  t.regex(m.stderr, new RegExp(`"${name}" not found`));
});

test('without CAP_SYS_ADMIN, entering a namespace fails with a hint naming the capability', async (t) => {
  await withIpNetns('clp', (a) => {
    const r = spawnSync('unshare', ['-U', process.execPath, MAIN, 'dump-links', '--netns', a], { encoding: 'utf8' });
    t.is(r.status, 1);
    t.regex(r.stderr, /setns: EPERM .*CAP_SYS_ADMIN: run as root, or inside `unshare -rn`/);
    t.is(r.stderr.trim().split('\n').length, 1);
  });
});

test('dump-addrs --json agrees with `ip -j addr show`', async (t) => {
  await withIpNetns('cld', (a) => {
    ip(['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1'], a);
    ip(['addr', 'add', '10.20.0.1/24', 'dev', 'd0'], a);
    ip(['addr', 'add', '10.20.0.2/24', 'dev', 'd0'], a); // secondary
    ip(['addr', 'add', '2001:db8:20::1/64', 'dev', 'd0', 'nodad'], a);
    ip(['addr', 'add', '192.0.2.1', 'peer', '192.0.2.2', 'dev', 'd1'], a);
    t.deepEqual(cliJson(['dump-addrs', '--netns', a]), ipJson(['addr', 'show'], a));
    t.deepEqual(cliJson(['dump-addrs', '--netns', a, '--dev', 'd0']), ipJson(['addr', 'show', 'dev', 'd0'], a));
    t.deepEqual(cliJson(['dump-addrs', '--netns', a, '--family', 'inet']), ipJson(['-4', 'addr', 'show'], a));
    const text = cli(['dump-addrs', '--netns', a]).stdout;
    t.regex(text, /inet 10\.20\.0\.2\/24 scope global secondary d0/);
    t.regex(text, /inet 192\.0\.2\.1 peer 192\.0\.2\.2\/32 scope global d1/);
  });
});

test('dump-routes --json agrees with `ip -j -d route show`, per table and for all tables', async (t) => {
  await withIpNetns('clr', (a) => {
    ip(['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1'], a);
    // No IPv6 link-local addresses: their routes would appear when DAD ends, between two reads.
    ip(['link', 'set', 'd0', 'addrgenmode', 'none'], a);
    ip(['link', 'set', 'd1', 'addrgenmode', 'none'], a);
    ip(['link', 'set', 'd0', 'up'], a);
    ip(['link', 'set', 'd1', 'up'], a);
    ip(['addr', 'add', '10.0.0.1/24', 'dev', 'd0'], a);
    ip(['addr', 'add', '2001:db8::1/64', 'dev', 'd0', 'nodad'], a);
    ip(['route', 'add', '10.1.0.0/16', 'via', '10.0.0.2', 'metric', '10'], a);
    ip(['route', 'add', 'blackhole', '10.2.0.0/16'], a);
    ip(['route', 'add', '10.3.0.0/16', 'dev', 'd0', 'table', '100'], a);
    ip(['route', 'add', '10.4.0.0/16', 'nexthop', 'via', '10.0.0.2', 'weight', '1', 'nexthop', 'via', '10.0.0.3', 'weight', '2'], a);
    ip(['route', 'add', '10.5.0.0/16', 'via', '10.0.0.2', 'mtu', '1400', 'proto', 'static'], a);
    ip(['route', 'add', 'default', 'via', '10.0.0.2'], a);
    ip(['route', 'add', '2001:db8:5::/48', 'via', '2001:db8::2'], a);
    t.deepEqual(cliJson(['dump-routes', '--netns', a]), ipJson(['-d', 'route', 'show'], a));
    t.deepEqual(cliJson(['dump-routes', '--netns', a, '--table', '100']), ipJson(['-d', 'route', 'show', 'table', '100'], a));
    t.deepEqual(cliJson(['dump-routes', '--netns', a, '--family', 'inet6']), ipJson(['-d', '-6', 'route', 'show'], a));
    t.deepEqual(cliJson(['dump-routes', '--netns', a, '--table', 'all']), ipJson(['-d', 'route', 'show', 'table', 'all'], a));
    const text = cli(['dump-routes', '--netns', a]).stdout;
    t.regex(text, /^10\.1\.0\.0\/16 via 10\.0\.0\.2 dev d0 metric 10$/m);
    t.regex(text, /^10\.4\.0\.0\/16\n\tnexthop via 10\.0\.0\.2 dev d0 weight 1\n\tnexthop via 10\.0\.0\.3 dev d0 weight 2$/m);
  });
});

test('dump-routes in a namespace without routes prints nothing, as ip does', async (t) => {
  await withIpNetns('cle', (a) => {
    ip(['link', 'set', 'lo', 'down'], a);
    const r = cli(['dump-routes', '--netns', a, '--json']);
    t.is(r.status, 0, r.stderr);
    t.deepEqual(JSON.parse(r.stdout), ipJson(['-d', 'route', 'show'], a));
    t.is(cli(['dump-routes', '--netns', a]).stdout, '');
  });
});

test('dump-neigh --json agrees with `ip -j neigh show`', async (t) => {
  await withIpNetns('cln', (a) => {
    ip(['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1'], a);
    ip(['link', 'set', 'd0', 'addrgenmode', 'none'], a);
    ip(['link', 'set', 'd0', 'up'], a);
    ip(['neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'd0'], a);
    ip(['neigh', 'add', '2001:db8::9', 'lladdr', '02:00:00:00:00:0a', 'dev', 'd0', 'nud', 'stale'], a);
    ip(['neigh', 'add', 'proxy', '10.0.0.7', 'dev', 'd0'], a);
    t.deepEqual(cliJson(['dump-neigh', '--netns', a]), ipJson(['neigh', 'show'], a));
    t.deepEqual(cliJson(['dump-neigh', '--netns', a, '--family', 'inet6']), ipJson(['-6', 'neigh', 'show'], a));
    t.regex(cli(['dump-neigh', '--netns', a]).stdout, /^10\.0\.0\.9 dev d0 lladdr 02:00:00:00:00:09 PERMANENT$/m);
  });
});

test('netns list agrees with `ip -j netns list` for the namespaces made here', async (t) => {
  await withIpNetns('cli', (a) => withIpNetns('clj', (b) => {
    ip(['netns', 'set', a, '42']);
    const pick = (list: any[]) => list.filter((e) => e.name === a || e.name === b).sort((x, y) => x.name.localeCompare(y.name));
    const ours = pick(cliJson(['netns', 'list']));
    t.deepEqual(ours, pick(ipJson(['netns', 'list'])));
    t.deepEqual(ours, [{ name: a, id: 42 }, { name: b }]);
    t.regex(cli(['netns', 'list']).stdout, new RegExp(`^${a} \\(id: 42\\)$`, 'm'));
  }));
});

test('--raw shows the attribute tree and --hex the bytes, which decode reads back', async (t) => {
  await withIpNetns('clx', (a) => {
    ip(['link', 'add', 'dummyish', 'type', 'veth', 'peer', 'name', 'other'], a);
    const raw = cli(['dump-links', '--netns', a, '--raw']);
    t.is(raw.status, 0, raw.stderr);
    t.regex(raw.stdout, /^RTM_NEWLINK \(16\) len \d+ flags MULTI/m);
    t.regex(raw.stdout, /IFLA_IFNAME \(3\) len 13: "dummyish"/);
    t.regex(raw.stdout, /IFLA_LINKINFO \(18\) len \d+:\n\s+IFLA_INFO_KIND \(1\) len 9: "veth"/);
    const rawJson = cliJson<any[]>(['dump-links', '--netns', a, '--raw']);
    t.true(rawJson.some((m) => m.attributes.some((x: any) => x.name === 'IFLA_IFNAME' && x.value === 'other')));

    const hex = cliJson<any[]>(['dump-links', '--netns', a, '--hex']);
    t.is(hex.length, ipJson<any[]>(['link', 'show'], a).length);
    const back = cli(['decode', '--json'], hex.map((m) => m.hex).join('\n'));
    t.is(back.status, 0, back.stderr);
    const decoded = JSON.parse(back.stdout);
    t.deepEqual(decoded.map((m: any) => m.type_name), hex.map(() => 'RTM_NEWLINK'));
    const names = (list: any[]) => list.map((m) => m.attributes.find((x: any) => x.name === 'IFLA_IFNAME').value);
    t.deepEqual(names(decoded), names(rawJson));
    t.regex(cli(['dump-routes', '--netns', a, '--hex']).stdout + cli(['dump-addrs', '--netns', a, '--raw']).stdout, /RTM_NEWADDR/);
  });
});

test('dump-nft agrees with `nft -j list ruleset`: tables, chains, hooks, priorities, policies, rule text', async (t) => {
  await withIpNetns('clf', (a) => {
    const nft = (cmd: string) => run('ip', ['netns', 'exec', a, NFT, ...cmd.split(' ')]);
    nft('add table ip nat');
    run('ip', ['netns', 'exec', a, NFT, 'add chain ip nat postrouting { type nat hook postrouting priority srcnat; policy accept; }']);
    run('ip', ['netns', 'exec', a, NFT, 'add rule ip nat postrouting ip saddr 192.168.0.0/16 masquerade']);
    nft('add table inet filter');
    run('ip', ['netns', 'exec', a, NFT, 'add chain inet filter input { type filter hook input priority 0; policy drop; }']);
    run('ip', ['netns', 'exec', a, NFT, 'add rule inet filter input ct state established,related accept']);
    const theirs = nftJson(a).nftables;
    const ours = cliJson<any>(['dump-nft', '--netns', a]).nftables;
    const pick = (list: any[], kind: string, keys: string[]) => list.filter((o) => o[kind]).map((o) => Object.fromEntries(keys.map((k) => [k, o[kind][k]]))).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    t.deepEqual(pick(ours, 'table', ['family', 'name', 'handle']), pick(theirs, 'table', ['family', 'name', 'handle']));
    const chainKeys = ['family', 'table', 'name', 'handle', 'type', 'hook', 'prio', 'policy'];
    t.deepEqual(pick(ours, 'chain', chainKeys), pick(theirs, 'chain', chainKeys));
    t.deepEqual(pick(ours, 'rule', ['family', 'table', 'chain', 'handle']), pick(theirs, 'rule', ['family', 'table', 'chain', 'handle']));
    const text = cli(['dump-nft', '--netns', a]).stdout;
    t.regex(text, /table ip nat \{\n\tchain postrouting \{\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip saddr 192\.168\.0\.0\/16 masquerade\n\t\}\n\}/);
    t.regex(text, /ct state established,related accept/);
    const raw = cli(['dump-nft', '--netns', a, '--raw']).stdout;
    t.regex(raw, /NFT_MSG_NEWCHAIN \(2563\)/);
    t.regex(raw, /NFTA_EXPR_NAME \(1\) len 9: "masq"/);
  });
});

test('monitor prints link, address and route events until SIGINT, then exits 0', async (t) => {
  await withIpNetns('clm', async (a) => {
    for (const json of [false, true]) {
      const child = spawn(process.execPath, [MAIN, 'monitor', '--netns', a, ...(json ? ['--json'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const waitFor = async (re: RegExp, ms = 5000): Promise<void> => {
        for (let i = 0; i < ms / 25 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
      };
      // The process subscribes as it starts: repeat the first change until its event shows.
      for (let i = 0; i < 40 && !/\bm0\b/.test(out); i++) {
        ip(['link', 'add', 'm0', 'type', 'veth', 'peer', 'name', 'p0'], a);
        await waitFor(/\bm0\b/, 500);
        if (!/\bm0\b/.test(out)) ip(['link', 'del', 'm0'], a);
      }
      ip(['addr', 'add', '10.30.0.1/24', 'dev', 'm0'], a);
      ip(['link', 'set', 'm0', 'up'], a);
      ip(['link', 'del', 'm0'], a);
      await waitFor(json ? /"event":"deleted","kind":"link"[^\n]*"ifname":"m0"/ : /\[LINK\] Deleted \d+: m0/);
      child.kill('SIGINT');
      t.is(await exited, 0, err);
      if (json) {
        const events = out.trim().split('\n').map((l) => JSON.parse(l));
        t.true(events.some((e) => e.event === 'new' && e.kind === 'link' && e.ifname === 'm0'));
        t.true(events.some((e) => e.event === 'new' && e.kind === 'address' && e.local === '10.30.0.1' && e.dev === 'm0'));
        t.true(events.some((e) => e.event === 'new' && e.kind === 'route' && e.dst === '10.30.0.1' && e.type === 'local'));
        t.true(events.some((e) => e.event === 'deleted' && e.kind === 'link' && e.ifname === 'm0'));
      } else {
        t.regex(out, /^\[LINK\] \d+: m0@p0: /m);
        t.regex(out, /^\[ADDR\] \d+: m0 +inet 10\.30\.0\.1\/24 /m);
        t.regex(out, /^\[LINK\] Deleted \d+: m0/m);
      }
    }
  });
});

test('read-only commands load neither zod nor debug (start-up cost)', async (t) => {
  await withIpNetns('clz', (a) => {
    ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
    // ESM loads through a loader hook, CommonJS ones (debug) through Module._load: both logged.
    const hook = 'data:text/javascript,' + encodeURIComponent(
      'export async function load(u, c, n) { process.stderr.write("LOAD " + u + "\\n"); return n(u, c); }');
    const preload = 'data:text/javascript,' + encodeURIComponent([
      'import M, { register } from "node:module";',
      `register(${JSON.stringify(hook)});`,
      'const orig = M._load; M._load = function (r, ...x) { process.stderr.write("REQUIRE " + r + "\\n"); return orig.call(this, r, ...x); };',
    ].join('\n'));
    const commands = [
      ['dump-links', '--json'], ['dump-links', '--all-netns'], ['dump-addrs', '--json'], ['dump-routes', '--json'],
      ['dump-neigh'], ['dump-nft', '--json'], ['netns', 'list'], ['dump-links', '--raw'], ['--help'],
    ];
    for (const args of commands) {
      const [cmd, argv] = inPidNs([...args, ...(args[0] === '--help' || args[0] === 'netns' || args.includes('--all-netns') ? [] : ['--netns', a])], ['--import', preload]);
      const r = spawnSync(cmd, argv,
        { encoding: 'utf8', env: { ...process.env, DEBUG: '' } });
      t.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      const loads = r.stderr.split('\n').filter((l) => /^(LOAD|REQUIRE) /.test(l));
      t.true(loads.some((l) => l.includes('cli/main.js')), 'the hook saw the launcher');
      t.deepEqual(loads.filter((l) => /\bzod\b|[/ ]debug\b|node_modules\/debug/.test(l)), [], args.join(' '));
    }
  });
});
