// `netlinkts dump-addrs`: addresses grouped under their links, like `ip addr show`.
import { NetlinkError } from '../../netlink/errors.js';
import { encodeAddressDump, type Address } from '../../rtnl/address.js';
import { listAddresses } from '../../rtnl/address-ops.js';
import { listLinks, linkIndex } from '../../rtnl/link-ops.js';
import * as C from '../../rtnl/constants.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';
import { retryInterrupted } from '../retry.js';
import { parseFamily } from '../family.js';
import { JsonArrayWriter, Output } from '../output.js';
import { addrLinkJson, addrText } from '../rtnl-format.js';
import { closeTargets, openTargets, targetTitle, type Target } from '../targets.js';

async function devIndex(t: Target, dev: string | undefined, single: boolean): Promise<number | undefined | null> {
  if (dev === undefined) return undefined;
  try {
    return await linkIndex(t.sock, dev);
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') {
      if (!single) return null;
      throw new CliError(`dump-addrs: --dev ${dev}: no such link${t.name !== null ? ` in namespace ${t.name}` : ''}`);
    }
    throw err;
  }
}

export async function run(args: ParsedArgs): Promise<number> {
  const family = parseFamily(stringOption(args, 'family'), 'dump-addrs');
  const dev = stringOption(args, 'dev');
  const json = flag(args, 'json');
  const targets = await openTargets(args);
  const single = targets.length === 1;
  try {
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const [{ rawDump }, { rtnlSchema }] = await Promise.all([import('../raw-dump.js'), import('../schema/rtnl.js')]);
      const af = family === undefined ? C.AF_UNSPEC : family === 4 ? C.AF_INET : C.AF_INET6;
      const idx = new Map<Target, number>();
      for (const t of targets) {
        const i = await devIndex(t, dev, single);
        if (i !== null) idx.set(t, i ?? 0);
      }
      await rawDump(targets.filter((t) => idx.has(t)), (t) => encodeAddressDump(af, idx.get(t)), { operation: 'list addresses' }, mode, json, rtnlSchema);
      return 0;
    }
    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const t of targets) {
      const i = await devIndex(t, dev, single);
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
