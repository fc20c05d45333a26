// Workload 20 (issue 20): one set of 100,000 IPv4 elements committed in one transaction by
// the library (elements streamed from a generator, split over NEWSETELEM messages) vs `nft -f`
// of the same set; 1,000,000 elements with the peak RSS. Every run starts from nft flush ruleset.
import { join } from 'node:path';
import { measure, type Subject } from '../lib/measure.js';
import { DRIVERS, NODE, probe, scratchFile } from '../lib/proc.js';
import { fmtSeconds } from '../lib/stats.js';
import { target, type ChartRatio, type Context, type Target, type WorkloadResult } from '../lib/types.js';

const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function setFile(name: string, n: number): string {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push(ip(i));
  const size = n > 65535 ? `    size ${n * 2}\n` : '';
  return scratchFile(name, `table ip t {\n  set s {\n    type ipv4_addr\n${size}    elements = { ${keys.join(', ')} }\n  }\n}\n`);
}

export default {
  id: 20,
  title: 'commit a set of 100,000 and 1,000,000 elements (nftables)',
  async run(ctx: Context): Promise<WorkloadResult> {
    const ns = ctx.namespace('nftsets');
    const flush = ['nft', 'flush', 'ruleset'];
    const N = 100_000;
    const file = setFile('set-100k.nft', N);
    const subjects: Subject[] = [
      { subject: 'nft -f (100,000 elements)', tool: 'nft', argv: ['nft', '-f', file] },
      {
        subject: 'NftBatch set commit (driver, 100,000)', tool: 'netlinkts', argv: [NODE, join(DRIVERS, 'nft-elements.mjs'), '--count', String(N)], json: true,
        note: 'whole process: node starts, imports netlinkts/nft, streams 100,000 keys into one batch and commits it',
      },
      { subject: 'node -e 0 (with the set runs)', tool: 'node', argv: [NODE, '-e', '0'] },
    ];
    ctx.log('100k elements');
    const m = measure(ctx, ns, subjects, { runs: ctx.runs(10, 3), warmup: 1, probeRuns: ctx.runs(2, 1), prepare: flush, rounds: ctx.runs(2, 1) });
    const row = (s: string) => m.rows.find((r) => r.subject === s);
    const nftf = row('nft -f (100,000 elements)');
    const lib = row('NftBatch set commit (driver, 100,000)');
    const targets: Target[] = [];
    const chart: ChartRatio[] = [];
    const text = '100,000 set elements, whole process <= 0.8x nft -f of the same set';
    if (lib?.wall && nftf?.wall) {
      const v = lib.wall.median / nftf.wall.median;
      targets.push(target({ id: '20a', text, op: '<=', limit: 0.8, unit: 'x', value: v, detail: `${fmtSeconds(lib.wall.median)} / ${fmtSeconds(nftf.wall.median)}` }));
      chart.push({ label: '20 100k set elements whole process / nft -f', value: v, limit: 0.8, op: '<=' });
    } else targets.push(target({ id: '20a', text, op: '<=', limit: 0.8, unit: 'x', missing: 'not measured (see log)' }));

    // 1,000,000 elements: once each, for the peak RSS (bounded: the datagram plus a constant).
    const extra: Record<string, unknown> = {};
    const M = 1_000_000;
    try {
      const big = setFile('set-1m.nft', M);
      const pn = probe(ns, ['nft', '-f', big], { runs: 1, prepare: flush });
      const pl = probe(ns, [NODE, join(DRIVERS, 'nft-elements.mjs'), '--count', String(M)], { runs: 1, json: true, prepare: flush });
      const out = pl.outputs[0] as { ms: number; messages: number; hwmKiB: number } | undefined;
      extra.million = { nftPeakRssKiB: pn.rssKiB.median, libraryPeakRssKiB: pl.rssKiB.median, libraryCommitS: out ? out.ms / 1000 : undefined, messages: out?.messages };
      const count = ns.exec(['bash', '-c', 'nft list set ip t s | grep -o "10\\.[0-9]*\\.[0-9]*\\.[0-9]*" | wc -l']).trim();
      extra.millionListed = Number(count);
      targets.push(target({ id: '20b', text: '1,000,000 set elements commit whole, memory bounded (peak RSS)', op: '<=', limit: 256, unit: 'MiB', value: pl.rssKiB.median / 1024, detail: `${extra.millionListed} listed by nft; nft -f peak ${pn.rssKiB.median} KiB` }));
    } catch (err) {
      ctx.log(`1M elements failed: ${(err as Error).message}`);
      targets.push(target({ id: '20b', text: '1,000,000 set elements commit whole, memory bounded', op: '<=', limit: 256, unit: 'MiB', missing: 'failed (see log)' }));
    }
    return {
      id: 20, title: this.title,
      fixture: 'table ip t, set s { type ipv4_addr } with keys 10.a.b.c; every run starts from nft flush ruleset',
      rows: m.rows, targets, chart, extra, notes: [], missing: [...m.missing.values()], commands: [...m.commands], durationS: 0,
    };
  },
};
