// #25 item 3: netns.open() checks at open that the file is a network namespace and refuses
// anything else with a typed error naming the path, before any setns; relative names are
// `ip netns` names only. Item 9: the CLI's message for such a file says what it is and
// suggests only what would help (no `ip netns delete` for a file that is not in /run/netns).
// Plus: entries of netns.all() open as fluent handles onto the namespace the scan saw.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { netns } from '../src/index.js';
import { NotANamespaceError, ValidationError } from '../src/netlink/errors.js';
import { assertPrivate, ip, ipJson, run, uniqueName } from './helpers/env.js';
import { tool } from './helpers/tools.js';
import { MAIN } from './helpers/netns-world.js';

test.before(() => assertPrivate());

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, DEBUG: '' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('netns.open refuses files that are not network namespaces, naming the path and what it is', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    ['/etc/passwd', /\/etc\/passwd is not a network namespace \(it is a regular file/],
    ['/dev/null', /\/dev\/null is not a network namespace \(it is a character device/],
    ['/proc/self/ns/mnt', /\/proc\/self\/ns\/mnt is not a network namespace \(it is a mnt namespace\)/],
    ['/proc/self/ns/pid', /is not a network namespace \(it is a pid namespace\)/],
    ['/etc', /\/etc is not a network namespace \(it is a directory/],
  ];
  for (const [ref, message] of cases) {
    const err = await t.throwsAsync(netns.open(ref as string), { instanceOf: NotANamespaceError }, String(ref));
    t.regex(err!.message, message);
    t.is((err as NotANamespaceError).path, ref as string);
  }
  // fd 1 of this process is a pipe or a terminal, not a namespace.
  const fd1 = await t.throwsAsync(netns.open(1), { instanceOf: NotANamespaceError });
  t.regex(fd1!.message, /fd 1 is not a network namespace/);
  t.is((fd1 as NotANamespaceError).field, 'netns.fd');
  const closed = await t.throwsAsync(netns.open({ fd: 987 }), { instanceOf: NotANamespaceError });
  t.regex(closed!.message, /not an open file descriptor/);
});

test('relative names are ip netns names only: no path traversal out of /run/netns', async (t) => {
  for (const ref of ['../../etc', 'a/b', '..', '.']) {
    const err = await t.throwsAsync(netns.open(ref), { instanceOf: ValidationError }, ref);
    t.false(err instanceof NotANamespaceError, `${ref} must be refused as a name, before any open`);
  }
  await t.throwsAsync(netns.open({ path: 'etc/passwd' }), { instanceOf: ValidationError, message: /must be an absolute path/ });
  const missing = await t.throwsAsync(netns.open('no-such-ns-here'), { instanceOf: ValidationError });
  t.regex(missing!.message, /"no-such-ns-here" does not exist/);
});

test('real namespaces still open: by name, by bind-mount path outside /run/netns, by /proc path, by fd', async (t) => {
  const name = uniqueName('op');
  ip(['netns', 'add', name]);
  const dir = mkdtempSync(`${tmpdir()}/netns-open-`);
  const bind = `${dir}/b`;
  writeFileSync(bind, '');
  run(tool('unshare'), [`--net=${bind}`, 'true']);
  try {
    const a = await netns.open(name);
    const b = await netns.open(bind);
    const self = await netns.open('/proc/self/ns/net');
    const fd = openSync(`/run/netns/${name}`, 'r');
    const c = await netns.open(fd);
    t.true(a.handle.equals(c.handle));
    t.false(a.handle.equals(b.handle));
    t.true(self.isCurrent);
    // Reading links through the bind-mounted one works: lo is there, as ip sees it.
    const links = [];
    for await (const l of b.links.list()) links.push(l.ifname);
    const ipLinks = JSON.parse(run(tool('nsenter'), [`--net=${bind}`, tool('ip'), '-j', 'link', 'show'])).map((l: any) => l.ifname);
    t.deepEqual(links, ipLinks);
    for (const n of [a, b, self, c]) await n.close();
    closeSync(fd);
  } finally {
    spawnSync('umount', [bind]);
    rmSync(dir, { recursive: true, force: true });
    ip(['netns', 'del', name]);
  }
});

test('netns.all(): entries open as handles onto the namespace the scan saw; nsid as the kernel reports it', async (t) => {
  const name = uniqueName('al');
  ip(['netns', 'add', name]);
  ip(['link', 'add', `${name}h`, 'type', 'veth', 'peer', 'name', 'p0', 'netns', name]);
  try {
    const all = await netns.all();
    const e = all.find((x) => x.names.includes(name));
    t.truthy(e, 'the named namespace is found');
    t.is(e!.label, name);
    t.is(e!.nsid, ipJson([`link`, 'show', `${name}h`])[0].link_netnsid);
    const ns = await e!.open();
    const names: string[] = [];
    for await (const l of ns.links.list()) names.push(l.ifname);
    t.deepEqual(names.sort(), ['lo', 'p0']);
    t.is(ns.handle.ino, e!.ino);
    await ns.close();
    t.true(Array.isArray(all.skipped));
    // open() is a method, not data: JSON of an entry is its facts.
    t.false('open' in JSON.parse(JSON.stringify(e)));
  } finally {
    ip(['netns', 'del', name]);
  }
});

test('CLI: --netns of a file that is not a namespace says what it is and suggests only what helps', (t) => {
  t.true(existsSync(MAIN));
  const p = cli(['dump-links', '--netns', '/etc/passwd']);
  t.is(p.status, 1);
  t.regex(p.stderr, /\/etc\/passwd is not a network namespace \(it is a regular file/);
  t.notRegex(p.stderr, /ip netns delete/);
  const trav = cli(['dump-links', '--netns', '../../etc']);
  t.is(trav.status, 1);
  t.regex(trav.stderr, /"\.\.\/\.\.\/etc" is neither an `ip netns` name/);
  t.notRegex(trav.stderr, /ip netns delete/);
  // A stale /run/netns entry (a plain file left behind): there `ip netns delete NAME` is the fix.
  const stale = uniqueName('st');
  writeFileSync(`/run/netns/${stale}`, '');
  try {
    const s = cli(['dump-links', '--netns', stale]);
    t.is(s.status, 1);
    t.regex(s.stderr, new RegExp(`/run/netns/${stale} is not a network namespace .*\`ip netns delete ${stale}\` removes it`));
  } finally {
    rmSync(`/run/netns/${stale}`);
  }
});
