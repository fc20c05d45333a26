// Workload 2: dump 100,000 routes vs `ip -j route show table N`, the C dump-and-walk floor and
// pyroute2; and the same streaming dump at 10,000 routes, to show memory stays flat.
import { join } from 'node:path';
import { measure, type Subject } from '../lib/measure.js';
import { CLI, DRIVERS, NODE, PEERS, TOOLS, probe } from '../lib/proc.js';
import { fmtMiB, fmtSeconds, stats } from '../lib/stats.js';
import { target, type ChartRatio, type Context, type Target, type WorkloadResult } from '../lib/types.js';
import { fillTable, setupDevice } from './routes-fixture.js';

const BIG = 100_000, SMALL = 10_000, HUGE = 300_000;
const T_BIG = 100, T_SMALL = 101, T_HUGE = 102;

export default {
  id: 2,
  title: 'dump 100,000 routes',
  async run(ctx: Context): Promise<WorkloadResult> {
    // The 100k table alone in its namespace: pyroute2 0.7 does not ask the kernel to filter by
    // table (no strict checking), so it dumps every table there is and filters in Python.
    const ns = ctx.namespace('routes');
    setupDevice(ns);
    ctx.log(`fixture: ${BIG} routes in table ${T_BIG}; ${SMALL} in table ${T_SMALL} and ${HUGE} in table ${T_HUGE} in a second namespace`);
    fillTable(ns, BIG, T_BIG);
    // The other points of the constant-memory check (10k, and 300k to tell a plateau from growth).
    const ns2 = ctx.namespace('routes-mem');
    setupDevice(ns2);
    fillTable(ns2, SMALL, T_SMALL);
    fillTable(ns2, HUGE, T_HUGE);

    const drv = (table: number, mode: string) => [NODE, join(DRIVERS, 'dump-routes.mjs'), '--table', String(table), '--mode', mode];
    const subjects: Subject[] = [
      { subject: `ip -j route show table ${T_BIG}`, tool: 'iproute2', argv: ['ip', '-j', 'route', 'show', 'table', String(T_BIG)] },
      { subject: `netlinkts dump-routes --json --table ${T_BIG}`, tool: 'netlinkts', argv: [NODE, CLI, 'dump-routes', '--json', '--table', String(T_BIG)] },
      {
        subject: 'listRoutes() 100k (driver)', tool: 'netlinkts', argv: drv(T_BIG, 'list'), json: true,
        note: 'in-process: every route decoded into a typed Route, kept in an array',
      },
      {
        subject: 'iterateRoutes() 100k stream (driver)', tool: 'netlinkts', argv: drv(T_BIG, 'stream'), json: true,
        note: 'in-process: typed routes iterated, none kept',
      },
      { subject: 'node -e 0', tool: 'node', argv: [NODE, '-e', '0'] },
      {
        subject: 'diagnostic: socket dump only', tool: 'netlinkts', argv: [NODE, join(TOOLS, 'route-dump-breakdown.mjs'), 'socket', String(T_BIG)], json: true,
        note: 'below the API: NetlinkSocket.dumpBatches, messages walked, no route decoded (bench/tools/route-dump-breakdown.mjs)',
      },
      {
        subject: 'diagnostic: socket + decodeRoute loop', tool: 'netlinkts', argv: [NODE, join(TOOLS, 'route-dump-breakdown.mjs'), 'decode-sync', String(T_BIG)], json: true,
        note: 'below the API: dumpBatches + decodeRoute() in a plain loop, kept in an array (no per-route await, no name lookup)',
      },
    ];
    if (ctx.dumpwalk) {
      subjects.splice(1, 0, {
        subject: `C dump-and-walk table ${T_BIG}`, tool: 'C', argv: [ctx.dumpwalk, String(T_BIG)], json: true,
        note: 'bench/peers/dumpwalk.c: raw socket, recv 64 KiB, walk every message and attribute into a struct (libmnl-style)',
      });
    }
    if (ctx.pyroute2) {
      subjects.push({
        subject: 'pyroute2 get_routes()', tool: 'pyroute2', argv: [ctx.pyroute2.python, join(PEERS, 'dump_routes.py'), String(T_BIG)], json: true,
        runs: ctx.runs(3, 1), probeRuns: 1, note: `pyroute2 ${ctx.pyroute2.version}; in-process: IPRoute().get_routes(table=${T_BIG})`,
      });
    }
    const live = (table: number) => [NODE, '--expose-gc', join(DRIVERS, 'dump-routes.mjs'), '--table', String(table), '--mode', 'stream', '--live'];
    const liveNote = 'diagnostic: a full GC every 10,000 routes, then heapUsed: the live set while streaming (see other figures; its time includes the forced GCs)';
    subjects.push({ subject: 'diagnostic: live heap, 100k stream', tool: 'netlinkts', argv: live(T_BIG), json: true, wall: false, probeRuns: 1, note: liveNote });
    // 20 runs interleaved run by run, as workload 1 (machine load moves within a minute).
    const m1 = measure(ctx, ns, subjects, { runs: ctx.runs(20, 3), warmup: 2, probeRuns: ctx.runs(5, 2), rounds: ctx.runs(20, 1) });
    const mem: Subject[] = [
      {
        subject: 'iterateRoutes() 10k stream (driver)', tool: 'netlinkts', argv: drv(T_SMALL, 'stream'), json: true,
        note: 'the 10k point of the constant-memory check',
      },
      {
        subject: 'iterateRoutes() 300k stream (driver)', tool: 'netlinkts', argv: drv(T_HUGE, 'stream'), json: true,
        runs: ctx.runs(3, 1), probeRuns: ctx.runs(3, 1), note: 'a 300k point beside the constant-memory check: does RSS keep growing?',
      },
      { subject: 'diagnostic: live heap, 10k stream', tool: 'netlinkts', argv: live(T_SMALL), json: true, wall: false, probeRuns: 1, note: liveNote },
      { subject: 'diagnostic: live heap, 300k stream', tool: 'netlinkts', argv: live(T_HUGE), json: true, wall: false, probeRuns: 1, note: liveNote },
      { subject: `netlinkts dump-routes --json --table ${T_SMALL}`, tool: 'netlinkts', argv: [NODE, CLI, 'dump-routes', '--json', '--table', String(T_SMALL)], note: 'the 10k point of the constant-memory check' },
    ];
    const m2 = measure(ctx, ns2, mem, { runs: ctx.runs(10, 3), warmup: 2, probeRuns: ctx.runs(5, 2) });
    const m = {
      rows: [...m1.rows, ...m2.rows], outputs: new Map([...m1.outputs, ...m2.outputs]),
      missing: new Map([...m1.missing, ...m2.missing]), commands: [...m1.commands, ...m2.commands],
    };
    const row = (s: string) => m.rows.find((r) => r.subject === s);
    const ip = row(`ip -j route show table ${T_BIG}`);
    const c = row(`C dump-and-walk table ${T_BIG}`);
    const cli = row(`netlinkts dump-routes --json --table ${T_BIG}`);
    const cli10 = row(`netlinkts dump-routes --json --table ${T_SMALL}`);
    const list = row('listRoutes() 100k (driver)');
    const s100 = row('iterateRoutes() 100k stream (driver)');
    const s10 = row('iterateRoutes() 10k stream (driver)');

    const extra: Record<string, unknown> = {};
    // Warm figures: the same dump repeated in one process.
    if (!m.missing.has('listRoutes() 100k (driver)')) {
      try {
        const p = probe(ns, [...drv(T_BIG, 'list'), '--iterations', String(ctx.runs(10, 4))], { runs: 1, json: true });
        extra.listRoutesWarm = stats((p.outputs[0] as { ms: number[] }).ms.slice(1).map((x) => x / 1000));
      } catch (err) { ctx.log(`warm run failed: ${(err as Error).message}`); }
    }
    if (c?.inproc) extra.cFloorInproc = c.inproc;

    const targets: Target[] = [];
    const chart: ChartRatio[] = [];
    const missing = [...m.missing.values()];
    const why = (...xs: (string | undefined)[]) => xs.filter(Boolean).join('; ') || 'not measured (see rows)';
    // 2a (issue 19): decode into typed objects, warm (the same dump repeated in one process),
    // vs the C floor; the cold ratio (first dump of a fresh process) is reported beside it.
    const t2a = 'decode 100k routes into typed objects, warm (the same dump repeated in one process) <= 2x the C dump-and-walk floor';
    const warm = extra.listRoutesWarm as { median: number } | undefined;
    if (warm && c?.inproc) {
      const v = warm.median / c.inproc.median;
      const cold = list?.inproc ? `; cold ${(list.inproc.median / c.inproc.median).toFixed(2)}x = ${fmtSeconds(list.inproc.median)}` : '';
      targets.push(target({ id: '2a', text: t2a, op: '<=', limit: 2, unit: 'x', value: v, detail: `${fmtSeconds(warm.median)} / ${fmtSeconds(c.inproc.median)}${cold}` }));
      chart.push({ label: '2 listRoutes warm / C floor', value: v, limit: 2, op: '<=' });
      if (list?.inproc) chart.push({ label: '2 listRoutes cold / C floor', value: list.inproc.median / c.inproc.median });
    } else {
      targets.push(target({ id: '2a', text: t2a, op: '<=', limit: 2, unit: 'x', missing: why(m.missing.get('listRoutes() 100k (driver)'), list?.note, c ? undefined : 'C floor not built') }));
    }
    // 2b: the CLI, whole process, vs ip -j route.
    if (cli?.wall && ip?.wall) {
      const v = cli.wall.median / ip.wall.median;
      targets.push(target({ id: '2b', text: 'dump-routes --json (whole process) <= 1.2x ip -j route show', op: '<=', limit: 1.2, unit: 'x', value: v, detail: `${fmtSeconds(cli.wall.median)} / ${fmtSeconds(ip.wall.median)}` }));
      chart.push({ label: '2 dump-routes --json / ip -j route (whole)', value: v, limit: 1.2, op: '<=' });
    } else {
      targets.push(target({ id: '2b', text: 'dump-routes --json (whole process) <= 1.2x ip -j route show', op: '<=', limit: 1.2, unit: 'x', missing: why(cli?.note) }));
    }
    // 2c: constant memory: peak RSS of the streaming dump at 100k over 10k.
    if (s100?.rssKiB && s10?.rssKiB) {
      const v = s100.rssKiB / s10.rssKiB;
      targets.push(target({ id: '2c', text: 'streaming dump in constant memory: peak RSS at 100k routes <= 1.10x peak RSS at 10k', op: '<=', limit: 1.1, unit: 'x', value: v, detail: `${fmtMiB(s100.rssKiB)} / ${fmtMiB(s10.rssKiB)} (iterateRoutes driver)` }));
      chart.push({ label: '2 stream RSS 100k / 10k', value: v, limit: 1.1, op: '<=' });
    } else {
      targets.push(target({ id: '2c', text: 'streaming dump in constant memory: peak RSS at 100k routes <= 1.10x peak RSS at 10k', op: '<=', limit: 1.1, unit: 'x', missing: why(m.missing.get('iterateRoutes() 100k stream (driver)'), s100?.note) }));
    }
    if (cli?.rssKiB && cli10?.rssKiB) extra.cliRss100kOver10k = cli.rssKiB / cli10.rssKiB;
    // The live heap while streaming (sampled every 1,024 routes): what stays bounded when RSS
    // still grows with V8's heap sizing.
    const heap = (s: string) => {
      const o = (m.outputs.get(s) ?? []) as Array<{ heapPeakKiB?: number }>;
      const v = o.map((x) => x.heapPeakKiB).filter((x): x is number => typeof x === 'number');
      return v.length ? stats(v).median : undefined;
    };
    const s300 = row('iterateRoutes() 300k stream (driver)');
    if (s300?.rssKiB && s100?.rssKiB) extra.streamRss300kOver100k = s300.rssKiB / s100.rssKiB;
    const h100 = heap('iterateRoutes() 100k stream (driver)'), h10 = heap('iterateRoutes() 10k stream (driver)');
    const h300 = heap('iterateRoutes() 300k stream (driver)');
    for (const [k, subject] of [['10k', 'diagnostic: live heap, 10k stream'], ['100k', 'diagnostic: live heap, 100k stream'], ['300k', 'diagnostic: live heap, 300k stream']] as const) {
      const o = (m.outputs.get(subject) ?? []) as Array<{ liveHeapPeakKiB?: number }>;
      if (o[0]?.liveHeapPeakKiB !== undefined) extra[`streamLiveHeapMiB${k}`] = o[0].liveHeapPeakKiB / 1024;
    }
    if (h300 !== undefined) extra.streamHeapPeakMiB300k = h300 / 1024;
    if (h100 !== undefined && h10 !== undefined) {
      extra.streamHeapPeakMiB100k = h100 / 1024;
      extra.streamHeapPeakMiB10k = h10 / 1024;
    }
    if (list?.inproc && s100?.inproc) extra.listOverStream = list.inproc.median / s100.inproc.median;

    return {
      id: 2, title: this.title,
      fixture: `${BIG} routes in table ${T_BIG} in one namespace; ${SMALL} in table ${T_SMALL} and ${HUGE} in table ${T_HUGE} in another (10.a.b.c/32 dev vr0, a veth that is up), made with ip -batch`,
      rows: m.rows, targets, chart, extra, notes: [], missing, commands: m.commands, durationS: 0,
    };
  },
};
