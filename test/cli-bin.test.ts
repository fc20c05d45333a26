// The installed command: `npx netlinkts` runs dist/src/cli/main.cjs itself (through its
// shebang), so the build must leave it executable.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

test('after a command the process ends with _exit, not waiting for V8\'s threads: same output, status and exit listeners', (t) => {
  // A copy of the launcher and the dump-links bundle without its code cache: the loader's
  // 'exit' listener writes the cache, so the cache file shows that listener still ran.
  const dir = mkdtempSync(join(fileURLToPath(new URL('../dist/src/', import.meta.url)), 'cli-exit-test-'));
  try {
    for (const f of ['main.cjs', 'netlinkts-dump-links.cjs']) copyFileSync(join(dirname(bin), f), join(dir, f));
    const cache = join(dir, 'netlinkts-dump-links.cjs.cache');
    const run = (args: string[], quick: boolean) => {
      rmSync(cache, { force: true });
      const trace = join(dir, `trace-${quick}`);
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=exit', '-o', trace, process.execPath, join(dir, 'main.cjs'), ...args], {
        encoding: 'utf8', env: { ...process.env, DEBUG: '', NODE_OPTIONS: '', NODE_V8_COVERAGE: '', NETLINKTS_QUICK_EXIT: quick ? '' : '0' },
      });
      // Threads that ended on their own (exit(2)); the last one goes with exit_group.
      const threadExits = readFileSync(trace, 'utf8').split('\n').filter((l) => /^\d+\s+exit\(/.test(l)).length;
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, threadExits, cacheWritten: existsSync(cache) };
    };
    // A JSON dump (written with writeSync only): _exit. An error (printed through
    // process.stderr, a stream node may have set O_NONBLOCK for): node's teardown.
    for (const [args, status] of [[['dump-links', '--json'], 0], [['dump-links', '--master', 'no-such-link'], 1]] as const) {
      const quick = run([...args], true);
      const slow = run([...args], false);
      t.is(quick.status, status, quick.stderr);
      t.is(slow.status, status, slow.stderr);
      t.is(quick.stdout, slow.stdout);
      t.is(quick.stderr, slow.stderr);
      t.true(quick.cacheWritten && slow.cacheWritten, 'the code-cache writer ran at exit');
      // node's own end joins its worker threads (each ends with exit(2)) before exit_group.
      const counts = `thread exits: ${quick.threadExits} (quick exit allowed), ${slow.threadExits} (NETLINKTS_QUICK_EXIT=0)`;
      if (status === 0) {
        t.true(Array.isArray(JSON.parse(quick.stdout)));
        t.true(slow.threadExits >= quick.threadExits + 2, counts);
      } else {
        t.regex(quick.stderr, /no such link/);
        t.true(quick.threadExits >= slow.threadExits - 1 && quick.threadExits >= 3, counts);
      }
    }
    // With node flags (a profiler, an inspector) node's teardown runs: they write their results there.
    rmSync(cache, { force: true });
    const flagged = spawnSync('strace', ['-f', '-qq', '-e', 'trace=exit', '-o', join(dir, 'trace-flags'), process.execPath, '--no-warnings', join(dir, 'main.cjs'), 'dump-links', '--json'], { encoding: 'utf8', env: { ...process.env, DEBUG: '' } });
    t.is(flagged.status, 0, flagged.stderr);
    const flaggedExits = readFileSync(join(dir, 'trace-flags'), 'utf8').split('\n').filter((l) => /^\d+\s+exit\(/.test(l)).length;
    t.true(flaggedExits >= 3, `thread exits with a node flag: ${flaggedExits}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
