// Multicast notifications of a namespace, decoded as they arrive: join groups, run `act` (a
// system tool changing state), collect until `done` says enough (or time runs out).
import type { MessageRef } from '../../src/netlink/message.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';

export async function notifications<T>(
  ns: string, groups: number[], decode: (m: MessageRef) => T | undefined, act: () => void, done: (got: T[]) => boolean, timeoutMs = 3000,
): Promise<T[]> {
  const sock = new NetlinkSocket({ netns: `/run/netns/${ns}`, name: 'notify' });
  const got: T[] = [];
  try {
    for (const g of groups) sock.joinGroup(g);
    let wake: (() => void) | undefined;
    sock.onNotification = (m) => {
      const v = decode(m);
      if (v !== undefined) got.push(v);
      wake?.();
    };
    sock.keepAlive(true);
    act();
    const deadline = Date.now() + timeoutMs;
    while (!done(got) && Date.now() < deadline) {
      await new Promise<void>((r) => { wake = r; setTimeout(r, 50); });
    }
    return got;
  } finally {
    sock.close();
  }
}
