// Decoding a capture: netlink bytes as hex text (strace -xx, `nlmon` exports, our own golden
// files) or raw binary, split into datagrams, each decoded into message trees by the family's
// declared attribute spaces. What `netlinkts decode` prints; the library offers the same call
// so a test or a tool can decode what it captured without spawning the CLI.
import { datagramTree, type MessageTree, type SchemaLookup } from '../netlink/attribute-tree.js';
import { NetlinkDecodeError, ValidationError } from '../netlink/errors.js';
import { walkMessages } from '../netlink/message.js';
import { NetlinkBuffer } from '../netlink/reader.js';

export interface Datagram {
  direction?: 'send' | 'recv';
  bytes: Uint8Array;
  /** Offset of the datagram's first byte in the whole decoded input. */
  base: number;
}

export interface DecodedDatagram extends Datagram {
  index: number;
  messages: MessageTree[];
}

/** Netlink protocols a capture can be decoded as, by name (as `--protocol` takes them). */
export const CAPTURE_PROTOCOLS: Readonly<Record<string, number>> = { route: 0, usersock: 2, sock_diag: 4, netfilter: 12, generic: 16 };

export interface DecodeCaptureOptions {
  /** How the input is written; 'auto' (default): hex when it is all printable text. */
  input?: 'auto' | 'hex' | 'binary';
  /** A name of CAPTURE_PROTOCOLS or a number; default: guessed (nfnetlink types are above 255). */
  protocol?: string | number;
  /** Generic netlink family ids, name -> id, over what the capture's own nlctrl replies say. */
  families?: Readonly<Record<string, number>>;
}

/** Malformed netlink bytes in a capture: where, in the whole input and in its datagram. */
export class CaptureDecodeError extends NetlinkDecodeError {
  override name = 'CaptureDecodeError';
  constructor(cause: NetlinkDecodeError, readonly datagram: number, readonly datagramOffset: number, datagrams: number) {
    super(cause.reason, cause.offset);
    const where = datagrams > 1 ? ` (datagram ${datagram}, byte ${datagramOffset} of it)` : '';
    this.message = `malformed netlink data at offset ${cause.offset}${where}: ${cause.reason}`;
  }
}

function isText(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127)) continue;
    return false;
  }
  return true;
}

const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;

/**
 * Hex text -> datagrams. Whitespace and #-comments are ignored; a line whose first word is
 * "send" or "recv" starts a datagram of its own; "0x" before a run of digits is allowed.
 * Throws ValidationError (field "capture") naming the offset of what is not hex.
 */
export function parseHex(text: string): Datagram[] {
  const out: Datagram[] = [];
  let cur: number[] = [];
  let dir: Datagram['direction'];
  let base = 0;
  let half = -1;
  let halfAt = 0;
  const finish = (): void => {
    if (half >= 0) throw new ValidationError('capture', `odd number of hex digits: the digit at offset ${halfAt} of the text has no partner`);
    if (cur.length || dir) {
      out.push({ direction: dir, bytes: Uint8Array.from(cur), base });
      base += cur.length;
    }
    cur = [];
    dir = undefined;
  };
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10) { lineStart = true; i++; continue; }
    if (c === 32 || c === 9 || c === 13) { i++; continue; }
    if (c === 35) { // '#': comment to the end of the line
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (lineStart) {
      lineStart = false;
      const word = /^(send|recv)\b/.exec(text.slice(i, i + 5));
      if (word) {
        finish();
        dir = word[1] as 'send' | 'recv';
        i += 4;
        continue;
      }
    }
    if (c === 48 && (text[i + 1] === 'x' || text[i + 1] === 'X') && half < 0) { i += 2; continue; }
    const v = hexValue(c);
    if (v < 0) {
      const line = text.slice(0, i).split('\n').length;
      throw new ValidationError('capture', `input is neither hex nor binary netlink: ${JSON.stringify(text[i])} at offset ${i} of the text (line ${line})`);
    }
    if (half < 0) { half = v; halfAt = i; }
    else { cur.push((half << 4) | v); half = -1; }
    i++;
  }
  finish();
  return out;
}

/** Bytes as read (a file, stdin) -> datagrams: one binary datagram, or hex text parsed. */
export function parseInput(input: Uint8Array, format: DecodeCaptureOptions['input'] = 'auto'): Datagram[] {
  if (format === 'binary' || (format === 'auto' && !isText(input))) return [{ bytes: input, base: 0 }];
  return parseHex(Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'));
}

/** nfnetlink types are subsystem << 8 | message; rtnetlink's stay below 256. */
export function guessProtocol(datagrams: readonly Datagram[]): number {
  for (const d of datagrams) {
    let found = -1;
    try {
      walkMessages(new NetlinkBuffer(d.bytes), (m) => {
        if (m.type >= 0x100 && m.type < 0x1000) { found = 12; return false; }
        return undefined;
      });
    } catch (err) {
      if (!(err instanceof NetlinkDecodeError)) throw err;
      // malformed: the real decode reports it with its offset
    }
    if (found >= 0) return found;
  }
  return 0;
}

/** The attribute spaces of a protocol's messages, loaded on first use (each family's tables). */
async function schemaFor(protocol: number, datagrams: readonly Datagram[], families: Readonly<Record<string, number>>): Promise<SchemaLookup | undefined> {
  if (protocol === 0) {
    // rtnetlink: tc's messages by the tc tables, the rest by rtnl's.
    const [{ rtnlSchema }, { tcSchema }] = await Promise.all([import('../rtnl/tree-schema.js'), import('../tc/tree-schema.js')]);
    return (type) => tcSchema(type) ?? rtnlSchema(type);
  }
  if (protocol === 12) {
    // nfnetlink: nftables (subsystem 10) and ctnetlink (1, 2) by their own tables.
    const [{ nftSchema }, { conntrackSchema }] = await Promise.all([import('../nft/tree-schema.js'), import('../conntrack/tree-schema.js')]);
    return (type) => conntrackSchema(type) ?? nftSchema(type);
  }
  if (protocol === 16) {
    const g = await import('../ynl/tree-schema.js');
    const names = await g.idsFromCapture(datagrams.map((d) => d.bytes));
    for (const [name, id] of Object.entries(families)) names.set(id, name);
    return g.genlSchema(names);
  }
  return undefined;
}

function protocolNumber(p: string | number): number {
  if (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p < 32) return p;
  const n = typeof p === 'string' ? (CAPTURE_PROTOCOLS[p] ?? (/^\d+$/.test(p) ? Number(p) : undefined)) : undefined;
  if (n === undefined || n >= 32) throw new ValidationError('protocol', `unknown protocol ${JSON.stringify(p)} (route, netfilter, generic, usersock, sock_diag or a number below 32)`);
  return n;
}

/**
 * Decode a capture (hex text or binary) into message trees, datagram by datagram. Throws
 * ValidationError for input that is not a capture (field "capture") or a bad option, and
 * CaptureDecodeError, with the offsets, for malformed netlink bytes.
 */
export async function decodeCapture(input: Uint8Array | string, opts: DecodeCaptureOptions = {}): Promise<{ protocol: number; datagrams: DecodedDatagram[] }> {
  let protocol = opts.protocol === undefined ? undefined : protocolNumber(opts.protocol);
  const families = opts.families ?? {};
  if (Object.keys(families).length) {
    if (protocol === undefined) protocol = 16;
    if (protocol !== 16) throw new ValidationError('families', 'generic netlink family ids go with the generic protocol');
  }
  const datagrams = typeof input === 'string' ? parseHex(input) : parseInput(input, opts.input);
  protocol ??= guessProtocol(datagrams);
  const lookup = await schemaFor(protocol, datagrams, families);
  const out: DecodedDatagram[] = [];
  for (const [index, dg] of datagrams.entries()) {
    try {
      out.push({ ...dg, index, messages: datagramTree(dg.bytes, lookup, dg.base) });
    } catch (err) {
      if (err instanceof NetlinkDecodeError) throw new CaptureDecodeError(err, index, err.offset - dg.base, datagrams.length);
      throw err;
    }
  }
  return { protocol, datagrams: out };
}
