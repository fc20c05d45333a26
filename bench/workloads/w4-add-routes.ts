// Workload 4: add 100,000 routes vs `ip -batch` (which waits for each ACK before the next
// request) and pyroute2. The library may send many requests per sendmsg() and keep a window
// in flight, and must still report each request's own error: addRoutes() (the bulk path) is
// the subject of the target; addRoute() once per route is measured beside it.
import { join } from 'node:path';
import { measure, type Subject } from '../lib/measure.js';
import { DRIVERS, NODE, PEERS, TOOLS } from '../lib/proc.js';
import { fmtSeconds } from '../lib/stats.js';
import { target, type ChartRatio, type Context, type Target, type WorkloadResult } from '../lib/types.js';
import { DEV, DEVICE_SETUP, routeBatchFile, setupDevice } from './routes-fixture.js';

const COUNT = 100_000;
const TABLE = 100;

export default {
  id: 4,
  title: 'add 100,000 routes',
  async run(ctx: Context): Promise<WorkloadResult> {
    const ns = ctx.namespace('addroutes');
    setupDevice(ns);
    const file = routeBatchFile(COUNT, TABLE);
    // Every run starts from an empty table: deleting the device drops its routes in one go.
    const reset = ['bash', '-c', `ip link del ${DEV} 2>/dev/null; ${DEVICE_SETUP}`];
    const subjects: Subject[] = [
      { subject: 'ip -batch (100,000 route add)', tool: 'iproute2', argv: ['ip', '-batch', file] },
      {
        subject: 'addRoutes() 100k (driver)', tool: 'netlinkts', argv: [NODE, join(DRIVERS, 'add-routes.mjs'), '--api', 'bulk', '--count', String(COUNT), '--table', String(TABLE), '--dev', DEV], json: true,
        note: 'in-process: one addRoutes() call (specs built by the driver, dev by name): hundreds of requests per sendmsg(), the kernel answers only failures, each failure keeps its own error',
      },
      {
        subject: 'addRoute() x100k (driver)', tool: 'netlinkts', argv: [NODE, join(DRIVERS, 'add-routes.mjs'), '--api', 'each', '--count', String(COUNT), '--table', String(TABLE), '--dev', DEV], json: true,
        runs: ctx.runs(3, 1), probeRuns: 1,
        note: 'in-process: 100,000 addRoute() calls at once; each promise settles with its own ACK or error (for comparison: one promise and one ACK per route)',
      },
      {
        subject: 'diagnostic: encodeNewRoute + socket.request x100k', tool: 'netlinkts', argv: [NODE, join(TOOLS, 'add-routes-floor.mjs'), '--count', String(COUNT), '--table', String(TABLE), '--dev', DEV], json: true,
        note: 'below the API: the codec and NetlinkSocket.request() only, no validation (bench/tools/add-routes-floor.mjs); what addRoute() adds on top is the gap to the driver',
      },
    ];
    if (ctx.pyroute2) {
      subjects.push({
        subject: 'pyroute2 route("add") x100k', tool: 'pyroute2', argv: [ctx.pyroute2.python, join(PEERS, 'add_routes.py'), String(COUNT), String(TABLE), DEV], json: true,
        runs: 1, probe: false, note: `pyroute2 ${ctx.pyroute2.version}; one request at a time; one timed run only (~30-60 s a run), no RSS probe`,
      });
    }
    const m = measure(ctx, ns, subjects, { runs: ctx.runs(9, 3), warmup: 1, probeRuns: ctx.runs(3, 1), prepare: reset, rounds: ctx.runs(3, 1) });
    const row = (s: string) => m.rows.find((r) => r.subject === s);
    const ip = row('ip -batch (100,000 route add)');
    const d = row('addRoutes() 100k (driver)');
    const each = row('addRoute() x100k (driver)');
    const targets: Target[] = [];
    const chart: ChartRatio[] = [];
    const text = 'add 100,000 routes, whole process <= 0.6x ip -batch';
    if (d?.wall && ip?.wall) {
      const v = d.wall.median / ip.wall.median;
      targets.push(target({ id: '4', text, op: '<=', limit: 0.6, unit: 'x', value: v, detail: `${fmtSeconds(d.wall.median)} / ${fmtSeconds(ip.wall.median)}` }));
      chart.push({ label: '4 add routes whole / ip -batch', value: v, limit: 0.6, op: '<=' });
    } else targets.push(target({ id: '4', text, op: '<=', limit: 0.6, unit: 'x', missing: d?.note ?? 'not measured' }));
    const extra: Record<string, unknown> = {};
    if (d?.inproc && ip?.wall) extra.inprocOverIp = d.inproc.median / ip.wall.median;
    if (each?.wall && ip?.wall) extra.oneCallPerRouteOverIp = each.wall.median / ip.wall.median;
    return {
      id: 4, title: this.title,
      fixture: `a fresh namespace with a veth pair up; before every run the device is re-created, so table ${TABLE} starts empty; routes 10.a.b.c/32 dev ${DEV} table ${TABLE}`,
      rows: m.rows, targets, chart, extra, notes: [], missing: [...m.missing.values()], commands: m.commands, durationS: 0,
    };
  },
};
