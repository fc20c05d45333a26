// Reads the captures of test/fixtures/tc/golden (made by test/fixtures/tc/capture-golden.sh:
// `strace -e trace=sendmsg -e write=3` of iproute2's tc): the command, what the kernel said, and
// the bytes of the first message tc sent.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/tc/golden/', import.meta.url));

export interface Golden { name: string; command: string; kernel: string; bytes: Uint8Array }

export function golden(name: string): Golden {
  const lines = readFileSync(`${GOLDEN_DIR}${name}.hex`, 'utf8').split('\n');
  const hex = lines.filter((l) => !l.startsWith('#')).join('').replace(/\s+/g, '');
  const all = Uint8Array.from(hex.match(/../g) ?? [], (x) => parseInt(x, 16));
  // Only the first message (tc sends one per command here).
  const len = new DataView(all.buffer).getUint32(0, true);
  return {
    name,
    command: lines[0]!.replace(/^# tc /, ''),
    kernel: (lines[1] ?? '').replace(/^# kernel: ?/, '').trim(),
    bytes: all.subarray(0, len),
  };
}

export function goldenNames(): string[] {
  return readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.hex')).map((f) => f.slice(0, -4)).sort();
}

/** The bytes with sequence number and port id zeroed (they differ between runs). */
export function normalized(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c.fill(0, 8, 16);
  return c;
}
