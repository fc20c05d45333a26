// The CI smoke round of the fuzzer: for each target of fuzz/targets.ts, a short time-boxed
// property run (seeded from fuzz/corpus, mutated structure-aware, plus the target's own valid
// values), then an encode -> decode round trip of generated values. Bugs already on file in
// fuzz/regressions (status "open") are not reported again. About 20 s in all; `npm run fuzz`
// runs the same properties for as long as you like and saves what it finds.
import test from 'ava';
import { TARGET_NAMES, getTarget } from '../fuzz/targets.js';
import { fuzzBytes, fuzzRoundTrip, type PhaseStats } from '../fuzz/lib/engine.js';
import { knownSignatures, loadCorpus } from '../fuzz/lib/files.js';
import { checkInput, checkRoundTrip } from '../fuzz/lib/check.js';
import { toHex } from '../fuzz/lib/wire.js';

const BYTES_MS = 900;
const ROUNDTRIP_MS = 350;

const known = knownSignatures((r) => {
  const t = getTarget(r.target);
  if (r.value !== undefined && t.encode) return checkRoundTrip(r.target, t, r.value) ?? (r.input.length ? checkInput(r.target, t, r.input) : undefined);
  return checkInput(r.target, t, r.input);
});

function report(s: PhaseStats): string {
  return s.failures.map((f) => [
    `${f.target} [${f.property}] ${f.message}`,
    `input: ${toHex(f.input)}`,
    f.stack?.split('\n').slice(0, 4).join('\n') ?? '',
    `fast-check seed ${s.seed}; save it as a regression with: npm run fuzz -- --target ${f.target} --seed ${s.seed}`,
  ].join('\n')).join('\n\n');
}

for (const name of TARGET_NAMES) {
  const target = getTarget(name);
  test.serial(`fuzz ${name}: decode throws only NetlinkDecodeError, in bounded time${target.encode ? ', and re-encodes stably' : ''}`, (t) => {
    const seeds = loadCorpus(name).map((c) => c.bytes);
    const s = fuzzBytes(name, target, { timeMs: BYTES_MS, seeds, known: new Set(known) });
    t.log(`${s.runs} inputs in ${s.ms.toFixed(0)} ms (${Math.round(s.runs / (s.ms / 1000))}/s), seed ${s.seed}`);
    t.true(s.runs > 50, 'the fuzzer ran too few inputs to mean anything');
    t.deepEqual(s.failures, [], report(s));
  });
  if (target.arbitrary && target.encode) {
    test.serial(`fuzz ${name}: encode -> decode round-trips generated values`, (t) => {
      const s = fuzzRoundTrip(name, target, { timeMs: ROUNDTRIP_MS, known: new Set(known) })!;
      t.log(`${s.runs} values in ${s.ms.toFixed(0)} ms, seed ${s.seed}`);
      t.deepEqual(s.failures, [], report(s));
    });
  }
}
