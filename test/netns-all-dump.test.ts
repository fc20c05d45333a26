// dump-links / dump-addrs / dump-routes / dump-conntrack --all-netns over namespaces that are
// named, bind-mounted outside /run/netns, and held only by a process: each namespace dumped
// once, its links as `ip -j link` there shows them, and every veth naming its peer's namespace
// by the best name (ip netns name > bind-mount path > pid (comm)) with peer_netns_path and the
// holders. Built in its own pid namespace (helpers/netns-world.ts).
import test from 'ava';
import { existsSync } from 'node:fs';
import { assertPrivate, uniqueName } from './helpers/env.js';

/** Unique: other test files share the private namespace's /run/netns. */
const N1 = uniqueName('dp');
import { tool } from './helpers/tools.js';
import { inPidWorld, MAIN } from './helpers/netns-world.js';

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

const WORLD = `
CT=${tool('conntrack')}
mkdir -p $OUT/mnt && touch $OUT/mnt/b
$IP netns add ${N1}
$UNSHARE --net=$OUT/mnt/b true
$UNSHARE -n sleep 60 & S=$!
sleep 0.4
$IP link add vn type veth peer name vn1 netns ${N1}
$IP link add vb type veth peer name vb1 netns $OUT/mnt/b
$IP link add vs type veth peer name vs1 netns $S
$IP -n ${N1} addr add 10.61.0.2/24 dev vn1; $IP -n ${N1} link set vn1 up
$NSENTER --net=$OUT/mnt/b $IP addr add 10.62.0.2/24 dev vb1
$NSENTER --net=$OUT/mnt/b $IP link set vb1 up
$NSENTER -t $S -n $IP addr add 10.63.0.2/24 dev vs1
$NSENTER -t $S -n $IP link set vs1 up
$NSENTER -t $S -n $IP route add 192.0.2.0/24 via 10.63.0.1
$NSENTER -t $S -n $CT -I -p tcp -s 10.63.0.2 -d 192.0.2.7 --sport 40000 --dport 80 --state ESTABLISHED -t 120 -u SEEN_REPLY >/dev/null 2>&1
echo $S > $OUT/pid.s
$IP -n ${N1} -j link show > $OUT/ip.n1.json
$NSENTER --net=$OUT/mnt/b $IP -j link show > $OUT/ip.b.json
$NSENTER -t $S -n $IP -j link show > $OUT/ip.s.json
$IP -j link show > $OUT/ip.cur.json
$NSENTER -t $S -n $CT -L -o extended > $OUT/ct.s.txt 2>/dev/null
$NODE $M dump-links --all-netns --json > $OUT/links.json
$NODE $M dump-links --all-netns > $OUT/links.txt
$NODE $M dump-addrs --all-netns --json > $OUT/addrs.json
$NODE $M dump-routes --all-netns --json > $OUT/routes.json
$NODE $M dump-conntrack --all-netns --json > $OUT/ct.json
$NODE $M dump-conntrack --all-netns > $OUT/ct.txt 2>$OUT/ct.err
umount $OUT/mnt/b
kill $S
$IP netns del ${N1}
`;

test.serial('--all-netns: links, addresses, routes and conntrack of every namespace, veth peers named by their namespace', (t) => {
  t.timeout(360_000); // bash worlds with many processes, on a shared machine
  const r = inPidWorld(WORLD);
  t.is(r.status, 0, r.stderr);
  const f = r.files;
  const s = Number(f['pid.s']!.trim());
  const bPath = JSON.parse(f['links.json']!).find((l: any) => l.ifname === 'vb').peer_netns as string;
  t.regex(bPath, /\/mnt\/b$/);
  const labels: Record<string, string | null> = { cur: null, n1: N1, b: bPath, s: `pid ${s} (sleep)` };
  const links = JSON.parse(f['links.json']!) as any[];

  // Every namespace dumped once, holding exactly the links ip shows there.
  for (const [k, label] of Object.entries(labels)) {
    const ours = links.filter((l) => l.netns === label).map((l) => `${l.ifindex}:${l.ifname}`).sort();
    const ip = (JSON.parse(f[`ip.${k}.json`]!) as any[]).map((l) => `${l.ifindex}:${l.ifname}`).sort();
    t.deepEqual(ours, ip, `links of ${label ?? '(current)'}`);
  }
  // No namespace dumped twice: a link's (namespace, ifindex) appears once.
  const keys = links.map((l) => `${l.netns}/${l.ifindex}`);
  t.is(new Set(keys).size, keys.length);

  // Each veth names its peer and the peer's namespace, both ways.
  const link = (netns: string | null, ifname: string) => links.find((l) => l.netns === netns && l.ifname === ifname);
  for (const [host, peer, k] of [['vn', 'vn1', 'n1'], ['vb', 'vb1', 'b'], ['vs', 'vs1', 's']] as const) {
    const h = link(null, host);
    t.is(h.peer_ifname, peer);
    t.is(h.peer_netns, labels[k]);
    const p = link(labels[k]!, peer);
    t.is(p.peer_ifname, host);
    t.is(p.peer_netns, null, 'the peer back in the current namespace');
  }
  t.is(link(null, 'vn').peer_netns_path, `/run/netns/${N1}`);
  t.is(link(null, 'vb').peer_netns_path, bPath);
  t.is(link(null, 'vs').peer_netns_path, `/proc/${s}/ns/net`);
  t.deepEqual(link(null, 'vs').peer_netns_holders, [{ pid: s, comm: 'sleep', via: 'ns' }]);
  t.is(link(labels.s, 'vs1').netns_path, `/proc/${s}/ns/net`);
  // Text names them the same way.
  t.regex(f['links.txt']!, new RegExp(`peer vs1 peer-netns pid ${s} \\(sleep\\)`));
  t.regex(f['links.txt']!, new RegExp(`^netns: pid ${s} \\(sleep\\)$`, 'm'));

  // Addresses: each namespace's, under its label.
  const addrs = JSON.parse(f['addrs.json']!) as any[];
  const addrOf = (netns: string, ifname: string) => addrs.find((a) => a.netns === netns && a.ifname === ifname)?.addr_info?.map((x: any) => `${x.local}/${x.prefixlen}`);
  t.deepEqual(addrOf(N1, 'vn1'), ['10.61.0.2/24']);
  t.deepEqual(addrOf(bPath, 'vb1'), ['10.62.0.2/24']);
  t.deepEqual(addrOf(labels.s!, 'vs1'), ['10.63.0.2/24']);

  // Routes: the one added inside the pid-held namespace, labelled with it.
  const routes = JSON.parse(f['routes.json']!) as any[];
  const r1 = routes.find((x) => x.dst === '192.0.2.0/24');
  t.truthy(r1, f['routes.json']);
  t.is(r1.netns, labels.s);
  t.is(r1.gateway, '10.63.0.1');

  // Conntrack: the entry conntrack -I put in the pid-held namespace, and only there.
  t.regex(f['ct.s.txt']!, /dport=80/, 'conntrack -L sees the entry it made');
  const ct = JSON.parse(f['ct.json']!) as any[];
  const mine = ct.filter((e) => JSON.stringify(e).includes('192.0.2.7'));
  t.is(mine.length, 1, f['ct.json']);
  t.is(mine[0].netns, labels.s);
  t.regex(f['ct.txt']!, new RegExp(`^netns: pid ${s} \\(sleep\\)\\n.*dst=192\\.0\\.2\\.7 sport=40000 dport=80`, 'm'));
});
