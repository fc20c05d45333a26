// Buffered, backpressure-aware writing to stdout: text is collected into chunks of ~64 KiB and
// written with process.stdout.write; when the stream's buffer is full (a slow pipe) the writer
// waits for 'drain', so a dump of any size streams in constant memory.
import { once } from 'node:events';

const CHUNK = 1 << 16;

export class Output {
  private buf = '';
  private broken = false;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // The reader went away (`| head`): stop quietly, as ip does under SIGPIPE.
      if (err.code === 'EPIPE') {
        this.broken = true;
        process.exit(process.exitCode ?? 0);
      }
      throw err;
    });
  }

  /** Append text; returns a promise only when the caller must wait before writing more. */
  write(s: string): Promise<void> | undefined {
    this.buf += s;
    if (this.buf.length >= CHUNK) return this.flush();
    return undefined;
  }

  /** Write out what is buffered; resolves when the stream can take more. */
  flush(): Promise<void> | undefined {
    if (!this.buf || this.broken) return undefined;
    const s = this.buf;
    this.buf = '';
    if (this.stream.write(s)) return undefined;
    return once(this.stream, 'drain').then(() => undefined);
  }

  /** Flush and wait until everything was handed to the OS. */
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
