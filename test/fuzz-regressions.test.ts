// Replays the fuzzer's memory: every regression input under fuzz/regressions (inputs that once
// broke a property), and every corpus input under fuzz/corpus (real kernel traffic, which must
// decode cleanly). Pure codec work: no kernel needed. A regression with status "open" is a
// known, reported bug: it runs as test.failing, and turns red the day it is fixed, so its file
// can be marked "fixed".
import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TARGETS, TARGET_NAMES, getTarget } from '../fuzz/targets.js';
import { checkInput, checkRoundTrip, checkStable } from '../fuzz/lib/check.js';
import { CORPUS_DIR, REGRESSIONS_DIR, loadCorpus, loadRegressions } from '../fuzz/lib/files.js';
import { toHex } from '../fuzz/lib/wire.js';

for (const r of loadRegressions()) {
  const title = `regression ${r.target} ${basename(r.file)} (${r.status})`;
  const body = (t: import('ava').ExecutionContext): void => {
    const target = getTarget(r.target);
    const failures = [];
    if (r.input.length || r.value === undefined) failures.push(checkInput(r.target, target, r.input));
    if (r.value !== undefined && target.encode) failures.push(checkRoundTrip(r.target, target, r.value));
    const f = failures.find(Boolean);
    t.is(f, undefined, f ? `${f.property}: ${f.message}\n${r.note ?? ''}\nreplay: npm run fuzz -- --repro ${r.file}` : undefined);
  };
  if (r.status === 'open') test.failing(title, body);
  else test(title, body);
}

for (const name of TARGET_NAMES) {
  test(`corpus ${name}: real kernel traffic decodes without error and re-encodes stably`, (t) => {
    const target = getTarget(name);
    const corpus = loadCorpus(name);
    t.true(corpus.length > 0, `fuzz/corpus/${name} is empty: re-capture with node scripts/in-private-netns.mjs node --import=tsx fuzz/capture.ts`);
    for (const c of corpus) {
      let value: unknown;
      try {
        value = target.decode(new Uint8Array(c.bytes));
      } catch (err) {
        t.fail(`${basename(c.file)} does not decode: ${(err as Error).message}\n${toHex(c.bytes)}`);
        continue;
      }
      // The same bytes decode to the same value again (no hidden state between decodes).
      t.deepEqual(target.decode(new Uint8Array(c.bytes)), value, `${basename(c.file)} decodes differently the second time`);
      if (target.encode) {
        const f = checkStable(name, target, c.bytes, value);
        t.is(f, undefined, f ? `${basename(c.file)}: ${f.property}: ${f.message}` : undefined);
      } else {
        t.is(checkInput(name, target, c.bytes), undefined);
      }
    }
  });
}

test('corpus and regression folders name only targets of fuzz/targets.ts', (t) => {
  for (const dir of [CORPUS_DIR, REGRESSIONS_DIR]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) t.true(f in TARGETS, `${join(dir, f)} is not a fuzz target (targets: ${TARGET_NAMES.join(', ')})`);
  }
});
