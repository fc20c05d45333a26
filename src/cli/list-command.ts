// The shape shared by the collected list commands (dump-rules, dump-nexthops, dump-fdb,
// dump-vlans): one list call per target namespace (consistent: the rtnl list calls retry a
// dump the kernel flags NLM_F_DUMP_INTR), then each object printed by a presentation function
// of the decoded object, as text or as one JSON array.
import { JsonArrayWriter, Output } from './output.js';
import { closeTargets, openTargets, targetTitle, type Target } from './targets.js';
import { flag, type ParsedArgs } from './args.js';

export interface ListCommand<T> {
  /** The objects of one namespace; null skips it (a --dev missing there with several targets). */
  list(t: Target, single: boolean): Promise<T[] | null>;
  /** ip/bridge's JSON object; `netns` is the target's name when several are listed. */
  json(item: T, netns: string | null | undefined): Record<string, unknown>;
  text(item: T): string;
  /** Text printed once per namespace before its objects (bridge vlan's column header). */
  header?: string;
}

export async function runList<T>(args: ParsedArgs, cmd: ListCommand<T>): Promise<number> {
  const json = flag(args, 'json');
  const targets = await openTargets(args);
  const single = targets.length === 1;
  try {
    const out = new Output();
    const arr = json ? new JsonArrayWriter(out) : undefined;
    for (const t of targets) {
      const items = await cmd.list(t, single);
      if (items === null) continue;
      if (!arr && !single) out.write(`${targetTitle(t)}\n`);
      if (!arr && cmd.header) out.write(cmd.header);
      for (const item of items) {
        const o = cmd.json(item, single ? undefined : t.name);
        const p = arr ? arr.item(JSON.stringify(single ? o : { netns: t.name, ...o })) : out.write(cmd.text(item));
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
