// netns list --all / netns.all() against the kernel and lsns: namespaces that are named,
// bind-mounted outside /run/netns, held only by a process, shared by many processes, held only
// by an open fd; each found once (by nsfs inode), named by the best name it has, with its
// holders and the nsid the kernel reports for veths into it. The world is built by a script in
// its own pid namespace (helpers/netns-world.ts), so lsns and the scan see the same processes.
import test from 'ava';
import { existsSync } from 'node:fs';
import { assertPrivate, uniqueName } from './helpers/env.js';

/** Unique: other test files share the private namespace's /run/netns. */
const N1 = uniqueName('sc');
import { inPidWorld, MAIN, parseLsns } from './helpers/netns-world.js';

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

// n1: named; /tmp/...b: bind mount outside /run/netns; S: `unshare -n sleep`; SH: one namespace
// five sleeps (and their bash) share; F: a namespace held by nothing but fd 7 of a sleep in the
// current namespace. Veths into n1, b and S give the kernel's link_netnsid for each.
const WORLD = `
mkdir -p $OUT/mnt && touch $OUT/mnt/b
$IP netns add ${N1}
$UNSHARE --net=$OUT/mnt/b true
$UNSHARE -n sleep 60 & S=$!
$UNSHARE -n bash -c 'for i in 1 2 3 4 5; do sleep 60 & done; wait' & SH=$!
$UNSHARE -n sleep 60 & F0=$!
sleep 0.5
sleep 60 7</proc/$F0/ns/net & FH=$!
sleep 0.2
kill $F0; wait $F0 || true
$IP link add vn type veth peer name vn1 netns ${N1}
$IP link add vb type veth peer name vb1 netns $OUT/mnt/b
$IP link add vs type veth peer name vs1 netns $S
stat -L -c %i /run/netns/${N1} > $OUT/ino.n1
stat -L -c %i $OUT/mnt/b > $OUT/ino.b
stat -L -c %i /proc/$S/ns/net > $OUT/ino.s
stat -L -c %i /proc/$SH/ns/net > $OUT/ino.sh
stat -L -c %i /proc/$FH/fd/7 > $OUT/ino.f
stat -L -c %i /proc/self/ns/net > $OUT/ino.cur
echo $S > $OUT/pid.s; echo $FH > $OUT/pid.fh
$IP -j link show > $OUT/iplinks.json
$LSNS -t net -l -n -r -o NS,NPROCS > $OUT/lsns.txt
$NODE $M netns list --all --json > $OUT/all.json
$NODE $M netns list --all > $OUT/all.txt
umount $OUT/mnt/b
kill $S $FH; pkill -P $SH sleep 2>/dev/null || true; kill $SH 2>/dev/null || true
$IP netns del ${N1}
`;

test.serial('netns list --all: every namespace once, by its best name, with holders and nsids; agrees with lsns -t net', (t) => {
  t.timeout(360_000); // bash worlds with many processes, on a shared machine
  const r = inPidWorld(WORLD);
  t.is(r.status, 0, r.stderr);
  const f = r.files;
  const ino = (k: string) => Number(f[`ino.${k}`]!.trim());
  // The world's mount namespace is a copy of the test run's: namespaces other test files had
  // bind-mounted in /run/netns at that moment are there too, and are left out here.
  const foreign = (e: any) => !e.holders.length && e.mounts.every((m: string) => m.startsWith('/run/netns/') && m !== `/run/netns/${N1}`);
  const all = (JSON.parse(f['all.json']!) as any[]).filter((e) => !foreign(e));
  // Once each: no inode twice.
  const inos = all.map((e) => e.ino);
  t.is(new Set(inos).size, inos.length, 'a namespace listed twice');
  const by = new Map(all.map((e) => [e.ino, e]));
  for (const k of ['cur', 'n1', 'b', 's', 'sh', 'f']) t.true(by.has(ino(k)), `namespace ${k} (${ino(k)}) missing from netns list --all`);
  t.is(all.length, 6, `exactly the six namespaces of the world: ${JSON.stringify(all.map((e) => e.name))}`);

  // Best names: ip netns name > bind-mount path > pid (comm).
  const s = Number(f['pid.s']!.trim());
  t.true(by.get(ino('cur')).current);
  t.is(by.get(ino('n1')).name, N1);
  t.deepEqual(by.get(ino('n1')).mounts, [`/run/netns/${N1}`]);
  t.regex(by.get(ino('b')).name, /\/mnt\/b$/);
  t.is(by.get(ino('s')).name, `pid ${s} (sleep)`);
  // Shared by a bash and its five sleeps.
  const sh = by.get(ino('sh'));
  t.deepEqual(sh.holders.map((h: any) => h.comm).sort(), ['bash', 'sleep', 'sleep', 'sleep', 'sleep', 'sleep']);
  // Held only by an fd of a process that itself lives in the current namespace.
  const fh = Number(f['pid.fh']!.trim());
  t.deepEqual(by.get(ino('f')).holders, [{ pid: fh, comm: 'sleep', via: 'fd 7' }]);
  t.true(by.get(ino('cur')).holders.some((h: any) => h.pid === fh && h.via === 'ns'));

  // nsids: what the kernel reports as link_netnsid for the veth into each namespace.
  const links = JSON.parse(f['iplinks.json']!) as any[];
  const nsidOf = (ifname: string) => links.find((l) => l.ifname === ifname).link_netnsid;
  t.is(by.get(ino('n1')).id, nsidOf('vn'));
  t.is(by.get(ino('b')).id, nsidOf('vb'));
  t.is(by.get(ino('s')).id, nsidOf('vs'));

  // lsns (util-linux 2.38) sees namespaces through processes only: the same set minus the
  // bind-mounted ones nothing runs in and the one only an fd holds; the same process counts.
  const lsns = parseLsns(f['lsns.txt']!);
  const ours = new Set(all.filter((e) => e.holders.some((h: any) => h.via === 'ns')).map((e) => e.ino));
  t.deepEqual([...lsns.keys()].sort(), [...ours].sort());
  // lsns's process count at its run; netns list ran later (its own node replaced lsns) in the current one.
  for (const [nsIno, n] of lsns) if (nsIno !== ino('cur')) t.is(by.get(nsIno).holders.length, n, `holders of ${nsIno}`);
  t.deepEqual(all.filter((e) => !ours.has(e.ino)).map((e) => e.ino).sort(), [ino('n1'), ino('b'), ino('f')].sort());

  // Text: one line per namespace, named the same way.
  const text = f['all.txt']!.trim().split('\n').filter((l) => by.has(Number(/^net:\[(\d+)\]/.exec(l)?.[1])));
  t.is(text.length, 6, f['all.txt']);
  t.true(text.some((l) => l.startsWith(`net:[${ino('s')}] pid ${s} (sleep) (id: ${nsidOf('vs')})`)), f['all.txt']);
});
