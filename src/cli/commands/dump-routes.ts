// `netlinkts dump-routes`: routes like `ip -d route show`, streamed: each datagram of the dump
// is decoded and written before the next is read (backpressure from stdout pauses the socket),
// so memory stays flat whatever the table size.
import { DumpInterruptedError, NetlinkError } from '../../netlink/errors.js';
import { encodeRouteDump } from '../../rtnl/route.js';
import { routeBatches, type ListRoutesOptions } from '../../rtnl/route-ops.js';
import * as C from '../../rtnl/constants.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { JsonArrayWriter, Output } from '../output.js';
import { routeJsonText, routeText } from '../../rtnl/print/route.js';
import { closeTargets, openTargets, targetTitle } from '../targets.js';
import { parseFamily } from '../family.js';

function parseTable(v: string | undefined): ListRoutesOptions['table'] {
  if (v === undefined) return 'main';
  if (v === 'all' || v === 'main' || v === 'local' || v === 'default') return v;
  if (/^\d+$/.test(v) && Number(v) > 0 && Number(v) <= 0xffffffff) return Number(v);
  throw new UsageError(`--table must be a table number, main, local, default or all, not "${v}"`, 'dump-routes');
}

/**
 * A dump filtered by table fails with ENOENT ("FIB table does not exist") where that table was
 * never created, e.g. the main table of a namespace without routes: that is an empty list.
 */
function noSuchTable(err: unknown): boolean {
  return err instanceof NetlinkError && err.code === 'ENOENT';
}

export async function run(args: ParsedArgs): Promise<number> {
  const table = parseTable(stringOption(args, 'table'));
  const family = parseFamily(stringOption(args, 'family'), 'dump-routes');
  const json = flag(args, 'json');
  const all = table === 'all';
  // As ip: a specific table shows IPv4 unless told otherwise; `table all` shows every family.
  const fam = family ?? (all ? undefined : 4);
  const targets = await openTargets(args);
  try {
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const [{ rawDump }, { rtnlSchema }] = await Promise.all([import('../raw-dump.js'), import('../../rtnl/tree-schema.js')]);
      const tableId = all ? 0 : typeof table === 'number' ? table : table === 'local' ? C.RT_TABLE_LOCAL : table === 'default' ? C.RT_TABLE_DEFAULT : C.RT_TABLE_MAIN;
      const af = fam === undefined ? C.AF_UNSPEC : fam === 4 ? C.AF_INET : C.AF_INET6;
      await rawDump(targets, () => encodeRouteDump({ family: af, table: tableId }), { operation: 'list routes' }, mode, json, rtnlSchema, { ignore: noSuchTable });
      return 0;
    }
    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    const many = targets.length > 1;
    let interrupted = false;
    for (const t of targets) {
      const netns = many ? t.name : undefined;
      if (!arr && many) out.write(`${targetTitle(t)}\n`);
      try {
        // Streamed: each datagram's routes are written before the next datagram is read.
        for await (const batch of routeBatches(t.sock, { table, family: fam })) {
          let text = '';
          if (arr) for (const r of batch) text += arr.sep() + routeJsonText(r, all, netns);
          else for (const r of batch) text += routeText(r, all);
          const p = out.write(text);
          if (p) await p;
        }
      } catch (err) {
        if (err instanceof DumpInterruptedError) interrupted = true;
        else if (!noSuchTable(err)) throw err;
      }
    }
    arr?.end();
    await out.end();
    if (interrupted) {
      // Streamed: what was printed cannot be taken back. Say so, as ip does, and fail.
      process.stderr.write('netlinkts: dump-routes: the routing table changed while it was read (NLM_F_DUMP_INTR): the output may be inconsistent; run again\n');
      return 1;
    }
    return 0;
  } finally {
    closeTargets(targets);
  }
}
