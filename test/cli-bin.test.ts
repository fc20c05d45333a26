// The installed command: package.json's bin is dist/src/cli/main.js, a plain ES module run
// through its shebang. It sets process.exitCode and lets node end by itself: no forced exit.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { bin: Record<string, string> };
const bin = `${root}${pkg.bin.netlinkts}`;

test('the bin is the compiled dist/src/cli/main.js, executable, and runs through its shebang', (t) => {
  t.is(pkg.bin.netlinkts, './dist/src/cli/main.js');
  t.truthy(statSync(bin).mode & 0o111, `${bin} has an execute bit`);
  t.true(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n'));
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8', timeout: 30_000 });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /dump-links/);
});

test('a command ends by itself with its status, and the launcher forces nothing', (t) => {
  // The timeout is the check that the process ends on its own (no open handle keeps it alive).
  const ok = spawnSync(bin, ['dump-links', '--json'], { encoding: 'utf8', timeout: 30_000 });
  t.is(ok.signal, null, 'ended by itself');
  t.is(ok.status, 0, ok.stderr);
  t.true(Array.isArray(JSON.parse(ok.stdout)));
  const bad = spawnSync(bin, ['no-such-command'], { encoding: 'utf8', timeout: 30_000 });
  t.is(bad.signal, null);
  t.not(bad.status, 0);
  t.regex(bad.stderr, /no-such-command/);
  const launcher = readFileSync(`${root}src/cli/main.ts`, 'utf8');
  t.notRegex(launcher, /process\.exit\(|reallyExit|finish\(|node:vm/);
});
