// A message's state as a comparable string, for family layers' Decoded.state: a monitor compares
// it to tell a real change from a notification that repeats what is known (or was listed).
import type { MessageRef } from './message.js';
import { walkAttributes } from './reader.js';

function latin1(bytes: Uint8Array, start: number, end: number): string {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.toString('latin1', start, end);
}

/**
 * A message's state as a string for Decoded.state: the family header (with the byte ranges
 * in `maskHeader` left out, e.g. ifi_change) followed by every top-level attribute whose type
 * is not in `skip` (statistics, cache info, timers...), bytes as they are.
 */
export function messageState(m: MessageRef, headerLength: number, skip: ReadonlySet<number> = new Set(), maskHeader: ReadonlyArray<readonly [number, number]> = []): string {
  const bytes = m.buf.bytes;
  const hdrEnd = Math.min(m.payloadStart + headerLength, m.end);
  let s = '';
  let pos = m.payloadStart;
  for (const [a, b] of maskHeader) {
    const from = m.payloadStart + a;
    if (from > pos) s += latin1(bytes, pos, Math.min(from, hdrEnd));
    pos = Math.max(pos, Math.min(m.payloadStart + b, hdrEnd));
  }
  if (pos < hdrEnd) s += latin1(bytes, pos, hdrEnd);
  if (hdrEnd < m.end) {
    walkAttributes(m.buf, (hdrEnd + 3) & ~3, m.end, (type, off, len) => {
      if (!skip.has(type)) s += latin1(bytes, off - 4, off + len);
    });
  }
  return s;
}
