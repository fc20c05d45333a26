// `netlinkts dump-tc qdisc|class|filter|actions`: traffic control as `tc [-s] [-j] ... show`
// prints it (text, or --json as `tc -j`), from the library's dumps decoded by the tc tables.
import { parseArgs } from 'node:util';
import { TrafficControl } from '../../tc/client.js';
import { parseClassId, parseFilterParent } from '../../tc/handle.js';
import { linkNames } from '../../tc/links.js';
import { printActions } from '../../tc/present-actions.js';
import { printObject } from '../../tc/present.js';
import { TcPrinter } from '../../tc/printer.js';
import type { TcObject } from '../../tc/objects.js';
import { UsageError } from '../errors.js';

export async function dumpTcCommand(argv: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dev: { type: 'string' }, parent: { type: 'string' }, json: { type: 'boolean', short: 'j' }, stats: { type: 'boolean', short: 's' },
      netns: { type: 'string' }, protocol: { type: 'string' }, prio: { type: 'string' }, chain: { type: 'string' },
    },
  });
  const what = positionals[0];
  if (what !== 'qdisc' && what !== 'class' && what !== 'filter' && what !== 'actions') throw new UsageError('dump-tc needs qdisc, class, filter or actions', 'dump-tc');
  if ((what === 'class' || what === 'filter') && !values.dev) throw new UsageError(`dump-tc ${what} needs --dev (as tc ${what} show)`, 'dump-tc');
  const t = new TrafficControl({ netns: values.netns });
  try {
    const names = await linkNames(t.socket);
    const opts = { stats: values.stats, json: values.json, dev: values.dev, names: (i: number) => names.get(i) };
    if (what === 'actions') {
      const kind = positionals[1];
      if (!kind) throw new UsageError('dump-tc actions needs a kind (mirred, gact...)', 'dump-tc');
      const p = new TcPrinter(!!values.json);
      const list = [];
      for await (const a of t.actions(kind)) list.push(a);
      if (values.json) p.open(null);
      p.fp(`total acts ${list.length}\n`);
      p.js('total acts', list.length);
      printActions(p, list, opts);
      if (values.json) p.close();
      write(p.toString());
      return 0;
    }
    const parent = values.parent === undefined ? undefined : what === 'filter' ? parseFilterParent(values.parent) : parseClassId(values.parent);
    const shown = { ...opts, parent: what === 'filter' ? parent : undefined };
    // Printed as they arrive, written out every 256 objects: a listing of 10,000 filters is
    // never held whole, as objects or as text.
    const p = new TcPrinter(!!values.json);
    let n = 0;
    const show = (o: TcObject): void => {
      printObject(p, o, shown);
      if (++n % 256 === 0) write(p.drain());
    };
    if (what === 'qdisc') for await (const q of t.qdiscs({ dev: values.dev, parent: values.parent })) show(q);
    else if (what === 'class') for await (const c of t.classes({ dev: values.dev!, parent: values.parent })) show(c);
    else {
      const prio = values.prio === undefined ? undefined : Number(values.prio);
      const chain = values.chain === undefined ? undefined : Number(values.chain);
      for await (const f of t.filters({ dev: values.dev!, parent: values.parent, protocol: values.protocol, prio, chain })) show(f);
    }
    write(p.toString());
    return 0;
  } finally {
    t.close();
  }
}
