// Named namespaces compatible with `ip netns`, handles by name/path/pid/fd with identity,
// sockets/files/processes inside a namespace, and namespace ids both ways.
import test from 'ava';
import { closeSync, readFileSync } from 'node:fs';
import { HandleClosedError, ValidationError, SystemError } from '../src/netlink/errors.js';
import {
  addNamespace, currentNamespace, deleteNamespace, listNamespaces, namespaceExists, openNamespace, NetworkNamespace,
} from '../src/netlink/namespace.js';
import {
  createLink, ensureNsid, getLink, getNsid, listLinks, listNamespacesWithIds, listNsids, namespaceOfNsid, openRtnlSocket, setNsid,
} from '../src/rtnl/index.js';
import { assertPrivate, run, tryRun, uniqueName } from './helpers/env.js';
import { ipj, withNamespaces, withNs } from './helpers/rtnl.js';

test('namespaces added by the library are ip netns namespaces, and the other way round', async (t) => {
  assertPrivate();
  const mine = uniqueName('na');
  const theirs = uniqueName('nb');
  const ns = await addNamespace(mine);
  try {
    t.true(run('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === mine), 'ip netns list shows it');
    run('ip', ['-n', mine, 'link', 'set', 'lo', 'up']);
    run('ip', ['netns', 'add', theirs]);
    t.true((await listNamespaces()).includes(theirs));
    t.true(await namespaceExists(theirs));
    const err = await t.throwsAsync(addNamespace(mine), { instanceOf: SystemError });
    t.is(err!.code, 'EEXIST');
    t.false(ns.isCurrent());
    const theirsHandle = openNamespace(theirs);
    t.false(theirsHandle.equals(ns));
    theirsHandle.close();
  } finally {
    ns.close();
    await deleteNamespace(mine);
    tryRun('ip', ['netns', 'del', theirs]);
  }
  t.false((await listNamespaces()).includes(mine));
  t.false(run('ip', ['netns', 'list']).includes(mine), 'ip sees it gone');
  const err = await t.throwsAsync(deleteNamespace(mine), { instanceOf: SystemError });
  t.is(err!.code, 'ENOENT');
});

test('handles by name, path, pid and fd compare equal when they are the same namespace', async (t) => {
  await withNs('nh', async ({ name, ns }) => {
    const byName = openNamespace(name);
    const byPath = openNamespace(`/run/netns/${name}`);
    const child = ns.spawn('sleep', ['30'], { stdio: 'ignore' });
    // The helper enters the namespace, then execs sleep: wait for the exec, not a guessed delay.
    const comm = (): string => { try { return readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim(); } catch { return ''; } };
    for (let i = 0; i < 250 && comm() !== 'sleep'; i++) await new Promise((r) => setTimeout(r, 20));
    t.is(comm(), 'sleep');
    const byPid = openNamespace({ pid: child.pid! });
    const byFd = openNamespace({ fd: byName.fd });
    const dup = openNamespace(byName);
    const here = currentNamespace();
    try {
      for (const h of [byPath, byPid, byFd, dup]) t.true(h.equals(byName), `${h} equals ${byName}`);
      t.is(byPid.id, ns.id);
      t.false(here.equals(ns), 'the test process is not in it');
      t.true(here.isCurrent());
      const map = new Map<string, string>([[ns.id, name]]);
      t.is(map.get(byPid.id), name, 'id works as a Map key');
      // ip agrees: `ip netns identify PID` names the namespace of the process.
      t.is(run('ip', ['netns', 'identify', String(child.pid)]).trim(), name);
    } finally {
      child.kill();
      for (const h of [byName, byPath, byPid, byFd, dup, here]) h.close();
    }
    t.true(byName.closed);
    t.throws(() => byName.fd, { instanceOf: HandleClosedError });
  });
});

test('Symbol.dispose closes a handle', async (t) => {
  await withNs('nd', async ({ name }) => {
    let h: NetworkNamespace;
    {
      using ns = openNamespace(name);
      h = ns;
      t.false(ns.closed);
    }
    t.true(h.closed);
  });
});

test('a socket opened in a namespace sees that namespace only, from the JS thread', async (t) => {
  await withNamespaces(['sa', 'sb'], async ([a, b]) => {
    await createLink(a!.sock, { name: 'only-in-a', kind: 'bridge' });
    const s = b!.ns.openSocket();
    try {
      t.deepEqual((await listLinks(s)).map((l) => l.ifname), ['lo']);
    } finally {
      s.close();
    }
    const s2 = openRtnlSocket({ netns: `/run/netns/${a!.name}` });
    try {
      const l = await getLink(s2, 'only-in-a');
      t.is(l.ifname, 'only-in-a');
      t.is(l.linkinfo?.info_kind, 'bridge');
      t.is(l.ifindex, ipj(a!.name, ['link', 'show', 'only-in-a'])[0].ifindex, 'the link of namespace a, as ip -n a sees it');
    } finally {
      s2.close();
    }
    t.true(currentNamespace().isCurrent(), 'the JS thread never moved');
  });
});

test('openFile reads /proc files of the namespace; spawn and exec run programs inside it', async (t) => {
  await withNs('nf', async ({ name, ns, sock }) => {
    await createLink(sock, { name: 'br-x', kind: 'bridge' });
    // /proc/thread-self/net is the opening thread's namespace: here, the helper's.
    const fd = ns.openFile('/proc/thread-self/net/dev');
    try {
      const text = readFileSync(fd, 'utf8');
      t.regex(text, /br-x:/);
    } finally {
      closeSync(fd);
    }
    const r = await ns.exec('ip', ['-j', 'link', 'show', 'br-x']);
    t.is(r.code, 0, r.stderr);
    t.is(JSON.parse(r.stdout)[0].ifname, 'br-x');
    const sys = await ns.exec('cat', ['/sys/class/net/br-x/type'], { sys: true });
    t.is(sys.stdout.trim(), '1', 'with sys: true, /sys shows this namespace (as ip netns exec)');
    const missing = await ns.exec('/no/such/program');
    t.is(missing.code, 127);
    t.regex(missing.stderr, /netlinkts-nsexec: exec/);
    const input = await ns.exec('cat', [], { input: 'hello' });
    t.is(input.stdout, 'hello');
    t.is(ipj(name, ['link', 'show', 'br-x'])[0].ifname, 'br-x');
  });
});

test('netns ids both ways: namespace -> id (RTM_GETNSID/NEWNSID), id -> namespace, as ip netns list-id', async (t) => {
  await withNamespaces(['ia', 'ib', 'ic'], async ([a, b, c]) => {
    t.is(await getNsid(a!.sock, b!.ns), undefined, 'no id until one is needed');
    const idB = await setNsid(a!.sock, b!.ns, 5);
    t.is(idB, 5);
    t.is(await getNsid(a!.sock, b!.name), 5, 'by name too');
    const err = await t.throwsAsync(setNsid(a!.sock, b!.ns, 6));
    t.regex(String(err), /EEXIST/);
    const idC = await ensureNsid(a!.sock, c!.ns);
    t.is(await ensureNsid(a!.sock, c!.ns), idC, 'stable');
    t.not(idC, 5);
    // ip agrees, in both directions.
    t.is(run('ip', ['-n', a!.name, 'netns', 'list-id']).includes(`nsid 5 (iproute2 netns name: ${b!.name})`), true);
    const ipIds = ipj(a!.name, ['netns', 'list-id']);
    const mine = await listNsids(a!.sock);
    t.deepEqual(mine.map((e) => [e.nsid, e.name]).sort(), ipIds.map((e: { nsid: number; name?: string }) => [e.nsid, e.name]).sort());
    // ip -j netns list (run inside a): names with the ids a gives them.
    const ipList = JSON.parse(await a!.ns.exec('ip', ['-j', 'netns', 'list']).then((r) => r.stdout)) as Array<{ name: string; id?: number }>;
    const libList = await listNamespacesWithIds(a!.sock);
    // Other test files make and delete namespaces meanwhile (a full run saw one go between the
    // two listings): this test's three must be in both, alike; any other, alike where both saw it.
    const own = new Set([a!.name, b!.name, c!.name]);
    for (const name of own) t.deepEqual(libList.find((x) => x.name === name), ipList.find((x) => x.name === name), name);
    for (const e of ipList) {
      const lib = libList.find((x) => x.name === e.name);
      if (lib) t.deepEqual(lib, e, e.name);
    }
    const back = await namespaceOfNsid(a!.sock, idC);
    t.truthy(back);
    t.true(back!.equals(c!.ns));
    t.is(back!.name, c!.name);
    back!.close();
    t.is(await namespaceOfNsid(a!.sock, 999), undefined);
    // A veth peer in b is reported with b's id; ip prints the same link_netnsid.
    const v = await createLink(a!.sock, { name: 'v0', kind: 'veth', peer: { name: 'p0', netns: b!.ns } });
    t.is(v!.link_netnsid, 5);
    t.is(ipj(a!.name, ['link', 'show', 'v0'])[0].link_netnsid, 5);
  });
});
