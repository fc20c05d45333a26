// Workload 3: create and delete 1,000 veth pairs vs `ip -batch` (and pyroute2). Deletion is
// measured twice for the peer: one RTM_DELLINK per link (ip -batch "link del", ~16 ms each in
// the kernel) and the kernel's bulk path (`ip link del group N`), which the library uses.
import { join } from 'node:path';
import { measure, type Measured, type Subject } from '../lib/measure.js';
import { DRIVERS, NODE, PEERS, TOOLS, run, scratchFile } from '../lib/proc.js';
import { fmtSeconds } from '../lib/stats.js';
import { target, type ChartRatio, type Context, type Row, type Target, type WorkloadResult } from '../lib/types.js';

const PAIRS = 1000;
const GROUP = 7;

export default {
  id: 3,
  title: 'create and delete 1,000 veth pairs',
  async run(ctx: Context): Promise<WorkloadResult> {
    const ns = ctx.namespace('veth');
    const create: string[] = [], del: string[] = [];
    for (let i = 0; i < PAIRS; i++) {
      create.push(`link add va${i} group ${GROUP} type veth peer name vb${i}`);
      del.push(`link del va${i}`);
    }
    const createFile = scratchFile('veth-create.txt', create.join('\n') + '\n');
    const delFile = scratchFile('veth-del.txt', del.join('\n') + '\n');
    // Reset to "no pairs" (bulk, fast), or to "1,000 pairs" for the delete runs.
    const clean = ['bash', '-c', `ip link del group ${GROUP} 2>/dev/null; true`];
    const populated = ['bash', '-c', `ip link del group ${GROUP} 2>/dev/null; ip -batch ${createFile}`];
    const drv = (...a: string[]) => [NODE, join(DRIVERS, 'veth.mjs'), ...a];
    // The floor of a node program: the same requests, encoded by the library before the run.
    const floorFile = scratchFile('veth-floor.bin', '');
    run(NODE, [join(DRIVERS, 'send-floor.mjs'), '--write', 'veth', '--count', String(PAIRS), '--group', String(GROUP), '--out', floorFile]);

    // Create.
    const createSubjects: Subject[] = [
      { subject: 'ip -batch (1,000 link add)', tool: 'iproute2', argv: ['ip', '-batch', createFile] },
      {
        subject: 'createLinks() 1000 (driver)', tool: 'netlinkts', argv: drv('create-bulk', '--count', String(PAIRS), '--group', String(GROUP)), json: true,
        note: 'in-process: one createLinks() call: every spec validated, hundreds of requests per sendmsg(), the kernel answers only failures, no read-back',
      },
      {
        subject: 'createLink() x1000 (driver)', tool: 'netlinkts', argv: drv('create', '--count', String(PAIRS), '--group', String(GROUP)), json: true,
        runs: ctx.runs(3, 1), probeRuns: 1,
        note: 'in-process: 1,000 createLink() calls at once (validation, request, echo, read back), for comparison',
      },
      {
        subject: 'diagnostic: encodeNewLink + socket.request x1000', tool: 'netlinkts', argv: [NODE, join(TOOLS, 'veth-floor.mjs'), '--count', String(PAIRS), '--group', String(GROUP)], json: true,
        note: 'below the API: the codec and NetlinkSocket.request() only: no validation, no NLM_F_ECHO, no read-back (bench/tools/veth-floor.mjs)',
      },
      {
        subject: 'floor: node + pre-encoded requests', tool: 'netlinkts', argv: [NODE, join(DRIVERS, 'send-floor.mjs'), '--file', floorFile], json: true,
        note: 'node starts, imports the netlink entry and sends the 1,000 requests createLinks() sends, encoded before the run (bench/drivers/send-floor.mjs): what a node program cannot go below',
      },
      { subject: 'node -e 0', tool: 'node', argv: [NODE, '-e', '0'] },
    ];
    if (ctx.pyroute2) {
      createSubjects.push({
        subject: 'pyroute2 link("add") x1000', tool: 'pyroute2', argv: [ctx.pyroute2.python, join(PEERS, 'veth.py'), 'create', String(PAIRS), String(GROUP)], json: true,
        runs: ctx.runs(5, 2), probeRuns: 1, note: `pyroute2 ${ctx.pyroute2.version}`,
      });
    }
    ctx.log('create');
    const mc = measure(ctx, ns, createSubjects, { runs: ctx.runs(9, 3), warmup: 1, probeRuns: ctx.runs(3, 1), prepare: clean, rounds: ctx.runs(3, 1) });

    // Bulk delete (the kernel's group path) and one-by-one.
    const delSubjects: Subject[] = [
      { subject: `ip link del group ${GROUP}`, tool: 'iproute2', argv: ['ip', 'link', 'del', 'group', String(GROUP)] },
      {
        subject: 'deleteLinkGroup() (driver)', tool: 'netlinkts', argv: drv('delete-group', '--group', String(GROUP)), json: true,
        note: 'in-process: one RTM_DELLINK with IFLA_GROUP',
      },
    ];
    if (ctx.pyroute2) {
      delSubjects.push({
        subject: 'pyroute2 link("del", group)', tool: 'pyroute2', argv: [ctx.pyroute2.python, join(PEERS, 'veth.py'), 'delete-group', String(GROUP)], json: true,
        runs: ctx.runs(5, 2), probeRuns: 1, note: `pyroute2 ${ctx.pyroute2.version}`,
      });
    }
    ctx.log('bulk delete');
    const md = measure(ctx, ns, delSubjects, { runs: ctx.runs(9, 3), warmup: 1, probeRuns: ctx.runs(3, 1), prepare: populated, rounds: ctx.runs(3, 1) });
    ctx.log('one-by-one delete (~16 s a run)');
    const m1 = measure(ctx, ns, [
      { subject: 'ip -batch (1,000 link del, one by one)', tool: 'iproute2', argv: ['ip', '-batch', delFile], runs: ctx.runs(2, 1), probe: false },
    ], { runs: 1, warmup: 0, probeRuns: 1, prepare: populated });
    ns.exec(clean);

    const all: Measured[] = [mc, md, m1];
    const rows: Row[] = all.flatMap((x) => x.rows);
    const row = (s: string) => rows.find((r) => r.subject === s);
    const ipc = row('ip -batch (1,000 link add)');
    const dc = row('createLinks() 1000 (driver)');
    const each = row('createLink() x1000 (driver)');
    const ipg = row(`ip link del group ${GROUP}`);
    const dg = row('deleteLinkGroup() (driver)');
    const ip1 = row('ip -batch (1,000 link del, one by one)');
    const missing = all.flatMap((x) => [...x.missing.values()]);
    const targets: Target[] = [];
    const chart: ChartRatio[] = [];
    const t3a = 'create 1,000 veth pairs in-process <= 1.0x ip -batch';
    if (dc?.inproc && ipc?.wall) {
      const v = dc.inproc.median / ipc.wall.median;
      targets.push(target({ id: '3a', text: t3a, op: '<=', limit: 1, unit: 'x', value: v, detail: `${fmtSeconds(dc.inproc.median)} / ${fmtSeconds(ipc.wall.median)}` }));
      chart.push({ label: '3 create in-process / ip -batch', value: v, limit: 1, op: '<=' });
    } else targets.push(target({ id: '3a', text: t3a, op: '<=', limit: 1, unit: 'x', missing: dc?.note ?? 'not measured' }));
    const t3b = 'create 1,000 veth pairs, whole process <= 1.2x ip -batch';
    if (dc?.wall && ipc?.wall) {
      const v = dc.wall.median / ipc.wall.median;
      targets.push(target({ id: '3b', text: t3b, op: '<=', limit: 1.2, unit: 'x', value: v, detail: `${fmtSeconds(dc.wall.median)} / ${fmtSeconds(ipc.wall.median)}` }));
      chart.push({ label: '3 create whole / ip -batch', value: v, limit: 1.2, op: '<=' });
    } else targets.push(target({ id: '3b', text: t3b, op: '<=', limit: 1.2, unit: 'x', missing: dc?.note ?? 'not measured' }));
    // 3c compares the deletions themselves: the library's deleteLinkGroup() (in-process) with
    // ip deleting the 1,000 links one by one (ip -batch, whose own start-up is ~1 ms). The
    // whole-process ratio (node's start included) is given beside it.
    const t3c = 'tear down 1,000 veths >= 50x faster than one-by-one deletion (deleteLinkGroup in-process vs ip -batch one by one)';
    const extra: Record<string, unknown> = {};
    if (dg?.inproc && ip1?.wall) {
      const v = ip1.wall.median / dg.inproc.median;
      targets.push(target({ id: '3c', text: t3c, op: '>=', limit: 50, unit: 'x', value: v, detail: `${fmtSeconds(ip1.wall.median)} one by one / ${fmtSeconds(dg.inproc.median)} deleteLinkGroup` }));
      // Charted as "time over one-by-one", so every bar reads "smaller is better".
      chart.push({ label: '3 deleteLinkGroup / one-by-one delete', value: 1 / v, limit: 1 / 50, op: '<=' });
      if (dg.wall) extra.teardownSpeedupWholeProcess = ip1.wall.median / dg.wall.median;
    } else targets.push(target({ id: '3c', text: t3c, op: '>=', limit: 50, unit: 'x', missing: dg?.note ?? ip1?.note ?? 'not measured' }));
    const floor = row('floor: node + pre-encoded requests');
    const node0 = row('node -e 0');
    if (floor?.wall && ipc?.wall) {
      chart.push({ label: '3 floor (node + pre-encoded requests) / ip -batch', value: floor.wall.median / ipc.wall.median });
      extra.floorOverIp = floor.wall.median / ipc.wall.median;
      if (dc?.wall) extra.createLinksOverFloorS = dc.wall.median - floor.wall.median;
    }
    if (node0?.wall) extra.nodeStartS = node0.wall.median;
    if (ipg?.wall && dg?.wall) extra.deleteGroupOverIp = dg.wall.median / ipg.wall.median;
    if (each?.inproc && ipc?.wall) extra.createLinkEachInprocOverIp = each.inproc.median / ipc.wall.median;

    return {
      id: 3, title: this.title,
      fixture: `a fresh namespace; each create run starts with no pairs, each delete run with 1,000 pairs (va<i> in group ${GROUP}, peers vb<i>) made by ip -batch`,
      rows, targets, chart, extra, notes: [], missing, commands: all.flatMap((x) => x.commands), durationS: 0,
    };
  },
};
