#!/usr/bin/env node
// Interleaved A/B timing of whole commands: each round runs every command once, in turn, so a
// load that comes and goes on the machine touches them alike; prints each command's median
// wall time and its difference to the first command's median. Two warm-up rounds first.
//   node bench/tools/interleave.mjs ROUNDS 'node -e 0' 'node dist/src/cli/main.js dump-links --json' ...
// A command is split on spaces; leading NAME=value words set its environment. Output goes to
// /dev/null. Run it inside the namespace under test, e.g.
//   node scripts/in-private-netns.mjs bash -c 'ip -batch veths.txt && node bench/tools/interleave.mjs 30 ...'
import { spawnSync } from 'node:child_process';

const [rounds, ...commands] = process.argv.slice(2);
if (!Number(rounds) || commands.length === 0) {
  console.error("usage: interleave.mjs ROUNDS 'command' ['command' ...]");
  process.exit(2);
}
const subjects = commands.map((text) => {
  const words = text.split(' ').filter(Boolean);
  const env = { ...process.env };
  while (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '')) {
    const w = words.shift();
    env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
  }
  return { text, file: words[0], args: words.slice(1), env, ms: [] };
});
for (let round = -2; round < Number(rounds); round++) {
  for (const s of subjects) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(s.file, s.args, { env: s.env, stdio: ['ignore', 'ignore', 'inherit'] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${s.text}: exit ${r.status ?? r.signal}`);
    if (round >= 0) s.ms.push(ms);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = median(subjects[0].ms);
for (const s of subjects) {
  const m = median(s.ms);
  console.log(`${m.toFixed(1).padStart(8)} ms  ${(m >= base ? '+' : '') + (m - base).toFixed(1).padStart(7)}  ${s.text}`);
}
