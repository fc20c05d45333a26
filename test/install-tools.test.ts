// The oracles are the real system tools, and scripts/ensure-tools.sh cannot be fooled by a
// same-named command earlier on PATH (under npm, node_modules/.bin/nft is @vercel/nft's).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLES, SYSTEM_DIRS, locate, tool, type OracleName } from './helpers/tools.js';

const root = join(import.meta.dirname, '..');
const script = join(root, 'scripts/ensure-tools.sh');

for (const name of Object.keys(ORACLES) as OracleName[]) {
  test(`oracle ${name} is the system's ${ORACLES[name].pkg}`, (t) => {
    // tool() throws with the tool's and the package's name: that message is the failure.
    const path = tool(name);
    t.true(SYSTEM_DIRS.some((d) => path.startsWith(`${d}/`)), path);
  });
}

/** A scratch machine: `fake/` goes first on PATH, `sys/` stands for the system directories. */
function scratch(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'netlinkts-tools-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fake = join(dir, 'fake');
  const sys = join(dir, 'sys');
  spawnSync('mkdir', ['-p', fake, sys]);
  const log = join(dir, 'apt-get.log');
  const exe = (path: string, body: string) => {
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  };
  // What @vercel/nft's bin does when asked for its version: anything but nftables.
  exe(join(fake, 'nft'), 'echo "usage: nft [command] <file>"; exit 0');
  // Records what would be installed, installs nothing.
  exe(join(fake, 'apt-get'), `echo "$*" >> '${log}'`);
  // Every real tool but nft, where the script will look for system tools.
  for (const name of Object.keys(ORACLES) as OracleName[]) {
    if (name === 'nft') continue;
    symlinkSync(tool(name), join(sys, name));
  }
  const runScript = (toolDirs?: string) =>
    spawnSync('bash', [script], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${fake}:${process.env.PATH}`,
        ...(toolDirs ? { NETLINKTS_TOOL_DIRS: toolDirs } : {}),
      },
    });
  const aptCalls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { fake, sys, exe, runScript, aptCalls };
}

test('ensure-tools.sh: an nft impostor first on PATH does not count as nftables', (t) => {
  const s = scratch(t);
  t.is(spawnSync('sh', ['-c', 'command -v nft'], { encoding: 'utf8', env: { ...process.env, PATH: `${s.fake}:${process.env.PATH}` } }).stdout.trim(), join(s.fake, 'nft'));
  const r = s.runScript(s.sys);
  if (process.getuid?.() === 0) {
    const calls = s.aptCalls();
    t.true(calls.some((c) => /^install .*\bnftables$/.test(c)), `apt-get calls: ${JSON.stringify(calls)}`);
    t.false(calls.some((c) => /iproute2|strace|conntrack/.test(c)), `only nftables was missing: ${JSON.stringify(calls)}`);
    // The fake apt-get installed nothing, and the script must notice instead of trusting it.
    t.not(r.status, 0);
    t.regex(r.stderr, /still missing after apt-get install: nftables/);
  } else {
    t.not(r.status, 0);
    t.regex(r.stderr, /missing system packages: nftables/);
  }
});

test('ensure-tools.sh: a wrong nft in a system directory is reported, not trusted', (t) => {
  const s = scratch(t);
  s.exe(join(s.sys, 'nft'), 'echo "nft 0.29.2 (node file tracer)"');
  const r = s.runScript(s.sys);
  t.not(r.status, 0);
  t.regex(r.stderr, /sys\/nft is not nftables \(its --version said: nft 0\.29\.2/);
});

test('ensure-tools.sh: with the real tools installed, an impostor on PATH changes nothing', (t) => {
  const s = scratch(t);
  const r = s.runScript();
  t.is(r.status, 0, r.stderr);
  t.deepEqual(s.aptCalls(), [], 'nothing installed when every tool is there');
});

test('tools.ts: locate() refuses an nft that is not nftables, naming the package', (t) => {
  const s = scratch(t);
  s.exe(join(s.sys, 'nft'), 'echo "usage: nft [command] <file>"');
  const found = locate('nft', [s.sys]);
  t.true('problem' in found);
  if ('problem' in found) {
    t.regex(found.problem, /`nft` \(Debian package nftables\) is not the real one/);
  }
  const missing = locate('conntrack', [s.fake]);
  t.true('problem' in missing && /conntrack.*not found in/.test(missing.problem));
});
