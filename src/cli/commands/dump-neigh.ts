// `netlinkts dump-neigh`: neighbour (ARP/NDP) entries like `ip neigh show`.
import { encodeNeighbourDump } from '../../rtnl/neighbour.js';
import { listNeighbours } from '../../rtnl/neighbour-ops.js';
import * as C from '../../rtnl/constants.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { retryInterrupted } from '../retry.js';
import { parseFamily } from '../family.js';
import { JsonArrayWriter, Output } from '../output.js';
import { neighJson, neighText } from '../../rtnl/print/neighbour.js';
import { closeTargets, openTargets, targetTitle } from '../targets.js';
import { deviceIndex, rawDumpByDevice } from '../device-filter.js';

export async function run(args: ParsedArgs): Promise<number> {
  const family = parseFamily(stringOption(args, 'family'), 'dump-neigh');
  const dev = stringOption(args, 'dev');
  const json = flag(args, 'json');
  const targets = await openTargets(args);
  const single = targets.length === 1;
  try {
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const af = family === undefined ? C.AF_UNSPEC : family === 4 ? C.AF_INET : C.AF_INET6;
      await rawDumpByDevice(targets, dev, single, 'dump-neigh', mode, json, 'list neighbours', (i) => encodeNeighbourDump({ family: af, ifindex: i }));
      return 0;
    }
    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const t of targets) {
      const i = await deviceIndex(t, dev, single, 'dump-neigh');
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
