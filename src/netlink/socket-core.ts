// The socket's core: the fd and its poll, the receive loop that hands each datagram to the dump,
// a bulk chunk, a waiting request or the notification handler (by sequence number), recovery
// from a receive-queue overrun, and close. Requests (requests.ts), bulk (bulk.ts) and dumps
// (dump.ts) keep their own state and reach the fd through this object. The public face is
// NetlinkSocket (socket.ts). All state lives here, so sockets never interfere.
import { NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_DUMP_INTR, SOL_SOCKET, SO_RCVBUF } from './constants.js';
import { OverrunError, SocketClosedError, systemError, type NetlinkError } from './errors.js';
import { walkMessages, type MessageRef } from './message.js';
import { NetlinkBuffer } from './reader.js';
import { logger, type Logger } from './log.js';
import { loadNative, type NativeBinding } from './native.js';
import { BulkSender } from './bulk.js';
import { DumpRunner, HIGH_WATER, type DumpState } from './dump.js';
import { RequestQueue, type Pending } from './requests.js';
import { describeRequest, kernelError, type RequestRecord } from './request-error.js';
import { logDatagram } from './socket-log.js';
import { openNetlinkFd } from './socket-open.js';
import type { RequestOptions, SocketOptions } from './socket-options.js';

/** Event-loop turns an overrun recovery waits for the receive queue to stay empty, at most. */
const MAX_RECOVERY_TURNS = 256;

let nativeBinding: NativeBinding | undefined;
function bindingOrLoad(): NativeBinding {
  return (nativeBinding ??= loadNative());
}

export class SocketCore {
  readonly fd: number;
  readonly protocol: number;
  readonly portId: number;
  readonly name: string;
  readonly native: NativeBinding;
  readonly peerPortId: number;
  readonly log: Logger;
  private readonly hex: boolean;
  private readonly typeName: (type: number) => string | undefined;

  /** Requests and the running dump waiting for answers, by sequence number. */
  readonly pending = new Map<number, Pending | DumpState>();
  readonly requests: RequestQueue;
  readonly bulk: BulkSender;
  readonly dumps: DumpRunner;
  private seq: number;
  private pollHandle: object | undefined;
  private readonly pollOptions: { nsid: boolean } | undefined;
  paused = false;
  closed = false;
  private refed = true;
  private wantRef = false;
  /** socketSendAsync calls not yet back: the fd stays open until they are. */
  asyncSends = 0;
  private receiveTicks = 0;
  recoveringOverrun = false;
  readonly overrunWaiters: Array<() => void> = [];

  onNotification: ((m: MessageRef, nsid?: number) => void) | undefined;
  onOverrun: (() => void) | undefined;

  constructor(options: SocketOptions) {
    this.native = bindingOrLoad();
    this.protocol = options.protocol ?? NETLINK_ROUTE;
    this.name = options.name ?? `netlink${this.protocol}`;
    this.log = logger('socket');
    this.hex = options.hexdump ?? process.env.NETLINKTS_HEXDUMP === '1';
    this.typeName = options.typeName ?? (() => undefined);
    this.seq = (Math.random() * 0x7fffffff) >>> 0 || 1;
    this.peerPortId = options.peerPortId ?? 0;
    this.requests = new RequestQueue(this, options.maxInFlight ?? 1024, options.maxDatagram ?? 65536);
    this.bulk = new BulkSender(this);
    this.dumps = new DumpRunner(this);

    ({ fd: this.fd, portId: this.portId } = openNetlinkFd(this.native, this.protocol, options));
    if (options.listenAllNsid) this.pollOptions = { nsid: true };
    try {
      this.pollHandle = this.startPoll();
      // An idle socket must not keep the process alive; it is referenced while work is pending.
      this.native.pollUnref(this.pollHandle);
      this.refed = false;
    } catch (err) {
      this.native.socketClose(this.fd);
      throw systemError(err, `open netlink socket (protocol ${this.protocol})`);
    }
    this.log('%s: opened fd %d port %d', this.name, this.fd, this.portId);
  }

  /** The receive buffer the kernel actually granted (it doubles the requested value). */
  get receiveBufferSize(): number {
    return this.native.getsockoptInt(this.fd, SOL_SOCKET, SO_RCVBUF);
  }

  keepAlive(on: boolean): void {
    this.wantRef = on;
    this.updateRef();
  }

  updateRef(): void {
    if (!this.pollHandle || this.closed) return;
    const want = this.wantRef || this.pending.size > 0 || this.requests.queued() > 0 || this.bulk.active.length > 0;
    if (want === this.refed) return;
    this.refed = want;
    if (want) this.native.pollRef(this.pollHandle);
    else this.native.pollUnref(this.pollHandle);
  }

  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  assertOpen(operation: string): void {
    if (this.closed) throw new SocketClosedError(operation);
  }

  describe(message: Uint8Array, opts: RequestOptions): string {
    return describeRequest(message, opts, this.typeName);
  }

  kernelError(p: RequestRecord, errno: number, extack: NetlinkError['extack']): NetlinkError {
    return kernelError(p, errno, extack, this.typeName);
  }

  logOut(bytes: Uint8Array): void {
    if (this.log.enabled) logDatagram(this.log, this.name, 'send', bytes, this.typeName, this.hex);
  }

  transmit(bytes: Uint8Array): void {
    if (this.peerPortId) this.native.socketSendTo(this.fd, bytes, this.peerPortId);
    else this.native.socketSend(this.fd, bytes);
  }

  /** Send bytes as they are, after anything already queued (keeps the kernel's view in order). */
  sendRaw(bytes: Uint8Array, operation: string): void {
    this.assertOpen(operation);
    this.requests.flushNow();
    this.logOut(bytes);
    try {
      this.transmit(bytes);
    } catch (err) {
      throw systemError(err, operation);
    }
  }

  pause(): void {
    if (this.paused || !this.pollHandle) return;
    this.paused = true;
    this.native.pollStop(this.pollHandle);
    this.pollHandle = undefined;
  }

  resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.pollHandle = this.startPoll();
    this.refed = true;
    this.updateRef();
  }

  private startPoll(): object {
    const cb = (datagrams: Buffer[], errno: number, nsids?: Int32Array): void => this.onReadable(datagrams, errno, nsids);
    return this.pollOptions ? this.native.pollStart(this.fd, cb, this.pollOptions) : this.native.pollStart(this.fd, cb);
  }

  private onReadable(datagrams: Buffer[], errno: number, nsids?: Int32Array): void {
    this.receiveTicks++;
    if (nsids) for (let i = 0; i < datagrams.length; i++) this.onDatagram(datagrams[i]!, nsids[i]! >= 0 ? nsids[i] : undefined);
    else for (const d of datagrams) this.onDatagram(d);
    if (errno) this.onReceiveError(errno);
    const st = this.dumps.active;
    // Backpressure: stop reading while a slow consumer has a backlog, but only when nothing
    // else waits on this socket (ACKs of other requests must keep flowing).
    if (st && !st.draining && st.chunks.length - st.chunkHead >= HIGH_WATER && this.pending.size === 1 && this.requests.queued() === 0) this.pause();
  }

  private onReceiveError(errno: number): void {
    if (errno !== 105) {
      this.log('%s: receive error %d', this.name, errno);
      return;
    }
    // ENOBUFS: replies were dropped; nothing pending can be trusted to complete.
    this.log('%s: receive queue overrun (ENOBUFS)', this.name);
    this.recoverFromOverrun();
    // A bulk chunk keeps collecting the answers still queued; what is missing once the queue is
    // drained is reported as unknown (see recoverFromOverrun).
    this.bulk.markOverrun();
    // One request alone overran the queue: its reply and ACK do not fit the buffer, and
    // retrying on this socket can never succeed. Say so instead of suggesting fewer requests.
    const lone = this.pending.size === 1 && this.requests.queued() === 0
      ? `the receive buffer (${this.receiveBufferSize} bytes) is too small for one reply and its ACK; open the socket with a larger receiveBufferSize`
      : undefined;
    for (const p of [...this.pending.values()]) {
      const err = new OverrunError(this.describe(p.message, p.opts), lone);
      if (p.kind === 'dump') {
        p.error ??= err;
        p.done = true;
        p.wake?.();
        if (p.draining) this.dumps.releaseTurn(p);
      } else {
        this.requests.forget(p);
        p.reject(err);
      }
    }
    this.onOverrun?.();
  }

  /**
   * After ENOBUFS the kernel marks the socket congested and silently drops every further
   * message for it until its receive queue has been read empty: a request sent now would never
   * be answered. Nothing is sent until a turn of the event loop passes with nothing left to read.
   */
  private recoverFromOverrun(): void {
    if (this.recoveringOverrun) return;
    this.recoveringOverrun = true;
    let seen = this.receiveTicks;
    // Each read drains the queue (which clears the kernel's congestion flag), so a socket that
    // keeps receiving (a busy multicast group) stops waiting after a bounded number of turns:
    // requests queued meanwhile must not wait forever.
    let turns = 0;
    const check = (): void => {
      if (!this.closed && this.receiveTicks !== seen && !this.paused && ++turns < MAX_RECOVERY_TURNS) {
        seen = this.receiveTicks;
        setImmediate(check);
        return;
      }
      this.recoveringOverrun = false;
      this.bulk.endOverrun();
      for (const wake of this.overrunWaiters.splice(0)) wake();
      if (!this.closed) this.requests.flushNow();
    };
    // The first immediate runs in this loop turn (the poll callback that saw ENOBUFS may not
    // have read everything); counting starts from there, so a whole turn is watched.
    setImmediate(() => {
      seen = this.receiveTicks;
      setImmediate(check);
    });
  }

  private onDatagram(d: Buffer, nsid?: number): void {
    if (this.log.enabled) logDatagram(this.log, this.name, 'recv', d, this.typeName, this.hex);
    const buf = new NetlinkBuffer(d);
    const dump = this.dumps.active;
    if (dump !== undefined && this.dumps.onDatagram(dump, buf, nsid)) return;
    this.walkDatagram(buf, 0, nsid);
  }

  /** The general receive path: each message of the datagram from `start` on, dispatched by its seq. */
  walkDatagram(buf: NetlinkBuffer, start: number, nsid: number | undefined): void {
    const dumpSeq = this.dumps.active?.seq;
    let runStart = -1, runEnd = 0, count = 0;
    try {
      walkMessages(buf, (m) => {
        if (m.seq === dumpSeq && this.dumps.active) {
          const st = this.dumps.active;
          if (m.type === NLMSG_DONE || m.type === NLMSG_ERROR) {
            this.dumps.finish(st, m);
            return;
          }
          if (m.type === NLMSG_NOOP || m.type === NLMSG_OVERRUN) return;
          if (m.flags & NLM_F_DUMP_INTR) st.interrupted = true;
          st.received++;
          if (!st.draining) {
            // The dump's messages of this datagram make one chunk (as one batch before);
            // messages in between that are not the dump's are dispatched on their own.
            if (runStart < 0) runStart = m.offset;
            runEnd = m.offset + ((m.length + 3) & ~3);
            if (runEnd > buf.length) runEnd = buf.length;
            count++;
          }
          return;
        }
        if (this.bulk.active.length && m.type === NLMSG_ERROR) {
          const chunk = this.bulk.chunkOf(m.seq);
          if (chunk) {
            this.bulk.onAnswer(chunk, m);
            return;
          }
        }
        const p = this.pending.get(m.seq);
        if (!p || p.kind !== 'request') {
          this.onNotification?.(m, nsid);
          return;
        }
        this.requests.onMessage(p, m);
      }, start);
    } catch (err) {
      // Malformed bytes from the kernel (or a foreign sender): fail what this datagram was for.
      this.log('%s: undecodable datagram: %s', this.name, (err as Error).message);
      const st = this.dumps.active;
      if (st && !st.done) {
        st.error = err as Error;
        st.wake?.();
      }
    }
    const st = this.dumps.active;
    if (count && st && st.seq === dumpSeq) {
      if (runEnd - runStart === this.dumps.runBytes(buf, runStart, count)) this.dumps.pushChunk(st, buf, runStart, runEnd, count);
      else this.dumps.pushChunk(st, ...this.dumps.copyMessages(buf, runStart, runEnd, dumpSeq));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pollHandle) this.native.pollStop(this.pollHandle);
    this.pollHandle = undefined;
    // A bulk chunk still inside sendto() on a pool thread closes the fd when it returns (a
    // number reused by another open meanwhile would get the rest of the datagram).
    if (this.asyncSends === 0) this.native.socketClose(this.fd);
    for (const p of [...this.pending.values()]) {
      const err = new SocketClosedError(this.describe(p.message, p.opts));
      if (p.kind === 'dump') {
        p.error ??= err;
        p.done = true;
        p.wake?.();
      } else {
        p.cleanup?.();
        p.reject(err);
      }
    }
    this.pending.clear();
    this.bulk.close(new SocketClosedError('bulk request'));
    for (const wake of this.overrunWaiters.splice(0)) wake();
    this.requests.clear();
    this.dumps.close();
    this.log('%s: closed', this.name);
  }
}
