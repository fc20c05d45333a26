// `netlinkts decode`: netlink bytes on stdin (hex text or raw binary) -> decoded messages.
// Malformed input ends in one line naming the byte offset and exit status 1, never a hang:
// every length is checked before use (the codec's walkers) and stdin is read to its end once.
import { datagramTree, type MessageTree, type SchemaLookup } from '../../netlink/attribute-tree.js';
import { NetlinkDecodeError } from '../../netlink/errors.js';
import { walkMessages } from '../../netlink/message.js';
import { NetlinkBuffer } from '../../netlink/reader.js';
import { stringOption, flag, type ParsedArgs } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { Output } from '../output.js';
import { renderMessage, toJson } from '../render.js';

export interface Datagram {
  direction?: 'send' | 'recv';
  bytes: Uint8Array;
  /** Offset of the datagram's first byte in the whole decoded input. */
  base: number;
}

const PROTOCOLS: Record<string, number> = { route: 0, usersock: 2, sock_diag: 4, netfilter: 12, generic: 16 };

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
 */
export function parseHex(text: string): Datagram[] {
  const out: Datagram[] = [];
  let cur: number[] = [];
  let dir: Datagram['direction'];
  let base = 0;
  let half = -1;
  let halfAt = 0;
  const finish = (): void => {
    if (half >= 0) throw new CliError(`decode: odd number of hex digits: the digit at offset ${halfAt} of the text has no partner`);
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
      throw new CliError(`decode: input is neither hex nor binary netlink: ${JSON.stringify(text[i])} at offset ${i} of the text (line ${line})`);
    }
    if (half < 0) { half = v; halfAt = i; }
    else { cur.push((half << 4) | v); half = -1; }
    i++;
  }
  finish();
  return out;
}

export function parseInput(input: Uint8Array, format: string): Datagram[] {
  if (format === 'binary' || (format === 'auto' && !isText(input))) return [{ bytes: input, base: 0 }];
  return parseHex(Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'));
}

/** `--family` text: NAME=ID pairs, comma-separated. */
function parseFamilyIds(text: string | undefined): Map<number, string> {
  const out = new Map<number, string>();
  if (text === undefined) return out;
  for (const part of text.split(',')) {
    const m = /^([A-Za-z0-9_.-]+)=(\d+|0x[0-9a-fA-F]+)$/.exec(part.trim());
    if (!m) throw new UsageError(`--family takes NAME=ID pairs (e.g. ethtool=20,mptcp_pm=0x1b), not ${JSON.stringify(part)}`, 'decode');
    out.set(Number(m[2]), m[1]!);
  }
  return out;
}

async function lookupFor(protocol: number, datagrams: Datagram[], familyArg: string | undefined): Promise<SchemaLookup | undefined> {
  if (protocol === 0) {
    // rtnetlink: tc's messages by the tc tables, the rest by rtnl's.
    const [{ rtnlSchema }, { tcSchema }] = await Promise.all([import('../../rtnl/tree-schema.js'), import('../../tc/tree-schema.js')]);
    return (type) => tcSchema(type) ?? rtnlSchema(type);
  }
  if (protocol === 12) {
    // nfnetlink: nftables (subsystem 10) and ctnetlink (1, 2) by their own tables.
    const [{ nftSchema }, { conntrackSchema }] = await Promise.all([import('../../nft/tree-schema.js'), import('../../conntrack/tree-schema.js')]);
    return (type) => conntrackSchema(type) ?? nftSchema(type);
  }
  if (protocol === 16) {
    const g = await import('../../ynl/tree-schema.js');
    // --family wins over what the capture's nlctrl replies say.
    const names = await g.idsFromCapture(datagrams.map((d) => d.bytes));
    for (const [id, name] of parseFamilyIds(familyArg)) names.set(id, name);
    return g.genlSchema(names);
  }
  return undefined;
}

/** nfnetlink types are subsystem << 8 | message; rtnetlink's stay below 256. */
function guessProtocol(datagrams: Datagram[]): number {
  for (const d of datagrams) {
    let found = -1;
    try {
      walkMessages(new NetlinkBuffer(d.bytes), (m) => {
        if (m.type >= 0x100 && m.type < 0x1000) { found = 12; return false; }
        return undefined;
      });
    } catch (err) {
      if (!(err instanceof NetlinkDecodeError)) throw err;
      // malformed: the real decode below reports it with its offset
    }
    if (found >= 0) return found;
  }
  return 0;
}

async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) throw new UsageError('decode reads netlink bytes from stdin: pipe or redirect them (netlinkts decode < capture.hex)', 'decode');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function run(args: ParsedArgs): Promise<number> {
  const format = stringOption(args, 'input') ?? 'auto';
  if (!['auto', 'hex', 'binary'].includes(format)) throw new UsageError(`--input must be auto, hex or binary, not "${format}"`, 'decode');
  const protoArg = stringOption(args, 'protocol');
  let protocol: number | undefined;
  if (protoArg !== undefined) {
    protocol = PROTOCOLS[protoArg] ?? (/^\d+$/.test(protoArg) ? Number(protoArg) : undefined);
    if (protocol === undefined) throw new UsageError(`unknown --protocol "${protoArg}" (route, netfilter, generic, usersock, sock_diag or a number)`, 'decode');
  }
  const input = await readStdin();
  if (input.length === 0) throw new CliError('decode: stdin is empty, nothing to decode');
  const datagrams = parseInput(input, format);
  if (!datagrams.some((d) => d.bytes.length)) throw new CliError('decode: the input holds no bytes');
  const familyArg = stringOption(args, 'family');
  if (familyArg !== undefined && protocol === undefined) protocol = 16;
  if (familyArg !== undefined && protocol !== 16) throw new UsageError('--family names generic netlink families: it goes with --protocol generic', 'decode');
  const lookup = await lookupFor(protocol ?? guessProtocol(datagrams), datagrams, familyArg);

  const trees: Array<{ d: number; dg: Datagram; messages: MessageTree[] }> = [];
  for (let i = 0; i < datagrams.length; i++) {
    const dg = datagrams[i]!;
    try {
      trees.push({ d: i, dg, messages: datagramTree(dg.bytes, lookup, dg.base) });
    } catch (err) {
      if (err instanceof NetlinkDecodeError) {
        const where = datagrams.length > 1 ? ` (datagram ${i}, byte ${err.offset - dg.base} of it)` : '';
        throw new CliError(`decode: malformed netlink data at offset ${err.offset}${where}: ${err.reason}`);
      }
      throw err;
    }
  }

  const out = new Output();
  if (flag(args, 'json')) {
    const all: unknown[] = [];
    for (const { d, dg, messages } of trees) {
      for (const m of messages) all.push({ datagram: d, ...(dg.direction ? { direction: dg.direction } : {}), ...m });
    }
    out.write(`${toJson(all, 2)}\n`);
  } else {
    for (const { d, dg, messages } of trees) {
      if (datagrams.length > 1 || dg.direction) out.write(`datagram ${d}${dg.direction ? ` ${dg.direction}` : ''}, ${dg.bytes.length} bytes at offset ${dg.base}\n`);
      for (const m of messages) out.write(`${renderMessage(m, datagrams.length > 1 || dg.direction ? '  ' : '').join('\n')}\n`);
    }
  }
  await out.end();
  return 0;
}
