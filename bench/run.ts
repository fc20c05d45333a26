// `npm run bench [-- --quick] [-- --only N[,M]] [-- --docs | --no-docs]`
//
// Runs the workloads of issue 8 side by side with iproute2, nft, pyroute2 and bare node, each
// in a throwaway namespace made inside the private one of scripts/in-private-netns.mjs.
// Writes bench/results/latest.json; a full run (neither --quick nor --only) also writes
// docs/benchmarks.md and docs/benchmarks.svg (--docs forces it, --no-docs prevents it).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchNamespace, CLI, DIST, PEERS, ROOT, SCRATCH, assertPrivate, cleanupScratch, findPyroute2, run, snapshotBuild, tryRun } from './lib/proc.js';
import { machineInfo, loadAverage } from './lib/machine.js';
import { writeDocs } from './lib/report.js';
import { fmtRatio } from './lib/stats.js';
import type { Context, WorkloadResult } from './lib/types.js';
import { WORKLOADS } from './workloads/index.js';

interface Options {
  quick: boolean;
  only: number[] | undefined;
  docs: boolean | undefined;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { quick: false, only: undefined, docs: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') o.quick = true;
    else if (a === '--docs') o.docs = true;
    else if (a === '--no-docs') o.docs = false;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      if (!v) throw new Error('--only needs workload numbers: --only 2 or --only 1,7');
      o.only = v.split(',').map((s) => {
        const n = Number(s);
        if (!WORKLOADS.some((w) => w.id === n)) throw new Error(`--only: no workload ${s} (workloads: ${WORKLOADS.map((w) => w.id).join(', ')})`);
        return n;
      });
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench -- [--quick] [--only N[,M...]] [--docs | --no-docs]');
      for (const w of WORKLOADS) console.log(`  ${w.id}  ${w.title}`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

function compileFloor(): string | undefined {
  const out = join(SCRATCH, 'dumpwalk');
  try {
    run('cc', ['-O2', '-o', out, join(PEERS, 'dumpwalk.c')]);
    return out;
  } catch (err) {
    console.error(`bench: cannot build the C floor (bench/peers/dumpwalk.c): ${(err as Error).message}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  assertPrivate();
  if (!existsSync(join(DIST, 'netlink', 'index.js'))) throw new Error('dist/ is missing: npm run bench builds it (tsc -p tsconfig.build.json)');
  snapshotBuild();
  const commit = tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).stdout.trim();
  const dirty = tryRun('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src']).stdout.trim().split('\n').filter(Boolean).length;
  const started = new Date();
  const machine = machineInfo();
  const loadStart = loadAverage();
  const pyroute2 = findPyroute2();
  const dumpwalk = compileFloor();
  const log = (msg: string): void => { process.stderr.write(`bench: ${msg}\n`); };
  log(`${opts.quick ? 'quick' : 'full'} run, load average ${loadStart.join(' ')}, pyroute2 ${pyroute2?.version ?? 'not found'}, CLI ${existsSync(CLI) ? 'built' : 'missing'}`);

  const results: WorkloadResult[] = [];
  for (const w of WORKLOADS) {
    if (opts.only && !opts.only.includes(w.id)) continue;
    const namespaces: BenchNamespace[] = [];
    const ctx: Context = {
      quick: opts.quick,
      runs: (full, quick) => (opts.quick ? quick : full),
      pyroute2,
      dumpwalk,
      log: (m) => log(`[${w.id}] ${m}`),
      namespace: (suffix) => {
        const ns = new BenchNamespace(`bench-w${w.id}-${suffix}`.slice(0, 40));
        namespaces.push(ns);
        return ns;
      },
    };
    const t0 = performance.now();
    log(`workload ${w.id}: ${w.title}`);
    let r: WorkloadResult;
    try {
      r = await w.run(ctx);
    } catch (err) {
      const e = err as Error;
      log(`workload ${w.id} failed: ${e.stack ?? e.message}`);
      r = {
        id: w.id, title: w.title, fixture: '', rows: [], targets: [], chart: [], extra: {}, notes: [], missing: [],
        commands: [], durationS: 0, error: e.message,
      };
    } finally {
      for (const ns of namespaces) ns.delete();
    }
    r.durationS = (performance.now() - t0) / 1000;
    results.push(r);
    for (const t of r.targets) {
      const v = t.value === undefined ? `not measured: ${t.missing ?? '?'}` : `${t.unit === 'x' ? fmtRatio(t.value) : `${t.value.toFixed(1)} ${t.unit}`} (${t.detail ?? ''})`;
      log(`  target ${t.id} ${t.text}: ${v} -> ${t.met === undefined ? 'n/a' : t.met ? 'MET' : 'MISSED'}`);
    }
  }

  const loadEnd = loadAverage();
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const latestPath = join(resultsDir, 'latest.json');
  // --only merges into the previous results, so one workload can be re-run.
  let previous: WorkloadResult[] = [];
  if (opts.only && existsSync(latestPath)) {
    try {
      previous = (JSON.parse(readFileSync(latestPath, 'utf8')) as { workloads: WorkloadResult[] }).workloads;
    } catch { /* unreadable: start over */ }
  }
  const merged = [...previous.filter((p) => !results.some((r) => r.id === p.id)), ...results].sort((a, b) => a.id - b.id);
  const doc = {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    only: opts.only ?? null,
    machine,
    build: { commit, uncommittedSrcFiles: dirty },
    load: { start: loadStart, end: loadEnd },
    pyroute2: pyroute2 ?? null,
    workloads: merged,
  };
  writeFileSync(latestPath, JSON.stringify(doc, null, 2) + '\n');
  log(`results: ${latestPath}`);
  const docs = opts.docs ?? (!opts.quick && !opts.only);
  if (docs) {
    writeDocs(doc);
    log('wrote docs/benchmarks.md and docs/benchmarks.svg');
  }
  cleanupScratch();
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error).stack ?? String(err)}`);
  cleanupScratch();
  process.exit(1);
});
