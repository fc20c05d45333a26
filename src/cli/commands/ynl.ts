// `netlinkts ynl`: any declared family, generically (as the kernel's tools/net/ynl cli.py):
//   netlinkts ynl --family ethtool --do linkinfo-get --json '{"header": {"dev-name": "eth0"}}'
//   netlinkts ynl --family rt-link --dump getlink
//   netlinkts ynl --family netdev --list-ops
// Replies are printed as JSON, one message per line (--pretty indents them).
import { parseArgs } from 'node:util';
import { FAMILY_NAMES, loadFamily } from '../../ynl/registry.js';
import { ynl } from '../../ynl/client.js';
import { ynlJson } from '../../ynl/json.js';
import { ValidationError } from '../../netlink/errors.js';

export const YNL_USAGE = `usage: netlinkts ynl --family NAME (--do OP | --dump OP) [--json ATTRS] [--header FIELDS] [--netns NAME] [--pretty]
       netlinkts ynl --family NAME --list-ops
       netlinkts ynl --list-families`;

function parseJson(text: string | undefined, what: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(what, `not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError(what, 'expected a JSON object');
  return v as Record<string, unknown>;
}

export async function ynlCommand(argv: string[], write: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      family: { type: 'string' }, do: { type: 'string' }, dump: { type: 'string' }, json: { type: 'string' },
      header: { type: 'string' }, netns: { type: 'string' }, pretty: { type: 'boolean' },
      'list-ops': { type: 'boolean' }, 'list-families': { type: 'boolean' },
    },
    strict: true,
  });
  if (values['list-families']) {
    write(FAMILY_NAMES.join('\n') + '\n');
    return 0;
  }
  if (!values.family) throw new ValidationError('--family', `required (one of: ${FAMILY_NAMES.join(', ')})`);
  if (values['list-ops']) {
    const fam = await loadFamily(values.family);
    for (const op of fam.decl.operations.list) {
      const modes = [op.do && 'do', op.dump && 'dump', op.notify && `notify(${op.notify})`, op.event && 'event'].filter(Boolean);
      write(`${op.name}\t${modes.join(' ')}\n`);
    }
    return 0;
  }
  if ((values.do === undefined) === (values.dump === undefined)) throw new ValidationError('--do/--dump', 'give exactly one of them');
  const replies = await ynl({
    family: values.family,
    op: (values.do ?? values.dump)!,
    mode: values.dump !== undefined ? 'dump' : 'do',
    attrs: parseJson(values.json, '--json'),
    header: parseJson(values.header, '--header'),
    netns: values.netns,
  });
  for (const r of replies) {
    const shown: Record<string, unknown> = { op: r.op };
    if (r.header) shown.header = r.header;
    shown.attrs = r.attrs;
    write(ynlJson(shown, values.pretty ? 2 : undefined) + '\n');
  }
  return 0;
}
