// `netlinkts dump-addrs`: addresses grouped under their links, like `ip addr show`.
import { encodeAddressDump, type Address } from '../../rtnl/address.js';
import { listAddresses } from '../../rtnl/address-ops.js';
import { listLinks } from '../../rtnl/link-read.js';
import * as C from '../../rtnl/constants.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { retryInterrupted } from '../retry.js';
import { parseFamily } from '../family.js';
import { JsonArrayWriter, Output } from '../output.js';
import { addrLinkJson, addrText } from '../../rtnl/print/address.js';
import { closeTargets, openTargets, targetTitle } from '../targets.js';
import { deviceIndex, rawDumpByDevice } from '../device-filter.js';

export async function run(args: ParsedArgs): Promise<number> {
  const family = parseFamily(stringOption(args, 'family'), 'dump-addrs');
  const dev = stringOption(args, 'dev');
  const json = flag(args, 'json');
  const targets = await openTargets(args);
  const single = targets.length === 1;
  try {
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const af = family === undefined ? C.AF_UNSPEC : family === 4 ? C.AF_INET : C.AF_INET6;
      await rawDumpByDevice(targets, dev, single, 'dump-addrs', mode, json, 'list addresses', (i) => encodeAddressDump(af, i ?? 0));
      return 0;
    }
    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const t of targets) {
      const i = await deviceIndex(t, dev, single, 'dump-addrs');
      if (i === null) continue;
      if (!json && !single) out.write(`${targetTitle(t)}\n`);
      const [links, addrs] = await Promise.all([
        retryInterrupted(() => listLinks(t.sock, {})),
        retryInterrupted(() => listAddresses(t.sock, { dev: i, family, resolveNames: false })),
      ]);
      const byLink = new Map<number, Address[]>();
      for (const a of addrs) {
        let list = byLink.get(a.index);
        if (!list) byLink.set(a.index, (list = []));
        list.push(a);
      }
      for (const l of links) {
        if (i !== undefined && l.ifindex !== i) continue;
        const list = byLink.get(l.ifindex) ?? [];
        // As ip: with a family filter, links without an address of that family are left out.
        if (family !== undefined && !list.length) continue;
        const p = arr ? arr.item(JSON.stringify(addrLinkJson(l, list, single ? undefined : t.name, family === undefined))) : out.write(addrText(l, list));
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
