import { DumpInterruptedError } from '../netlink/errors.js';

/**
 * Run a dump that is collected before anything is printed, again when the kernel flags it
 * inconsistent (NLM_F_DUMP_INTR: its table changed meanwhile), as ip users would by hand.
 */
export async function retryInterrupted<T>(fn: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof DumpInterruptedError) || i >= tries) throw err;
    }
  }
}
