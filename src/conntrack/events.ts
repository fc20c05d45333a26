// Conntrack events (`conntrack -E`): the ctnetlink multicast groups on a socket of their own,
// as an async iterable. When the kernel drops events (ENOBUFS: the receive queue overflowed),
// the stream says so and, unless told not to, lists the table again so the consumer can
// resynchronise its view, as the link monitor does.
import { NLM_F_CREATE } from '../netlink/constants.js';
import { NetlinkSocket } from '../netlink/socket.js';
import { entryFrom, type ConntrackEntry } from './entry.js';
import {
  conntrack, IPCTNL_MSG_CT_DELETE, IPCTNL_MSG_CT_NEW, NFNLGRP_CONNTRACK_DESTROY, NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE,
} from './family.js';
import type { Conntrack, ConntrackFilter } from './client.js';
import { natOf } from './nat.js';

export interface EventOptions {
  /** Which events (default: all three). */
  new?: boolean;
  update?: boolean;
  destroy?: boolean;
  /** Only events whose entry passes this (protocol, addresses, ports, nat...). */
  filter?: (e: ConntrackEntry) => boolean;
  /** After an overrun, list the table again ('existing' events, then 'synced'). Default true. */
  resync?: boolean;
  signal?: AbortSignal;
}

export type ConntrackEvent =
  /** portId: the netlink port of the program that caused it (0: the kernel itself). */
  | { type: 'new' | 'update' | 'destroy'; entry: ConntrackEntry; portId: number }
  /** The kernel dropped events: what happened meanwhile is unknown. */
  | { type: 'overrun' }
  /** The table as listed after an overrun, entry by entry, then 'synced'. */
  | { type: 'existing'; entry: ConntrackEntry }
  | { type: 'synced' };

export async function* eventStream(ct: Conntrack, opts: EventOptions): AsyncGenerator<ConntrackEvent, void, undefined> {
  const sock = new NetlinkSocket({ protocol: ct.socket.protocol, netns: ct.netns, name: 'conntrack-events', receiveBufferSize: 4 << 20 });
  const queue: ConntrackEvent[] = [];
  let wake: (() => void) | undefined;
  const push = (e: ConntrackEvent): void => {
    queue.push(e);
    wake?.();
  };
  sock.onNotification = (m) => {
    const d = conntrack.decode(m);
    const entry = entryFrom(d);
    const type = m.type === IPCTNL_MSG_CT_DELETE ? 'destroy' : m.type === IPCTNL_MSG_CT_NEW && m.flags & NLM_F_CREATE ? 'new' : 'update';
    if (opts.filter && !opts.filter(entry)) return;
    push({ type, entry, portId: m.portId });
  };
  sock.onOverrun = () => push({ type: 'overrun' });
  if (opts.new !== false) sock.joinGroup(NFNLGRP_CONNTRACK_NEW);
  if (opts.update !== false) sock.joinGroup(NFNLGRP_CONNTRACK_UPDATE);
  if (opts.destroy !== false) sock.joinGroup(NFNLGRP_CONNTRACK_DESTROY);
  sock.keepAlive(true);
  const onAbort = (): void => wake?.();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (opts.signal?.aborted) return;
      const e = queue.shift();
      if (!e) {
        await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        continue;
      }
      yield e;
      if (e.type === 'overrun' && opts.resync !== false) {
        for await (const entry of ct.list()) if (!opts.filter || opts.filter(entry)) yield { type: 'existing', entry };
        yield { type: 'synced' };
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    sock.close();
  }
}

/** A filter for events made from the list() filter's simplest fields. */
export function eventFilter(f: Pick<ConntrackFilter, 'proto' | 'nat'> & { dport?: number }): (e: ConntrackEntry) => boolean {
  return (e) => (f.proto === undefined || e.proto === f.proto || e.protoName === f.proto)
    && (f.dport === undefined || e.orig.dport === f.dport)
    && (f.nat === undefined || (natOf(e) !== undefined && (f.nat === 'any' || natOf(e)!.kind === f.nat || natOf(e)!.kind === 'both')));
}
