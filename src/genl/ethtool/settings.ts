// The other ethtool settings, each a get (and where the kernel has one, a set) of one
// attribute set: link info, link modes, link state, rings, channels, coalescing, pause, EEE,
// string sets. Values are the table's own (attribute names as the kernel spec has them);
// the header is left out of the result. A driver without the operation answers EOPNOTSUPP,
// passed on as the typed NetlinkError.
import type { GenlClient } from '../client.js';
import { ethtoolFamily, header } from './family.js';

/** Settings that have a get and a set, by the spec's operation prefix. */
export const SETTINGS = ['linkinfo', 'linkmodes', 'rings', 'channels', 'coalesce', 'pause', 'eee', 'debug', 'wol', 'fec', 'module'] as const;
export type Setting = (typeof SETTINGS)[number] | 'linkstate' | 'tsinfo';

export async function getSetting(client: GenlClient, dev: string | number, what: Setting): Promise<Record<string, unknown>> {
  const [reply] = await client.request(ethtoolFamily, { op: `${what}-get`, attrs: { header: header(dev) }, operation: `get ${what} of ${dev}` });
  const { header: _h, ...rest } = reply?.attrs ?? {};
  return rest;
}

/**
 * Changes a setting: only the attributes given are sent, so the rest stay as they are. Names
 * and values are checked against the table before anything is sent.
 */
export async function setSetting(client: GenlClient, dev: string | number, what: (typeof SETTINGS)[number], values: Readonly<Record<string, unknown>>): Promise<void> {
  await client.request(ethtoolFamily, { op: `${what}-set`, attrs: { header: header(dev), ...values }, operation: `set ${what} of ${dev}` });
}

/** A string set by id (ETH_SS_FEATURES = 4, ...), as index -> string. */
export async function getStringSet(client: GenlClient, dev: string | number | undefined, id: number): Promise<string[]> {
  const attrs: Record<string, unknown> = { stringsets: { stringset: [{ id }] } };
  if (dev !== undefined) attrs.header = header(dev);
  const [reply] = await client.request(ethtoolFamily, { op: 'strset-get', attrs, operation: `get string set ${id}` });
  const out: string[] = [];
  const sets = ((reply?.attrs.stringsets as { stringset?: { strings?: { string?: { index?: number; value?: string }[] }[] }[] } | undefined)?.stringset) ?? [];
  for (const s of sets) for (const block of s.strings ?? []) for (const str of block.string ?? []) out[str.index ?? out.length] = str.value ?? '';
  return out;
}
