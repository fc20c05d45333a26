// The machine a run happened on, for the report.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { tryRun } from './proc.js';

export interface MachineInfo {
  kernel: string;
  cpu: string;
  cores: number;
  memGiB: number;
  os: string;
  node: string;
  iproute2: string;
  nft: string;
  hyperfine: string;
  /** Where the peers' commands resolve (PATH without node_modules/.bin, see proc.ts). */
  tools: Record<string, string>;
  /** NODE_EXTRA_CA_CERTS makes every node start parse a CA bundle (NOTES.md): part of "the same environment". */
  nodeExtraCaCerts: string | null;
}

function firstLine(cmd: string, args: string[]): string {
  const r = tryRun(cmd, args);
  return (r.stdout || r.stderr).trim().split('\n')[0] ?? '';
}

export function machineInfo(): MachineInfo {
  let os = 'Linux';
  try {
    const rel = readFileSync('/etc/os-release', 'utf8');
    os = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(rel)?.[1] ?? os;
  } catch { /* keep the default */ }
  return {
    kernel: firstLine('uname', ['-r']),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    os,
    node: process.version,
    iproute2: firstLine('ip', ['-V']),
    nft: firstLine('nft', ['--version']),
    hyperfine: firstLine('hyperfine', ['--version']),
    tools: Object.fromEntries(['ip', 'nft', 'hyperfine', 'nsenter', 'python3'].map((t) => [t, firstLine('bash', ['-c', `command -v ${t}`])])),
    nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS ?? null,
  };
}

/** 1, 5 and 15 minute load averages. */
export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
