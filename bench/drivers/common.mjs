// Shared by the drivers: each driver is a small program that runs one workload's library side
// with the built library (dist/, what `npm install` users run), times the operation itself
// with performance.now() and prints one JSON line of figures. Plain .mjs so no loader is
// timed. A library API the workload needs but that does not exist yet is reported as
// {"missing": "..."} with exit status 3: never a made-up number.
import { appendFileSync, readFileSync } from 'node:fs';

const T_START = performance.now();
// The runner points this at a snapshot of the build taken when the run started, so a rebuild
// of dist/ by someone else's `npm test` cannot change the code under measurement mid-run.
const DIST = process.env.NETLINKTS_BENCH_DIST
  ? new URL(`file://${process.env.NETLINKTS_BENCH_DIST.replace(/\/?$/, '/')}`)
  : new URL('../../dist/src/', import.meta.url);

/**
 * import() a module of the built library (package.json's exports point at these same files:
 * load('rtnl/index.js') is what a user's `import 'netlinkts/rtnl'` loads).
 */
export async function load(path) {
  return import(new URL(path, DIST).href);
}

/** Milliseconds since this module was evaluated (the driver's own start). */
export function sinceStart() {
  return performance.now() - T_START;
}

/**
 * Print the figures; with NETLINKTS_BENCH_OUT set (the runner sets it around hyperfine), also
 * append them there, so the in-process figures come from the very runs that were timed.
 */
export function emit(obj) {
  const line = `${JSON.stringify(obj)}\n`;
  process.stdout.write(line);
  if (process.env.NETLINKTS_BENCH_OUT) appendFileSync(process.env.NETLINKTS_BENCH_OUT, line);
}

/** Exit with {"missing": label} unless every named export exists on mod. */
export function need(mod, names, where) {
  const missing = names.filter((n) => mod[n] === undefined);
  if (missing.length) {
    emit({ missing: missing.map((n) => `${where}: ${n}`).join(', ') });
    process.exit(3);
  }
}

/** Peak resident set size of this process so far (VmHWM, KiB). */
export function hwmKiB() {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : undefined;
}

/** Samples resident set size and V8's used heap (process.memoryUsage(); call it every ~1,000 items). */
export class RssSampler {
  constructor() {
    const m = process.memoryUsage();
    this.start = m.rss;
    this.peak = m.rss;
    this.heapStart = m.heapUsed;
    this.heapPeak = m.heapUsed;
    this.samples = 0;
  }
  sample() {
    const m = process.memoryUsage();
    if (m.rss > this.peak) this.peak = m.rss;
    if (m.heapUsed > this.heapPeak) this.heapPeak = m.heapUsed;
    this.samples++;
  }
  report() {
    const k = (b) => Math.round(b / 1024);
    return { rssStartKiB: k(this.start), rssPeakKiB: k(this.peak), heapStartKiB: k(this.heapStart), heapPeakKiB: k(this.heapPeak), rssSamples: this.samples };
  }
}

/** --name value and --flag from argv. */
export function args() {
  const out = { _: [] };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith('--')) {
      const k = a[i].slice(2);
      if (i + 1 < a.length && !a[i + 1].startsWith('--')) out[k] = a[++i];
      else out[k] = true;
    } else out._.push(a[i]);
  }
  return out;
}
