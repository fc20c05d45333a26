// Decoded values as JSON: bigints as numbers when exact (else as strings of digits), bytes as
// hex text, as `netlinkts ynl` prints them and accepts them back.
export function ynlJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    return v;
  }, space);
}
