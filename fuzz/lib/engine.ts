// The property-fuzzing loop behind `npm run fuzz` and the ava smoke round: for one target,
// inputs come from (a) corpus seeds under structure-aware mutation, (b) the target's own valid
// values, encoded then mutated, and (c) plain random bytes; each goes through checkInput().
// A second property encodes generated values and decodes them back (checkRoundTrip).
import fc from 'fast-check';
import type { Target } from '../targets.js';
import { checkInput, checkRoundTrip, signature, type Failure } from './check.js';
import { mutate, mutatedArbitrary, opArbitrary } from './mutate.js';
import type { Watchdog } from './watchdog.js';

export interface PhaseStats {
  target: string;
  phase: 'bytes' | 'roundtrip';
  runs: number;
  ms: number;
  failures: Failure[];
  seed: number;
}

export interface PhaseOptions {
  /** Stop after this many milliseconds (fast-check interrupts between runs). */
  timeMs?: number;
  /** Stop after this many generated inputs (default: unbounded when timeMs is given, else 200). */
  numRuns?: number;
  seed?: number;
  /** Seeds for mutation (corpus, regressions); each is also run as is before anything random. */
  seeds?: readonly Uint8Array[];
  /** Signatures already known: matching failures count as passes so the search goes on. */
  known?: Set<string>;
  /** Failures found: keep searching for other bugs (run.ts), or stop at the first (tests). */
  continueAfterFailure?: boolean;
  watchdog?: Watchdog;
}

class FoundFailure extends Error {
  constructor(readonly failure: Failure) {
    super(`${failure.target} ${failure.property}: ${failure.message}`);
  }
}

/** Byte inputs a target is fuzzed with. */
export function inputArbitrary(name: string, t: Target, seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mo = { protocol: t.protocol, headerSize: t.headerSize, donors: seeds };
  const parts: Array<fc.WeightedArbitrary<Uint8Array>> = [
    { weight: 1, arbitrary: t.headerSize === -16 ? fc.uint8Array({ maxLength: 256 }) : fc.uint8Array({ maxLength: 256 }).map((b) => withHeader(b)) },
  ];
  if (seeds.length) parts.push({ weight: 6, arbitrary: mutatedArbitrary(seeds, mo) });
  if (t.arbitrary && t.encode) {
    const encode = t.encode.bind(t);
    parts.push({
      weight: 3,
      arbitrary: fc.tuple(t.arbitrary(fc), fc.array(opArbitrary, { maxLength: 3 })).map(([v, ops]) => {
        let b: Uint8Array;
        try { b = encode(v); } catch { return new Uint8Array(0); } // the roundtrip phase reports encoder errors
        return mutate(b, ops, mo);
      }),
    });
  }
  void name;
  return fc.oneof(...parts);
}

/** Random bytes behind a plausible nlmsghdr (length right), so random payloads get past the header. */
function withHeader(b: Uint8Array): Uint8Array {
  if (b.length < 4) return b;
  const out = new Uint8Array(12 + b.length);
  out.set(b.subarray(0, 4), 4); // type and flags from the random bytes
  out.set(b.subarray(4), 16);
  new DataView(out.buffer).setUint32(0, out.length, true);
  return out;
}

function run<T>(name: string, phase: PhaseStats['phase'], arb: fc.Arbitrary<T>, check: (v: T) => Failure | undefined, o: PhaseOptions, examples: T[]): PhaseStats {
  const stats: PhaseStats = { target: name, phase, runs: 0, ms: 0, failures: [], seed: o.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 };
  const known = o.known ?? new Set<string>();
  const start = performance.now();
  let seed = stats.seed;
  for (;;) {
    const left = o.timeMs === undefined ? undefined : o.timeMs - (performance.now() - start);
    if (left !== undefined && left <= 0) break;
    const details = fc.check(fc.property(arb, (v) => {
      stats.runs++;
      const f = check(v);
      if (f && !known.has(signature(f))) throw new FoundFailure(f);
      return true;
    }), {
      seed,
      numRuns: o.numRuns ?? (o.timeMs !== undefined ? 2 ** 31 - 1 : 200),
      interruptAfterTimeLimit: left === undefined ? undefined : Math.max(1, Math.floor(left)),
      markInterruptAsFailure: false,
      examples: examples.map((e) => [e] as [T]),
      endOnFailure: false,
    });
    examples = []; // run them once
    if (!details.failed) break;
    const err = details.errorInstance;
    const f = err instanceof FoundFailure ? err.failure : undefined;
    // Interrupted by the time limit while shrinking or skipping: nothing to report.
    if (!f && err === null) break;
    if (!f) {
      // fast-check itself failed (an arbitrary threw): report it as a harness failure of the target.
      stats.failures.push({ target: name, property: 'decode', input: new Uint8Array(0), message: `harness: ${String(err)}` });
      break;
    }
    stats.failures.push(f);
    known.add(signature(f));
    if (!o.continueAfterFailure) break;
    seed = (seed * 1103515245 + 12345) | 0;
  }
  stats.ms = performance.now() - start;
  return stats;
}

/** Fuzz decode (and decode -> encode -> decode) with byte inputs. */
export function fuzzBytes(name: string, t: Target, o: PhaseOptions = {}): PhaseStats {
  const seeds = o.seeds ?? [];
  const wd = o.watchdog;
  return run(name, 'bytes', inputArbitrary(name, t, seeds), (input) => {
    wd?.arm(name, input);
    try {
      return checkInput(name, t, input);
    } finally {
      wd?.disarm();
    }
  }, o, [...seeds]);
}

/** Fuzz encode -> decode with generated valid values (targets with an encoder and an arbitrary). */
export function fuzzRoundTrip(name: string, t: Target, o: PhaseOptions = {}): PhaseStats | undefined {
  if (!t.arbitrary || !t.encode) return undefined;
  return run(name, 'roundtrip', t.arbitrary(fc), (v) => checkRoundTrip(name, t, v), o, []);
}
