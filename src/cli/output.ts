// Buffered writing to stdout. Text is encoded straight into one reused chunk (256 KiB) and the
// chunk is handed to the kernel with a single fs.writeSync on fd 1 when it fills: no
// process.stdout stream is built (on a pipe that costs the net/stream modules at start-up), no
// Buffer per write, no 64 KiB strings kept as cons-string trees until they are flattened.
//
// fd 1 is normally blocking (files, terminals, pipes from a shell): writeSync waits for a slow
// reader, so a dump of any size streams in constant memory. If it is non-blocking (a parent
// shared an O_NONBLOCK pipe, or something created process.stdout, which sets it), writeSync
// fails with EAGAIN: from then on everything goes through process.stdout.write, which queues in
// libuv, and callers wait for 'drain' as before. EPIPE (the reader went away, `| head`) ends the
// process quietly with the current exit status, as ip does under SIGPIPE.
import { writeSync } from 'node:fs';
import { once } from 'node:events';

const CHUNK = 1 << 18;
/** The most bytes one UTF-16 code unit can take in UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

function quietExit(): never {
  process.exit(process.exitCode ?? 0);
}

export class Output {
  /** The chunk, and how much of it is filled: byte writers (route-json.ts) write here directly after room(). */
  buf: Buffer;
  pos = 0;
  /**
   * While holding (hold()), full chunks are kept here instead of being written: text that may
   * still be taken back (discard()) or let go (release()).
   */
  private held: Buffer[] | undefined;
  /** The bytes in `held`. */
  private heldSize = 0;
  /** A 'drain' to wait for, left by a flush that room() could not wait for. */
  private waiting: Promise<void> | undefined;
  /** Set once fd writes met EAGAIN (or a stream was given): everything then goes through it. */
  private stream: NodeJS.WritableStream | undefined;

  /**
   * `fd`: the file descriptor written with writeSync (1: stdout). `stream`: write through a
   * stream instead (tests; also what fd writes fall back to on EAGAIN).
   */
  constructor(private readonly fd = 1, stream?: NodeJS.WritableStream) {
    this.buf = Buffer.allocUnsafe(CHUNK);
    if (stream) this.useStream(stream);
  }

  private useStream(stream: NodeJS.WritableStream): void {
    this.stream = stream;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') quietExit();
      throw err;
    });
  }

  /** Append text; returns a promise only when the caller must wait before writing more. */
  write(s: string): Promise<void> | undefined {
    if (this.held && s.length * MAX_BYTES_PER_UNIT > CHUNK - this.pos) {
      this.room(CHUNK);
      if (s.length * MAX_BYTES_PER_UNIT > CHUNK) {
        const b = Buffer.from(s, 'utf8');
        this.held.push(b);
        this.heldSize += b.length;
        return undefined;
      }
    }
    if (s.length * MAX_BYTES_PER_UNIT > CHUNK - this.pos) {
      const p = this.flush();
      if (s.length * MAX_BYTES_PER_UNIT > CHUNK) {
        // Larger than a chunk: write it on its own (after what was buffered).
        if (p) return p.then(() => this.send(Buffer.from(s, 'utf8')));
        return this.send(Buffer.from(s, 'utf8'));
      }
      if (p) {
        this.pos += this.buf.write(s, this.pos, 'utf8');
        return p;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return undefined;
  }

  /** Makes n bytes free in `buf` from `pos` (n <= the chunk size), flushing if needed. */
  room(n: number): void {
    if (CHUNK - this.pos >= n) return;
    if (this.held) {
      this.held.push(this.buf.subarray(0, this.pos));
      this.heldSize += this.pos;
      this.buf = Buffer.allocUnsafe(CHUNK);
      this.pos = 0;
      return;
    }
    const p = this.flush();
    if (p) this.waiting = this.waiting ? this.waiting.then(() => p) : p;
  }

  /** What a byte writer must wait for before writing more (a slow non-blocking stdout), if anything. */
  pending(): Promise<void> | undefined {
    const p = this.waiting;
    this.waiting = undefined;
    return p;
  }

  /**
   * From now on keep what is written (byte writers only: room() and buf/pos) until release() or
   * discard(); nothing may be buffered yet. What a dump prints while the kernel is still
   * producing it is held this way, because a dump the kernel flags inconsistent
   * (NLM_F_DUMP_INTR) is run again and its first text must not have been printed.
   */
  hold(): void {
    if (this.pos !== 0 || this.held) throw new Error('Output.hold: output already buffered or held');
    this.held = [];
  }

  /** How many bytes are held (full chunks; the current one not counted). */
  get heldBytes(): number {
    return this.heldSize;
  }

  /** Drops everything written since hold(), and keeps holding. */
  discard(): void {
    if (!this.held) throw new Error('Output.discard: not holding');
    this.held = [];
    this.heldSize = 0;
    this.pos = 0;
  }

  /** Stops holding: what was held is written out (in order) with the current chunk's text after it. */
  async release(): Promise<void> {
    const held = this.held;
    if (!held) throw new Error('Output.release: not holding');
    this.held = undefined;
    this.heldSize = 0;
    for (const chunk of held) {
      const p = this.send(chunk);
      if (p) await p;
    }
  }

  /** Write out what is buffered; resolves when more may be written. */
  flush(): Promise<void> | undefined {
    if (this.held) throw new Error('Output.flush: holding (release() first)');
    if (this.pos === 0) return undefined;
    const n = this.pos;
    this.pos = 0;
    // The chunk is reused at once, so what goes to a stream is a copy.
    if (this.stream) return this.toStream(Buffer.from(this.buf.subarray(0, n)));
    return this.send(this.buf, n);
  }

  /** Bytes to fd 1 (or the stream once there is one); the promise, if any, waits for 'drain'. */
  private send(b: Buffer, n = b.length): Promise<void> | undefined {
    if (this.stream) return this.toStream(b === this.buf ? Buffer.from(b.subarray(0, n)) : b.subarray(0, n));
    let off = 0;
    while (off < n) {
      try {
        off += writeSync(this.fd, b, off, n - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') quietExit();
        if (code !== 'EAGAIN') throw err;
        // Non-blocking fd: let libuv wait for it from here on (order is kept: the rest of
        // this write goes first, and every later write follows it through the same stream).
        this.useStream(this.fd === 2 ? process.stderr : process.stdout);
        return this.toStream(Buffer.from(b.subarray(off, n)));
      }
    }
    return undefined;
  }

  private toStream(b: Buffer): Promise<void> | undefined {
    if (this.stream!.write(b)) return undefined;
    return once(this.stream!, 'drain').then(() => undefined);
  }

  /** Flush and wait until everything was handed to the OS (or the stream). */
  async end(): Promise<void> {
    const w = this.pending();
    if (w) await w;
    const p = this.flush();
    if (p) await p;
  }
}

/**
 * Streams a JSON array: `[` on first item, `,` between, `]` at the end; `[]` when empty.
 * Items are already-serialised JSON text.
 */
export class JsonArrayWriter {
  private count = 0;
  /** Whether the '[' was written (byte writers write their items' separators themselves). */
  get started(): boolean {
    return this.count > 0;
  }
  set started(v: boolean) {
    if (v && this.count === 0) this.count = 1;
  }
  constructor(private readonly out: Output, private readonly pretty = false) {}

  /** The separator before the next item (for callers that concatenate items themselves). */
  sep(): string {
    const sep = this.count === 0 ? '[' : ',';
    this.count++;
    return this.pretty ? `${sep}\n` : sep;
  }

  item(json: string): Promise<void> | undefined {
    const sep = this.count++ === 0 ? '[' : ',';
    return this.out.write(this.pretty ? `${sep}\n${json}` : sep + json);
  }

  end(): Promise<void> | undefined {
    return this.out.write(this.count === 0 ? '[]\n' : this.pretty ? '\n]\n' : ']\n');
  }
}
