// The installed command: `npx netlinkts` runs dist/src/cli/main.cjs itself (through its
// shebang), so the build must leave it executable.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const dir = mkdtempSync(join(tmpdir(), 'netlinkts-exit-'));
  try {
    // An 'exit' listener added before the command runs (as the code-cache writer is) must still run.
    const preload = join(dir, 'listener.cjs');
    writeFileSync(preload, "process.on('exit', (c) => require('fs').writeSync(2, 'exit listener: ' + c + '\\n'));\n");
    const run = (args: string[], quick: boolean) => {
      const trace = join(dir, `trace-${quick}`);
      const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=exit', '-o', trace, process.execPath, '-r', preload, bin, ...args], {
        encoding: 'utf8', env: { ...process.env, DEBUG: '', NETLINKTS_QUICK_EXIT: quick ? '' : '0' },
      });
      // Threads that ended on their own (exit(2)); the last thread goes with exit_group.
      const threadExits = readFileSync(trace, 'utf8').split('\n').filter((l) => /^\d+\s+exit\(/.test(l)).length;
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, threadExits };
    };
    for (const [args, status] of [[['dump-links', '--json'], 0], [['dump-links', '--master', 'no-such-link'], 1]] as const) {
      const quick = run([...args], true);
      const slow = run([...args], false);
      t.is(quick.status, status, quick.stderr);
      t.is(slow.status, status, slow.stderr);
      t.is(quick.stdout, slow.stdout);
      t.is(quick.stderr, slow.stderr);
      t.regex(quick.stderr, new RegExp(`exit listener: ${status}\\n$`));
      if (status === 0) t.true(Array.isArray(JSON.parse(quick.stdout)));
      // node's own end joins its worker threads (each ends with exit(2)) before exit_group.
      t.true(slow.threadExits >= quick.threadExits + 2, `thread exits: ${quick.threadExits} quick, ${slow.threadExits} through node's teardown`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
