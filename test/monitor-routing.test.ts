// `netlinkts monitor rule nexthop neigh fdb` against `ip monitor rule nexthop neigh` and
// `bridge monitor fdb` watching the same namespace while ip and bridge make the events: the
// lines after the tag are what the tools print, in the same order; --json events carry the
// objects as `ip -j rule` / `ip -j nexthop` list them.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertPrivate, ip, run, withIpNetns } from './helpers/env.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

interface Watcher { child: ChildProcess; out: () => string; exited: Promise<number | null> }
function watch(cmd: string, args: string[]): Watcher {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function waitFor(w: Watcher, re: RegExp, ms = 5000): Promise<boolean> {
  for (let i = 0; i < ms / 25; i++) { if (re.test(w.out())) return true; await sleep(25); }
  return re.test(w.out());
}

/** Start `netlinkts monitor ARGS` and wait until it demonstrably receives rule events (marker rule 50). */
async function startMonitor(ns: string, args: string[], seen: RegExp): Promise<Watcher> {
  const w = watch(process.execPath, [MAIN, 'monitor', '--netns', ns, ...args]);
  for (let i = 0; i < 40 && !seen.test(w.out()); i++) {
    ip(['rule', 'add', 'priority', '50', 'table', '50'], ns);
    await waitFor(w, seen, 500);
    ip(['rule', 'del', 'priority', '50'], ns);
  }
  return w;
}

function events(ns: string): void {
  for (const a of [
    ['rule', 'add', 'priority', '100', 'from', '192.0.2.0/24', 'fwmark', '0x10/0xff', 'table', '7'],
    ['-6', 'rule', 'add', 'priority', '101', 'not', 'fwmark', '0xca6c', 'table', '51820'],
    ['rule', 'add', 'priority', '102', 'uidrange', '100-200', 'ipproto', 'tcp', 'dport', '80-90', 'prohibit'],
    ['rule', 'del', 'priority', '100'],
    ['nexthop', 'add', 'id', '1', 'via', '192.0.2.2', 'dev', 'br0'],
    ['nexthop', 'add', 'id', '2', 'via', '192.0.2.3', 'dev', 'br0'],
    ['nexthop', 'add', 'id', '4', 'blackhole'],
    ['nexthop', 'add', 'id', '3', 'group', '1,5/2'],
    ['nexthop', 'del', 'id', '3'],
    ['neigh', 'add', '192.0.2.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'br0'],
    ['neigh', 'del', '192.0.2.9', 'dev', 'br0'],
  ]) ip(a, ns);
  for (const a of [['add', '02:00:00:00:00:01', 'dev', 'v0', 'master', 'static'], ['add', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '198.51.100.1'],
    ['del', '02:00:00:00:00:01', 'dev', 'v0', 'master']]) run('ip', ['netns', 'exec', ns, 'bridge', 'fdb', ...a]);
  ip(['rule', 'add', 'priority', '199', 'table', '9'], ns); // the end marker
}

function setup(ns: string): void {
  for (const a of [['link', 'add', 'br0', 'type', 'bridge'], ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ['link', 'set', 'v0', 'master', 'br0'],
    ['link', 'set', 'br0', 'up'], ['link', 'set', 'v0', 'up'], ['link', 'set', 'v1', 'up'], ['addr', 'add', '192.0.2.1/24', 'dev', 'br0'],
    ['link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'nolearning'], ['link', 'set', 'vx0', 'up']]) ip(a, ns);
}

const RULE = /^(Deleted )?(\d+):\t/;
const lines = (s: string): string[] => s.split('\n').filter((l) => l.length);
const notMarker = (l: string): boolean => !/^(Deleted )?50:\t/.test(l);

test('monitor prints rule, nexthop, neighbour and fdb events as ip monitor and bridge monitor fdb do', async (t) => {
  await withIpNetns('mro', async (ns) => {
    setup(ns);
    await sleep(300);
    const ipMon = watch('ip', ['-n', ns, 'monitor', 'rule', 'nexthop', 'neigh']);
    const brMon = watch('ip', ['netns', 'exec', ns, 'bridge', 'monitor', 'fdb']);
    const ours = await startMonitor(ns, ['rule', 'nexthop', 'neigh', 'fdb'], /\[RULE\] 50:/);
    try {
      t.true(/\[RULE\] 50:/.test(ours.out()), `the monitor started: ${ours.out()}`);
      // ip and bridge monitor are listening once each has printed a probe (a fixed start-up
      // sleep lost their first events on a busy machine).
      for (let i = 0; i < 40 && !(/^50:/m.test(ipMon.out()) && /02:00:00:00:00:50 /.test(brMon.out())); i++) {
        ip(['rule', 'add', 'priority', '50', 'table', '50'], ns);
        run('ip', ['netns', 'exec', ns, 'bridge', 'fdb', 'add', '02:00:00:00:00:50', 'dev', 'v0', 'master', 'static']);
        await Promise.all([waitFor(ipMon, /^50:/m, 500), waitFor(brMon, /02:00:00:00:00:50 /, 500)]);
        ip(['rule', 'del', 'priority', '50'], ns);
        run('ip', ['netns', 'exec', ns, 'bridge', 'fdb', 'del', '02:00:00:00:00:50', 'dev', 'v0', 'master']);
      }
      t.true(/^50:/m.test(ipMon.out()) && /02:00:00:00:00:50 /.test(brMon.out()), 'ip monitor and bridge monitor started');
      // Everything the probes caused has arrived once each watcher printed the last deletion.
      await Promise.all([waitFor(ipMon, /^Deleted 50:[^\n]*\n(?![\s\S]*^50:)/m), waitFor(brMon, /^Deleted 02:00:00:00:00:50 [^\n]*\n(?![\s\S]*^02:00:00:00:00:50 )/m)]);
      await waitFor(ours, /\[RULE\] Deleted 50:[^\n]*\n(?![\s\S]*\[RULE\] 50:)/);
      const start = { ours: ours.out().length, ip: ipMon.out().length, br: brMon.out().length };
      events(ns);
      t.true(await waitFor(ours, /\[RULE\] 199:/), 'our monitor saw the end marker');
      t.true(await waitFor(ipMon, /^199:/m), 'ip monitor saw the end marker');
      // bridge monitor has no marker of its own: its last event is the static entry's deletion.
      t.true(await waitFor(brMon, /^Deleted 02:00:00:00:00:01 /m), 'bridge monitor saw the last fdb event');
      const mine = lines(ours.out().slice(start.ours));
      const theirs = lines(ipMon.out().slice(start.ip));
      const tagged = (tag: string): string[] => mine.filter((l) => l.startsWith(`[${tag}] `)).map((l) => l.slice(tag.length + 3));
      t.deepEqual(tagged('RULE').filter(notMarker), theirs.filter((l) => RULE.test(l)).filter(notMarker), 'rules as ip monitor rule');
      t.is(tagged('RULE').filter(notMarker).length, 5);
      t.deepEqual(tagged('NEXTHOP'), theirs.filter((l) => /^(Deleted )?id /.test(l)), 'nexthops as ip monitor nexthop');
      t.is(tagged('NEXTHOP').length, 5);
      const ipNeigh = (l: string): boolean => /^(Deleted )?192\.0\.2\.9 /.test(l);
      // (ip monitor ends neighbour lines with a space, `ip neigh show` does not: compared without it.)
      t.deepEqual(tagged('NEIGH').filter(ipNeigh), theirs.filter(ipNeigh).map((l) => l.trimEnd()), 'IP neighbours as ip monitor neigh');
      t.true(tagged('NEIGH').filter(ipNeigh).length >= 2);
      const ourMacs = (l: string): boolean => /^(Deleted )?(02:00:00:00:00:01|00:00:00:00:00:00) /.test(l);
      t.deepEqual(tagged('FDB').filter(ourMacs), lines(brMon.out().slice(start.br)).filter(ourMacs), 'fdb as bridge monitor fdb');
      t.is(tagged('FDB').filter(ourMacs).length, 3);
    } finally {
      for (const w of [ours, ipMon, brMon]) w.child.kill('SIGINT');
    }
    t.is(await ours.exited, 0);
  });
});

test('monitor --json: rule and nexthop events carry the objects as ip -j rule / ip -j nexthop list them', async (t) => {
  await withIpNetns('mrj', async (ns) => {
    setup(ns);
    const ours = await startMonitor(ns, ['--json', 'rule', 'nexthop', 'fdb'], /"kind":"rule"/);
    let listedRules: any[] = [], listedNh: any[] = [];
    try {
      ip(['rule', 'add', 'priority', '100', 'from', '192.0.2.0/24', 'uidrange', '1-2', 'sport', '1000-2000', 'table', '7'], ns);
      ip(['nexthop', 'add', 'id', '1', 'via', '192.0.2.2', 'dev', 'br0'], ns);
      ip(['nexthop', 'add', 'id', '2', 'group', '1,5'], ns);
      listedRules = JSON.parse(run('ip', ['-n', ns, '-j', 'rule', 'show']));
      listedNh = JSON.parse(run('ip', ['-n', ns, '-j', 'nexthop', 'show']));
      run('ip', ['netns', 'exec', ns, 'bridge', 'fdb', 'add', '02:00:00:00:00:01', 'dev', 'v0', 'master', 'static']);
      ip(['rule', 'del', 'priority', '100'], ns);
      t.true(await waitFor(ours, /"event":"deleted","kind":"rule"[^\n]*"priority":100/));
      await waitFor(ours, /"kind":"fdb"/);
    } finally {
      ours.child.kill('SIGINT');
    }
    t.is(await ours.exited, 0);
    const evs = lines(ours.out()).map((l) => JSON.parse(l)).filter((e) => !(e.kind === 'rule' && e.priority === 50));
    const strip = ({ event: _e, kind: _k, nsid: _n, ...o }: any): any => o;
    const newRule = evs.find((e) => e.kind === 'rule' && e.event === 'new' && e.priority === 100);
    t.deepEqual(strip(newRule), listedRules.find((r) => r.priority === 100));
    t.deepEqual(strip(evs.find((e) => e.kind === 'rule' && e.event === 'deleted')), listedRules.find((r) => r.priority === 100));
    t.deepEqual(evs.filter((e) => e.kind === 'nexthop').map(strip), listedNh);
    const fdb = evs.find((e) => e.kind === 'fdb' && e.mac === '02:00:00:00:00:01');
    t.deepEqual(strip(fdb), JSON.parse(run('ip', ['netns', 'exec', ns, 'bridge', '-j', 'fdb', 'show', 'dev', 'v0'])).map((e: any) => ({ ...e, ifname: 'v0' })).find((e: any) => e.mac === '02:00:00:00:00:01'));
  });
});
