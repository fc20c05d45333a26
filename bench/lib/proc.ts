// Running things for the benchmarks: throwaway namespaces, whole-process timing (hyperfine,
// run inside the namespace so no wrapper is timed), and probe runs under /usr/bin/time for
// peak RSS and the in-process figures a driver prints as JSON.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats, type Stats } from './stats.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Under npm (`npm run bench`) PATH starts with node_modules/.bin, where ava's dependency
// @vercel/nft installs a command named `nft`: the peer would silently be Node File Trace, not
// netfilter's nft (and `nft flush ruleset` a no-op). Every command the benchmarks start,
// hyperfine's and bash's children included, gets a PATH without node_modules/.bin entries.
process.env.PATH = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')
  .filter((d) => d && !/(^|\/)node_modules\/\.bin\/?$/.test(d)).join(':');
/** The built library under measurement: a snapshot (see snapshotBuild) once the runner took one. */
export let DIST = join(ROOT, 'dist', 'src');
export const DRIVERS = join(ROOT, 'bench', 'drivers');
export const PEERS = join(ROOT, 'bench', 'peers');
export const TOOLS = join(ROOT, 'bench', 'tools');
export const NODE = process.execPath;
export let CLI = join(DIST, 'cli', 'main.js');

/** A scratch directory for this bench run (batch files, binaries, captures). */
export const SCRATCH = mkdtempSync(join(tmpdir(), 'netlinkts-bench-'));
export function cleanupScratch(): void {
  rmSync(SCRATCH, { recursive: true, force: true });
}

/**
 * Copy the built package (dist/, the native build, package.json; node_modules linked) into the
 * scratch directory and measure that copy: other engineers' test runs rebuild dist/ at any
 * time, and a driver must not load a half-written file or a different build mid-run.
 * Drivers find it through NETLINKTS_BENCH_DIST.
 */
export function snapshotBuild(): string {
  const pkg = join(SCRATCH, 'pkg');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'build', 'Release'), join(pkg, 'build', 'Release'), {
    recursive: true, filter: (src) => !src.includes('/obj.target') && !src.endsWith('.d'),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  DIST = join(pkg, 'dist', 'src');
  CLI = join(DIST, 'cli', 'main.js');
  process.env.NETLINKTS_BENCH_DIST = DIST;
  return pkg;
}

export function scratchFile(name: string, content: string | Uint8Array): string {
  const p = join(SCRATCH, name);
  writeFileSync(p, content);
  return p;
}

/** Run a program to completion; throws with its stderr when it fails. */
export function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8', input: opts.input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30, timeout: opts.timeoutMs,
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    const detail = (e.stderr || e.message).trim().slice(0, 2000);
    throw Object.assign(new Error(`${cmd} ${args.join(' ').slice(0, 200)}: ${detail}`), { detail, stdout: e.stdout ?? '' });
  }
}

export function tryRun(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * Refuse to run anywhere but inside scripts/in-private-netns.mjs: the flag, and the private
 * tmpfs it mounts on /run/netns (the same proof the tests demand).
 */
export function assertPrivate(): void {
  if (process.env.NETLINKTS_PRIVATE_NETNS !== '1') {
    throw new Error('benchmarks must run inside the private namespace: use `npm run bench` (node scripts/in-private-netns.mjs node --import=tsx bench/run.ts)');
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  if (!/ \/run\/netns .* - tmpfs netlinkts-netns /.test(mounts)) {
    throw new Error('refusing to run: /run/netns is not the private tmpfs of scripts/in-private-netns.mjs');
  }
}

/** Debian's python3 (python3-pyroute2 lives there), else whatever python3 imports pyroute2. */
export function findPyroute2(): { python: string; version: string } | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = tryRun(py, ['-c', 'import pyroute2, importlib.metadata as m; print(m.version("pyroute2"))']);
    if (r.status === 0) return { python: py, version: r.stdout.trim() };
  }
  return undefined;
}

/** A namespace made with `ip netns add` for one workload; processes run inside it via nsenter. */
export class BenchNamespace {
  readonly path: string;
  constructor(readonly name: string) {
    this.path = `/run/netns/${name}`;
    if (existsSync(this.path)) run('ip', ['netns', 'del', name]);
    run('ip', ['netns', 'add', name]);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  }

  /** argv that runs `argv` inside this namespace (nsenter execs it: no extra process). */
  wrap(argv: string[]): string[] {
    return ['nsenter', `--net=${this.path}`, '--', ...argv];
  }

  exec(argv: string[], opts: { input?: string; timeoutMs?: number } = {}): string {
    const w = this.wrap(argv);
    return run(w[0]!, w.slice(1), opts);
  }

  /** `ip -batch FILE` inside the namespace (fixtures). */
  ipBatch(lines: string[], name = `${this.name}-batch.txt`): void {
    const file = scratchFile(name, lines.join('\n') + '\n');
    this.exec(['ip', '-batch', file], { timeoutMs: 600_000 });
  }

  delete(): void {
    tryRun('ip', ['netns', 'del', this.name]);
  }
}

export interface Command {
  /** Row name in the tables. */
  name: string;
  argv: string[];
}

export interface WallResult {
  name: string;
  command: string;
  /** Seconds, whole process. */
  wall: Stats;
  /** Mean user + system CPU seconds per run (hyperfine); steadier than wall time on a busy machine. */
  cpu: number;
}

/** Quote argv for a shell-words split (hyperfine -N splits its command strings that way). */
export function shellJoin(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./=:,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Whole-process wall time of each command with hyperfine (-N: no shell in between), run
 * inside the namespace so neither nsenter nor anything else is timed. `prepare` runs before
 * every timed run (and warmup), untimed.
 */
export function hyperfine(ns: BenchNamespace, commands: Command[], opts: { runs: number; warmup: number; prepare?: string[]; outFile?: string }): WallResult[] {
  const out = join(SCRATCH, `hyperfine-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const args = ['hyperfine', '-N', '--style', 'none', '--runs', String(opts.runs), '--warmup', String(opts.warmup), '--export-json', out];
  if (opts.prepare) args.push('--prepare', shellJoin(opts.prepare));
  for (const c of commands) args.push('-n', c.name, shellJoin(c.argv));
  // NETLINKTS_BENCH_OUT: drivers append their in-process figures of every run there.
  ns.exec(opts.outFile ? ['env', `NETLINKTS_BENCH_OUT=${opts.outFile}`, ...args] : args, { timeoutMs: 3_600_000 });
  const json = JSON.parse(readFileSync(out, 'utf8')) as { results: Array<{ command: string; times: number[]; user: number; system: number }> };
  return json.results.map((r, i) => ({ name: commands[i]!.name, command: shellJoin(commands[i]!.argv), wall: stats(r.times), cpu: r.user + r.system }));
}

export interface ProbeResult {
  /** Peak RSS of the process (KiB, /usr/bin/time %M), median over the probe runs. */
  rssKiB: Stats;
  /** Parsed JSON of each run's last stdout line (drivers print their in-process figures). */
  outputs: unknown[];
  stdout: string;
}

/**
 * Run a command `runs` times inside the namespace under /usr/bin/time -f %M, after `prepare`
 * each time; collect peak RSS and the JSON a driver prints on its last stdout line.
 */
export function probe(ns: BenchNamespace, argv: string[], opts: { runs: number; prepare?: string[]; json?: boolean }): ProbeResult {
  const rss: number[] = [];
  const outputs: unknown[] = [];
  let stdout = '';
  for (let i = 0; i < opts.runs; i++) {
    if (opts.prepare) ns.exec(opts.prepare, { timeoutMs: 600_000 });
    const timeFile = join(SCRATCH, 'time.txt');
    stdout = ns.exec(['/usr/bin/time', '-f', '%M', '-o', timeFile, '--', ...argv], { timeoutMs: 3_600_000 });
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    rss.push(Number(lines[lines.length - 1]));
    if (opts.json) {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        outputs.push(JSON.parse(last));
      } catch {
        throw new Error(`${argv.join(' ')}: expected JSON on the last line of its output, got: ${last.slice(0, 300)}`);
      }
    }
  }
  return { rssKiB: stats(rss), outputs, stdout };
}
