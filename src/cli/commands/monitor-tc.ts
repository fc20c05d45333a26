// `netlinkts monitor tc`: qdisc, class, filter and action changes as they happen (RTNLGRP_TC),
// printed as `tc monitor` prints them (--json: one tc -j object a line), until interrupted.
import { parseArgs } from 'node:util';
import { TrafficControl } from '../../tc/client.js';
import { printActions } from '../../tc/present-actions.js';
import { printClass, printFilter, printQdisc } from '../../tc/present.js';
import { TcPrinter } from '../../tc/printer.js';

export async function monitorTcCommand(argv: string[], write: (text: string) => void, signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { netns: { type: 'string' }, json: { type: 'boolean', short: 'j' } } });
  const t = new TrafficControl({ netns: values.netns });
  try {
    for await (const ev of t.events({ signal })) {
      const p = new TcPrinter(!!values.json);
      if (ev.type === 'qdisc') printQdisc(p, ev);
      else if (ev.type === 'class') printClass(p, ev);
      else if (ev.type === 'filter') printFilter(p, ev);
      else { p.open(null); p.fp(ev.event === 'del' ? 'deleted action\n' : 'added action\n'); printActions(p, [ev], {}); p.close(); }
      // One object a line in JSON (not tc -j's array).
      write(values.json ? `${p.toString().trim().replace(/^\[|\]$/g, '')}\n` : p.toString());
    }
    return 0;
  } finally {
    t.close();
  }
}
