#!/usr/bin/env node
// `npm test`: every test, inside a private network + mount namespace. Prints ava's TAP
// stream and ends with one plain line, "N passed, N failed, N skipped", for CI.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extra = process.argv.slice(2);
const child = spawn(process.execPath, [join(root, 'scripts/in-private-netns.mjs'), process.execPath, join(root, 'node_modules/ava/entrypoints/cli.mjs'), '--tap', ...extra], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let passed = 0, failed = 0, skipped = 0, todo = 0, buffered = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk.toString();
  let nl;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    let m;
    if ((m = /^# pass (\d+)/.exec(line))) passed = Number(m[1]);
    else if ((m = /^# fail (\d+)/.exec(line))) failed = Number(m[1]);
    else if ((m = /^# skip (\d+)/.exec(line))) skipped = Number(m[1]);
    else if ((m = /^# todo (\d+)/.exec(line))) todo = Number(m[1]);
  }
});
child.on('close', (code, signal) => {
  if (code !== 0 && failed === 0) failed = 1; // a crash or timeout outside any test still fails the run
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${todo ? `, ${todo} todo` : ''}`);
  process.exit(code ?? (signal ? 1 : 0));
});
