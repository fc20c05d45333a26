// IP and MAC address text <-> bytes. Hand-written because node:net only validates (isIPv4/isIPv6)
// and has no byte conversion; formatting follows RFC 5952 like inet_ntop, which is what `ip` prints.

/**
 * Dotted-quad IPv4 in text[from, to) as an unsigned 32-bit number, or -1. No leading zeros
 * (octal ambiguity). Allocates nothing: bulk writers parse 100k addresses with it.
 */
export function parseIPv4Number(text: string, from = 0, to = text.length): number {
  let parts = 0, part = 0, digits = 0, out = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1;
      part = part * 10 + (c - 48);
      if (part > 255 || ++digits > 3) return -1;
    } else if (c === 46 && digits > 0 && parts < 3) {
      out = out * 256 + part; parts++; part = 0; digits = 0;
    } else return -1;
  }
  if (parts !== 3 || digits === 0) return -1;
  return out * 256 + part;
}

export function parseIPv4(text: string): Uint8Array | undefined {
  const n = parseIPv4Number(text);
  if (n < 0) return undefined;
  return new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string, allowV4Tail: boolean): number[] | undefined => {
    if (s === '') return [];
    const parts = s.split(':');
    const words: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      words.push(parseInt(p, 16));
    }
    return words;
  };
  let words: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  for (let i = 0; i < 8; i++) { out[i * 2] = words[i]! >> 8; out[i * 2 + 1] = words[i]! & 0xff; }
  return out;
}

/** Parse either family; returns the bytes (4 or 16) or undefined. */
export function parseIP(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function formatIPv6(b: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[off + i * 2]! << 8) | b[off + i * 2 + 1]!);
  // IPv4-mapped (::ffff:a.b.c.d) is printed with a dotted tail, as inet_ntop does.
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, off + 12)}`;
  }
  // Longest run of zero words (length >= 2) becomes "::" (RFC 5952 section 4.2).
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return w.map((x) => x.toString(16)).join(':');
  const head = w.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = w.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** Format 4 or 16 bytes as an address; any other length as colon-separated hex (as `ip` does). */
export function formatIP(b: Uint8Array, off = 0, len = b.length - off): string {
  if (len === 4) return formatIPv4(b, off);
  if (len === 16) return formatIPv6(b, off);
  return formatHardwareAddress(b, off, len);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Colon-separated lower-case hex, the way `ip` prints link-layer addresses. */
export function formatHardwareAddress(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (i ? ':' : '') + HEX[b[off + i]!];
  return s;
}

export function parseMac(text: string): Uint8Array | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length < 1 || parts.length > 32) return undefined;
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i]!)) return undefined;
    out[i] = parseInt(parts[i]!, 16);
  }
  return out;
}

export interface Prefix {
  family: 4 | 6;
  address: Uint8Array;
  /** Prefix length; undefined when the text had no "/N". */
  length: number | undefined;
}

/** Parse "192.168.0.1/16", "2001:db8::1/64" or a bare address. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const address = parseIP(addrText);
  if (!address) return undefined;
  const family = address.length === 4 ? 4 : 6;
  if (slash < 0) return { family, address, length: undefined };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return undefined;
  const length = Number(lenText);
  if (length > (family === 4 ? 32 : 128)) return undefined;
  return { family, address, length };
}
