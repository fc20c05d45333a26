// `netlinkts dump-fdb`: forwarding database entries like `bridge [-s] fdb show` (bridge ports,
// vxlan remotes). With --dev, bridge leaves the device out of each entry; so does this.
import { listFdb } from '../../rtnl/fdb-ops.js';
import { fdbJson, fdbText } from '../../rtnl/print/fdb.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { deviceIndex } from '../device-filter.js';
import { runList } from '../list-command.js';

export async function run(args: ParsedArgs): Promise<number> {
  const dev = stringOption(args, 'dev');
  const br = stringOption(args, 'br');
  const vlanText = stringOption(args, 'vlan');
  if (vlanText !== undefined && !(/^\d+$/.test(vlanText) && Number(vlanText) >= 1 && Number(vlanText) <= 4094)) {
    throw new UsageError(`--vlan must be a VLAN id 1-4094, not "${vlanText}"`, 'dump-fdb');
  }
  const vlan = vlanText === undefined ? undefined : Number(vlanText);
  const opts = { stats: flag(args, 'stats'), showDev: dev === undefined };
  return runList(args, {
    list: async (t, single) => {
      const i = await deviceIndex(t, dev, single, 'dump-fdb');
      const m = await deviceIndex(t, br, single, 'dump-fdb');
      if (i === null || m === null) return null;
      return listFdb(t.sock, { dev: i, master: m, vlan, dynamic: flag(args, 'dynamic') || undefined });
    },
    json: (e) => fdbJson(e, opts),
    text: (e) => fdbText(e, opts),
  });
}
