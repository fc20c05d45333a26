// Dumps that survive change (issue #22 item 6): every list call takes a dump again when the
// kernel flags it NLM_F_DUMP_INTR, so it returns a consistent result; with { consistent: false }
// it returns the flagged dump marked `interrupted`. Against the kernel: a child process churns
// links (or routes) in the same namespace while 1,000 dumps run.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { DumpInterruptedError } from '../src/netlink/errors.js';
import { consistentDump } from '../src/netlink/consistent.js';
import { listAddresses, listFdb, listLinks, listNeighbours, listNexthops, listRoutes, listRules } from '../src/rtnl/index.js';
import { ipn, withNs } from './helpers/rtnl.js';

test('consistentDump retries an interrupted dump, bounded, and says how often it tried', async (t) => {
  let calls = 0;
  const seen: number[] = [];
  const r = await consistentDump<number>('list things', { onInterrupted: (a) => seen.push(a) }, async (out) => {
    calls++;
    out.push(calls);
    if (calls < 3) throw new DumpInterruptedError('list things', 1);
  });
  t.deepEqual([...r], [3], 'only the consistent attempt is returned');
  t.is(r.interrupted, undefined);
  t.deepEqual(seen, [1, 2]);
  const e = await t.throwsAsync(consistentDump<number>('list things', { attempts: 4 }, async (out) => {
    out.push(1);
    throw new DumpInterruptedError('list things', 1);
  }), { instanceOf: DumpInterruptedError });
  t.regex(e!.message, /list things \(inconsistent in each of 4 attempts\)/);
  t.deepEqual(e!.partial, [1], 'the last partial dump rides on the error');
  const partial = await consistentDump<number>('list things', { consistent: false }, async (out) => {
    out.push(7);
    throw new DumpInterruptedError('list things', 1);
  });
  t.deepEqual([...partial], [7]);
  t.true(partial.interrupted, 'consistent: false returns the dump marked');
  // Other errors pass through untouched, not retried.
  let n = 0;
  await t.throwsAsync(consistentDump('x', {}, async () => { n++; throw new Error('boom'); }), { message: 'boom' });
  t.is(n, 1);
});

/** A shell loop in namespace `ns`, started in its own process group so it can be stopped by its id. */
function churn(ns: string, loop: string): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'bash', '-c', `while :; do ${loop}; done`], { stdio: 'ignore', detached: true });
}
function stop(c: ChildProcess): void {
  try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* already gone */ }
}

test('1,000 link dumps under link churn all return consistent lists (the flagged ones taken again)', async (t) => {
  await withNs('cdl', async ({ name, sock }) => {
    for (let i = 0; i < 20; i++) ipn(name, ['link', 'add', `s${i}`, 'type', 'veth', 'peer', 'name', `p${i}`]);
    const stable = ['lo', ...Array.from({ length: 20 }, (_, i) => [`s${i}`, `p${i}`]).flat()];
    const writer = churn(name, 'ip link add c0 type veth peer name c1; ip link del c0');
    let retried = 0, bad = 0;
    try {
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 1000; i++) {
        const links = await listLinks(sock, { onInterrupted: () => { retried++; } });
        const names = links.map((l) => l.ifname);
        // A consistent dump lists each link once and every link that stayed.
        if (new Set(links.map((l) => l.ifindex)).size !== links.length || !stable.every((s) => names.includes(s)) || links.interrupted) bad++;
      }
    } finally {
      stop(writer);
    }
    t.is(bad, 0, 'every dump consistent');
    t.log(`link dumps flagged NLM_F_DUMP_INTR and taken again: ${retried} (of 1,000)`);
    t.true(retried > 0, 'the churn did interrupt dumps, so the retries were exercised');
  });
});

test('1,000 route dumps (and every other list call) under route and link churn return consistent results', async (t) => {
  await withNs('cdr', async ({ name, sock }) => {
    ipn(name, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ipn(name, ['link', 'set', 'v0', 'up']);
    ipn(name, ['link', 'set', 'v1', 'up']);
    ipn(name, ['addr', 'add', '192.0.2.1/24', 'dev', 'v0']);
    for (let i = 0; i < 200; i++) ipn(name, ['route', 'add', `198.51.100.${i}/32`, 'via', '192.0.2.2']);
    // Links enough for the route listing's link-name dump to span several datagrams.
    for (let i = 0; i < 20; i++) ipn(name, ['link', 'add', `s${i}`, 'type', 'veth', 'peer', 'name', `p${i}`]);
    const writers = [
      churn(name, 'ip route add 203.0.113.0/24 via 192.0.2.2; ip route del 203.0.113.0/24'),
      churn(name, 'ip link add c0 type veth peer name c1; ip link del c0'),
    ];
    let retried = 0, bad = 0;
    const onInterrupted = (): void => { retried++; };
    try {
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 1000; i++) {
        const routes = await listRoutes(sock, { onInterrupted });
        const fixed = routes.filter((r) => r.dst?.startsWith('198.51.100.'));
        const keys = routes.map((r) => `${r.dst}/${r.dev}`);
        if (fixed.length !== 200 || new Set(keys).size !== keys.length || fixed.some((r) => r.dev !== 'v0')) bad++;
      }
      // The other list calls, a few times each, under the same churn.
      for (let i = 0; i < 50; i++) {
        await listAddresses(sock, { onInterrupted });
        await listNeighbours(sock, { onInterrupted });
        await listRules(sock, { onInterrupted });
        await listNexthops(sock, { onInterrupted });
        await listFdb(sock, { onInterrupted });
      }
    } finally {
      for (const w of writers) stop(w);
    }
    t.is(bad, 0, 'every route dump consistent: all 200 fixed routes, once each, with their device named');
    t.log(`dumps flagged NLM_F_DUMP_INTR and taken again: ${retried}`);
  });
});

test('{ consistent: false } returns a flagged link dump as it came, marked interrupted', async (t) => {
  await withNs('cdf', async ({ name, sock }) => {
    // A dump is flagged only between two of its datagrams: enough links to need several.
    for (let i = 0; i < 20; i++) ipn(name, ['link', 'add', `s${i}`, 'type', 'veth', 'peer', 'name', `p${i}`]);
    const writer = churn(name, 'ip link add c0 type veth peer name c1; ip link del c0');
    let marked: Awaited<ReturnType<typeof listLinks>> | undefined;
    let tries = 0;
    try {
      await new Promise((r) => setTimeout(r, 200));
      for (; tries < 5000 && !marked; tries++) {
        const l = await listLinks(sock, { consistent: false, resolveNames: false });
        if (l.interrupted) marked = l;
      }
    } finally {
      stop(writer);
    }
    t.truthy(marked, `a flagged dump within ${tries} tries`);
    t.true(marked!.interrupted);
    t.true(marked!.some((l) => l.ifname === 'lo'), 'the partial dump is the list as it came');
  });
});
