// `netlinkts dump-nexthops`: nexthop objects like `ip [-d] nexthop show` (every family, as ip).
import { listNexthops } from '../../rtnl/nexthop-ops.js';
import { nexthopJson, nexthopText } from '../../rtnl/print/nexthop.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { parseFamily } from '../family.js';
import { deviceIndex } from '../device-filter.js';
import { runList } from '../list-command.js';

export async function run(args: ParsedArgs): Promise<number> {
  const family = parseFamily(stringOption(args, 'family'), 'dump-nexthops');
  const details = flag(args, 'details');
  const dev = stringOption(args, 'dev');
  return runList(args, {
    list: async (t, single) => {
      const i = await deviceIndex(t, dev, single, 'dump-nexthops');
      if (i === null) return null;
      return listNexthops(t.sock, { family, dev: i, groups: flag(args, 'groups') || undefined, fdb: flag(args, 'fdb') || undefined });
    },
    json: (n) => nexthopJson(n, details),
    text: (n) => nexthopText(n, details),
  });
}
