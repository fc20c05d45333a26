// Dump iteration: one dump at a time per socket (the kernel runs no more), its datagrams yielded
// as chunks of undecoded messages with backpressure, NLMSG_DONE/ERROR and NLM_F_DUMP_INTR handled,
// and an early exit drained in the background before the next dump may start.
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_OVERRUN, NLM_F_DUMP_INTR, NLM_F_REQUEST } from './constants.js';
import { DumpInterruptedError, SocketClosedError } from './errors.js';
import { decodeDone, decodeError, walkMessages, type MessageChunk, type MessageRef } from './message.js';
import { NetlinkBuffer } from './reader.js';
import type { RequestOptions } from './socket-options.js';
import type { SocketCore } from './socket-core.js';

export interface DumpState {
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

// Netlink headers are in host byte order; the u32 view of a datagram's headers depends on it.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Chunks (datagrams) buffered for a slow consumer before reading pauses, and when it resumes. */
export const HIGH_WATER = 16;
const LOW_WATER = 4;

function messageAt(buf: NetlinkBuffer, pos: number, length: number): MessageRef {
  const view = buf.view;
  return {
    length, type: view.getUint16(pos + 4, true), flags: view.getUint16(pos + 6, true), seq: view.getUint32(pos + 8, true),
    portId: view.getUint32(pos + 12, true), buf, offset: pos, payloadStart: pos + 16, end: pos + length,
  };
}

export class DumpRunner {
  /** The dump running now (its messages are recognised by its sequence number). */
  active: DumpState | undefined;
  private readonly waiters: Array<() => void> = [];
  private busy = false;

  constructor(private readonly core: SocketCore) {}

  /** Wait for the socket's dump slot; the slot is taken synchronously when it is free. */
  private acquireTurn(): Promise<void> | undefined {
    if (!this.busy) {
      this.busy = true;
      return undefined;
    }
    return new Promise<void>((r) => this.waiters.push(r));
  }

  releaseTurn(st: DumpState | undefined): void {
    if (st) {
      if (this.active === st) this.active = undefined;
      if (this.core.pending.get(st.seq) === st) this.core.pending.delete(st.seq);
    }
    this.core.updateRef();
    const next = this.waiters.shift();
    // Hand the slot straight to the next waiter, so nobody can slip in between.
    if (next) next();
    else this.busy = false;
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
  async *datagrams(message: Uint8Array, opts: RequestOptions): AsyncGenerator<MessageChunk, void, undefined> {
    const core = this.core;
    const operation = core.describe(message, opts);
    core.assertOpen(operation);
    const wait = this.acquireTurn();
    if (wait) await wait;
    if (core.closed) {
      this.releaseTurn(undefined);
      throw new SocketClosedError(operation);
    }
    const seq = core.nextSeq();
    const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    view.setUint16(6, view.getUint16(6, true) | NLM_F_REQUEST, true);
    view.setUint32(8, seq, true);
    const st: DumpState = {
      kind: 'dump', seq, message, opts, chunks: [], chunkHead: 0, done: false, error: undefined,
      interrupted: false, received: 0, draining: false, wake: undefined,
    };
    this.active = st;
    this.core.pending.set(seq, st);
    this.core.updateRef();
    const onAbort = (): void => {
      st.error ??= opts.signal!.reason ?? new Error('aborted');
      st.wake?.();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let sent = false;
    try {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      core.sendRaw(message, operation);
      sent = true;
      for (;;) {
        if (st.error) throw st.error;
        if (st.chunkHead < st.chunks.length) {
          const chunk = st.chunks[st.chunkHead]!;
          st.chunks[st.chunkHead++] = undefined as unknown as MessageChunk; // not kept past its turn
          if (st.chunkHead === st.chunks.length) { st.chunks.length = 0; st.chunkHead = 0; }
          if (core.paused && st.chunks.length - st.chunkHead <= LOW_WATER) core.resume();
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
      if (sent && !st.done && !core.closed) {
        // The consumer left early: the kernel still has the rest of this dump for us. Read
        // and discard it before the next dump may start (the kernel runs one per socket).
        st.draining = true;
        st.chunks.length = 0;
        st.chunkHead = 0;
        if (core.paused) core.resume();
      } else {
        this.releaseTurn(st);
      }
    }
  }

  /**
   * The dump fast path, for the datagrams of the active dump (every one of a big dump's):
   * headers read, no object made per message; each run of the dump's data messages becomes
   * one chunk for dumpDatagrams(), NLMSG_DONE/ERROR end the dump. Returns false, having done
   * nothing, when the datagram does not start with a message of the dump; from a message that
   * is not the dump's (another request's reply, a notification) or a malformed header on, the
   * rest goes to walkDatagram(), message by message, as the general path would take it.
   */
  onDatagram(st: DumpState, buf: NetlinkBuffer, nsid: number | undefined): boolean {
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
        this.finish(st, messageAt(buf, pos, length));
        if (next < end) this.core.walkDatagram(buf, next, nsid); // never from the kernel
        return true;
      }
      // NLMSG_NOOP, NLMSG_OVERRUN: skipped, as before; the rest is taken the same way.
      if (next < end) this.core.walkDatagram(buf, next, nsid);
      return true;
    }
    this.core.walkDatagram(buf, pos, nsid);
    return true;
  }

  pushChunk(st: DumpState, buf: NetlinkBuffer, start: number, end: number, count: number): void {
    if (st.draining) return;
    st.chunks.push({ buf, start, end, count });
    st.wake?.();
  }

  /** Bytes that `count` messages from `start` take, padded, when they lie back to back. */
  runBytes(buf: NetlinkBuffer, start: number, count: number): number {
    let pos = start;
    for (let i = 0; i < count && pos + 16 <= buf.length; i++) pos += (buf.view.getUint32(pos, true) + 3) & ~3;
    return Math.min(pos, buf.length) - start;
  }

  /**
   * The dump's data messages of [start, end) copied back to back into a new buffer, without
   * the other messages interleaved with them (a mixed datagram: only from a foreign sender).
   */
  copyMessages(buf: NetlinkBuffer, start: number, end: number, seq: number): [NetlinkBuffer, number, number, number] {
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

  finish(st: DumpState, m: MessageRef): void {
    const r = m.type === NLMSG_DONE ? decodeDone(m) : (() => { const e = decodeError(m); return { errno: e.errno, extack: e.extack }; })();
    if (r.errno && !st.draining) st.error = this.core.kernelError(st, r.errno, r.extack);
    st.done = true;
    if (st.draining) this.releaseTurn(st);
    else {
      if (this.core.pending.get(st.seq) === st) this.core.pending.delete(st.seq);
      st.wake?.();
    }
    this.core.updateRef();
  }

  /** The socket closed: waiting dumps go on to find it closed. */
  close(): void {
    this.active = undefined;
    for (const w of this.waiters.splice(0)) w();
  }
}
