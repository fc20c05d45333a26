// `netlinkts dump-neigh`: neighbour (ARP/NDP) entries like `ip neigh show`.
import { NetlinkError } from '../../netlink/errors.js';
import { encodeNeighbourDump } from '../../rtnl/neighbour.js';
import { listNeighbours } from '../../rtnl/neighbour-ops.js';
import { linkIndex } from '../../rtnl/link-ops.js';
import * as C from '../../rtnl/constants.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';
import { retryInterrupted } from '../retry.js';
import { parseFamily } from '../family.js';
import { JsonArrayWriter, Output } from '../output.js';
import { neighJson, neighText } from '../rtnl-format.js';
import { closeTargets, openTargets, targetTitle, type Target } from '../targets.js';

async function devIndex(t: Target, dev: string | undefined, single: boolean): Promise<number | undefined | null> {
  if (dev === undefined) return undefined;
  try {
    return await linkIndex(t.sock, dev);
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') {
      if (!single) return null;
      throw new CliError(`dump-neigh: --dev ${dev}: no such link${t.name !== null ? ` in namespace ${t.name}` : ''}`);
    }
    throw err;
  }
}

export async function run(args: ParsedArgs): Promise<number> {
  const family = parseFamily(stringOption(args, 'family'), 'dump-neigh');
  const dev = stringOption(args, 'dev');
  const json = flag(args, 'json');
  const targets = await openTargets(args);
  const single = targets.length === 1;
  try {
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const [{ rawDump }, { rtnlSchema }] = await Promise.all([import('../raw-dump.js'), import('../schema/rtnl.js')]);
      const af = family === undefined ? C.AF_UNSPEC : family === 4 ? C.AF_INET : C.AF_INET6;
      const idx = new Map<Target, number | undefined>();
      for (const t of targets) {
        const i = await devIndex(t, dev, single);
        if (i !== null) idx.set(t, i);
      }
      await rawDump(targets.filter((t) => idx.has(t)), (t) => encodeNeighbourDump({ family: af, ifindex: idx.get(t) }), { operation: 'list neighbours' }, mode, json, rtnlSchema);
      return 0;
    }
    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const t of targets) {
      const i = await devIndex(t, dev, single);
      if (i === null) continue;
      if (!json && !single) out.write(`${targetTitle(t)}\n`);
      for (const n of await retryInterrupted(() => listNeighbours(t.sock, { dev: i, family }))) {
        const p = arr ? arr.item(JSON.stringify(neighJson(n, single ? undefined : t.name))) : out.write(neighText(n));
        if (p) await p;
      }
    }
    arr?.end();
    await out.end();
    return 0;
  } finally {
    closeTargets(targets);
  }
}
