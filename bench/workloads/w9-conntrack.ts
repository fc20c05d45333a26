// Workload 9 (issue 21): a connection table of 100,000 entries, listed and deleted by filter,
// vs the conntrack tool. The entries are UDP 10.x.y.z:p -> 198.51.100.1:53, made with
// createMany() (conntrack -I would take one process per entry).
import { join } from 'node:path';
import { measure, type Subject } from '../lib/measure.js';
import { CLI, DRIVERS, NODE } from '../lib/proc.js';
import { fmtSeconds } from '../lib/stats.js';
import { target, type ChartRatio, type Context, type Target, type WorkloadResult } from '../lib/types.js';

const ENTRIES = 100_000;

export default {
  id: 9,
  title: 'conntrack: list and delete 100,000 entries',
  async run(ctx: Context): Promise<WorkloadResult> {
    const ns = ctx.namespace('ct');
    const n = ctx.quick ? 20_000 : ENTRIES;
    const drv = (...a: string[]) => [NODE, join(DRIVERS, 'conntrack.mjs'), ...a];
    ctx.log(`fixture: ${n} entries (createMany)`);
    const populate = ['bash', '-c', `conntrack -F >/dev/null 2>&1; ${drv('populate', '--count', String(n)).join(' ')} >/dev/null`];
    ns.exec(populate, { timeoutMs: 600_000 });
    const count = Number(ns.exec(['conntrack', '-C']).trim());

    const listSubjects: Subject[] = [
      { subject: 'conntrack -L', tool: 'conntrack', argv: ['conntrack', '-L'] },
      { subject: 'netlinkts dump-conntrack', tool: 'netlinkts', argv: [NODE, CLI, 'dump-conntrack'] },
      { subject: 'netlinkts dump-conntrack --json', tool: 'netlinkts', argv: [NODE, CLI, 'dump-conntrack', '--json'] },
      { subject: 'list() (driver)', tool: 'netlinkts', argv: drv('list'), json: true, note: 'in-process: every entry into a typed ConntrackEntry (tuples, status, NAT view inputs), streamed' },
      { subject: 'node -e 0', tool: 'node', argv: [NODE, '-e', '0'] },
    ];
    ctx.log('list');
    const ml = measure(ctx, ns, listSubjects, { runs: ctx.runs(7, 2), warmup: 1, probeRuns: ctx.runs(2, 1), rounds: ctx.runs(7, 1) });

    // Each delete run starts from a full table.
    const delSubjects: Subject[] = [
      { subject: 'conntrack -D -p udp', tool: 'conntrack', argv: ['conntrack', '-D', '-p', 'udp'] },
      { subject: "delete({ proto: 'udp' }) (driver)", tool: 'netlinkts', argv: drv('delete'), json: true, note: 'in-process: one dump, then one IPCTNL_MSG_CT_DELETE per entry (with its id), many per sendmsg(), only failures answered' },
    ];
    ctx.log('delete');
    const md = measure(ctx, ns, delSubjects, { runs: ctx.runs(3, 1), warmup: 0, probeRuns: 1, prepare: populate, rounds: ctx.runs(3, 1) });

    const rows = [...ml.rows, ...md.rows];
    const row = (s: string) => rows.find((r) => r.subject === s);
    const tool = row('conntrack -L'), cli = row('netlinkts dump-conntrack'), json = row('netlinkts dump-conntrack --json');
    const ctD = row('conntrack -D -p udp'), ourD = row("delete({ proto: 'udp' }) (driver)");
    const targets: Target[] = [];
    const chart: ChartRatio[] = [];
    const t8a = `dump ${n.toLocaleString('en')} entries, whole process (dump-conntrack) <= 1.0x conntrack -L`;
    if (cli?.wall && tool?.wall) {
      const v = cli.wall.median / tool.wall.median;
      targets.push(target({ id: '9a', text: t8a, op: '<=', limit: 1, unit: 'x', value: v, detail: `${fmtSeconds(cli.wall.median)} / ${fmtSeconds(tool.wall.median)}` }));
      chart.push({ label: '9 dump-conntrack / conntrack -L', value: v, limit: 1, op: '<=' });
    } else targets.push(target({ id: '9a', text: t8a, op: '<=', limit: 1, unit: 'x', missing: cli?.note ?? 'not measured' }));
    const t8b = `delete ${n.toLocaleString('en')} entries by filter, whole process <= 1.0x conntrack -D`;
    if (ourD?.wall && ctD?.wall) {
      const v = ourD.wall.median / ctD.wall.median;
      targets.push(target({ id: '9b', text: t8b, op: '<=', limit: 1, unit: 'x', value: v, detail: `${fmtSeconds(ourD.wall.median)} / ${fmtSeconds(ctD.wall.median)}` }));
      chart.push({ label: '9 delete by filter / conntrack -D', value: v, limit: 1, op: '<=' });
    } else targets.push(target({ id: '9b', text: t8b, op: '<=', limit: 1, unit: 'x', missing: ourD?.note ?? 'not measured' }));
    const extra: Record<string, unknown> = { entries: count };
    if (json?.wall && tool?.wall) extra.jsonOverConntrackL = json.wall.median / tool.wall.median;
    const d = row('list() (driver)');
    if (d?.rssKiB) extra.listPeakRssKiB = d.rssKiB;
    const out = ml.outputs.get('list() (driver)') as { rssStartKiB?: number; rssPeakKiB?: number }[] | undefined;
    if (out?.[0]) extra.listRssGrowthKiB = (out[0].rssPeakKiB ?? 0) - (out[0].rssStartKiB ?? 0);
    return {
      id: 9, title: this.title,
      fixture: `${count} UDP entries in a fresh namespace's table, made with createMany(); each delete run starts from the full table`,
      rows, targets, chart, extra, notes: [], missing: [...ml.missing.values(), ...md.missing.values()], commands: [...ml.commands, ...md.commands], durationS: 0,
    };
  },
};
