// `netlinkts dump-genl`: generic netlink families, ids, versions, operations and multicast
// groups, as `genl ctrl list` prints them (--json: the same facts as objects).
import { parseArgs } from 'node:util';
import { GenlClient } from '../../genl/client.js';
import { genlFamilyJson, genlFamilyText } from '../../genl/present.js';

export const DUMP_GENL_USAGE = 'usage: netlinkts dump-genl [--json] [--netns NAME] [FAMILY]';

export async function dumpGenlCommand(argv: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, netns: { type: 'string' } }, allowPositionals: true });
  const client = new GenlClient({ netns: values.netns });
  try {
    const families = positionals.length ? await Promise.all(positionals.map((n) => client.family(n))) : await client.families();
    if (values.json) write(`${JSON.stringify(families.map(genlFamilyJson))}\n`);
    else write(families.map(genlFamilyText).join(''));
    return 0;
  } finally {
    client.close();
  }
}
