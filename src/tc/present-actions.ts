// Actions as tc prints them inside filters and for `tc actions list` (m_action.c
// tc_print_action / tc_print_one_action, print_action_control, print_tm, and each kind's
// print_aopt: m_mirred.c, m_gact.c, m_police.c and a common form for the rest).
import { TC_ACT_EXT_MASK, TC_ACT_GOTO_CHAIN, TC_ACT_JUMP } from './actions.js';
import { xmitsize } from './core.js';
import { actionsFrom, type Action } from './objects.js';
import type { PresentOptions } from './present.js';
import { printStats } from './present.js';
import type { TcPrinter } from './printer.js';
import { formatRate, formatSize } from './units.js';

type Rec = Record<string, any>;
const USER_HZ = 100;

const CONTROL: Record<number, string> = { [-1]: 'continue', 0: 'pass', 1: 'reclassify', 2: 'drop', 3: 'pipe', 4: 'stolen', 5: 'queued', 6: 'repeat', 7: 'redirect', 8: 'trap' };

/** print_action_control. */
export function printControl(p: TcPrinter, prefix: string, action: number, suffix: string): void {
  p.fp(prefix);
  p.open('control_action');
  const ext = (action & TC_ACT_EXT_MASK) >>> 0;
  if (ext === TC_ACT_GOTO_CHAIN) {
    p.any('type', 'goto', 'goto');
    p.any('chain', ` chain ${action & 0x0fffffff}`, action & 0x0fffffff);
  } else if (ext === TC_ACT_JUMP) {
    p.any('type', 'jump', 'jump');
    p.any('jump', ` ${action & 0x0fffffff}`, action & 0x0fffffff);
  } else {
    const name = CONTROL[action] ?? String(action);
    p.any('type', name, name);
  }
  p.close();
  p.fp(suffix);
}

/** print_tm: times in seconds (USER_HZ ticks), only those set. */
function printTm(p: TcPrinter, tm: Rec | undefined): void {
  if (!tm) return;
  const sec = (x: bigint | number): number => Math.trunc(Number(x) / USER_HZ);
  if (Number(tm.install)) p.any('installed', ` installed ${sec(tm.install)} sec`, sec(tm.install));
  if (Number(tm.lastuse)) p.any('last_used', ` used ${sec(tm.lastuse)} sec`, sec(tm.lastuse));
  if (Number(tm.firstuse)) p.any('first_used', ` firstused ${sec(tm.firstuse)} sec`, sec(tm.firstuse));
  if (Number(tm.expires)) p.any('expires', ` expires ${sec(tm.expires)} sec`, sec(tm.expires));
}

function refs(p: TcPrinter, parms: Rec, tab: string): void {
  p.any('index', `${tab}index ${parms.index}`, parms.index);
  p.any('ref', ` ref ${parms.refcnt}`, parms.refcnt);
  p.any('bind', ` bind ${parms.bindcnt}`, parms.bindcnt);
}

const MIRRED: Record<number, [string, string, string]> = {
  1: ['Egress Redirect', 'redirect', 'egress'], 2: ['Egress Mirror', 'mirror', 'egress'],
  3: ['Ingress Redirect', 'redirect', 'ingress'], 4: ['Ingress Mirror', 'mirror', 'ingress'],
};

function printOne(p: TcPrinter, a: Action, opts: PresentOptions): void {
  const o = (a.options ?? {}) as Rec;
  switch (a.kind) {
    case 'mirred': {
      const m = o.parms;
      if (!m) { p.fp('[NULL mirred parameters]'); return; }
      const [text, act, dir] = MIRRED[m.eaction] ?? ['unknown', 'unknown', 'unknown'];
      p.any('kind', 'mirred ', 'mirred');
      p.fp(`(${text}`);
      p.js('mirred_action', act);
      p.js('direction', dir);
      const dev = opts.names?.(m.ifindex) ?? `if${m.ifindex}`;
      p.any('to_dev', ` to device ${dev})`, dev);
      printControl(p, ' ', m.action, '');
      p.nl();
      refs(p, m, '\t');
      if (opts.stats) printTm(p, o.tm);
      p.nl();
      return;
    }
    case 'gact': {
      const g = o.parms ?? {};
      p.any('kind', 'gact ', 'gact');
      printControl(p, 'action ', g.action ?? 0, '');
      if (o.prob) {
        const t = ['none', 'netrand', 'determ'][o.prob.ptype] ?? String(o.prob.ptype);
        p.any('random_type', `\n\t random type ${t}`, t);
        printControl(p, ' ', o.prob.paction, ' ');
        p.any('val', `val ${o.prob.pval}`, o.prob.pval);
      }
      p.nl();
      refs(p, g, '\t ');
      if (opts.stats) printTm(p, o.tm);
      p.nl();
      return;
    }
    case 'police': {
      const t = o.tbf ?? {};
      const rate = o.rate64 !== undefined ? BigInt(o.rate64) : BigInt(t.rate?.rate ?? 0);
      p.any('kind', 'police', 'police');
      p.any('index', ` ${t.index} `, t.index);
      p.any('rate', `rate ${formatRate(rate)} `, rate);
      const burst = rate ? xmitsize(rate, t.burst) : 0;
      p.any('burst', `burst ${formatSize(burst)} `, burst);
      p.any('mtu', `mtu ${formatSize(t.mtu)} `, t.mtu);
      printControl(p, 'action ', t.action, '');
      if (o.result !== undefined) printControl(p, '/', o.result, ' ');
      else p.fp(' ');
      p.nl();
      p.any('ref', `\tref ${t.refcnt} `, t.refcnt);
      p.any('bind', `bind ${t.bindcnt} `, t.bindcnt);
      if (opts.stats) printTm(p, o.tm);
      p.nl();
      return;
    }
    default: {
      // The other kinds (this kernel has none of them): kind, control, index / ref / bind.
      const parms = o.parms ?? {};
      p.any('kind', `${a.kind} `, a.kind);
      if (parms.action !== undefined) printControl(p, '', parms.action, '');
      p.nl();
      if (parms.index !== undefined) refs(p, parms, '\t ');
      if (opts.stats) printTm(p, o.tm);
      p.nl();
    }
  }
}

/** tc_print_action: the "actions" array of a filter (or of `tc actions list`). */
export function printActions(p: TcPrinter, list: unknown, opts: PresentOptions): void {
  const actions = Array.isArray(list) && list[0]?.type === 'action' ? (list as Action[]) : actionsFrom(list);
  p.openArray('actions');
  for (const a of actions) {
    p.open(null);
    p.nl();
    p.any('order', `\taction order ${a.order}: `, a.order);
    p.guard(`${a.kind} action`, () => printOne(p, a, opts));
    if (opts.stats && a.stats) {
      p.fp('\tAction statistics:');
      p.nl();
      p.open('stats');
      printStats(p, a.stats, '\t');
      p.close();
      p.nl();
    }
    p.close();
  }
  p.close();
}
