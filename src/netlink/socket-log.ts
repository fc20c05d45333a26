// DEBUG=netlinkts:socket logging of what a socket sends and receives: one line per message
// (type, length, flags, seq), a hex dump with NETLINKTS_HEXDUMP=1. Never throws: sendRaw()
// may carry deliberately malformed bytes (fuzzing), and a bad datagram must still be logged.
import { NetlinkDecodeError } from './errors.js';
import { hexdump, type Logger } from './log.js';
import { walkMessages } from './message.js';
import { NetlinkBuffer } from './reader.js';

export function logDatagram(
  log: Logger, name: string, direction: 'send' | 'recv', bytes: Uint8Array,
  typeName: (type: number) => string | undefined, hex: boolean,
): void {
  if (!log.enabled) return;
  try {
    walkMessages(new NetlinkBuffer(bytes), (m) => {
      log('%s: %s %s len=%d flags=0x%s seq=%d', name, direction, typeName(m.type) ?? m.type, m.length, m.flags.toString(16), m.seq);
    });
  } catch (err) {
    if (!(err instanceof NetlinkDecodeError)) throw err;
    log('%s: %s undecodable datagram of %d bytes', name, direction, bytes.length);
  }
  if (hex) log('%s', hexdump(bytes));
}
