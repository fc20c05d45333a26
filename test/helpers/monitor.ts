// Helpers for the monitor tests (test/monitor-*.test.ts).
import { readlinkSync } from 'node:fs';
import { openFdCount } from './env.js';

/** What fd points at ("socket:[123]"), or '' when it is closed: tells a closed fd from a reused number. */
export function socketInode(fd: number): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return '';
  }
}

/**
 * The process's fd count once it has come back down to `before` (or after `ms`): libuv and
 * child-process plumbing open and close fds of their own at times, so one sample can be off.
 */
export async function settledFdCount(before: number, ms = 3000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const n = openFdCount();
    if (n <= before || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Read events from an async iterator until `done(event, all)` says so; rejects after `ms`
 * with what was seen, so a failing test shows the events.
 */
export async function collect<T>(it: AsyncIterator<T>, done: (ev: T, all: T[]) => boolean, ms = 20000, show: (ev: T) => string = (e) => JSON.stringify(e)): Promise<T[]> {
  const all: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms; ${all.length} events: ${all.slice(-20).map(show).join('\n')}`)), ms);
  });
  try {
    for (;;) {
      const r = await Promise.race([it.next(), timeout]);
      if (r.done) throw new Error(`ended after ${all.length} events: ${all.slice(-20).map(show).join('\n')}`);
      all.push(r.value);
      if (done(r.value, all)) return all;
    }
  } finally {
    clearTimeout(timer);
  }
}
