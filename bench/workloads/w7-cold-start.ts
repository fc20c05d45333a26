// Workload 7: cold start. Target (issue 19): a fresh process's `import('netlinkts')` within bare
// `node -e 0` + 80 ms; `netlinkts dump-links` beside it and `ip link`, in the same environment
// (NODE_EXTRA_CA_CERTS and all), in a namespace with a handful of links.
import { measure } from '../lib/measure.js';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { CLI, DIST, NODE } from '../lib/proc.js';
import { fmtSeconds } from '../lib/stats.js';
import { target, type ChartRatio, type Context, type Target, type WorkloadResult } from '../lib/types.js';

export default {
  id: 7,
  title: "cold start: import('netlinkts') and netlinkts dump-links",
  async run(ctx: Context): Promise<WorkloadResult> {
    const ns = ctx.namespace('cold');
    ns.ipBatch(['link add va0 type veth peer name vb0', 'link add br0 type bridge', 'link set va0 master br0']);
    const m = measure(ctx, ns, [
      { subject: 'netlinkts dump-links', tool: 'netlinkts', argv: [NODE, CLI, 'dump-links'] },
      { subject: 'node -e 0', tool: 'node', argv: [NODE, '-e', '0'] },
      { subject: 'ip link', tool: 'iproute2', argv: ['ip', 'link'] },
      { subject: 'netlinkts dump-links --json', tool: 'netlinkts', argv: [NODE, CLI, 'dump-links', '--json'] },
      // The package entry (what `import 'netlinkts'` resolves to), by URL so the bench needs no install.
      { subject: "import('netlinkts')", tool: 'netlinkts', argv: [NODE, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(DIST, 'index.js')).href)})`] },
    ], { runs: ctx.runs(30, 10), warmup: 3, probeRuns: ctx.runs(3, 1), rounds: ctx.runs(30, 2) }); // run by run, as workload 1
    const row = (s: string) => m.rows.find((r) => r.subject === s);
    const cli = row('netlinkts dump-links');
    const node = row('node -e 0');
    const ip = row('ip link');
    const targets: Target[] = [];
    const chart: ChartRatio[] = [];
    const imp = row("import('netlinkts')");
    const text = "cold import('netlinkts') <= bare node -e 0 + 80 ms (whole process)";
    if (imp?.wall && node?.wall) {
      const over = (imp.wall.median - node.wall.median) * 1000;
      targets.push(target({ id: '7', text, op: '<=', limit: 80, unit: 'ms', value: over, detail: `${fmtSeconds(imp.wall.median)} - ${fmtSeconds(node.wall.median)}` }));
      chart.push({ label: "7 import('netlinkts') / node -e 0", value: imp.wall.median / node.wall.median, limit: (node.wall.median + 0.08) / node.wall.median, op: '<=' });
    } else targets.push(target({ id: '7', text, op: '<=', limit: 80, unit: 'ms', missing: imp?.note ?? 'not measured' }));
    // Reported beside it: the CLI's own cold start.
    if (cli?.wall && node?.wall) chart.push({ label: '7 dump-links / node -e 0', value: cli.wall.median / node.wall.median });
    const extra: Record<string, unknown> = {};
    if (cli?.wall && ip?.wall) extra.overIpLink = cli.wall.median / ip.wall.median;
    return {
      id: 7, title: this.title,
      fixture: 'a fresh namespace with lo, a veth pair and a bridge (5 links)',
      rows: m.rows, targets, chart, extra, notes: [`NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS ?? '(unset)'} for every node run, bare node included`],
      missing: [...m.missing.values()], commands: m.commands, durationS: 0,
    };
  },
};
