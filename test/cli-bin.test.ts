// The installed command: `npx netlinkts` runs dist/src/cli/main.cjs itself (through its
// shebang), so the build must leave it executable.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/cli/main.cjs', import.meta.url));

test('the compiled CLI is executable and runs through its shebang', (t) => {
  t.truthy(statSync(bin).mode & 0o111, 'dist/src/cli/main.cjs has an execute bit');
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /dump-links/);
});

test('dist/src/cli/main.js, the path before main.cjs, still runs the command (stale npx bin links, scripts)', (t) => {
  const old = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
  t.truthy(statSync(old).mode & 0o111, 'dist/src/cli/main.js has an execute bit');
  const r = spawnSync(old, ['dump-routes', '--help'], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /--table/);
});
