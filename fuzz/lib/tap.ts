// A receive tap on a NetlinkSocket: every datagram the socket reads, as the kernel sent it,
// before the socket parses it. Test-only: it wraps the socket's private receive callback (the
// poll callback looks it up on each call), so the harness can compare what the kernel said
// with what the library made of it, and keep real traffic as corpus.
import type { NetlinkSocket } from '../../src/netlink/index.js';

type Receive = (datagrams: Buffer[], errno: number, ...rest: unknown[]) => void;

export function tapReceive(sock: NetlinkSocket, record: (datagram: Uint8Array) => void): void {
  // The receive loop lives in the socket's core (src/netlink/socket-core.ts).
  const s = (sock as unknown as { core?: { onReadable?: Receive } }).core;
  if (!s || typeof s.onReadable !== 'function') throw new Error('NetlinkSocket has no core.onReadable receive callback to tap: update fuzz/lib/tap.ts');
  const original = s.onReadable.bind(s);
  s.onReadable = (datagrams, errno, ...rest) => {
    for (const d of datagrams) record(new Uint8Array(d));
    original(datagrams, errno, ...rest);
  };
}
