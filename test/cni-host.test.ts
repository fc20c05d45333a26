// A container host built by the reference CNI plugins (bridge + host-local + portmap, with
// iptables-nft masquerade and DNAT), not by this library: the CLI's JSON must equal what ip
// prints for every link, address, route and neighbour there, whole, and the nft view must
// have every table and chain nft shows. A ping through the bridge first, so there are
// neighbours and a conntrack entry.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertPrivate, ip, ipJson, nftJson, run, withIpNetns } from './helpers/env.js';
import { cniContainerHost, cniMissing } from './helpers/cni.js';
import { tool } from './helpers/tools.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

test.before(() => {
  assertPrivate();
  if (!existsSync(MAIN)) throw new Error('build first: npm run build:ts (npm test does it)');
  const missing = cniMissing();
  if (missing) throw new Error(missing);
});

function cliJson<T = any>(args: string[]): T {
  const r = spawnSync(process.execPath, [MAIN, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, DEBUG: '' }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`netlinkts ${args.join(' ')} --json: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * What dump-links adds to ip's objects, by design: the namespace of each link and a veth's
 * peer by name and namespace (ip shows neither), and the IPv4 GSO/GRO sizes this machine's ip
 * 6.1 does not print yet (newer ip does). Everything else must be equal.
 */
const LINK_EXTRAS = ['netns', 'peer_ifname', 'peer_netns', 'gso_ipv4_max_size', 'gro_ipv4_max_size'];

/** Bridge timers count down between two reads: dropped on both sides; `drop` on ours only. */
function comparable(v: unknown, drop: readonly string[] = []): unknown {
  if (Array.isArray(v)) return v.map((x) => comparable(x, drop));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!k.endsWith('_timer') && !drop.includes(k)) o[k] = comparable(x, drop);
    return o;
  }
  return v;
}

test('what the CNI bridge and portmap plugins built reads exactly as ip -j -d shows it', async (t) => {
  await withIpNetns('cnih', (host) => withIpNetns('cnic', (ctr) => {
    ip(['link', 'set', 'lo', 'up'], host);
    const { result, teardown } = cniContainerHost(host, ctr);
    try {
      const ips = result.ips as { address: string; gateway: string }[];
      t.is(ips[0]!.gateway, '10.88.0.1');
      // Traffic through the bridge: ARP entries on both sides, a conntrack entry on the host.
      run('ip', ['netns', 'exec', ctr, tool('ping'), '-c', '1', '-W', '2', '10.88.0.1']);

      // IPv6 duplicate address detection ends about a second after a link comes up: wait for
      // it, or an address can be "tentative" in one read and not in the next.
      for (let i = 0; i < 50 && [host, ctr].some((ns) => JSON.stringify(ipJson(['addr', 'show'], ns)).includes('"tentative"')); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      for (const ns of [host, ctr]) {
        t.deepEqual(comparable(cliJson(['dump-links', '--netns', ns]), LINK_EXTRAS), comparable(ipJson(['-d', 'link', 'show'], ns)), `links in ${ns}`);
        t.deepEqual(cliJson(['dump-addrs', '--netns', ns]), ipJson(['addr', 'show'], ns), `addresses in ${ns}`);
        t.deepEqual(cliJson(['dump-routes', '--netns', ns, '--table', 'all']), ipJson(['-d', 'route', 'show', 'table', 'all'], ns), `routes in ${ns}`);
        t.deepEqual(cliJson(['dump-routes', '--netns', ns, '--family', 'inet6']), ipJson(['-d', '-6', 'route', 'show'], ns), `IPv6 routes in ${ns}`);
        t.deepEqual(cliJson(['dump-neigh', '--netns', ns, '--family', 'inet']), ipJson(['-4', 'neigh', 'show'], ns), `neighbours in ${ns}`);
      }
      // The container's side: eth0 with the host-local address, the default route via the gateway.
      const eth0 = ipJson<any[]>(['addr', 'show', 'dev', 'eth0'], ctr)[0];
      t.true(eth0.addr_info.some((a: any) => `${a.local}/${a.prefixlen}` === ips[0]!.address));

      // iptables-nft's tables and chains, as nft lists them (rule text is issue 20's corpus).
      const ours = cliJson<any>(['dump-nft', '--netns', host]);
      const theirs = nftJson(host).nftables as any[];
      const names = (list: any[], what: string): string[] => list.filter((o) => o[what]).map((o) => `${o[what].family} ${o[what].table ?? ''} ${o[what].name}`).sort();
      const oursList: any[] = Array.isArray(ours) ? ours : ours.nftables ?? [];
      t.deepEqual(names(oursList, 'table'), names(theirs, 'table'));
      t.deepEqual(names(oursList, 'chain'), names(theirs, 'chain'));
      t.true(names(theirs, 'chain').some((c) => c.includes('CNI-HOSTPORT-DNAT')), 'portmap made its chains');
    } finally {
      teardown();
    }
    // DEL took everything away again: no veth left on the host, no CNI chain.
    t.deepEqual(ipJson<any[]>(['link', 'show', 'type', 'veth'], host), []);
    t.false(JSON.stringify(nftJson(host)).includes('CNI-DN-'));
  }));
});
