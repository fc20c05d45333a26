// A netlink socket: requests matched to replies by sequence number with many in flight,
// coalesced into few sendmsg() calls; bulk requests answered only on failure; dumps as async
// iterables with backpressure; typed errors. This class is the public face; the work is done
// by socket-core.ts (fd, receive loop), requests.ts, bulk.ts and dump.ts.
import { NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP, SOL_NETLINK } from './constants.js';
import { DumpInterruptedError, systemError } from './errors.js';
import { chunkMessages, type MessageChunk, type MessageRef } from './message.js';
import { SocketCore } from './socket-core.js';
import type { BulkFailure, BulkOptions, DumpOptions, RequestOptions, SocketOptions } from './socket-options.js';
import type { MessageWriter } from './writer.js';

export type {
  BulkFailure, BulkOptions, DumpOptions, NamespaceTarget, RequestOptions, SocketOptions,
} from './socket-options.js';

export class NetlinkSocket {
  readonly fd: number;
  readonly protocol: number;
  readonly portId: number;
  readonly name: string;
  private readonly core: SocketCore;

  static open(options: SocketOptions = {}): NetlinkSocket {
    return new NetlinkSocket(options);
  }

  constructor(options: SocketOptions = {}) {
    this.core = new SocketCore(options);
    ({ fd: this.fd, protocol: this.protocol, portId: this.portId, name: this.name } = this.core);
  }

  /**
   * Unsolicited messages (multicast notifications, or replies nobody waits for). With
   * listenAllNsid, `nsid` is the id of the namespace the message came from, undefined for
   * this socket's own namespace (or any without an id).
   */
  get onNotification(): ((m: MessageRef, nsid?: number) => void) | undefined {
    return this.core.onNotification;
  }
  set onNotification(f: ((m: MessageRef, nsid?: number) => void) | undefined) {
    this.core.onNotification = f;
  }

  /** Called when the receive queue overflowed (ENOBUFS) after pending operations were failed. */
  get onOverrun(): (() => void) | undefined {
    return this.core.onOverrun;
  }
  set onOverrun(f: (() => void) | undefined) {
    this.core.onOverrun = f;
  }

  /** The receive buffer the kernel actually granted (it doubles the requested value). */
  get receiveBufferSize(): number {
    return this.core.receiveBufferSize;
  }

  setsockopt(level: number, name: number, value: number): void {
    try {
      this.core.native.setsockoptInt(this.fd, level, name, value);
    } catch (err) {
      throw systemError(err, `setsockopt(${level}, ${name})`);
    }
  }

  joinGroup(group: number): void {
    this.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
  }

  leaveGroup(group: number): void {
    this.setsockopt(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group);
  }

  /** Keep the event loop alive while notifications are awaited (monitors). */
  keepAlive(on: boolean): void {
    this.core.keepAlive(on);
  }

  /** Allocate a sequence number (for callers that build multi-message datagrams themselves). */
  nextSeq(): number {
    return this.core.nextSeq();
  }

  /**
   * Send one message and wait for its ACK. Resolves with the messages the kernel sent before
   * the ACK (the object for a GET, echoes with NLM_F_ECHO). The socket takes `message` over:
   * it writes the sequence number, port id and NLM_F_REQUEST|NLM_F_ACK into it.
   */
  request(message: Uint8Array, opts: RequestOptions = {}): Promise<MessageRef[]> {
    return this.core.requests.request(message, opts);
  }

  /**
   * Wait for the reply to a message that the caller sends itself with sendRaw() (a batch).
   * Resolves on ACK, rejects on error. cancel() stops waiting (e.g. after a barrier showed the
   * kernel will not answer this one).
   */
  expectReply(seq: number, message: Uint8Array | undefined, opts: RequestOptions = {}): { promise: Promise<MessageRef[]>; cancel: () => boolean } {
    return this.core.requests.expectReply(seq, message, opts);
  }

  /** Send bytes as they are, after anything already queued (keeps the kernel's view in order). */
  sendRaw(bytes: Uint8Array, operation = 'send'): void {
    this.core.sendRaw(bytes, operation);
  }

  /**
   * Send `count` requests, many per sendmsg(), and report only the ones that failed.
   *
   * `write(i, w)` writes request i into `w` as one message (w.begin() ... w.end()); the socket
   * sets its sequence number and flags. Requests go without NLM_F_ACK, so the kernel answers
   * only failures (netlink acknowledges an unflagged request only when it fails); the last
   * request of each chunk carries NLM_F_ACK, and its answer proves every request before it
   * was processed, in order. A chunk holds at most as many requests as the receive queue can
   * hold error replies for, so no failure is lost. A request whose write() throws is reported
   * as failed (with that error) and not sent. Resolves with the failures in input order; every
   * other request succeeded. Bulk operations on one socket run one after another; ordinary
   * requests and dumps may run meanwhile.
   */
  bulk(count: number, write: (index: number, w: MessageWriter) => void, opts: BulkOptions = {}): Promise<BulkFailure[]> {
    return this.core.bulk.run(count, write, opts);
  }

  /**
   * Run a dump and yield its messages as they arrived, without decoding them: each chunk is
   * a run of the dump's data messages inside one received datagram, the datagram's own bytes
   * (see MessageChunk). This is the fast path for large dumps: no object per message, the
   * consumer decodes straight from (chunk.buf, offset). NLMSG_DONE/ERROR, NOOP and
   * NLM_F_DUMP_INTR are handled here as in dumpBatches(): a failed dump throws NetlinkError,
   * an interrupted one DumpInterruptedError after its last chunk, ENOBUFS OverrunError, a
   * malformed datagram NetlinkDecodeError. Reading pauses while HIGH_WATER chunks wait (a slow
   * consumer), and leaving early (break, throw, abort) drains the rest of the dump in the
   * background before the socket's next dump starts. The request gets NLM_F_REQUEST|NLM_F_DUMP
   * from the caller; seq and port id are set here. One dump runs at a time on a socket (the
   * kernel allows no more); others wait their turn.
   */
  dumpDatagrams(message: Uint8Array, opts: RequestOptions = {}): AsyncGenerator<MessageChunk, void, undefined> {
    return this.core.dumps.datagrams(message, opts);
  }

  /**
   * Run a dump and yield the messages of each datagram as one array (fewest awaits).
   * Same semantics as dumpDatagrams(); the MessageRefs of a datagram are made when it is
   * yielded, so a slow consumer's backlog holds bytes, not objects.
   */
  async *dumpBatches(message: Uint8Array, opts: RequestOptions = {}): AsyncGenerator<MessageRef[], void, undefined> {
    for await (const chunk of this.dumpDatagrams(message, opts)) yield chunkMessages(chunk);
  }

  /** Messages of a dump one at a time. */
  async *dump(message: Uint8Array, opts: RequestOptions = {}): AsyncGenerator<MessageRef, void, undefined> {
    for await (const batch of this.dumpBatches(message, opts)) yield* batch;
  }

  /** Collect a whole dump; on NLM_F_DUMP_INTR retry up to opts.retries times, then throw. */
  async dumpAll(message: Uint8Array, opts: DumpOptions = {}): Promise<MessageRef[]> {
    const original = message.slice();
    for (let attempt = 0; ; attempt++) {
      const out: MessageRef[] = [];
      try {
        for await (const batch of this.dumpBatches(attempt === 0 ? message : original.slice(), opts)) {
          for (const m of batch) out.push(m);
        }
        return out;
      } catch (err) {
        if (err instanceof DumpInterruptedError && attempt < (opts.retries ?? 0)) continue;
        if (err instanceof DumpInterruptedError) throw new DumpInterruptedError(err.operation, err.received, out);
        throw err;
      }
    }
  }

  /** Release the fd and the poll handle; pending operations reject with SocketClosedError. */
  close(): void {
    this.core.close();
  }

  get isClosed(): boolean {
    return this.core.closed;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
