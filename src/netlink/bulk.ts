// bulk(): many requests per sendmsg(), only failures answered. Requests go without NLM_F_ACK
// (netlink acknowledges an unflagged request only when it fails); the last request of each chunk
// carries NLM_F_ACK, and its answer proves every request before it was processed, in order.
import { NLM_F_ACK, NLM_F_REQUEST } from './constants.js';
import { OverrunError, ValidationError, systemError } from './errors.js';
import { decodeError, type MessageRef } from './message.js';
import type { BulkFailure, BulkOptions } from './socket-options.js';
import type { SocketCore } from './socket-core.js';
import { MessageWriter } from './writer.js';

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

export class BulkSender {
  /** Chunks sent and not yet answered (at most two, in sequence order). */
  readonly active: BulkChunk[] = [];
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly core: SocketCore) {}

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
  run(count: number, write: (index: number, w: MessageWriter) => void, opts: BulkOptions): Promise<BulkFailure[]> {
    this.core.assertOpen(opts.describe?.(0) ?? 'bulk request');
    const run = this.tail.then(() => this.runBulk(count, write, opts));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async runBulk(count: number, write: (index: number, w: MessageWriter) => void, opts: BulkOptions): Promise<BulkFailure[]> {
    const failures: BulkFailure[] = [];
    if (count <= 0) return failures;
    // Two chunks are out at a time: while the kernel works through one inside sendto() (on a
    // thread-pool thread), JS writes the next. Their error answers share the receive queue.
    const SLOTS = this.core.native.socketSendAsync ? 2 : 1;
    let chunkMax = opts.chunk ?? Math.min(4096, Math.max(32, Math.floor(this.core.receiveBufferSize / BULK_ERROR_COST / SLOTS)));
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
      this.core.assertOpen(opts.describe?.(i) ?? 'bulk request');
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
        const seq = this.core.nextSeq();
        w.patchFlags(start, NLM_F_REQUEST, NLM_F_ACK);
        w.setSeq(start, seq);
        seqs[n] = seq; indices[n] = i; starts[n] = start;
        n++;
      }
      if (n === 0) continue;
      w.patchFlags(starts[n - 1]!, NLM_F_ACK);
      // In order: the previous chunk has left (sendto returned) before this one goes.
      await sent;
      if (this.core.recoveringOverrun) await new Promise<void>((r) => this.core.overrunWaiters.push(r));
      this.core.assertOpen(opts.describe?.(indices[0]!) ?? 'bulk request');
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
        const at = this.active.indexOf(chunk);
        if (at < 0) return; // finished already
        this.active.splice(at, 1);
        this.core.updateRef();
        if (err) {
          // Whatever the kernel did not report on is unknown: fail it with the reason.
          for (let k = 0; k < chunk.count; k++) if (!chunk.reported.has(k)) chunk.failures.push({ index: chunk.indices[k]!, error: err });
        }
        resolve(err instanceof OverrunError);
      };
    });
    this.active.push(chunk);
    this.core.updateRef();
    const failed = (err: unknown): void => chunk.finish(systemError(err, `${this.describe(chunk, 0)} (sendmsg of ${chunk.count} requests)`));
    try {
      this.core.requests.flushNow(); // anything queued before keeps its place
      this.core.logOut(chunk.bytes);
      const sendAsync = this.core.native.socketSendAsync;
      if (sendAsync) {
        const core = this.core;
        core.asyncSends++;
        sendAsync(core.fd, chunk.bytes, core.peerPortId, (errno: number) => {
          core.asyncSends--;
          if (core.closed && core.asyncSends === 0) core.native.socketClose(core.fd);
          if (errno) failed({ errno, syscall: 'sendto' });
          sentDone();
        });
      } else {
        this.core.transmit(chunk.bytes);
        sentDone();
      }
    } catch (err) {
      failed(err);
      sentDone();
    }
    return { sent, answered };
  }

  /** The bulk chunk whose sequence range holds `seq`, if any. */
  chunkOf(seq: number): BulkChunk | undefined {
    for (const b of this.active) if (((seq - b.firstSeq) >>> 0) <= ((b.lastSeq - b.firstSeq) >>> 0)) return b;
    return undefined;
  }

  private describe(chunk: BulkChunk, k: number): string {
    return chunk.opts.describe?.(chunk.indices[k]!) ?? this.core.describe(chunk.bytes.subarray(chunk.starts[k]!), {});
  }

  /** An NLMSG_ERROR for a request of the active bulk chunk (seq in its range). */
  onAnswer(chunk: BulkChunk, m: MessageRef): void {
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
      const error = this.core.kernelError({
        seq: m.seq, message: chunk.bytes.slice(start, start + len),
        opts: { operation: this.describe(chunk, k), headerSize: o.headerSize, describeAttribute: o.describeAttribute },
      }, e.errno, e.extack);
      chunk.failures.push({ index: chunk.indices[k]!, error });
    }
    chunk.reported.add(k);
    // After an overrun even the final ACK proves nothing about the answers that were dropped.
    if (m.seq === chunk.lastSeq) chunk.finish(chunk.overrun ? this.overrunError(chunk) : undefined);
  }

  overrunError(chunk: BulkChunk): OverrunError {
    return new OverrunError(`${this.describe(chunk, 0)} and ${chunk.count - 1} more requests of a bulk chunk (this one's outcome unknown)`);
  }

  /** The receive queue overran: every chunk out will report what it did not hear as unknown. */
  markOverrun(): void {
    for (const b of this.active) b.overrun = true;
  }

  /** The overrun is over (the queue was read empty): chunks that lost answers end now. */
  endOverrun(): void {
    for (const bulk of [...this.active]) if (bulk.overrun) bulk.finish(this.overrunError(bulk));
  }

  close(err: Error): void {
    for (const bulk of [...this.active]) bulk.finish(err);
  }
}
