// `netlinkts dump-rules`: policy routing rules like `ip [-d] rule show` (IPv4 unless told, as ip).
import { listRules } from '../../rtnl/rule-ops.js';
import { ruleJson, ruleText } from '../../rtnl/print/rule.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { parseFamily } from '../family.js';
import { runList } from '../list-command.js';

export async function run(args: ParsedArgs): Promise<number> {
  const family = parseFamily(stringOption(args, 'family'), 'dump-rules') ?? 4;
  const details = flag(args, 'details');
  return runList(args, {
    list: (t) => listRules(t.sock, { family }),
    json: (r) => ruleJson(r, details),
    text: (r) => ruleText(r, details),
  });
}
