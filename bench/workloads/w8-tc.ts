// Workload 8: add 10,000 u32 filters (ingress qdisc of a veth) vs `tc -batch`; list them vs
// `tc -j filter show` (issue 23).
import { join } from 'node:path';
import { measure, type Subject } from '../lib/measure.js';
import { CLI, DRIVERS, NODE, scratchFile } from '../lib/proc.js';
import { target, type ChartRatio, type Context, type Target, type WorkloadResult } from '../lib/types.js';

const FILTERS = 10_000;

export default {
  id: 8,
  title: 'add and list 10,000 u32 filters (tc)',
  async run(ctx: Context): Promise<WorkloadResult> {
    const ns = ctx.namespace('tc');
    ns.exec(['ip', 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1']);
    ns.exec(['ip', 'link', 'set', 'veth0', 'up']);
    const lines: string[] = [];
    for (let i = 0; i < FILTERS; i++) {
      // A u32 hash table holds 4,095 nodes per bucket: 40 buckets of 250 in table 2: (divisor 256).
      const b = Math.floor(i / 250).toString(16);
      const n = ((i % 250) + 1).toString(16);
      lines.push(`filter add dev veth0 parent ffff: protocol ip prio 1 handle 2:${b}:${n} u32 ht 2:${b}: match ip dst 10.${(i >> 8) & 255}.${i & 255}.1/32 flowid 1:1`);
    }
    const batch = scratchFile('tc-batch.txt', lines.join('\n') + '\n');
    // Every add run starts from an empty ingress qdisc.
    const reset = ns.wrap(['sh', '-c', 'tc qdisc del dev veth0 ingress 2>/dev/null; tc qdisc add dev veth0 ingress && tc filter add dev veth0 parent ffff: prio 1 handle 2: protocol ip u32 divisor 256']);
    const add: Subject[] = [
      { subject: 'tc -batch (10,000 filters)', tool: 'iproute2', argv: ['tc', '-batch', batch] },
      {
        subject: 'TrafficControl.addFilters (driver)', tool: 'netlinkts', argv: [NODE, join(DRIVERS, 'tc-filters.mjs'), '--count', String(FILTERS)], json: true,
        note: 'whole process: node starts, imports netlinkts/tc, checks and builds 10,000 filters, sends them in bulk chunks (one ACK each)',
      },
      { subject: 'node -e 0 (with the add runs)', tool: 'node', argv: [NODE, '-e', '0'] },
    ];
    ctx.log('add');
    const ma = measure(ctx, ns, add, { runs: ctx.runs(10, 3), warmup: 1, probeRuns: ctx.runs(3, 1), prepare: reset, rounds: ctx.runs(2, 1) });
    ns.exec(reset);
    ns.exec(['tc', '-batch', batch], { timeoutMs: 600_000 });
    const list: Subject[] = [
      { subject: 'tc -j filter show', tool: 'iproute2', argv: ['tc', '-j', 'filter', 'show', 'dev', 'veth0', 'parent', 'ffff:'] },
      { subject: 'netlinkts dump-tc filter --json', tool: 'netlinkts', argv: [NODE, CLI, 'dump-tc', 'filter', '--dev', 'veth0', '--parent', 'ffff:', '--json'] },
      { subject: 'TrafficControl.filters() (driver)', tool: 'netlinkts', argv: [NODE, join(DRIVERS, 'tc-filters.mjs'), '--list'], json: true, note: 'in-process: the dump decoded into typed filters' },
      { subject: 'node -e 0', tool: 'node', argv: [NODE, '-e', '0'] },
    ];
    ctx.log('list');
    const ml = measure(ctx, ns, list, { runs: ctx.runs(10, 3), warmup: 1, probeRuns: ctx.runs(3, 1), rounds: ctx.runs(2, 1) });
    const rows = [...ma.rows, ...ml.rows];
    const row = (s: string) => rows.find((r) => r.subject === s);
    const tb = row('tc -batch (10,000 filters)');
    const da = row('TrafficControl.addFilters (driver)');
    const tj = row('tc -j filter show');
    const cj = row('netlinkts dump-tc filter --json');
    const targets: Target[] = [];
    const chart: ChartRatio[] = [];
    const t8a = '10,000 u32 filters added, whole process <= 0.6x tc -batch';
    if (tb?.wall && da?.wall) {
      const v = da.wall.median / tb.wall.median;
      targets.push(target({ id: '8a', text: t8a, op: '<=', limit: 0.6, unit: 'x', value: v, detail: `${da.wall.median.toFixed(3)} s / ${tb.wall.median.toFixed(3)} s` }));
      chart.push({ label: '8a addFilters / tc -batch', value: v, limit: 0.6, op: '<=' });
    } else targets.push(target({ id: '8a', text: t8a, op: '<=', limit: 0.6, unit: 'x', missing: 'not measured' }));
    const t8b = 'listing 10,000 filters (dump-tc filter --json) <= tc -j filter show';
    if (tj?.wall && cj?.wall) {
      const v = cj.wall.median / tj.wall.median;
      targets.push(target({ id: '8b', text: t8b, op: '<=', limit: 1, unit: 'x', value: v, detail: `${cj.wall.median.toFixed(3)} s / ${tj.wall.median.toFixed(3)} s` }));
      chart.push({ label: '8b dump-tc filter --json / tc -j filter show', value: v, limit: 1, op: '<=' });
    } else targets.push(target({ id: '8b', text: t8b, op: '<=', limit: 1, unit: 'x', missing: 'not measured' }));
    return {
      id: 8, title: this.title,
      fixture: `veth0 with an ingress qdisc; a u32 hash table 2: (divisor 256) and ${FILTERS} filters "protocol ip prio 1 handle 2:B:N u32 ht 2:B: match ip dst 10.a.b.1/32 flowid 1:1" (40 buckets of 250); every add run starts from an empty ingress qdisc`,
      rows, targets, chart, extra: {}, notes: [], missing: [...ma.missing.values(), ...ml.missing.values()], commands: [...ma.commands, ...ml.commands], durationS: 0,
    };
  },
};
