// Dumps that survive change. The kernel flags a dump NLM_F_DUMP_INTR when the table it walks
// changed between two of its datagrams (a link added while the link dump was half sent): the
// result may then miss or repeat entries. A list call takes the dump again, a bounded number
// of times with a short randomised backoff (writers come in bursts; retrying at once tends to
// land in the same burst), and returns the first consistent one. With `consistent: false` the
// first result is returned as it came, marked `interrupted: true` when the kernel flagged it.
import { DumpInterruptedError } from './errors.js';

export interface ConsistencyOptions {
  /** Default true: retry a dump the kernel flags inconsistent; false returns it marked. */
  consistent?: boolean;
  /** Attempts before giving up with DumpInterruptedError (default 10). */
  attempts?: number;
  /** Called each time a dump came back flagged (attempt numbers start at 1). */
  onInterrupted?: (attempt: number) => void;
  signal?: AbortSignal;
}

/** A list as a dump returned it; `interrupted` only when it is partial (consistent: false). */
export type DumpList<T> = T[] & { interrupted?: true };

export const DEFAULT_DUMP_ATTEMPTS = 10;

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Run `take` (one whole dump, pushing its items into `out`, including any name-resolving dump
 * it does first) until no part of it was flagged NLM_F_DUMP_INTR.
 */
export async function consistentDump<T>(operation: string, opts: ConsistencyOptions, take: (out: T[]) => Promise<void>): Promise<DumpList<T>> {
  const attempts = Math.max(1, opts.attempts ?? DEFAULT_DUMP_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    const out: DumpList<T> = [];
    try {
      await take(out);
      return out;
    } catch (err) {
      if (!(err instanceof DumpInterruptedError)) throw err;
      opts.onInterrupted?.(attempt);
      if (opts.consistent === false) {
        out.interrupted = true;
        return out;
      }
      if (attempt >= attempts || opts.signal?.aborted) {
        throw new DumpInterruptedError(`${operation} (inconsistent in each of ${attempt} attempts)`, err.received, out);
      }
      // 1, 2, 4 ... 64 ms, times 0.5-1.5.
      await pause(Math.min(64, 2 ** (attempt - 1)) * (0.5 + Math.random()), opts.signal);
    }
  }
}
