// `netlinkts dump-vlans`: bridge port VLANs like `bridge vlan show`. Where the kernel has no
// VLAN filtering (it answers EOPNOTSUPP to `bridge vlan add`), ports carry no VLAN list and
// both print nothing but the header.
import { listBridgeVlans } from '../../rtnl/bridge-ops.js';
import { BRIDGE_VLAN_HEADER, bridgeVlanJson, bridgeVlanText } from '../../rtnl/print/bridge.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { deviceIndex } from '../device-filter.js';
import { runList } from '../list-command.js';

export async function run(args: ParsedArgs): Promise<number> {
  const dev = stringOption(args, 'dev');
  return runList(args, {
    list: async (t, single) => {
      const i = await deviceIndex(t, dev, single, 'dump-vlans');
      if (i === null) return null;
      return listBridgeVlans(t.sock, { dev: i, compressed: flag(args, 'compressed') });
    },
    json: (p) => bridgeVlanJson(p),
    text: (p) => bridgeVlanText(p),
    header: BRIDGE_VLAN_HEADER,
  });
}
