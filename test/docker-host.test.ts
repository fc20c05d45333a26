// A real Docker host: Debian's docker.io (dockerd + containerd + runc) started inside the private
// test namespace, in a pid + mount namespace of its own (so its /proc shows only this world, and
// everything in it dies with the script's pid 1), all state under a temporary directory, an
// image imported from a tarball of busybox-static (no registry), two containers on the default
// bridge, one with a published port. Then: `dump-links --all-netns --json` must list each
// container's eth0 with its MAC and address as `docker inspect` gives them, and name each
// docker0 port's peer by its container id; `netns list --all` must equal lsns's set. Docker's
// binaries come from scripts/fetch-docker.sh (run by ensure-tools.sh); without them this skips.
import test from 'ava';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertPrivate } from './helpers/env.js';
import { tool } from './helpers/tools.js';
import { inPidWorld, MAIN, parseLsns } from './helpers/netns-world.js';

const CACHE = fileURLToPath(new URL('../node_modules/.cache/netlinkts-docker/root', import.meta.url));
const HAVE = ['usr/sbin/dockerd', 'usr/bin/containerd', 'usr/bin/runc', 'usr/bin/docker', 'bin/busybox'].every((p) => existsSync(`${CACHE}/${p}`));

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

const WORLD = `
D=${CACHE}
export PATH=$D/usr/bin:$D/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin
T=$OUT/state; mkdir -p $T
# The private namespace has its own /sys, which hides the cgroup hierarchies: mount them again
# here (this mount namespace only), as this process's /proc/self/cgroup lists them.
mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
if grep -qv '^0::' /proc/self/cgroup; then
  while IFS=: read -r n ctrl _; do
    [ "$n" = 0 ] && continue
    dir=\${ctrl#name=}; opt=$ctrl; [ "\${ctrl#name=}" != "$ctrl" ] && opt="none,$ctrl"
    mkdir -p /sys/fs/cgroup/$dir; mount -t cgroup -o $opt cgroup /sys/fs/cgroup/$dir
  done < /proc/self/cgroup
else
  mount -t cgroup2 cgroup2 /sys/fs/cgroup
fi
containerd --root $T/ctd/root --state $T/ctd/state --address $T/ctd.sock > $T/containerd.log 2>&1 & CP=$!
for i in $(seq 100); do [ -S $T/ctd.sock ] && break; sleep 0.1; done
dockerd --data-root $T/data --exec-root $T/exec --pidfile $T/docker.pid -H unix://$T/docker.sock \\
  --containerd $T/ctd.sock --storage-driver vfs --exec-opt native.cgroupdriver=cgroupfs > $T/dockerd.log 2>&1 & DP=$!
DK="docker -H unix://$T/docker.sock"
for i in $(seq 150); do $DK info >/dev/null 2>&1 && break; sleep 0.2; done
cleanup() {
  $DK rm -f c1 c2 >/dev/null 2>&1 || true
  kill $DP 2>/dev/null && wait $DP 2>/dev/null || true
  kill $CP 2>/dev/null && wait $CP 2>/dev/null || true
  grep -o ' /[^ ]*/exec/netns/[^ ]*\\| '$T'[^ ]*' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  for h in /sys/fs/cgroup/*/docker; do rmdir $h 2>/dev/null || true; done
}
trap cleanup EXIT
mkdir -p $T/rootfs/bin; cp $D/bin/busybox $T/rootfs/bin/; ln -s busybox $T/rootfs/bin/sh
tar -C $T/rootfs -cf $T/rootfs.tar .
$DK import $T/rootfs.tar netlinkts-bb:1 >/dev/null
$DK run -d --name c1 netlinkts-bb:1 /bin/busybox sleep 600 >/dev/null
$DK run -d --name c2 -p 8080:80 netlinkts-bb:1 /bin/busybox sleep 600 >/dev/null
$DK inspect c1 c2 > $OUT/inspect.json
$NODE $M dump-links --all-netns --json > $OUT/links.json 2> $OUT/links.err
$NODE $M dump-links --all-netns > $OUT/links.txt
$NODE $M dump-addrs --all-netns --json > $OUT/addrs.json
$NODE $M netns list --all --json > $OUT/all.json
$NODE $M dump-nft > $OUT/nft.txt 2> $OUT/nft.err
nft list ruleset > $OUT/nft-oracle.txt 2> $OUT/nft-oracle.err
$NODE $M netns list --all > $OUT/all.txt
$NODE --import=tsx examples/inspect-docker-host.ts > $OUT/example.txt 2> $OUT/example.err
$LSNS -t net -l -n -r -o NS,NPROCS > $OUT/lsns.txt
`;

test.serial('a real Docker host: each container eth0 with its address, docker0 ports named by container, netns list --all = lsns', (t) => {
  t.timeout(360_000); // bash worlds with many processes, on a shared machine
  if (!HAVE) {
    t.log(`Docker's engine is not in ${CACHE}: scripts/fetch-docker.sh could not fetch docker.io/containerd/runc/busybox-static`);
    t.pass('skipped: no Docker engine');
    return;
  }
  tool('iptables-nft'); // dockerd programs NAT through it
  const r = inPidWorld(WORLD, 240_000);
  if (process.env.NETLINKTS_DOCKER_KEEP_OUTPUT) for (const [k, v] of Object.entries(r.files)) if (/\.(txt|json)$/.test(k)) t.log(`== ${k}\n${v}`);
  t.is(r.status, 0, `${r.stderr}\n${r.files['links.err'] ?? ''}`);
  const f = r.files;
  const inspect = JSON.parse(f['inspect.json']!) as any[];
  t.is(inspect.length, 2);
  const links = JSON.parse(f['links.json']!) as any[];
  const addrs = JSON.parse(f['addrs.json']!) as any[];
  for (const c of inspect) {
    const id: string = c.Id;
    const net = c.NetworkSettings;
    // The container's eth0, in the namespace its processes hold, with Docker's MAC and address.
    const eth0 = links.find((l) => l.ifname === 'eth0' && l.netns_container === id);
    t.truthy(eth0, `eth0 of container ${id.slice(0, 12)} in dump-links --all-netns`);
    t.is(eth0.address, net.MacAddress);
    t.is(eth0.netns_path, net.SandboxKey, 'its namespace is the sandbox bind mount Docker made');
    const a = addrs.find((x) => x.ifname === 'eth0' && x.netns === eth0.netns);
    t.deepEqual(a.addr_info.filter((i: any) => i.family === 'inet').map((i: any) => `${i.local}/${i.prefixlen}`), [`${net.IPAddress}/${net.IPPrefixLen}`]);
    // Its docker0 port, in the current namespace, names the container as its peer's.
    const port = links.find((l) => l.netns === null && l.master === 'docker0' && l.peer_container === id);
    t.truthy(port, `docker0 port of ${id.slice(0, 12)}`);
    t.is(port.peer_ifname, 'eth0');
    t.is(port.peer_netns, net.SandboxKey);
    t.is(port.link_index, eth0.ifindex);
    t.true(port.peer_netns_holders.some((h: any) => h.comm === 'busybox' && h.container === id && h.runtime === 'docker'));
    t.regex(f['links.txt']!, new RegExp(`peer eth0 peer-netns ${net.SandboxKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(container ${id.slice(0, 12)}\\)`));
  }
  t.is(links.filter((l) => l.master === 'docker0').length, 2);
  // The guide's example answers the same from the library: port -> container, eth0, MAC, address.
  t.is(f['example.err'], '', f['example.err']);
  for (const c of inspect) {
    const n = c.NetworkSettings;
    t.regex(f['example.txt']!, new RegExp(`master docker0\\) -> container ${c.Id.slice(0, 12)} \\(docker\\): eth0 ${n.MacAddress} ${n.IPAddress.replace(/\./g, '\\.')}/${n.IPPrefixLen}`));
  }

  // The set of namespaces: what lsns sees through processes, every one held by a process here.
  const all = JSON.parse(f['all.json']!) as any[];
  const lsns = parseLsns(f['lsns.txt']!);
  // (The world's mount namespace is a copy of the test run's, so namespaces other test files had
  // bind-mounted at that moment are listed too, as bind mounts nothing here runs in: lsns
  // cannot see those, so they are compared apart.)
  const running = all.filter((e) => e.holders.some((h: any) => h.via === 'ns'));
  t.deepEqual(running.map((e) => e.ino).sort(), [...lsns.keys()].sort());
  t.deepEqual(all.filter((e) => !running.includes(e) && !e.mounts.length), [], 'every other one is a bind mount');
  for (const c of inspect) t.true(all.some((e) => e.container?.id === c.Id && e.mounts.includes(c.NetworkSettings.SandboxKey)));

  // Docker's NAT as the library reads it: iptables-nft's x_tables matches and targets
  // translated as nft translates them, the whole ruleset equal to `nft list ruleset` (and the
  // iptables-nft warning lines on stderr, as nft prints them), with the masquerade on the
  // bridge's subnet and the DNAT of the published port to the container's address.
  const nft = f['nft.txt']!;
  t.is(nft, f['nft-oracle.txt']);
  t.is(f['nft.err'], f['nft-oracle.err']);
  const c2 = inspect.find((c) => c.Name === '/c2').NetworkSettings.IPAddress as string;
  t.regex(nft, /oifname != "docker0" ip saddr 172\.17\.0\.0\/16 counter packets \d+ bytes \d+ masquerade/);
  t.regex(nft, new RegExp(`chain DOCKER \\{[^}]*tcp dport 8080 counter packets \\d+ bytes \\d+ dnat to ${c2.replace(/\./g, '\\.')}:80`));
});
