// Where the harness keeps its memory between runs: the corpus (real kernel traffic, seeds for
// mutation), regressions (inputs that once broke a property, replayed by `npm test`) and
// findings (anything odd the kernel-facing harness saw).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromJsonValue, signature, toJsonValue, type Failure, type Property } from './check.js';
import { formatHexFile, fromHex, readHexFile, toHex } from './wire.js';

export const FUZZ_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_DIR = join(FUZZ_DIR, 'corpus');
export const REGRESSIONS_DIR = join(FUZZ_DIR, 'regressions');
export const FINDINGS_DIR = join(FUZZ_DIR, 'findings');

export interface CorpusEntry {
  file: string;
  bytes: Uint8Array;
}

/** fuzz/corpus/<target>/*.hex (comment lines start with '#') and *.bin. */
export function loadCorpus(target: string): CorpusEntry[] {
  const dir = join(CORPUS_DIR, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((f) => {
    const path = join(dir, f);
    if (f.endsWith('.hex')) return [{ file: path, bytes: readHexFile(path) }];
    if (f.endsWith('.bin')) return [{ file: path, bytes: new Uint8Array(readFileSync(path)) }];
    return [];
  });
}

export function writeCorpusEntry(target: string, bytes: Uint8Array, comment: string[], name?: string): string {
  const dir = join(CORPUS_DIR, target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name ?? hashName(bytes)}.hex`);
  writeFileSync(file, formatHexFile(bytes, comment));
  return file;
}

export function hashName(bytes: Uint8Array): string {
  return createHashHex(bytes).slice(0, 16);
}

function createHashHex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export interface Regression {
  file: string;
  target: string;
  property: Property;
  input: Uint8Array;
  value?: unknown;
  message: string;
  found: string;
  /** "open": the bug is still there (the replay expects the failure); "fixed": the property must hold. */
  status: 'open' | 'fixed';
  note?: string;
}

export function loadRegressions(target?: string): Regression[] {
  if (!existsSync(REGRESSIONS_DIR)) return [];
  const targets = target ? [target] : readdirSync(REGRESSIONS_DIR).sort();
  return targets.flatMap((t) => {
    const dir = join(REGRESSIONS_DIR, t);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).sort().filter((f) => f.endsWith('.json')).map((f) => readRegression(join(dir, f)));
  });
}

export function readRegression(file: string): Regression {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return {
    file,
    target: String(j.target ?? basename(dirname(file))),
    property: j.property as Property,
    input: fromHex(String(j.input ?? '')),
    value: j.value === undefined ? undefined : fromJsonValue(j.value),
    message: String(j.message ?? ''),
    found: String(j.found ?? ''),
    status: j.status === 'open' ? 'open' : 'fixed',
    note: j.note === undefined ? undefined : String(j.note),
  };
}

/** Write a failure as a regression case; returns the path, or undefined when one with the same signature exists. */
export function writeRegression(f: Failure, note?: string): string | undefined {
  const dir = join(REGRESSIONS_DIR, f.target);
  mkdirSync(dir, { recursive: true });
  const sig = signature(f);
  const file = join(dir, `${f.property}-${sig}.json`);
  if (existsSync(file)) return undefined;
  const body: Record<string, unknown> = {
    target: f.target,
    property: f.property,
    status: 'open',
    message: f.message,
    found: new Date().toISOString(),
    input: toHex(f.input),
  };
  if (f.value !== undefined) body.value = toJsonValue(f.value);
  if (note) body.note = note;
  if (f.stack) body.stack = f.stack.split('\n').slice(0, 8).join('\n');
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

/** A finding of the kernel-facing harness: fuzz/findings/<timestamp>-<kind>.json. */
export function writeFinding(kind: string, body: Record<string, unknown>): string {
  mkdirSync(FINDINGS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(FINDINGS_DIR, `${stamp}-${kind}.json`);
  writeFileSync(file, `${JSON.stringify({ kind, time: new Date().toISOString(), ...body }, null, 2)}\n`);
  return file;
}

/**
 * Signatures of the bugs on file: each regression replayed now (so a change in how
 * signatures are computed does not make old bugs look new), plus the one in its file name.
 */
export function knownSignatures(check: (r: Regression) => Failure | undefined): Set<string> {
  const known = new Set<string>();
  for (const r of loadRegressions()) {
    known.add(basename(r.file, '.json').split('-').pop()!);
    try {
      const f = check(r);
      if (f) known.add(signature(f));
    } catch { /* a regression that no longer loads is the replay test's business */ }
  }
  return known;
}
