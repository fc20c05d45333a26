// `--dev NAME` for the per-namespace dump commands (dump-addrs, dump-neigh): the link's index
// in each target namespace, and the --raw/--hex path that dumps with that filter.
import { NetlinkError } from '../netlink/errors.js';
import { linkIndex } from '../rtnl/link-read.js';
import { CliError } from './errors.js';
import type { Target } from './targets.js';

/**
 * The ifindex of `dev` in target `t`: undefined without --dev; null when the link is missing
 * there and several namespaces are listed (that one is skipped). With a single target a
 * missing link is an error naming it.
 */
export async function deviceIndex(t: Target, dev: string | undefined, single: boolean, command: string): Promise<number | undefined | null> {
  if (dev === undefined) return undefined;
  try {
    return await linkIndex(t.sock, dev);
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') {
      if (!single) return null;
      throw new CliError(`${command}: --dev ${dev}: no such link${t.name !== null ? ` in namespace ${t.name}` : ''}`);
    }
    throw err;
  }
}

/** --raw / --hex: the undecoded dump of every target that has the device, filtered by the kernel. */
export async function rawDumpByDevice(
  targets: Target[], dev: string | undefined, single: boolean, command: string, mode: 'raw' | 'hex', json: boolean,
  operation: string, encode: (ifindex: number | undefined) => Uint8Array,
): Promise<void> {
  const [{ rawDump }, { rtnlSchema }] = await Promise.all([import('./raw-dump.js'), import('../rtnl/tree-schema.js')]);
  const idx = new Map<Target, number | undefined>();
  for (const t of targets) {
    const i = await deviceIndex(t, dev, single, command);
    if (i !== null) idx.set(t, i);
  }
  await rawDump(targets.filter((t) => idx.has(t)), (t) => encode(idx.get(t)), { operation }, mode, json, rtnlSchema);
}
