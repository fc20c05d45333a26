// `netlinkts monitor genl FAMILY[:GROUP] ...`: notifications of generic netlink families,
// decoded by their declared tables, one JSON object per line, until interrupted. Without a
// group, every group the kernel registered for the family is joined.
import { parseArgs } from 'node:util';
import { ValidationError } from '../../netlink/errors.js';
import { GenlClient } from '../../genl/client.js';
import { loadFamily } from '../../ynl/registry.js';
import { ynlJson } from '../../ynl/json.js';

export const MONITOR_GENL_USAGE = 'usage: netlinkts monitor genl FAMILY[:GROUP] ... [--netns NAME]';

export async function monitorGenlCommand(argv: string[], write: (text: string) => void, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { netns: { type: 'string' } }, allowPositionals: true });
  if (positionals.length === 0) throw new ValidationError('FAMILY', 'name at least one family (e.g. ethtool, ethtool:monitor)');
  const client = new GenlClient({ netns: values.netns });
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const subs: Array<{ family: string; group: string; it: AsyncGenerator<import('../../netlink/spec/family.js').DecodedMessage> }> = [];
    for (const arg of positionals) {
      const [name, group] = arg.split(':') as [string, string | undefined];
      const family = await loadFamily(name);
      const groups = group ? [group] : [...(await client.family(family.decl.name)).mcastGroups.keys()];
      if (groups.length === 0) throw new ValidationError('FAMILY', `${name} has no multicast groups`);
      for (const g of groups) subs.push({ family: family.decl.name, group: g, it: await client.subscribe(family, g, { signal: ac.signal }) });
    }
    await Promise.all(subs.map(async ({ family, group, it }) => {
      for await (const n of it) write(`${ynlJson({ family, group, op: n.op, attrs: n.attrs })}\n`);
    }));
    return 0;
  } finally {
    signal?.removeEventListener('abort', stop);
    ac.abort();
    client.close();
  }
}
