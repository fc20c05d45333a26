// A watchdog for decoders that never return. The fuzz loop copies each input into shared
// memory before decoding it; a plain-JS worker thread watches a counter, and when the same
// input has been running for too long it writes that input as a regression case and kills the
// process (the main thread is stuck in synchronous code and cannot do it). Costs one memcpy
// per input.
import { Worker } from 'node:worker_threads';

const HEADER = 5; // Int32 slots: generation, armed, length, target index, a constant 0 to sleep on
const MAX_INPUT = 1 << 20;

const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { sab, timeoutMs, targets, dir } = workerData;
const meta = new Int32Array(sab, 0, ${HEADER});
const bytes = new Uint8Array(sab, ${HEADER * 4});
let lastGen = -1, since = Date.now();
for (;;) {
  Atomics.wait(meta, 4, 0, 100);
  const gen = Atomics.load(meta, 0);
  if (gen !== lastGen || !Atomics.load(meta, 1)) { lastGen = gen; since = Date.now(); continue; }
  if (Date.now() - since < timeoutMs) continue;
  const len = Atomics.load(meta, 2);
  const target = targets[Atomics.load(meta, 3)] || 'unknown';
  const input = Buffer.from(bytes.subarray(0, len)).toString('hex');
  const out = path.join(dir, target);
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, 'time-hang-' + require('node:crypto').createHash('sha1').update(input).digest('hex').slice(0, 12) + '.json');
  fs.writeFileSync(file, JSON.stringify({ target, property: 'time', status: 'open', message: 'decode did not return within ' + timeoutMs + ' ms', found: new Date().toISOString(), input }, null, 2) + '\\n');
  fs.writeSync(2, '\\nwatchdog: ' + target + ' decode hung for ' + timeoutMs + ' ms on a ' + len + '-byte input; saved ' + file + '; killing the process\\n');
  process.kill(process.pid, 'SIGKILL');
}
`;

export class Watchdog {
  private readonly sab = new SharedArrayBuffer(HEADER * 4 + MAX_INPUT);
  private readonly meta = new Int32Array(this.sab, 0, HEADER);
  private readonly bytes = new Uint8Array(this.sab, HEADER * 4);
  private readonly worker: Worker;
  private readonly index: Map<string, number>;

  constructor(targets: readonly string[], regressionsDir: string, timeoutMs = 10_000) {
    this.index = new Map(targets.map((t, i) => [t, i]));
    this.worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { sab: this.sab, timeoutMs, targets, dir: regressionsDir } });
    this.worker.unref();
  }

  /** Call before decoding `input` for `target`. */
  arm(target: string, input: Uint8Array): void {
    const n = Math.min(input.length, MAX_INPUT);
    this.bytes.set(n === input.length ? input : input.subarray(0, n));
    Atomics.store(this.meta, 2, n);
    Atomics.store(this.meta, 3, this.index.get(target) ?? -1);
    Atomics.store(this.meta, 1, 1);
    Atomics.add(this.meta, 0, 1);
  }

  disarm(): void {
    Atomics.store(this.meta, 1, 0);
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
