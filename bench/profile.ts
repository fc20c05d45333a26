// CPU profiles of the library side of the workloads whose targets are missed:
//   node scripts/in-private-netns.mjs node --import=tsx bench/profile.ts [2 3 4 5 7] [--out DIR]
// Each builds the workload's fixture in a throwaway namespace, runs the driver (or the CLI)
// under `node --cpu-prof`, and prints the functions with the most self and total time
// (bench/tools/profile-summary.mjs). The .cpuprofile files stay in DIR (default
// /tmp/netlinkts-profiles) for Chrome DevTools.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BenchNamespace, CLI, DRIVERS, NODE, TOOLS, assertPrivate, cleanupScratch, run, scratchFile, snapshotBuild } from './lib/proc.js';
import { DEV, DEVICE_SETUP, fillTable, setupDevice } from './workloads/routes-fixture.js';
import { ruleSource } from './workloads/w5-nft.js';

const argv = process.argv.slice(2);
const outIdx = argv.indexOf('--out');
const outDir = outIdx >= 0 ? argv[outIdx + 1]! : '/tmp/netlinkts-profiles';
const which = argv.filter((a, i) => /^\d+$/.test(a) && (outIdx < 0 || i !== outIdx + 1)).map(Number);
const want = (n: number) => which.length === 0 || which.includes(n);

assertPrivate();
snapshotBuild();
mkdirSync(outDir, { recursive: true });

function profile(ns: BenchNamespace, name: string, args: string[], prepare?: string[]): void {
  if (prepare) ns.exec(prepare, { timeoutMs: 600_000 });
  const dir = join(outDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = ns.exec([NODE, '--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', dir, ...args], { timeoutMs: 600_000 });
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!);
  console.log(`\n===== ${name}: ${args.map((a) => a.replace(/^.*\/(bench|dist)\//, '$1/')).join(' ')}`);
  if (out.trim()) console.log(out.trim().split('\n').pop()!.slice(0, 400));
  console.log(run(NODE, [join(TOOLS, 'profile-summary.mjs'), file, '--top', '18']).trimEnd());
  console.log(`(profile: ${file})`);
}

const namespaces: BenchNamespace[] = [];
const ns = (n: string) => { const x = new BenchNamespace(`prof-${n}`); namespaces.push(x); return x; };
try {
  if (want(1)) {
    const a = ns('links');
    const lines = [];
    for (let i = 0; i < 1000; i++) lines.push(`link add va${i} type veth peer name vb${i}`);
    a.ipBatch(lines);
    profile(a, 'w1-listLinks', [join(DRIVERS, 'dump-links.mjs')]);
    profile(a, 'w1-cli-dump-links-json', [CLI, 'dump-links', '--json']);
  }
  if (want(2)) {
    const a = ns('routes');
    setupDevice(a);
    fillTable(a, 100_000, 100);
    profile(a, 'w2-listRoutes', [join(DRIVERS, 'dump-routes.mjs'), '--table', '100', '--mode', 'list']);
    profile(a, 'w2-cli-dump-routes-json', [CLI, 'dump-routes', '--json', '--table', '100']);
  }
  if (want(3)) {
    const a = ns('veth');
    profile(a, 'w3-createLinks', [join(DRIVERS, 'veth.mjs'), 'create-bulk', '--count', '1000', '--group', '7']);
    a.exec(['ip', 'link', 'del', 'group', '7']);
  }
  if (want(4)) {
    const a = ns('addroutes');
    setupDevice(a);
    profile(a, 'w4-addRoutes', [join(DRIVERS, 'add-routes.mjs'), '--api', 'bulk', '--count', '100000', '--table', '100', '--dev', DEV]);
    profile(a, 'w4-floor', [join(TOOLS, 'add-routes-floor.mjs'), '--count', '100000', '--table', '100', '--dev', DEV],
      ['bash', '-c', `ip link del ${DEV}; ${DEVICE_SETUP}`]);
  }
  if (want(5)) {
    const a = ns('nft');
    profile(a, 'w5-nft-commit', [join(DRIVERS, 'nft-commit.mjs'), '--count', '10000']);
    const lines = ['table ip nat {', '  chain postrouting {', '    type nat hook postrouting priority srcnat; policy accept;'];
    for (let i = 0; i < 10_000; i++) lines.push(`    ip saddr ${ruleSource(i)} oifname "veth0" masquerade`);
    lines.push('  }', '}');
    a.exec(['nft', 'flush', 'ruleset']);
    a.exec(['nft', '-f', scratchFile('rules.nft', lines.join('\n') + '\n')]);
    profile(a, 'w5-ruleset', [join(DRIVERS, 'nft-list.mjs')]);
  }
  if (want(7)) {
    const a = ns('cold');
    profile(a, 'w7-cli-dump-links', [CLI, 'dump-links']);
  }
} finally {
  for (const n of namespaces) n.delete();
  cleanupScratch();
}
