// A netlink socket: requests matched to replies by sequence number with many in flight,
// coalesced into few sendmsg() calls; dumps as async iterables with backpressure; typed errors.
// All state lives on the socket object, so sockets in different namespaces never interfere.
import { closeSync, openSync } from 'node:fs';
import {
  NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP,
  NLMSG_OVERRUN, NLM_F_ACK, NLM_F_DUMP_INTR, NLM_F_REQUEST, SOL_NETLINK, SOL_SOCKET, SO_RCVBUF,
  SO_RCVBUFFORCE, SO_SNDBUF, SO_SNDBUFFORCE, NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP,
  NETLINK_LISTEN_ALL_NSID, NLM_F_CAPPED, NLM_F_ACK_TLVS,
} from './constants.js';
import {
  DumpInterruptedError, NetlinkError, OverrunError, SocketClosedError, ValidationError, systemError,
} from './errors.js';
import {
  attributePathAt, chunkMessages, decodeDone, decodeError, walkMessages, type MessageChunk, type MessageRef,
} from './message.js';
import { NetlinkBuffer } from './reader.js';
import { hexdump, logger, type Logger } from './log.js';
import { loadNative, type NativeBinding } from './native.js';
import { MessageWriter } from './writer.js';

/** A network namespace: an open fd of /proc/PID/ns/net or /run/netns/NAME, or such a path. */
export type NamespaceTarget = number | string;

export interface SocketOptions {
  /** Netlink protocol (NETLINK_ROUTE, NETLINK_NETFILTER, ...). Default NETLINK_ROUTE. */
  protocol?: number;
  /** Open the socket inside this namespace (done on a helper thread; the socket stays bound to it). */
  netns?: NamespaceTarget;
  /** Multicast groups bitmask for bind() (legacy groups 1..32). */
  groups?: number;
  /** Receive buffer in bytes (SO_RCVBUFFORCE as root, else SO_RCVBUF, capped by rmem_max). Default 4 MiB. */
  receiveBufferSize?: number;
  /** Send buffer; a batch must fit in one datagram (nftables). Default 4 MiB. */
  sendBufferSize?: number;
  /** Ask for extended ACKs (kernel error text). Default true. */
  extendedAck?: boolean;
  /** NETLINK_GET_STRICT_CHK, so dumps are filtered by the kernel. Default true for NETLINK_ROUTE. */
  strictChecking?: boolean;
  /** Requests sent and not yet answered, at most. The rest waits, so ACKs never overflow the receive queue. */
  maxInFlight?: number;
  /** Largest datagram the socket builds when it coalesces requests. Default 64 KiB. */
  maxDatagram?: number;
  /** Name used in logs. */
  name?: string;
  /**
   * Send requests to this port id instead of the kernel (0). For tests: a user-space peer on
   * NETLINK_USERSOCK can then play the kernel and answer with any bytes, even malformed ones.
   */
  peerPortId?: number;
  /** Include hex dumps in DEBUG logs. Also enabled by NETLINKTS_HEXDUMP=1. */
  hexdump?: boolean;
  /** Name a message type for logs and errors (e.g. 16 -> RTM_NEWLINK). */
  typeName?: (type: number) => string | undefined;
  /**
   * NETLINK_LISTEN_ALL_NSID: also receive the groups' notifications from every namespace that
   * has an id (nsid) in this socket's one; onNotification then gets the sender's nsid.
   */
  listenAllNsid?: boolean;
}

export interface RequestOptions {
  /** What the request does, for errors: "create link veth0". */
  operation?: string;
  signal?: AbortSignal;
  /** Size of the family header after nlmsghdr, to locate the extended-ACK offset among attributes. */
  headerSize?: number;
  /** Names the attribute the kernel pointed at (types from the outermost). */
  describeAttribute?: (path: number[]) => string | undefined;
  /** Do not add NLM_F_ACK (the request's own reply ends it; use only for requests that always reply). */
  noAck?: boolean;
}

export interface BulkOptions {
  /** Names request i in its error ("add route 10.0.0.1/32 table 100"). Default: the message type. */
  describe?: (index: number) => string;
  /** Size of the family header after nlmsghdr (for the attribute an extended ACK points at). */
  headerSize?: number;
  describeAttribute?: (path: number[]) => string | undefined;
  /**
   * Requests per sendmsg() at most. Default: as many failures as the receive queue surely
   * holds (about 1 KiB of queue per error), between 32 and 4,096.
   */
  chunk?: number;
  /** Stop sending further chunks; what was sent stays applied. */
  signal?: AbortSignal;
}

/** One request of a bulk() that failed: its index in the input and why. */
export interface BulkFailure {
  index: number;
  error: Error;
}

export interface DumpOptions extends RequestOptions {
  /** Retries on NLM_F_DUMP_INTR for dumpAll() (the iterator cannot un-yield, so it always throws). */
  retries?: number;
}

interface Pending {
  kind: 'request';
  seq: number;
  message: Uint8Array;
  opts: RequestOptions;
  replies: MessageRef[];
  resolve: (replies: MessageRef[]) => void;
  reject: (err: Error) => void;
  cleanup?: () => void;
  counted: boolean;
}

interface DumpState {
  kind: 'dump';
  seq: number;
  message: Uint8Array;
  opts: RequestOptions;
  /** Runs of the dump's messages received and not yet consumed (one per datagram, usually). */
  chunks: MessageChunk[];
  /** chunks[chunkHead] is the next to consume (a queue read from the head, compacted when empty). */
  chunkHead: number;
  done: boolean;
  error: Error | undefined;
  interrupted: boolean;
  received: number;
  draining: boolean;
  wake: (() => void) | undefined;
}

/** The chunk of a bulk() in flight: errors for its sequence numbers are recorded, the last one ends it. */
interface BulkChunk {
  firstSeq: number;
  lastSeq: number;
  seqs: Uint32Array;
  indices: Int32Array;
  starts: Int32Array;
  count: number;
  bytes: Uint8Array;
  opts: BulkOptions;
  failures: BulkFailure[];
  reported: Set<number>;
  /** The receive queue overflowed while this chunk was out: some answers were lost. */
  overrun: boolean;
  finish: (err?: Error) => void;
}

const BULK_BYTES = 256 << 10; // bytes per sendmsg() in bulk(): fewer syscalls, well under the send buffer
const BULK_ERROR_COST = 1024; // receive-queue bytes one error reply may take (skb truesize, extack text)

// Netlink headers are in host byte order; the u32 view of a datagram's headers depends on it.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const HIGH_WATER = 16; // chunks (datagrams) buffered for a slow dump consumer before reading pauses
const LOW_WATER = 4;

let nativeBinding: NativeBinding | undefined;
function bindingOrLoad(): NativeBinding {
  return (nativeBinding ??= loadNative());
}

function openNamespaceFd(target: NamespaceTarget, operation: string): { fd: number; owned: boolean } {
  if (typeof target === 'number') return { fd: target, owned: false };
  try {
    return { fd: openSync(target, 'r'), owned: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw systemError({ errno: -(e.errno ?? -2), syscall: `open ${target}` }, operation);
  }
}

export class NetlinkSocket {
  readonly fd: number;
  readonly protocol: number;
  readonly portId: number;
  readonly name: string;

  private readonly native: NativeBinding;
  private readonly log: Logger;
  private readonly hex: boolean;
  private readonly typeName: (type: number) => string | undefined;
  private readonly maxInFlight: number;
  private readonly maxDatagram: number;

  private seq: number;
  private readonly pending = new Map<number, Pending | DumpState>();
  // Requests waiting for a window slot: a queue read from outHead, not shift()ed. With 100k
  // requests queued the array lives in V8's large-object space, where shift() copies the
  // whole backing store every time: O(n^2), 10 s of flushNow for 100k route adds (bench 4).
  private readonly outgoing: Pending[] = [];
  private outHead = 0;
  private inFlight = 0;
  private flushScheduled = false;
  private pollHandle: object | undefined;
  private paused = false;
  private closed = false;
  private activeDump: DumpState | undefined;
  private readonly dumpWaiters: Array<() => void> = [];
  private dumpBusy = false;
  private readonly sendScratch: Uint8Array;
  private refed = true;
  private readonly peerPortId: number;
  private pollOptions: { nsid: boolean } | undefined;
  /** Bulk chunks sent and not yet answered (at most two, in sequence order). */
  private readonly activeBulks: BulkChunk[] = [];
  /** socketSendAsync calls not yet back: the fd stays open until they are. */
  private asyncSends = 0;
  private receiveTicks = 0;
  private recoveringOverrun = false;
  private readonly overrunWaiters: Array<() => void> = [];
  private bulkTail: Promise<unknown> = Promise.resolve();

  /**
   * Unsolicited messages (multicast notifications, or replies nobody waits for). With
   * listenAllNsid, `nsid` is the id of the namespace the message came from, undefined for
   * this socket's own namespace (or any without an id).
   */
  onNotification: ((m: MessageRef, nsid?: number) => void) | undefined;
  /** Called when the receive queue overflowed (ENOBUFS) after pending operations were failed. */
  onOverrun: (() => void) | undefined;

  static open(options: SocketOptions = {}): NetlinkSocket {
    return new NetlinkSocket(options);
  }

  constructor(options: SocketOptions = {}) {
    this.native = bindingOrLoad();
    this.protocol = options.protocol ?? NETLINK_ROUTE;
    this.name = options.name ?? `netlink${this.protocol}`;
    this.log = logger('socket');
    this.hex = options.hexdump ?? process.env.NETLINKTS_HEXDUMP === '1';
    this.typeName = options.typeName ?? (() => undefined);
    this.maxInFlight = options.maxInFlight ?? 1024;
    this.maxDatagram = options.maxDatagram ?? 65536;
    this.sendScratch = new Uint8Array(this.maxDatagram);
    this.seq = (Math.random() * 0x7fffffff) >>> 0 || 1;
    this.peerPortId = options.peerPortId ?? 0;

    const operation = `open netlink socket (protocol ${this.protocol})`;
    let nsFd = -1;
    let owned = false;
    if (options.netns !== undefined) ({ fd: nsFd, owned } = openNamespaceFd(options.netns, operation));
    try {
      this.fd = this.native.socketOpen(this.protocol, nsFd);
    } catch (err) {
      throw systemError(err, options.netns !== undefined ? `${operation} in namespace ${String(options.netns)}` : operation);
    } finally {
      if (owned) closeSync(nsFd);
    }
    try {
      this.native.socketBind(this.fd, options.groups ?? 0);
      this.portId = this.native.socketPortId(this.fd);
      if (options.extendedAck ?? true) this.setOption(SOL_NETLINK, NETLINK_EXT_ACK, 1, true);
      if (options.strictChecking ?? this.protocol === NETLINK_ROUTE) this.setOption(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1, true);
      this.setBufferSize(SO_RCVBUFFORCE, SO_RCVBUF, options.receiveBufferSize ?? 4 << 20);
      this.setBufferSize(SO_SNDBUFFORCE, SO_SNDBUF, options.sendBufferSize ?? 4 << 20);
      if (options.listenAllNsid) {
        this.setOption(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1, false);
        this.pollOptions = { nsid: true };
      }
      this.pollHandle = this.startPoll();
      // An idle socket must not keep the process alive; it is referenced while work is pending.
      this.native.pollUnref(this.pollHandle);
      this.refed = false;
    } catch (err) {
      this.native.socketClose(this.fd);
      throw systemError(err, operation);
    }
    this.log('%s: opened fd %d port %d', this.name, this.fd, this.portId);
  }

  private setOption(level: number, name: number, value: number, optional: boolean): void {
    try {
      this.native.setsockoptInt(this.fd, level, name, value);
    } catch (err) {
      if (!optional) throw err;
    }
  }

  /** Force the buffer size when privileged; otherwise ask for it and take what rmem_max allows. */
  private setBufferSize(force: number, plain: number, size: number): void {
    try {
      this.native.setsockoptInt(this.fd, SOL_SOCKET, force, size);
    } catch {
      this.setOption(SOL_SOCKET, plain, size, true);
    }
  }

  /** The receive buffer the kernel actually granted (it doubles the requested value). */
  get receiveBufferSize(): number {
    return this.native.getsockoptInt(this.fd, SOL_SOCKET, SO_RCVBUF);
  }

  setsockopt(level: number, name: number, value: number): void {
    try {
      this.native.setsockoptInt(this.fd, level, name, value);
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
    this.wantRef = on;
    this.updateRef();
  }
  private wantRef = false;

  private updateRef(): void {
    if (!this.pollHandle || this.closed) return;
    const want = this.wantRef || this.pending.size > 0 || this.queued() > 0 || this.activeBulks.length > 0;
    if (want === this.refed) return;
    this.refed = want;
    if (want) this.native.pollRef(this.pollHandle);
    else this.native.pollUnref(this.pollHandle);
  }

  /** Allocate a sequence number (for callers that build multi-message datagrams themselves). */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new SocketClosedError(operation);
  }

  private describe(message: Uint8Array, opts: RequestOptions): string {
    if (opts.operation) return opts.operation;
    const type = message[4]! | (message[5]! << 8);
    return this.typeName(type) ?? `netlink message type ${type}`;
  }

  /**
   * Send one message and wait for its ACK. Resolves with the messages the kernel sent before
   * the ACK (the object for a GET, echoes with NLM_F_ECHO). The socket takes `message` over:
   * it writes the sequence number, port id and NLM_F_REQUEST|NLM_F_ACK into it.
   */
  request(message: Uint8Array, opts: RequestOptions = {}): Promise<MessageRef[]> {
    this.assertOpen(this.describe(message, opts));
    if (message.length < 16) return Promise.reject(new ValidationError('message', `a request needs at least a 16-byte header, got ${message.length} bytes`));
    const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    // Requests are coalesced into shared datagrams, and the kernel splits them by nlmsg_len:
    // a length that disagrees with the bytes would swallow or shift its neighbours' requests.
    // Arbitrary bytes go through sendRaw() instead.
    const claimed = view.getUint32(0, true);
    if (claimed !== message.length) {
      return Promise.reject(new ValidationError('message', `nlmsg_len says ${claimed} bytes but the message has ${message.length}; send malformed bytes with sendRaw()`));
    }
    const seq = this.nextSeq();
    view.setUint16(6, view.getUint16(6, true) | NLM_F_REQUEST | (opts.noAck ? 0 : NLM_F_ACK), true);
    view.setUint32(8, seq, true);
    return new Promise<MessageRef[]>((resolve, reject) => {
      const p: Pending = { kind: 'request', seq, message, opts, replies: [], resolve, reject, counted: false };
      if (opts.signal) {
        if (opts.signal.aborted) return reject(opts.signal.reason ?? new Error('aborted'));
        const onAbort = (): void => {
          this.forget(p);
          const idx = this.outgoing.indexOf(p, this.outHead);
          if (idx >= 0) this.outgoing.splice(idx, 1);
          reject(opts.signal!.reason ?? new Error('aborted'));
        };
        opts.signal.addEventListener('abort', onAbort, { once: true });
        p.cleanup = () => opts.signal!.removeEventListener('abort', onAbort);
      }
      this.pending.set(seq, p);
      this.outgoing.push(p);
      this.scheduleFlush();
      this.updateRef();
    });
  }

  /**
   * Wait for the reply to a message that the caller sends itself with sendRaw() (a batch).
   * Resolves on ACK, rejects on error. cancel() stops waiting (e.g. after a barrier showed the
   * kernel will not answer this one).
   */
  expectReply(seq: number, message: Uint8Array | undefined, opts: RequestOptions = {}): { promise: Promise<MessageRef[]>; cancel: () => boolean } {
    let pending!: Pending;
    const promise = new Promise<MessageRef[]>((resolve, reject) => {
      pending = { kind: 'request', seq, message: message ?? new Uint8Array(16), opts, replies: [], resolve, reject, counted: false };
    });
    this.pending.set(seq, pending);
    this.updateRef();
    return {
      promise,
      cancel: () => {
        if (this.pending.get(seq) !== pending) return false;
        this.forget(pending);
        pending.resolve(pending.replies);
        return true;
      },
    };
  }

  /** Send bytes as they are, after anything already queued (keeps the kernel's view in order). */
  sendRaw(bytes: Uint8Array, operation = 'send'): void {
    this.assertOpen(operation);
    this.flushNow();
    this.logOut(bytes);
    try {
      this.transmit(bytes);
    } catch (err) {
      throw systemError(err, operation);
    }
  }

  private transmit(bytes: Uint8Array): void {
    if (this.peerPortId) this.native.socketSendTo(this.fd, bytes, this.peerPortId);
    else this.native.socketSend(this.fd, bytes);
  }

  private forget(p: Pending): void {
    if (this.pending.get(p.seq) === p) this.pending.delete(p.seq);
    if (p.counted) { this.inFlight--; p.counted = false; }
    p.cleanup?.();
    if (this.queued()) this.scheduleFlush();
    this.updateRef();
  }

  /** Requests queued and not yet sent. */
  private queued(): number {
    return this.outgoing.length - this.outHead;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Requests made in the same tick (Promise.all over many adds) leave in one sendmsg().
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flushNow();
    });
  }

  private flushNow(): void {
    if (this.closed || this.recoveringOverrun) return;
    if (this.paused && this.queued()) this.resume();
    const q = this.outgoing;
    while (this.outHead < q.length && this.inFlight < this.maxInFlight) {
      const scratch = this.sendScratch;
      let used = 0;
      const batch: Pending[] = [];
      while (this.outHead < q.length && this.inFlight < this.maxInFlight) {
        const p = q[this.outHead]!;
        const len = p.message.length;
        const padded = (len + 3) & ~3;
        if (batch.length && used + padded > scratch.length) break;
        q[this.outHead++] = undefined as unknown as Pending; // let it be collected once settled
        batch.push(p);
        p.counted = true;
        this.inFlight++;
        if (padded > scratch.length) { used = -1; break; } // oversized: sent alone below
        scratch.set(p.message, used);
        scratch.fill(0, used + len, used + padded);
        used += padded;
      }
      if (this.outHead === q.length) {
        q.length = 0;
        this.outHead = 0;
      } else if (this.outHead >= 4096 && this.outHead * 2 >= q.length) {
        q.splice(0, this.outHead); // amortized O(1): compact when half the array is consumed
        this.outHead = 0;
      }
      const bytes = used < 0 ? batch[0]!.message : batch.length === 1 ? batch[0]!.message : scratch.subarray(0, used);
      this.logOut(bytes);
      try {
        this.transmit(bytes);
      } catch (err) {
        for (const p of batch) {
          this.forget(p);
          p.reject(systemError(err, `${this.describe(p.message, p.opts)} (sendmsg)`));
        }
      }
    }
  }

  // ---- bulk ----

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
    this.assertOpen(opts.describe?.(0) ?? 'bulk request');
    const run = this.bulkTail.then(() => this.runBulk(count, write, opts));
    this.bulkTail = run.catch(() => undefined);
    return run;
  }

  private async runBulk(count: number, write: (index: number, w: MessageWriter) => void, opts: BulkOptions): Promise<BulkFailure[]> {
    const failures: BulkFailure[] = [];
    if (count <= 0) return failures;
    // Two chunks are out at a time: while the kernel works through one inside sendto() (on a
    // thread-pool thread), JS writes the next. Their error answers share the receive queue.
    const SLOTS = this.native.socketSendAsync ? 2 : 1;
    let chunkMax = opts.chunk ?? Math.min(4096, Math.max(32, Math.floor(this.receiveBufferSize / BULK_ERROR_COST / SLOTS)));
    const slots = Array.from({ length: SLOTS }, () => ({
      w: new MessageWriter(Math.min(BULK_BYTES + 4096, 64 + count * 128)),
      seqs: new Uint32Array(chunkMax), indices: new Int32Array(chunkMax), starts: new Int32Array(chunkMax),
      answered: Promise.resolve(false) as Promise<boolean>,
    }));
    let sent: Promise<void> = Promise.resolve();
    let i = 0;
    for (let k = 0; i < count; k++) {
      const slot = slots[k % SLOTS]!;
      // The slot's previous chunk must be answered before its buffer is written again.
      if (await slot.answered) chunkMax = Math.max(8, chunkMax >> 2); // it overran: smaller chunks from here on
      if (opts.signal?.aborted) { await Promise.all(slots.map((x) => x.answered)); throw opts.signal.reason ?? new Error('aborted'); }
      this.assertOpen(opts.describe?.(i) ?? 'bulk request');
      if (slot.seqs.length < chunkMax) { slot.seqs = new Uint32Array(chunkMax); slot.indices = new Int32Array(chunkMax); slot.starts = new Int32Array(chunkMax); }
      const { w, seqs, indices, starts } = slot;
      w.reset();
      let n = 0;
      for (; i < count && n < chunkMax && w.pos < BULK_BYTES; i++) {
        const start = w.pos;
        try {
          write(i, w);
          const len = w.pos - start >= 16 ? w.u32At(start) : 0;
          if (len < 16 || start + len !== w.pos) throw new ValidationError('message', `write() must add exactly one message; nlmsg_len says ${len}, ${w.pos - start} bytes were written`);
        } catch (err) {
          w.pos = start;
          failures.push({ index: i, error: err as Error });
          continue;
        }
        const seq = this.nextSeq();
        w.patchFlags(start, NLM_F_REQUEST, NLM_F_ACK);
        w.setSeq(start, seq);
        seqs[n] = seq; indices[n] = i; starts[n] = start;
        n++;
      }
      if (n === 0) continue;
      w.patchFlags(starts[n - 1]!, NLM_F_ACK);
      // In order: the previous chunk has left (sendto returned) before this one goes.
      await sent;
      if (this.recoveringOverrun) await new Promise<void>((r) => this.overrunWaiters.push(r));
      this.assertOpen(opts.describe?.(indices[0]!) ?? 'bulk request');
      const chunk: BulkChunk = {
        firstSeq: seqs[0]!, lastSeq: seqs[n - 1]!, seqs, indices, starts, count: n, bytes: w.bytes(), opts,
        failures, reported: new Set(), overrun: false, finish: () => undefined,
      };
      const out = this.sendChunk(chunk);
      slot.answered = out.answered;
      sent = out.sent;
    }
    for (const x of slots) await x.answered;
    failures.sort((a, b) => a.index - b.index);
    return failures;
  }

  /**
   * Send one chunk. `sent` settles when sendto() returned (the kernel has processed every
   * request of it); `answered` when its last request's answer came (true if the receive queue
   * overran meanwhile).
   */
  private sendChunk(chunk: BulkChunk): { sent: Promise<void>; answered: Promise<boolean> } {
    let sentDone!: () => void;
    const sent = new Promise<void>((r) => { sentDone = r; });
    const answered = new Promise<boolean>((resolve) => {
      chunk.finish = (err?: Error) => {
        const at = this.activeBulks.indexOf(chunk);
        if (at < 0) return; // finished already
        this.activeBulks.splice(at, 1);
        this.updateRef();
        if (err) {
          // Whatever the kernel did not report on is unknown: fail it with the reason.
          for (let k = 0; k < chunk.count; k++) if (!chunk.reported.has(k)) chunk.failures.push({ index: chunk.indices[k]!, error: err });
        }
        resolve(err instanceof OverrunError);
      };
    });
    this.activeBulks.push(chunk);
    this.updateRef();
    const failed = (err: unknown): void => chunk.finish(systemError(err, `${this.bulkDescribe(chunk, 0)} (sendmsg of ${chunk.count} requests)`));
    try {
      this.flushNow(); // anything queued before keeps its place
      this.logOut(chunk.bytes);
      const sendAsync = this.native.socketSendAsync;
      if (sendAsync) {
        this.asyncSends++;
        sendAsync(this.fd, chunk.bytes, this.peerPortId, (errno: number) => {
          this.asyncSends--;
          if (this.closed && this.asyncSends === 0) this.native.socketClose(this.fd);
          if (errno) failed({ errno, syscall: 'sendto' });
          sentDone();
        });
      } else {
        this.transmit(chunk.bytes);
        sentDone();
      }
    } catch (err) {
      failed(err);
      sentDone();
    }
    return { sent, answered };
  }

  /** The bulk chunk whose sequence range holds `seq`, if any. */
  private bulkOf(seq: number): BulkChunk | undefined {
    for (const b of this.activeBulks) if (((seq - b.firstSeq) >>> 0) <= ((b.lastSeq - b.firstSeq) >>> 0)) return b;
    return undefined;
  }

  private bulkDescribe(chunk: BulkChunk, k: number): string {
    return chunk.opts.describe?.(chunk.indices[k]!) ?? this.describe(chunk.bytes.subarray(chunk.starts[k]!), {});
  }

  /** An NLMSG_ERROR for a request of the active bulk chunk (seq in its range). */
  private onBulkAnswer(chunk: BulkChunk, m: MessageRef): void {
    let k = (m.seq - chunk.firstSeq) >>> 0;
    if (k >= chunk.count || chunk.seqs[k] !== m.seq) { // the sequence wrapped inside the chunk
      k = chunk.seqs.subarray(0, chunk.count).indexOf(m.seq);
      if (k < 0) return;
    }
    const e = decodeError(m);
    if (e.errno !== 0) {
      const start = chunk.starts[k]!;
      const len = chunk.bytes[start]! | (chunk.bytes[start + 1]! << 8) | (chunk.bytes[start + 2]! << 16) | (chunk.bytes[start + 3]! << 24);
      const o = chunk.opts;
      const error = this.kernelError({
        seq: m.seq, message: chunk.bytes.slice(start, start + len),
        opts: { operation: this.bulkDescribe(chunk, k), headerSize: o.headerSize, describeAttribute: o.describeAttribute },
      }, e.errno, e.extack);
      chunk.failures.push({ index: chunk.indices[k]!, error });
    }
    chunk.reported.add(k);
    // After an overrun even the final ACK proves nothing about the answers that were dropped.
    if (m.seq === chunk.lastSeq) chunk.finish(chunk.overrun ? this.bulkOverrunError(chunk) : undefined);
  }

  private bulkOverrunError(chunk: BulkChunk): OverrunError {
    return new OverrunError(`${this.bulkDescribe(chunk, 0)} and ${chunk.count - 1} more requests of a bulk chunk (this one's outcome unknown)`);
  }

  // ---- dumps ----

  /** Wait for the socket's dump slot; the slot is taken synchronously when it is free. */
  private acquireDumpTurn(): Promise<void> | undefined {
    if (!this.dumpBusy) {
      this.dumpBusy = true;
      return undefined;
    }
    return new Promise<void>((r) => this.dumpWaiters.push(r));
  }

  private releaseDumpTurn(st: DumpState | undefined): void {
    if (st) {
      if (this.activeDump === st) this.activeDump = undefined;
      if (this.pending.get(st.seq) === st) this.pending.delete(st.seq);
    }
    this.updateRef();
    const next = this.dumpWaiters.shift();
    // Hand the slot straight to the next waiter, so nobody can slip in between.
    if (next) next();
    else this.dumpBusy = false;
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
  async *dumpDatagrams(message: Uint8Array, opts: RequestOptions = {}): AsyncGenerator<MessageChunk, void, undefined> {
    const operation = this.describe(message, opts);
    this.assertOpen(operation);
    const wait = this.acquireDumpTurn();
    if (wait) await wait;
    if (this.closed) {
      this.releaseDumpTurn(undefined);
      throw new SocketClosedError(operation);
    }
    const seq = this.nextSeq();
    const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    view.setUint16(6, view.getUint16(6, true) | NLM_F_REQUEST, true);
    view.setUint32(8, seq, true);
    const st: DumpState = {
      kind: 'dump', seq, message, opts, chunks: [], chunkHead: 0, done: false, error: undefined,
      interrupted: false, received: 0, draining: false, wake: undefined,
    };
    this.activeDump = st;
    this.pending.set(seq, st);
    this.updateRef();
    const onAbort = (): void => {
      st.error ??= opts.signal!.reason ?? new Error('aborted');
      st.wake?.();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let sent = false;
    try {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      this.sendRaw(message, operation);
      sent = true;
      for (;;) {
        if (st.error) throw st.error;
        if (st.chunkHead < st.chunks.length) {
          const chunk = st.chunks[st.chunkHead]!;
          st.chunks[st.chunkHead++] = undefined as unknown as MessageChunk; // not kept past its turn
          if (st.chunkHead === st.chunks.length) { st.chunks.length = 0; st.chunkHead = 0; }
          if (this.paused && st.chunks.length - st.chunkHead <= LOW_WATER) this.resume();
          yield chunk;
          continue;
        }
        if (st.done) break;
        await new Promise<void>((r) => { st.wake = r; });
        st.wake = undefined;
      }
      if (st.interrupted) throw new DumpInterruptedError(operation, st.received);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (sent && !st.done && !this.closed) {
        // The consumer left early: the kernel still has the rest of this dump for us. Read
        // and discard it before the next dump may start (the kernel runs one per socket).
        st.draining = true;
        st.chunks.length = 0;
        st.chunkHead = 0;
        if (this.paused) this.resume();
      } else {
        this.releaseDumpTurn(st);
      }
    }
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

  private pause(): void {
    if (this.paused || !this.pollHandle) return;
    this.paused = true;
    this.native.pollStop(this.pollHandle);
    this.pollHandle = undefined;
  }

  private resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.pollHandle = this.startPoll();
    this.refed = true;
    this.updateRef();
  }

  // ---- receive ----

  private startPoll(): object {
    const cb = (datagrams: Buffer[], errno: number, nsids?: Int32Array): void => this.onReadable(datagrams, errno, nsids);
    return this.pollOptions ? this.native.pollStart(this.fd, cb, this.pollOptions) : this.native.pollStart(this.fd, cb);
  }

  private onReadable(datagrams: Buffer[], errno: number, nsids?: Int32Array): void {
    this.receiveTicks++;
    if (nsids) for (let i = 0; i < datagrams.length; i++) this.onDatagram(datagrams[i]!, nsids[i]! >= 0 ? nsids[i] : undefined);
    else for (const d of datagrams) this.onDatagram(d);
    if (errno) this.onReceiveError(errno);
    const st = this.activeDump;
    // Backpressure: stop reading while a slow consumer has a backlog, but only when nothing
    // else waits on this socket (ACKs of other requests must keep flowing).
    if (st && !st.draining && st.chunks.length - st.chunkHead >= HIGH_WATER && this.pending.size === 1 && this.queued() === 0) this.pause();
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
    for (const b of this.activeBulks) b.overrun = true;
    for (const p of [...this.pending.values()]) {
      const err = new OverrunError(this.describe(p.message, p.opts));
      if (p.kind === 'dump') {
        p.error ??= err;
        p.done = true;
        p.wake?.();
        if (p.draining) this.releaseDumpTurn(p);
      } else {
        this.forget(p);
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
    const check = (): void => {
      if (!this.closed && this.receiveTicks !== seen && !this.paused) {
        seen = this.receiveTicks;
        setImmediate(check);
        return;
      }
      this.recoveringOverrun = false;
      for (const bulk of [...this.activeBulks]) if (bulk.overrun) bulk.finish(this.bulkOverrunError(bulk));
      for (const wake of this.overrunWaiters.splice(0)) wake();
      if (!this.closed) this.flushNow();
    };
    // The first immediate runs in this loop turn (the poll callback that saw ENOBUFS may not
    // have read everything); counting starts from there, so a whole turn is watched.
    setImmediate(() => {
      seen = this.receiveTicks;
      setImmediate(check);
    });
  }

  private onDatagram(d: Buffer, nsid?: number): void {
    if (this.log.enabled) this.logIn(d);
    const buf = new NetlinkBuffer(d);
    const dump = this.activeDump;
    if (dump !== undefined && this.onDumpDatagram(dump, buf, nsid)) return;
    this.walkDatagram(buf, 0, nsid);
  }

  /**
   * The dump fast path, for the datagrams of the active dump (every one of a big dump's):
   * headers read, no object made per message; each run of the dump's data messages becomes
   * one chunk for dumpDatagrams(), NLMSG_DONE/ERROR end the dump. Returns false, having done
   * nothing, when the datagram does not start with a message of the dump; from a message that
   * is not the dump's (another request's reply, a notification) or a malformed header on, the
   * rest goes to walkDatagram(), message by message, as the general path would take it.
   */
  private onDumpDatagram(st: DumpState, buf: NetlinkBuffer, nsid: number | undefined): boolean {
    const view = buf.view;
    const end = buf.length;
    const seq = st.seq;
    const bytes = buf.bytes;
    // Headers read as host-order u32 words (netlink's byte order is the host's): an indexed
    // load is several times cheaper than a DataView call while this loop is still interpreted,
    // as it is for the first tens of thousands of messages of a cold process. Datagrams from
    // the native shim start 4-byte aligned; any other buffer takes the general path.
    if (bytes.byteOffset & 3) return false;
    const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, end >>> 2);
    let pos = 0, runStart = 0, count = 0, interrupted = false;
    while (pos < end) {
      const i = pos >>> 2;
      const length = end - pos >= 16 ? u32[i]! : 0;
      if (length < 16 || length > end - pos || u32[i + 2] !== seq) break;
      const typeFlags = u32[i + 1]!;
      const type = LITTLE_ENDIAN ? typeFlags & 0xffff : typeFlags >>> 16;
      if (type !== 0 && type <= NLMSG_OVERRUN) break; // a control message of the dump
      if ((LITTLE_ENDIAN ? typeFlags >>> 16 : typeFlags & 0xffff) & NLM_F_DUMP_INTR) interrupted = true;
      count++;
      pos += (length + 3) & ~3;
    }
    if (pos === 0 && pos < end) {
      const length = end >= 16 ? view.getUint32(0, true) : 0;
      if (length < 16 || length > end || view.getUint32(8, true) !== seq) return false;
    }
    if (count) {
      if (interrupted) st.interrupted = true;
      st.received += count;
      this.pushChunk(st, buf, runStart, Math.min(pos, end), count);
    }
    if (pos >= end) return true;
    const length = view.getUint32(pos, true);
    const type = view.getUint16(pos + 4, true);
    if (length >= 16 && length <= end - pos && view.getUint32(pos + 8, true) === seq && type !== 0 && type <= NLMSG_OVERRUN) {
      const next = pos + ((length + 3) & ~3);
      if (type === NLMSG_DONE || type === NLMSG_ERROR) {
        this.finishDump(st, this.messageAt(buf, pos, length));
        if (next < end) this.walkDatagram(buf, next, nsid); // never from the kernel
        return true;
      }
      // NLMSG_NOOP, NLMSG_OVERRUN: skipped, as before; the rest is taken the same way.
      if (next < end) this.walkDatagram(buf, next, nsid);
      return true;
    }
    this.walkDatagram(buf, pos, nsid);
    return true;
  }

  private pushChunk(st: DumpState, buf: NetlinkBuffer, start: number, end: number, count: number): void {
    if (st.draining) return;
    st.chunks.push({ buf, start, end, count });
    st.wake?.();
  }

  private messageAt(buf: NetlinkBuffer, pos: number, length: number): MessageRef {
    const view = buf.view;
    return {
      length, type: view.getUint16(pos + 4, true), flags: view.getUint16(pos + 6, true), seq: view.getUint32(pos + 8, true),
      portId: view.getUint32(pos + 12, true), buf, offset: pos, payloadStart: pos + 16, end: pos + length,
    };
  }

  /** The general receive path: each message of the datagram from `start` on, dispatched by its seq. */
  private walkDatagram(buf: NetlinkBuffer, start: number, nsid: number | undefined): void {
    const dumpSeq = this.activeDump?.seq;
    let runStart = -1, runEnd = 0, count = 0;
    try {
      walkMessages(buf, (m) => {
        if (m.seq === dumpSeq && this.activeDump) {
          const st = this.activeDump;
          if (m.type === NLMSG_DONE || m.type === NLMSG_ERROR) {
            this.finishDump(st, m);
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
        if (this.activeBulks.length && m.type === NLMSG_ERROR) {
          const bulk = this.bulkOf(m.seq);
          if (bulk) {
            this.onBulkAnswer(bulk, m);
            return;
          }
        }
        const p = this.pending.get(m.seq);
        if (!p || p.kind !== 'request') {
          this.onNotification?.(m, nsid);
          return;
        }
        if (m.type === NLMSG_ERROR) {
          // ACK fast path: a plain kernel ACK (error 0, capped, no TLVs) needs no decoding:
          // decodeError would copy the echoed header, and nothing of it is used. 100k route adds
          // get 100k ACKs. Anything else (short, uncapped, with TLVs) goes through decodeError
          // exactly as before, malformed ones included.
          if ((m.flags & (NLM_F_CAPPED | NLM_F_ACK_TLVS)) === NLM_F_CAPPED && m.end - m.payloadStart >= 20
            && m.buf.view.getInt32(m.payloadStart, true) === 0) {
            this.forget(p);
            p.resolve(p.replies);
            return;
          }
          const e = decodeError(m);
          this.forget(p);
          if (e.errno === 0) p.resolve(p.replies);
          else p.reject(this.kernelError(p, e.errno, e.extack));
          return;
        }
        if (m.type === NLMSG_DONE) {
          // A GET answered with a dump-style ending (some families do); treat as the end.
          const d2 = decodeDone(m);
          this.forget(p);
          if (d2.errno) p.reject(this.kernelError(p, d2.errno, d2.extack));
          else p.resolve(p.replies);
          return;
        }
        p.replies.push(m);
        if (p.opts.noAck) { this.forget(p); p.resolve(p.replies); }
      }, start);
    } catch (err) {
      // Malformed bytes from the kernel (or a foreign sender): fail what this datagram was for.
      this.log('%s: undecodable datagram: %s', this.name, (err as Error).message);
      const st = this.activeDump;
      if (st && !st.done) {
        st.error = err as Error;
        st.wake?.();
      }
    }
    const st = this.activeDump;
    if (count && st && st.seq === dumpSeq) {
      if (runEnd - runStart === this.runBytes(buf, runStart, count)) this.pushChunk(st, buf, runStart, runEnd, count);
      else this.pushChunk(st, ...this.copyDumpMessages(buf, runStart, runEnd, dumpSeq));
    }
  }

  /** Bytes that `count` messages from `start` take, padded, when they lie back to back. */
  private runBytes(buf: NetlinkBuffer, start: number, count: number): number {
    let pos = start;
    for (let i = 0; i < count && pos + 16 <= buf.length; i++) pos += (buf.view.getUint32(pos, true) + 3) & ~3;
    return Math.min(pos, buf.length) - start;
  }

  /**
   * The dump's data messages of [start, end) copied back to back into a new buffer, without
   * the other messages interleaved with them (a mixed datagram: only from a foreign sender).
   */
  private copyDumpMessages(buf: NetlinkBuffer, start: number, end: number, seq: number): [NetlinkBuffer, number, number, number] {
    const parts: Uint8Array[] = [];
    let total = 0;
    walkMessages(buf, (m) => {
      if (m.seq !== seq || (m.type !== 0 && m.type <= NLMSG_OVERRUN)) return;
      const padded = Math.min((m.length + 3) & ~3, buf.length - m.offset);
      parts.push(buf.bytes.subarray(m.offset, m.offset + padded));
      total += (m.length + 3) & ~3;
    }, start, end);
    const out = new Uint8Array(total);
    let pos = 0;
    for (const p of parts) { out.set(p, pos); pos += (p.length + 3) & ~3; }
    return [new NetlinkBuffer(out), 0, total, parts.length];
  }

  private finishDump(st: DumpState, m: MessageRef): void {
    const r = m.type === NLMSG_DONE ? decodeDone(m) : (() => { const e = decodeError(m); return { errno: e.errno, extack: e.extack }; })();
    if (r.errno && !st.draining) st.error = this.kernelError(st, r.errno, r.extack);
    st.done = true;
    if (st.draining) this.releaseDumpTurn(st);
    else {
      if (this.pending.get(st.seq) === st) this.pending.delete(st.seq);
      st.wake?.();
    }
    this.updateRef();
  }

  private kernelError(p: { seq: number; message: Uint8Array; opts: RequestOptions }, errno: number, extack: NetlinkError['extack']): NetlinkError {
    let attributePath: number[] | undefined;
    if (extack.offset !== undefined && p.opts.headerSize !== undefined) {
      attributePath = attributePathAt(p.message, p.opts.headerSize, extack.offset);
    }
    const type = p.message.length >= 6 ? p.message[4]! | (p.message[5]! << 8) : undefined;
    const err = new NetlinkError({
      errno, extack, seq: p.seq, attributePath, requestType: type,
      operation: this.describe(p.message, p.opts),
    });
    if (attributePath?.length && p.opts.describeAttribute) err.rename(p.opts.describeAttribute(attributePath));
    return err;
  }

  private logOut(bytes: Uint8Array): void {
    if (!this.log.enabled) return;
    try {
      walkMessages(new NetlinkBuffer(bytes), (m) => {
        this.log('%s: send %s len=%d flags=0x%s seq=%d', this.name, this.typeName(m.type) ?? m.type, m.length, m.flags.toString(16), m.seq);
      });
    } catch {
      // sendRaw() may carry deliberately malformed bytes (fuzzing): logging must not throw.
      this.log('%s: send undecodable datagram of %d bytes', this.name, bytes.length);
    }
    if (this.hex) this.log('%s', hexdump(bytes));
  }

  private logIn(d: Uint8Array): void {
    try {
      walkMessages(new NetlinkBuffer(d), (m) => {
        this.log('%s: recv %s len=%d flags=0x%s seq=%d', this.name, this.typeName(m.type) ?? m.type, m.length, m.flags.toString(16), m.seq);
      });
    } catch {
      this.log('%s: recv undecodable datagram of %d bytes', this.name, d.length);
    }
    if (this.hex) this.log('%s', hexdump(d));
  }

  /** Release the fd and the poll handle; pending operations reject with SocketClosedError. */
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
    for (const bulk of [...this.activeBulks]) bulk.finish(new SocketClosedError('bulk request'));
    for (const wake of this.overrunWaiters.splice(0)) wake();
    this.outgoing.length = 0;
    this.outHead = 0;
    this.activeDump = undefined;
    for (const w of this.dumpWaiters.splice(0)) w();
    this.log('%s: closed', this.name);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
