// `netlinkts decode`: netlink bytes on stdin (hex text or raw binary) -> decoded messages, by
// the library's decodeCapture. Malformed input ends in one line naming the byte offset and exit
// status 1, never a hang: every length is checked before use and stdin is read to its end once.
import { CaptureDecodeError, CAPTURE_PROTOCOLS, decodeCapture } from '../../api/capture.js';
import { ValidationError } from '../../netlink/errors.js';
import { stringOption, flag, type ParsedArgs } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { Output } from '../output.js';
import { renderMessage, toJson } from '../../netlink/tree-text.js';

/** `--family` text: NAME=ID pairs, comma-separated. */
function parseFamilyIds(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^([A-Za-z0-9_.-]+)=(\d+|0x[0-9a-fA-F]+)$/.exec(part.trim());
    if (!m) throw new UsageError(`--family takes NAME=ID pairs (e.g. ethtool=20,mptcp_pm=0x1b), not ${JSON.stringify(part)}`, 'decode');
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) throw new UsageError('decode reads netlink bytes from stdin: pipe or redirect them (netlinkts decode < capture.hex)', 'decode');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function run(args: ParsedArgs): Promise<number> {
  const format = stringOption(args, 'input') ?? 'auto';
  if (format !== 'auto' && format !== 'hex' && format !== 'binary') throw new UsageError(`--input must be auto, hex or binary, not "${format}"`, 'decode');
  const protocol = stringOption(args, 'protocol');
  if (protocol !== undefined && CAPTURE_PROTOCOLS[protocol] === undefined && !/^\d+$/.test(protocol)) {
    throw new UsageError(`unknown --protocol "${protocol}" (route, netfilter, generic, usersock, sock_diag or a number)`, 'decode');
  }
  const familyArg = stringOption(args, 'family');
  if (familyArg !== undefined && protocol !== undefined && CAPTURE_PROTOCOLS[protocol] !== 16 && protocol !== '16') {
    throw new UsageError('--family names generic netlink families: it goes with --protocol generic', 'decode');
  }
  const families = familyArg === undefined ? undefined : parseFamilyIds(familyArg);
  const input = await readStdin();
  if (input.length === 0) throw new CliError('decode: stdin is empty, nothing to decode');
  let datagrams;
  try {
    ({ datagrams } = await decodeCapture(input, { input: format, protocol, families }));
  } catch (err) {
    if (err instanceof CaptureDecodeError || (err instanceof ValidationError && err.field === 'capture')) {
      throw new CliError(`decode: ${err instanceof ValidationError ? err.problem : err.message}`);
    }
    throw err;
  }
  if (!datagrams.some((d) => d.bytes.length)) throw new CliError('decode: the input holds no bytes');

  const out = new Output();
  const many = datagrams.length > 1;
  if (flag(args, 'json')) {
    const all = datagrams.flatMap((dg) => dg.messages.map((m) => ({ datagram: dg.index, ...(dg.direction ? { direction: dg.direction } : {}), ...m })));
    out.write(`${toJson(all, 2)}\n`);
  } else {
    for (const dg of datagrams) {
      if (many || dg.direction) out.write(`datagram ${dg.index}${dg.direction ? ` ${dg.direction}` : ''}, ${dg.bytes.length} bytes at offset ${dg.base}\n`);
      for (const m of dg.messages) out.write(`${renderMessage(m, many || dg.direction ? '  ' : '').join('\n')}\n`);
    }
  }
  await out.end();
  return 0;
}
