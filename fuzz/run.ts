// `npm run fuzz -- [--seconds N] [--target NAME[,NAME...]] [--seed N] [--no-save]`
//   Time-budgeted property fuzzing of every target in fuzz/targets.ts (or the ones named),
//   seeded from fuzz/corpus and fuzz/regressions. New failures are written to
//   fuzz/regressions/<target>/ (status "open") and the run exits 1.
// `npm run fuzz -- --repro FILE [--target NAME]`
//   Replay one input: a regression .json, or a .hex/.bin file (the target is taken from its
//   folder name unless --target says otherwise). Prints the decoded value or the error.
// `npm run fuzz -- --list`
//   The targets, their corpus and regression counts.
import { basename, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { TARGETS, TARGET_NAMES, getTarget } from './targets.js';
import { checkInput, checkRoundTrip, signature, type Failure } from './lib/check.js';
import { fuzzBytes, fuzzRoundTrip, type PhaseStats } from './lib/engine.js';
import { knownSignatures, loadCorpus, loadRegressions, readRegression, REGRESSIONS_DIR, writeRegression } from './lib/files.js';
import { fromHex, readHexFile, toHex } from './lib/wire.js';
import { Watchdog } from './lib/watchdog.js';

interface Args {
  seconds: number;
  targets: string[];
  seed?: number;
  repro?: string;
  save: boolean;
  list: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seconds: 60, targets: [], save: true, list: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--seconds') a.seconds = Number(next());
    else if (k === '--target') a.targets.push(...next().split(','));
    else if (k === '--seed') a.seed = Number(next());
    else if (k === '--repro') a.repro = next();
    else if (k === '--no-save') a.save = false;
    else if (k === '--list') a.list = true;
    else if (k === '--help' || k === '-h') {
      console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${k} (see --help)`);
  }
  if (!Number.isFinite(a.seconds) || a.seconds <= 0) throw new Error('--seconds needs a positive number');
  for (const t of a.targets) getTarget(t);
  return a;
}

/** Run the properties on one input (and a generated value, for round-trip regressions). */
export function replay(target: string, input: Uint8Array, value?: unknown): Failure | undefined {
  const t = getTarget(target);
  if (input.length || value === undefined) {
    const f = checkInput(target, t, input);
    if (f) return f;
  }
  if (value !== undefined && t.encode) return checkRoundTrip(target, t, value);
  return undefined;
}

function printFailure(f: Failure): void {
  console.log(`  FAIL ${f.target} [${f.property}] ${f.message}`);
  console.log(`       input (${f.input.length} bytes): ${toHex(f.input)}`);
  if (f.stack) console.log(f.stack.split('\n').slice(1, 6).map((l) => `       ${l.trim()}`).join('\n'));
}

function repro(args: Args): number {
  const file = args.repro!;
  let target: string;
  let input: Uint8Array;
  let value: unknown;
  if (file.endsWith('.json')) {
    const r = readRegression(file);
    target = args.targets[0] ?? r.target;
    input = r.input;
    value = r.value;
    console.log(`regression ${basename(file)}: ${r.property}, ${r.status}: ${r.message}`);
  } else {
    target = args.targets[0] ?? basename(dirname(file));
    input = file.endsWith('.bin') ? new Uint8Array(readFileSync(file)) : file.endsWith('.hex') ? readHexFile(file) : fromHex(readFileSync(file, 'utf8'));
  }
  const t = getTarget(target);
  console.log(`target ${target}: ${t.description}`);
  console.log(`input (${input.length} bytes): ${toHex(input)}`);
  try {
    const v = t.decode(new Uint8Array(input));
    console.log(`decoded: ${inspect(v, { depth: 10, colors: process.stdout.isTTY, maxArrayLength: 64 })}`);
  } catch (err) {
    console.log(`decode threw: ${(err as Error)?.stack ?? String(err)}`);
  }
  const failures: Failure[] = [];
  if (input.length || value === undefined) {
    const f = checkInput(target, t, input);
    if (f) failures.push(f);
  }
  if (value !== undefined && t.encode) {
    const f = checkRoundTrip(target, t, value);
    if (f) failures.push(f);
  }
  for (const f of failures) printFailure(f);
  console.log(failures.length ? 'properties: FAIL' : 'properties: all hold');
  return failures.length ? 1 : 0;
}

function list(): void {
  for (const name of TARGET_NAMES) {
    const t = TARGETS[name];
    const corpus = loadCorpus(name).length;
    const regs = loadRegressions(name);
    const open = regs.filter((r) => r.status === 'open').length;
    const rt = 'arbitrary' in t && t.arbitrary && t.encode ? 'roundtrip' : 'encode' in t && t.encode ? 'stable' : 'decode only';
    console.log(`${name.padEnd(20)} corpus ${String(corpus).padStart(3)}  regressions ${regs.length} (${open} open)  ${rt}\n${' '.repeat(22)}${t.description}`);
  }
}

async function fuzz(args: Args): Promise<number> {
  const names = args.targets.length ? args.targets : [...TARGET_NAMES];
  const watchdog = new Watchdog(names, REGRESSIONS_DIR);
  // Bugs already on file are not reported again (their signature is in the file name).
  const known = knownSignatures((r) => replay(r.target, r.input, r.value));
  const perTarget = (args.seconds * 1000) / names.length;
  const results: Array<{ name: string; bytes: PhaseStats; rt?: PhaseStats }> = [];
  const fresh: Failure[] = [];
  console.log(`fuzzing ${names.length} targets for ${args.seconds} s (${(perTarget / 1000).toFixed(1)} s each)${args.seed !== undefined ? `, seed ${args.seed}` : ''}`);
  for (const name of names) {
    const t = getTarget(name);
    const seeds = [...loadCorpus(name).map((c) => c.bytes), ...loadRegressions(name).map((r) => r.input).filter((b) => b.length)];
    const hasRt = !!(t.arbitrary && t.encode);
    const bytes = fuzzBytes(name, t, { timeMs: hasRt ? perTarget * 0.75 : perTarget, seeds, known, continueAfterFailure: true, watchdog, seed: args.seed });
    const rt = hasRt ? fuzzRoundTrip(name, t, { timeMs: perTarget * 0.25, known, continueAfterFailure: true, seed: args.seed }) : undefined;
    results.push({ name, bytes, rt });
    const rate = (s: PhaseStats): string => `${Math.round(s.runs / (s.ms / 1000))}/s`;
    console.log(`${name.padEnd(20)} ${String(bytes.runs).padStart(8)} inputs ${rate(bytes).padStart(9)}  seeds ${String(seeds.length).padStart(3)}${rt ? `  ${String(rt.runs).padStart(7)} round trips ${rate(rt).padStart(8)}` : ''}  seed ${bytes.seed}`);
    for (const f of [...bytes.failures, ...(rt?.failures ?? [])]) {
      printFailure(f);
      fresh.push(f);
      if (args.save) {
        const file = writeRegression(f);
        if (file) console.log(`       saved ${file}`);
      }
    }
  }
  await watchdog.stop();
  const total = results.reduce((n, r) => n + r.bytes.runs + (r.rt?.runs ?? 0), 0);
  console.log(`${total} inputs, ${fresh.length} new failure${fresh.length === 1 ? '' : 's'}${fresh.length ? ` (${[...new Set(fresh.map(signature))].length} distinct)` : ''}`);
  return fresh.length ? 1 : 0;
}

try {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) list();
  else process.exitCode = args.repro ? repro(args) : await fuzz(args);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 2;
}
