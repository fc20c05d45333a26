// docs/benchmarks.md and docs/benchmarks.svg from a run's results. The analysis of misses is
// hand-written in bench/analysis.md and included as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';
import { ROOT } from './proc.js';
import { fmtMiB, fmtRatio, fmtSeconds, type Stats } from './stats.js';
import type { ChartRatio, Target, WorkloadResult } from './types.js';

export interface RunDoc {
  date: string;
  finished: string;
  mode: string;
  only: number[] | null;
  machine: MachineInfo;
  load: { start: number[]; end: number[] };
  build?: { commit: string; uncommittedSrcFiles: number };
  pyroute2: { python: string; version: string } | null;
  workloads: WorkloadResult[];
}

const esc = (s: string): string => s.replace(/\|/g, '\\|');

function fmtStats(s: Stats | undefined): string {
  if (!s) return '—';
  if (s.n === 1) return fmtSeconds(s.median);
  return `${fmtSeconds(s.median)} <sub>(${fmtSeconds(s.min)}–${fmtSeconds(s.max)}, n=${s.n})</sub>`;
}

function fmtTargetValue(t: Target): string {
  if (t.value === undefined) return `not measured: ${t.missing ?? ''}`;
  const v = t.unit === 'x' ? fmtRatio(t.value) : `${t.value.toFixed(1)} ${t.unit}`;
  return t.detail ? `${v} = ${t.detail}` : v;
}

function verdict(t: Target): string {
  return t.met === undefined ? 'not measured' : t.met ? '**met**' : '**missed**';
}

function limitText(t: Target): string {
  return `${t.op} ${t.unit === 'x' ? `${t.limit}x` : `${t.limit} ${t.unit}`}`;
}

function fmtExtra(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v.toPrecision(3);
  if (v && typeof v === 'object' && 'median' in v && 'samples' in v) return fmtStats(v as Stats);
  return '`' + JSON.stringify(v) + '`';
}

/** Commands as a reader would type them: the build snapshot is dist/, scratch files $SCRATCH/. */
function tidy(c: string): string {
  return c.replace(/\/tmp\/netlinkts-bench-[^/ ]+\/pkg\//g, '').replace(/\/tmp\/netlinkts-bench-[^/ ]+\//g, '$SCRATCH/')
    .replaceAll(ROOT + '/', '').replace(new RegExp(`(^| )${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'g'), '$1node ')
    .replace(/(^| )\/usr\/bin\/python3 /g, '$1python3 ');
}

export function renderMarkdown(doc: RunDoc): string {
  const m = doc.machine;
  const out: string[] = [];
  const date = doc.date.slice(0, 10);
  out.push('# Benchmarks');
  out.push('');
  out.push(`Measured ${date} (${doc.date} to ${doc.finished}, ${doc.mode} run${doc.only ? `, workloads ${doc.only.join(', ')} re-run` : ''}) with \`npm run bench\`.`);
  out.push('Speed is only ever compared as ratios taken in the same run on the same machine; nothing under');
  out.push('`test/` asserts a speed.');
  out.push('');
  out.push('**Machine**: ' + [
    `${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB`, `Linux ${m.kernel}`, m.os, `Node.js ${m.node}`, m.iproute2, m.nft,
    m.hyperfine, doc.pyroute2 ? `pyroute2 ${doc.pyroute2.version} (${doc.pyroute2.python})` : 'pyroute2 not installed',
  ].join('; ') + '.');
  if (m.tools) out.push(`Tools as run: ${Object.entries(m.tools).map(([k, v]) => `${k} = \`${v}\``).join(', ')} (PATH without node_modules/.bin: under npm it holds @vercel/nft's \`nft\`).`);
  if (doc.build) out.push(`Library: commit ${doc.build.commit}${doc.build.uncommittedSrcFiles ? ` with ${doc.build.uncommittedSrcFiles} uncommitted file(s) under src/` : ''}, built by \`npm run bench\` and measured from a snapshot of \`dist/\` taken at the start.`);
  out.push(`Load average at start ${doc.load.start.join(' ')}, at end ${doc.load.end.join(' ')} (1/5/15 min).`);
  out.push(`\`NODE_EXTRA_CA_CERTS\` was ${m.nodeExtraCaCerts ? `set (${m.nodeExtraCaCerts}) for every node process, bare \`node -e 0\` included` : 'unset'}.`);
  out.push('');
  out.push('## Targets (issue 19)');
  out.push('');
  out.push('| # | target | limit | measured | result |');
  out.push('|---|---|---|---|---|');
  for (const w of doc.workloads) {
    for (const t of w.targets) out.push(`| ${t.id} | ${esc(t.text)} | ${limitText(t)} | ${esc(fmtTargetValue(t))} | ${verdict(t)} |`);
    if (w.error) out.push(`| ${w.id} | ${esc(w.title)} | | workload failed: ${esc(w.error.slice(0, 200))} | not measured |`);
  }
  out.push('');
  out.push('![Ratios of netlinkts to its peers (log scale; left of 1 is faster or smaller)](benchmarks.svg)');
  out.push('');
  const missing = doc.workloads.flatMap((w) => w.missing.map((x) => `workload ${w.id}: ${x}`));
  if (missing.length) {
    out.push('**Not measured because the library API does not exist (yet)**: ' + missing.join('; ') + '.');
    out.push('');
  }
  const analysis = join(ROOT, 'bench', 'analysis.md');
  if (existsSync(analysis)) {
    out.push(readFileSync(analysis, 'utf8').trim());
    out.push('');
  }
  out.push('## Figures');
  out.push('');
  out.push('Whole process: hyperfine wall time, median (min–max, runs); CPU: its mean user + system time per run.');
  out.push('In-process: the operation alone (performance.now() in the driver, clock_gettime in C, time.perf_counter');
  out.push('in Python), reported by each process hyperfine timed (its first, cold, operation), median.');
  out.push('Peak RSS: `/usr/bin/time -f %M` in separate probe runs, median.');
  out.push('');
  for (const w of doc.workloads) {
    out.push(`### ${w.id}. ${w.title}`);
    out.push('');
    if (w.error) {
      out.push(`The workload failed: \`${w.error.slice(0, 500)}\``);
      out.push('');
      continue;
    }
    out.push(`Fixture: ${w.fixture}. (${w.durationS.toFixed(0)} s)`);
    out.push('');
    out.push('| subject | tool | whole process | CPU | in-process | peak RSS | notes |');
    out.push('|---|---|---|---|---|---|---|');
    for (const r of w.rows) {
      out.push(`| ${esc(r.subject)} | ${r.tool} | ${fmtStats(r.wall)} | ${r.cpu !== undefined ? fmtSeconds(r.cpu) : '—'} | ${fmtStats(r.inproc)} | ${r.rssKiB ? fmtMiB(r.rssKiB) : '—'} | ${esc(r.note ?? '')} |`);
    }
    out.push('');
    const ex = Object.entries(w.extra);
    if (ex.length) {
      out.push('Other figures: ' + ex.map(([k, v]) => `${k} ${fmtExtra(v)}`).join('; ') + '.');
      out.push('');
    }
    for (const n of w.notes) out.push(`${n}`, '');
  }
  out.push('## Methodology');
  out.push('');
  out.push(`- Everything runs inside the private network + mount namespace of \`scripts/in-private-netns.mjs\`
  (\`npm run bench\` starts it), and each workload in a throwaway namespace it makes there with
  \`ip netns add\`; whole-process commands run inside that namespace (hyperfine itself is started
  with \`nsenter --net=/run/netns/NAME\`, so no wrapper is timed). Nothing touches the host's network
  and no packet is sent anywhere.
- Whole process: \`hyperfine -N\` (no shell), warmup runs first; each subject's runs are split into rounds
  taken in turn (2-5 rounds; workloads 1, 2 and 7 run by run, one run of each subject a round), so load that comes and goes on the machine hits every subject alike; \`--prepare\` resets the state before
  every run of a mutating workload (bulk link delete, device re-creation, \`nft flush ruleset\`).
  Medians are quoted. Output goes to /dev/null for every tool alike.
- In-process: library drivers (\`bench/drivers/*.mjs\`, using the built \`dist/\`), the C floor and the
  pyroute2 scripts time the operation itself and append that figure to a file named by
  \`NETLINKTS_BENCH_OUT\` in every run hyperfine makes, so in-process and whole-process figures come
  from the same runs. Memory: separate probe runs under \`/usr/bin/time -f %M\` (peak RSS). Drivers
  and the CLI are plain JavaScript from \`dist/\`: no loader is timed.
- Peers: iproute2 (\`ip -j -d link show\`, \`ip -j route show table N\`, \`ip -batch\`), nft (\`nft -f\`,
  \`nft -j list ruleset\`), pyroute2 (Debian's python3-pyroute2, \`bench/peers/*.py\`), a C
  dump-and-walk floor (\`bench/peers/dumpwalk.c\`, built with \`cc -O2\` at the start of the run), and
  bare \`node -e 0\`.
- Ratios are netlinkts over the peer (smaller is better), except 3c (one-by-one time over the
  library's bulk delete, bigger is better; drawn inverted in the chart).
- The machine is shared: other work on its 2 cores shows up as noise. Compare ratios from one run;
  the load average above tells how quiet it was.`);
  out.push('');
  out.push('## Commands');
  out.push('');
  out.push('```sh');
  out.push('npm run bench                 # everything, writes this file and benchmarks.svg');
  out.push('npm run bench -- --quick      # fewer runs; results in bench/results/latest.json only');
  out.push('npm run bench -- --only 2,7   # some workloads (merged into latest.json)');
  out.push('```');
  out.push('');
  out.push('Per workload, as run (inside the workload\'s namespace):');
  out.push('');
  for (const w of doc.workloads) {
    if (!w.commands.length) continue;
    out.push(`${w.id}. ` + w.commands.map((c) => `\`${tidy(c)}\``).join(', '));
  }
  out.push('');
  return out.join('\n');
}

const xmlEsc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A horizontal bar chart of the ratios on a log scale, with each target's limit marked. */
export function renderSvg(doc: RunDoc): string {
  const bars: ChartRatio[] = doc.workloads.flatMap((w) => w.chart).filter((c) => Number.isFinite(c.value) && c.value > 0);
  const W = 900, left = 330, right = 40, top = 56, rowH = 26, bottom = 44;
  const H = top + Math.max(1, bars.length) * rowH + bottom;
  const vals = bars.flatMap((b) => (b.limit !== undefined ? [b.value, b.limit] : [b.value]));
  const lo = Math.floor(Math.log10(Math.min(0.01, ...vals) * 0.5)); // log10 range, at least 0.01x .. 20x, with room under the smallest bar
  const hi = Math.max(1.3, Math.log10(Math.max(...vals, 1)) + 0.15);
  const x = (v: number): number => left + ((Math.min(Math.max(Math.log10(v), lo), hi) - lo) / (hi - lo)) * (W - left - right);
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  o.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  o.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">netlinkts / peer, ${xmlEsc(doc.date.slice(0, 10))} (log scale; smaller is better)</text>`);
  o.push(`<text x="${W / 2}" y="38" text-anchor="middle" fill="#555">green: target met, red: missed, grey: no target; black tick: the target's limit</text>`);
  const ticks = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300].filter((t) => Math.log10(t) >= lo && Math.log10(t) <= hi);
  for (const t of ticks) {
    const tx = x(t);
    o.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${H - bottom + 4}" stroke="${t === 1 ? '#333' : '#ddd'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`);
    o.push(`<text x="${tx}" y="${H - bottom + 18}" text-anchor="middle" fill="#333">${t}x</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const met = b.limit === undefined ? undefined : b.op === '>=' ? b.value >= b.limit : b.value <= b.limit;
    const color = met === undefined ? '#9e9e9e' : met ? '#43a047' : '#e53935';
    const x0 = x(10 ** lo), x1 = x(b.value);
    o.push(`<text x="${left - 8}" y="${y + 16}" text-anchor="end">${xmlEsc(b.label)}</text>`);
    o.push(`<rect x="${x0}" y="${y + 5}" width="${Math.max(1, x1 - x0)}" height="${rowH - 10}" fill="${color}"/>`);
    // The value after the bar, or after the limit's tick when that sits just past the bar.
    const lx0 = b.limit !== undefined ? x(b.limit) : -Infinity;
    const tx = lx0 > x1 && lx0 - x1 < 50 ? lx0 + 5 : x1 + 4;
    o.push(`<text x="${Math.min(tx, W - right)}" y="${y + 16}" fill="#111">${xmlEsc(fmtRatio(b.value))}</text>`);
    if (b.limit !== undefined) {
      const lx = x(b.limit);
      o.push(`<line x1="${lx}" y1="${y + 2}" x2="${lx}" y2="${y + rowH - 2}" stroke="#000" stroke-width="2"/>`);
    }
  });
  o.push(`<text x="${W / 2}" y="${H - 8}" text-anchor="middle" fill="#555">ratio (netlinkts time or memory over the peer's, measured in the same run)</text>`);
  o.push('</svg>');
  return o.join('\n') + '\n';
}

export function writeDocs(doc: RunDoc): void {
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), renderMarkdown(doc));
  writeFileSync(join(ROOT, 'docs', 'benchmarks.svg'), renderSvg(doc));
}
