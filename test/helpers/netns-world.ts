// A small world of network namespaces for the --all-netns tests, built by a bash script inside
// a network namespace of its own (so its link names cannot clash with other tests) and
// a fresh pid namespace (unshare --pid --fork --mount-proc, within the private test namespace):
// its /proc holds only the script's processes, so a scan of it, and lsns, see exactly what the
// script made and nothing that other tests on the machine are doing. The script writes its
// results as files into $OUT; the test reads them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { tool } from './tools.js';

export const MAIN = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface WorldResult {
  status: number | null;
  stderr: string;
  /** $OUT/NAME -> its text. */
  files: Record<string, string>;
}

/**
 * Run `script` (bash, `set -euo pipefail`) in a new pid + mount namespace. Available to it: $M
 * (the CLI), $NODE, $OUT (results directory), $IP, $LSNS, $UNSHARE, $NSENTER.
 */
export function inPidWorld(script: string, timeoutMs = 300_000): WorldResult {
  const out = mkdtempSync(`${tmpdir()}/netns-world-`);
  try {
    const env = {
      ...process.env, DEBUG: '', M: MAIN, NODE: process.execPath, OUT: out,
      IP: tool('ip'), LSNS: tool('lsns'), UNSHARE: tool('unshare'), NSENTER: tool('nsenter'), SETPRIV: tool('setpriv'),
    };
    const r = spawnSync(tool('unshare'), ['--net', '--pid', '--fork', '--mount-proc', 'bash', '-c', `set -euo pipefail\n${script}`], {
      encoding: 'utf8', env, timeout: timeoutMs,
    });
    const files: Record<string, string> = {};
    for (const f of readdirSync(out, { withFileTypes: true })) if (f.isFile()) files[f.name] = readFileSync(`${out}/${f.name}`, 'utf8');
    return { status: r.status, stderr: r.stderr + (r.error ? String(r.error) : ''), files };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `lsns -t net -l -n -o NS,NPROCS -r` text -> inode -> number of processes. */
export function parseLsns(text: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const line of text.trim().split('\n')) {
    const [ns, n] = line.trim().split(/\s+/);
    if (ns) m.set(Number(ns), Number(n));
  }
  return m;
}
