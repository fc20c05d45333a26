// Logging through the `debug` package, loaded only when DEBUG is set: a read-only CLI command
// must not pay for modules it does not use (NOTES.md: start-up cost).
import { createRequire } from 'node:module';

export interface Logger {
  (format: string, ...args: unknown[]): void;
  enabled: boolean;
}

const off: Logger = Object.assign(() => {}, { enabled: false });

export function logger(namespace: string): Logger {
  if (!process.env.DEBUG) return off;
  const require = createRequire(import.meta.url);
  const debug = require('debug') as (ns: string) => Logger;
  return debug(`netlinkts:${namespace}`);
}

/** Hex dump, 16 bytes a line with offsets, for DEBUG logs and the CLI's --hex. */
export function hexdump(b: Uint8Array, indent = '  '): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    const row = b.subarray(i, Math.min(i + 16, b.length));
    let hex = '';
    for (let j = 0; j < row.length; j++) hex += row[j]!.toString(16).padStart(2, '0') + (j === 7 ? '  ' : ' ');
    lines.push(`${indent}${i.toString(16).padStart(4, '0')}  ${hex}`);
  }
  return lines.join('\n');
}
