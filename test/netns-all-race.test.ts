// Races and permissions for the all-namespaces scan. Processes and namespaces come and go while
// the scan runs: a vanished pid or a namespace gone mid-walk is skipped, never an error, and no
// namespace is listed (or entered) twice. Without root, what is readable is listed and the rest
// is said on stderr. Each world is its own pid namespace (helpers/netns-world.ts).
import test from 'ava';
import { existsSync } from 'node:fs';
import { assertPrivate, uniqueName } from './helpers/env.js';

/** Unique: other test files share the private namespace's /run/netns. */
const N1 = uniqueName('rc');
import { inPidWorld, MAIN } from './helpers/netns-world.js';

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

const SCAN = new URL('../dist/src/netlink/netns-scan/index.js', import.meta.url).pathname;

// A churn loop starts short-lived `unshare -n` processes (each its own namespace, exiting within
// milliseconds) while the library scans 100 times in a row and the CLI lists and dumps 8 times:
// every scan must finish, with no inode twice; every CLI run must exit 0 with nothing on stderr.
const CHURN = `
( while :; do for i in 1 2 3 4 5 6; do $UNSHARE -n sleep 0.0$i & done; wait; done ) & CH=$!
sleep 0.3
$NODE --input-type=module -e "
  const { scanNamespaces, openScanned } = await import('${SCAN}');
  let scans = 0, maxSeen = 0, opened = 0, gone = 0;
  for (let i = 0; i < 100; i++) {
    const r = scanNamespaces();
    const ids = r.namespaces.map((e) => e.id);
    if (new Set(ids).size !== ids.length) throw new Error('duplicate namespace in scan ' + i);
    maxSeen = Math.max(maxSeen, ids.length);
    for (const e of r.namespaces) { const h = openScanned(e); if (h) { if (h.id !== e.id) throw new Error('opened the wrong namespace'); opened++; h.close(); } else gone++; }
    scans++;
  }
  console.log(JSON.stringify({ scans, maxSeen, opened, gone }));
" > $OUT/lib.json
for i in $(seq 1 8); do
  $NODE $M netns list --all --json > $OUT/list.$i.json 2> $OUT/list.$i.err
  $NODE $M dump-links --all-netns --json > $OUT/links.$i.json 2> $OUT/links.$i.err
done
kill $CH; wait $CH 2>/dev/null || true
`;

test.serial('processes exiting mid-scan: skipped, never an error, no namespace twice (100 scans + 16 CLI runs under churn)', (t) => {
  t.timeout(360_000); // bash worlds with many processes, on a shared machine
  const r = inPidWorld(CHURN, 340_000);
  t.is(r.status, 0, r.stderr);
  const lib = JSON.parse(r.files['lib.json']!);
  t.is(lib.scans, 100);
  // The churn was real: scans saw namespaces beyond the current one, and some vanished before they could be opened.
  t.true(lib.maxSeen > 1, JSON.stringify(lib));
  t.true(lib.opened > 100, JSON.stringify(lib));
  for (let i = 1; i <= 8; i++) {
    t.is(r.files[`list.${i}.err`], '', `netns list --all run ${i}`);
    t.is(r.files[`links.${i}.err`], '', `dump-links --all-netns run ${i}`);
    const list = JSON.parse(r.files[`list.${i}.json`]!) as any[];
    t.is(new Set(list.map((e) => e.ino)).size, list.length);
    const links = JSON.parse(r.files[`links.${i}.json`]!) as any[];
    // Each namespace's links once: no namespace dumped twice.
    const keys = links.map((l) => `${l.netns}/${l.ifindex}`);
    t.is(new Set(keys).size, keys.length);
  }
});

// As nobody: the scan reads what it may (its own processes, mountinfo, nsfs files' inodes) and
// says on stderr how much it could not; dump-links cannot enter other namespaces (setns needs
// CAP_SYS_ADMIN) and says so, and still lists its own.
const UNPRIV = `
$IP netns add ${N1}
$UNSHARE -n sleep 60 & S=$!
sleep 0.3
stat -L -c %i /run/netns/${N1} > $OUT/ino.n1
stat -L -c %i /proc/$S/ns/net > $OUT/ino.s
stat -L -c %i /proc/self/ns/net > $OUT/ino.cur
$NODE $M netns list --all --json > $OUT/root.json
$SETPRIV --reuid=65534 --regid=65534 --clear-groups $NODE $M netns list --all --json > $OUT/nobody.json 2> $OUT/nobody.err
$SETPRIV --reuid=65534 --regid=65534 --clear-groups $NODE $M dump-links --all-netns --json > $OUT/links.json 2> $OUT/links.err || echo $? > $OUT/links.status
kill $S
$IP netns del ${N1}
`;

test.serial('without root: lists what is readable and says what was skipped', (t) => {
  t.timeout(360_000); // bash worlds with many processes, on a shared machine
  const r = inPidWorld(UNPRIV);
  t.is(r.status, 0, r.stderr);
  const f = r.files;
  const ino = (k: string) => Number(f[`ino.${k}`]!.trim());
  const root = (JSON.parse(f['root.json']!) as any[]).map((e) => e.ino);
  t.true(root.includes(ino('s')) && root.includes(ino('n1')), 'root sees the process-held and the named namespace');
  const nobody = JSON.parse(f['nobody.json']!) as any[];
  const seen = nobody.map((e) => e.ino);
  // Named ones come from mountinfo and an nsfs stat, which anyone may do; root's sleep is hidden.
  t.true(seen.includes(ino('n1')));
  t.true(seen.includes(ino('cur')));
  t.false(seen.includes(ino('s')), 'a namespace only a root process holds is not readable');
  t.regex(f['nobody.err']!, /netns list --all: \d+ paths were not readable \(\d+ EACCES\) in \d+ processes; namespaces only they hold are not shown/);
  // dump-links as nobody: its own namespace listed, the named one refused and reported.
  t.false('links.status' in f, f['links.err']);
  const links = JSON.parse(f['links.json']!) as any[];
  t.true(links.some((l) => l.netns === null && l.ifname === 'lo'));
  t.false(links.some((l) => l.netns === N1));
  // (Other test files' /run/netns entries, copied with the run's mount namespace, are refused too.)
  t.regex(f['links.err']!, /not allowed to enter \d+ namespaces \([^)]+\): skipped/);
});
