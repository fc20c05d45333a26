// Buffered writing to stdout. Text is encoded into one reused chunk (256 KiB) and handed to the
// kernel with a single fs.writeSync on fd 1 when it fills: no process.stdout stream is built
// (on a pipe that costs the net/stream modules at start-up), no Buffer per write.
//
// fd 1 is normally blocking (files, terminals, pipes from a shell): writeSync waits for a slow
// reader, so a dump of any size streams in constant memory. If it is non-blocking (a parent
// shared an O_NONBLOCK pipe, or something created process.stdout, which sets it), writeSync
// fails with EAGAIN: from then on everything goes through process.stdout.write, which queues in
// libuv, and callers wait for 'drain'. EPIPE (the reader went away, `| head`): the rest is
// dropped and the command ends as it would have, with its own exit status (ip dies of
// SIGPIPE; node ignores that signal, and a forced exit here would skip node's teardown).
import { writeSync } from 'node:fs';
import { once } from 'node:events';

const CHUNK = 1 << 18;
/** The most bytes one UTF-16 code unit can take in UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

export class Output {
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  /** Set once fd writes met EAGAIN (or a stream was given): everything then goes through it. */
  private stream: NodeJS.WritableStream | undefined;
  /** The reader went away (EPIPE): nothing more is written. */
  private closed = false;

  /**
   * `fd`: the file descriptor written with writeSync (1: stdout). `stream`: write through a
   * stream instead (tests; also what fd writes fall back to on EAGAIN).
   */
  constructor(private readonly fd = 1, stream?: NodeJS.WritableStream) {
    if (stream) this.useStream(stream);
  }

  private useStream(stream: NodeJS.WritableStream): void {
    this.stream = stream;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      this.closed = true;
    });
  }

  /** Append text; returns a promise only when the caller must wait before writing more. */
  write(s: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (s.length * MAX_BYTES_PER_UNIT <= CHUNK - this.pos) {
      this.pos += this.buf.write(s, this.pos, 'utf8');
      return undefined;
    }
    const p = this.flush();
    if (s.length * MAX_BYTES_PER_UNIT > CHUNK) {
      // Larger than a chunk: written on its own, after what was buffered.
      const b = Buffer.from(s, 'utf8');
      return p ? p.then(() => this.send(b)) : this.send(b);
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return p;
  }

  /** Write out what is buffered; resolves when more may be written. */
  flush(): Promise<void> | undefined {
    if (this.pos === 0) return undefined;
    const n = this.pos;
    this.pos = 0;
    // The chunk is reused at once, so what goes to a stream is a copy.
    return this.send(this.stream ? Buffer.from(this.buf.subarray(0, n)) : this.buf.subarray(0, n));
  }

  /** Bytes to fd 1 (or the stream once there is one); the promise, if any, waits for 'drain'. */
  private send(b: Buffer): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.stream) return this.toStream(b);
    let off = 0;
    while (off < b.length) {
      try {
        off += writeSync(this.fd, b, off, b.length - off);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          this.closed = true;
          return undefined;
        }
        if (code !== 'EAGAIN') throw err;
        // Non-blocking fd: let libuv wait for it from here on (order is kept: the rest of
        // this write goes first, and every later write follows it through the same stream).
        this.useStream(this.fd === 2 ? process.stderr : process.stdout);
        return this.toStream(Buffer.from(b.subarray(off)));
      }
    }
    return undefined;
  }

  private toStream(b: Buffer): Promise<void> | undefined {
    if (this.stream!.write(b)) return undefined;
    // An EPIPE instead of 'drain' ends the wait too (once() rejects on 'error').
    return once(this.stream!, 'drain').then(() => undefined, () => undefined);
  }

  /** Flush and wait until everything was handed to the OS (or the stream). */
  async end(): Promise<void> {
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
  constructor(private readonly out: Output, private readonly pretty = false) {}

  /** The separator before the next item (for callers that concatenate items themselves). */
  sep(): string {
    const sep = this.count++ === 0 ? '[' : ',';
    return this.pretty ? `${sep}\n` : sep;
  }

  item(json: string): Promise<void> | undefined {
    return this.out.write(this.sep() + json);
  }

  end(): Promise<void> | undefined {
    return this.out.write(this.count === 0 ? '[]\n' : this.pretty ? '\n]\n' : ']\n');
  }
}
