// Golden datagrams captured from iproute2 by scripts/capture-golden.sh.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Datagram {
  direction: 'send' | 'recv';
  bytes: Uint8Array;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function loadGolden(name: string): Datagram[] {
  const path = fileURLToPath(new URL(`../fixtures/netlink/${name}.hex`, import.meta.url));
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => {
    const [direction, hex] = line.split(' ');
    return { direction: direction as 'send' | 'recv', bytes: fromHex(hex!) };
  });
}
