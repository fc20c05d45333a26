// Workload 6, codec only: decode throughput of a captured 100,000-route dump (MB/s and
// messages/s), no socket and no kernel in the timed loop.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DRIVERS, NODE, SCRATCH, probe } from '../lib/proc.js';
import { stats } from '../lib/stats.js';
import type { Context, WorkloadResult } from '../lib/types.js';
import { fillTable, setupDevice } from './routes-fixture.js';

const COUNT = 100_000, TABLE = 100;

export default {
  id: 6,
  title: 'codec only: decode a captured 100,000-route dump',
  async run(ctx: Context): Promise<WorkloadResult> {
    if (!ctx.dumpwalk) throw new Error('the capture is made with bench/peers/dumpwalk.c, which did not build');
    const ns = ctx.namespace('codec');
    setupDevice(ns);
    fillTable(ns, COUNT, TABLE);
    const capture = join(SCRATCH, 'routes-100k.bin');
    ns.exec([ctx.dumpwalk, String(TABLE), '--save', capture]);
    const size = statSync(capture).size;
    ctx.log(`captured ${size} bytes`);
    const iterations = ctx.runs(30, 10);
    const runs = ctx.runs(5, 2);
    const argv = [NODE, join(DRIVERS, 'decode-routes.mjs'), '--file', capture, '--iterations', String(iterations)];
    const rows = [];
    const missing: string[] = [];
    const extra: Record<string, unknown> = { captureBytes: size };
    try {
      const p = probe(ns, argv, { runs, json: true });
      const outs = p.outputs as Array<{ ms: number[]; bytes: number; messages: number; routes: number; datagrams: number }>;
      const o0 = outs[0]!;
      // Warm: the median iteration after the first 5 of each process; cold: the first.
      const warm = stats(outs.flatMap((o) => o.ms.slice(5)).map((x) => x / 1000));
      const cold = stats(outs.map((o) => o.ms[0]! / 1000));
      extra.bytes = o0.bytes;
      extra.datagrams = o0.datagrams;
      extra.messages = o0.messages;
      extra.routes = o0.routes;
      extra.warm = warm;
      extra.cold = cold;
      extra.mbPerS = o0.bytes / 1e6 / warm.median;
      extra.messagesPerS = o0.messages / warm.median;
      extra.coldMbPerS = o0.bytes / 1e6 / cold.median;
      rows.push({
        subject: 'walkMessages + decodeRoute (driver)', tool: 'netlinkts' as const, command: argv.join(' '), inproc: warm, rssKiB: p.rssKiB.median,
        note: `warm median over ${runs} processes x ${iterations - 5} iterations; cold first pass ${(cold.median * 1000).toFixed(1)} ms`,
      });
    } catch (err) {
      const e = err as Error & { stdout?: string };
      const mm = /\{"missing":\s*"([^"]*)"\}/.exec(`${e.stdout ?? ''} ${e.message}`);
      if (mm) missing.push(mm[1]!);
      else throw err;
      rows.push({ subject: 'walkMessages + decodeRoute (driver)', tool: 'netlinkts' as const, command: argv.join(' '), note: `not measured: ${mm[1]}` });
    }
    return {
      id: 6, title: this.title,
      fixture: `the datagrams of one ${COUNT}-route dump (table ${TABLE}), captured by bench/peers/dumpwalk --save (${size} bytes with length prefixes)`,
      rows, targets: [], chart: [], extra, notes: [], missing, commands: [`${ctx.dumpwalk} ${TABLE} --save CAPTURE`, argv.join(' ')], durationS: 0,
    };
  },
};
