// tc's presentation of qdiscs, classes and filters (iproute2 6.1: tc_qdisc.c print_qdisc,
// tc_class.c print_class, tc_filter.c print_filter, tc_util.c print_tcstats2_attr, and each
// kind's print_opt), as text (`tc -s ... show`) and JSON (`tc -j -s ... show`), both from the
// decoded objects (objects.ts) through one printer (printer.ts).
import { tick2time, xmitsize } from './core.js';
import { formatClassId, formatQdiscHandle, formatU32Handle, TC_H_CLSACT_EGRESS, TC_H_CLSACT_INGRESS, TC_H_ROOT, u32Hash, u32Node, u32UserHtid } from './handle.js';
import type { Filter, Qdisc, TcClass, TcObject, TcStats } from './objects.js';
import { printActions } from './present-actions.js';
import { TcPrinter } from './printer.js';
import { formatRate, formatSize, formatTime } from './units.js';

export interface PresentOptions {
  /** tc -s: statistics. */
  stats?: boolean;
  /** The `dev` the listing was asked for (tc then leaves it out of each line). */
  dev?: string | number;
  /** The `parent` the listing was asked for (filters: left out of each line, as tc does). */
  parent?: number;
  /** ifindex -> name (mirred's target device). */
  names?: (ifindex: number) => string | undefined;
}

type Rec = Record<string, any>;

/** print_tcstats2_attr: Sent / dropped / overlimits / requeues, rate, backlog. */
export function printStats(p: TcPrinter, s: TcStats, prefix: string): void {
  p.fp(prefix);
  p.any('bytes', `Sent ${s.bytes} bytes`, s.bytes);
  p.any('packets', ` ${s.packets} pkt`, s.packets);
  p.any('drops', ` (dropped ${s.drops}`, s.drops);
  p.any('overlimits', `, overlimits ${s.overlimits}`, s.overlimits);
  p.any('requeues', ` requeues ${s.requeues}) `, s.requeues);
  if (s.rate) {
    p.fp(`\n${prefix}`);
    p.js('rate', s.rate.bps);
    p.fp(`rate ${formatRate(s.rate.bps)}`);
    p.any('pps', ` ${s.rate.pps}pps`, s.rate.pps);
  }
  if (!s.rate) p.fp('\n');
  p.js('backlog', s.backlog);
  p.fp(`${prefix}backlog ${formatSize(s.backlog)}`);
  p.any('qlen', ` ${s.qlen}p`, s.qlen);
  p.fp(` requeues ${s.requeues}`);
}

function rate64(o: Rec, spec: string, wide: string): bigint {
  return o[wide] !== undefined ? BigInt(o[wide]) : BigInt(o.parms?.[spec]?.rate ?? 0);
}

function tbfOpt(p: TcPrinter, o: Rec): void {
  const q = o.parms;
  if (!q) return;
  const rate = o.rate64 !== undefined ? BigInt(o.rate64) : BigInt(q.rate.rate);
  p.any('rate', `rate ${formatRate(rate)} `, rate);
  const buffer = xmitsize(rate, q.buffer);
  p.any('burst', `burst ${formatSize(buffer)} `, buffer);
  const prate = o.prate4 !== undefined ? BigInt(o.prate4) : BigInt(q.peakrate.rate);
  let mtu = 0;
  if (prate) {
    p.any('peakrate', `peakrate ${formatRate(prate)} `, prate);
    if (q.mtu || q.peakrate.mpu) {
      mtu = xmitsize(prate, q.mtu);
      p.any('minburst', `minburst ${formatSize(mtu)} `, mtu);
    }
  }
  let latency = 1000000 * (q.limit / Number(rate)) - tick2time(q.buffer);
  if (prate) {
    const lat2 = 1000000 * (q.limit / Number(prate)) - tick2time(q.mtu);
    if (lat2 > latency) latency = lat2;
  }
  if (latency >= 0) {
    p.js('lat', Math.trunc(latency));
    p.fp(`lat ${formatTime(Math.trunc(latency) >>> 0)} `);
  } else {
    p.any('limit', `limit ${formatSize(q.limit)} `, q.limit);
  }
}

const hex0x = (n: number): string => (n ? `0x${n.toString(16)}` : '0');

function htbOpt(p: TcPrinter, o: Rec): void {
  const g = o.init;
  if (g) {
    p.any('r2q', `r2q ${g.rate2quantum}`, g.rate2quantum);
    p.any('default', ` default ${hex0x(g.defcls)}`, hex0x(g.defcls));
    p.any('direct_packets_stat', ` direct_packets_stat ${g['direct-pkts']}`, g['direct-pkts']);
  }
  if (o['direct-qlen'] !== undefined) p.any('direct_qlen', ` direct_qlen ${o['direct-qlen']}`, o['direct-qlen']);
  if (o.offload) p.any('offload', ' offload', null);
}

function htbClassOpt(p: TcPrinter, o: Rec): void {
  const h = o.parms;
  if (!h) return;
  if (!h.level) p.any('prio', `prio ${h.prio} `, h.prio);
  const rate = rate64(o, 'rate', 'rate64');
  const ceil = rate64(o, 'ceil', 'ceil64');
  p.any('rate', `rate ${formatRate(rate)} `, rate);
  if (h.rate.overhead) p.any('overhead', `overhead ${h.rate.overhead} `, h.rate.overhead);
  p.any('ceil', `ceil ${formatRate(ceil)} `, ceil);
  const ll = h.rate.linklayer & 0x0f;
  if (ll > 1) p.any('linklayer', `linklayer ${ll === 2 ? 'atm' : 'unknown'} `, ll === 2 ? 'atm' : 'unknown');
  const buffer = xmitsize(rate, h.buffer);
  const cbuffer = xmitsize(ceil, h.cbuffer);
  p.any('burst', `burst ${formatSize(buffer)} `, buffer);
  p.any('cburst', `cburst ${formatSize(cbuffer)} `, cbuffer);
}

function prioOpt(p: TcPrinter, o: Rec): void {
  p.any('bands', `bands ${o.bands} `, o.bands);
  p.fp('priomap').openArray('priomap');
  const map = o.priomap as Uint8Array;
  for (let i = 0; i < 16; i++) p.any(null, ` ${map[i] ?? 0}`, map[i] ?? 0);
  p.close();
  if (o.options?.mq !== undefined) p.fp(` multiqueue: ${o.options.mq ? 'on' : 'off'} `);
  p.js('multiqueue', !!o.options?.mq);
}

/** Options of kinds without a printer here: their decoded attributes, in JSON only. */
function genericOpt(p: TcPrinter, o: Rec): void {
  for (const [k, v] of Object.entries(o)) {
    if (k === '$raw' || k === '$bytes') continue;
    if (v instanceof Uint8Array || (typeof v === 'object' && v !== null)) continue;
    p.any(k.replace(/-/g, '_'), `${k} ${String(v)} `, typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : String(v));
  }
}

function qdiscOpt(p: TcPrinter, q: Qdisc): void {
  const o = (q.options ?? {}) as Rec;
  switch (q.kind) {
    case 'tbf': return tbfOpt(p, o);
    case 'htb': return htbOpt(p, o);
    case 'pfifo': case 'pfifo_head_drop': if (o.limit !== undefined) p.any('limit', `limit ${o.limit}p`, o.limit); return;
    case 'bfifo': if (o.limit !== undefined) p.any('limit', `limit ${formatSize(o.limit)}`, o.limit); return;
    case 'pfifo_fast': case 'prio': if (o.bands !== undefined) prioOpt(p, o); return;
    case 'ingress': p.fp('---------------- '); return;
    case 'clsact': case 'mq': case 'noqueue': return;
    default: genericOpt(p, o);
  }
}

function htbXstats(p: TcPrinter, x: Rec): void {
  p.any('lended', ` lended: ${x.lends} `, x.lends);
  p.any('borrowed', `borrowed: ${x.borrows} `, x.borrows);
  p.any('giants', `giants: ${x.giants}`, x.giants);
  p.nl();
  p.any('tokens', ` tokens: ${x.tokens} `, x.tokens);
  p.any('ctokens', `ctokens: ${x.ctokens}`, x.ctokens);
  p.nl();
}

function xstats(p: TcPrinter, o: TcObject): boolean {
  const x = o.xstats as Rec | undefined;
  if (!x || x.$bytes) return false;
  if (o.kind === 'htb' && o.type === 'class') { htbXstats(p, x); return true; }
  if (o.kind === 'fq_codel' && x.type === 0) {
    p.any('maxpacket', `  maxpacket ${x.maxpacket}`, x.maxpacket);
    p.any('drop_overlimit', ` drop_overlimit ${x['drop-overlimit']}`, x['drop-overlimit']);
    p.any('new_flow_count', ` new_flow_count ${x['new-flow-count']}`, x['new-flow-count']);
    p.any('ecn_mark', ` ecn_mark ${x['ecn-mark']}`, x['ecn-mark']);
    p.nl();
    p.any('new_flows_len', `  new_flows_len ${x['new-flows-len']}`, x['new-flows-len']);
    p.any('old_flows_len', ` old_flows_len ${x['old-flows-len']}`, x['old-flows-len']);
    return true;
  }
  for (const [k, v] of Object.entries(x)) if (typeof v === 'number' || typeof v === 'bigint') p.any(k.replace(/-/g, '_'), ` ${k} ${v}`, v);
  return true;
}

function devName(o: TcObject, opts: PresentOptions): string {
  return o.dev ?? opts.names?.(o.ifindex) ?? `if${o.ifindex}`;
}

export function printQdisc(p: TcPrinter, q: Qdisc, opts: PresentOptions = {}): void {
  p.open(null);
  if (q.event === 'del') p.any('deleted', 'deleted ', true);
  else if ((q.msgFlags & 0x400) && (q.msgFlags & 0x100)) p.any('replaced', 'replaced ', true);
  else if ((q.msgFlags & 0x400) && (q.msgFlags & 0x200)) p.any('added', 'added ', true);
  p.any('kind', `qdisc ${q.kind}`, q.kind);
  p.any('handle', ` ${formatQdiscHandle(q.handle)}`, formatQdiscHandle(q.handle)).fp(' ');
  if (opts.dev === undefined) p.any('dev', `dev ${devName(q, opts)} `, devName(q, opts));
  if (q.parent === TC_H_ROOT) p.any('root', 'root ', true);
  else if (q.parent) p.any('parent', `parent ${formatClassId(q.parent)} `, formatClassId(q.parent));
  if (q.refcnt !== 1) p.any('refcnt', `refcnt ${q.refcnt} `, q.refcnt);
  p.open('options');
  if (q.options) p.guard('qdisc parameters', () => qdiscOpt(p, q));
  p.close();
  p.nl();
  if (opts.stats) {
    if (q.stats) printStats(p, q.stats, ' ');
    if (q.attrs.stats2 || q.attrs.stats) p.nl();
    p.guard('xstats', () => { if (xstats(p, q)) p.nl(); });
  }
  p.close();
}

export function printClass(p: TcPrinter, c: TcClass, opts: PresentOptions = {}): void {
  p.open(null);
  if (c.event === 'del') p.any('deleted', 'deleted ', true);
  p.any('class', `class ${c.kind} `, c.kind);
  const handle = c.handle ? formatClassId(c.handle) : '';
  p.any('handle', `${handle} `, handle);
  if (opts.dev === undefined) p.any('dev', `dev ${devName(c, opts)} `, devName(c, opts));
  if (c.parent === TC_H_ROOT) p.any('root', 'root ', true);
  else p.any('parent', `parent ${formatClassId(c.parent)} `, formatClassId(c.parent));
  if (c.leaf) p.any('leaf', `leaf ${formatQdiscHandle(c.leaf)} `, formatQdiscHandle(c.leaf));
  if (c.options && c.kind === 'htb') p.guard('class parameters', () => htbClassOpt(p, c.options as Rec));
  else if (c.options) genericOpt(p, c.options as Rec);
  p.nl();
  if (opts.stats) {
    if (c.stats) printStats(p, c.stats, ' ');
    if (c.attrs.stats2 || c.attrs.stats) p.nl();
    p.guard('xstats', () => { if (xstats(p, c)) p.nl(); });
  }
  p.close();
}

const PROTO_NAMES: Record<number, string> = { 0x0003: 'all', 0x0800: 'ip', 0x0806: 'arp', 0x86dd: 'ipv6', 0x8100: '802.1Q', 0x88a8: '802.1ad', 0x8847: 'mpls_uc', 0x8848: 'mpls_mc' };
export const protocolName = (p: number): string => PROTO_NAMES[p] ?? `0x${p.toString(16).padStart(4, '0')}`;

function u32Opt(p: TcPrinter, f: Filter, opts: PresentOptions): void {
  const o = (f.options ?? {}) as Rec;
  if (f.handle) p.any('fh', `fh ${formatU32Handle(f.handle)} `, formatU32Handle(f.handle));
  if (u32Node(f.handle)) p.any('order', `order ${u32Node(f.handle)} `, u32Node(f.handle));
  const sel = o.sel as Rec | undefined;
  if (o.divisor !== undefined) p.any('ht_divisor', `ht divisor ${o.divisor} `, o.divisor);
  else if (o.hash !== undefined) {
    p.any('key_ht', `key ht ${u32UserHtid(o.hash).toString(16)} `, u32UserHtid(o.hash).toString(16));
    p.any('bkt', `bkt ${u32Hash(o.hash).toString(16)} `, u32Hash(o.hash).toString(16));
  }
  if (o.classid !== undefined) {
    if (sel && sel.flags & 1) p.fp('*');
    p.any('flowid', `flowid ${formatClassId(o.classid)} `, formatClassId(o.classid));
  } else if (sel && sel.flags & 1) p.fp('terminal flowid ');
  if (o.link !== undefined) p.any('link', `link ${formatU32Handle(o.link)} `, formatU32Handle(o.link));
  if (o.flags !== undefined) {
    if (o.flags & 1) p.any('skip_hw', 'skip_hw ', true);
    if (o.flags & 2) p.any('skip_sw', 'skip_sw ', true);
    if (o.flags & 4) p.any('in_hw', 'in_hw ', true);
    else if (o.flags & 8) p.any('not_in_hw', 'not_in_hw ', true);
  }
  const pcnt = o.pcnt as Rec | undefined;
  if (sel && opts.stats && pcnt) {
    p.any('rule_hit', ` (rule hit ${pcnt.rcnt} `, pcnt.rcnt);
    p.any('success', `success ${pcnt.rhit})`, pcnt.rhit);
  }
  if (o.mark) {
    p.nl();
    p.any('fwmark_value', `  mark 0x${o.mark.val.toString(16).padStart(4, '0')} `, `0x${o.mark.val.toString(16)}`);
    p.any('fwmark_mask', `0x${o.mark.mask.toString(16).padStart(4, '0')} `, `0x${o.mark.mask.toString(16)}`);
    p.any('fwmark_success', `(success ${o.mark.success})`, o.mark.success);
  }
  if (sel) {
    (sel.keys as Rec[]).forEach((k, i) => {
      p.open('match');
      p.nl();
      p.any('value', `  match ${(k.val >>> 0).toString(16).padStart(8, '0')}`, (k.val >>> 0).toString(16));
      p.any('mask', `/${(k.mask >>> 0).toString(16).padStart(8, '0')} `, (k.mask >>> 0).toString(16));
      p.any('offmask', `at ${k.offmask ? 'nexthdr+' : ''}`, k.offmask ? 'nexthdr+' : '');
      p.any('off', `${k.off}`, k.off);
      p.close();
      if (opts.stats && pcnt) p.any('success', ` (success ${pcnt.kcnts?.[i] ?? 0} ) `, pcnt.kcnts?.[i] ?? 0);
    });
    if (sel.flags & (2 | 4)) {
      p.nl().fp('    offset ');
      if (sel.flags & 4) {
        p.any('offset_mask', `${(sel.offmask as number).toString(16).padStart(4, '0')}`, (sel.offmask as number).toString(16));
        p.any('offset_shift', `>>${sel.offshift} `, sel.offshift);
        p.any('offset_off', `at ${sel.offoff} `, sel.offoff);
      }
      if (sel.off) p.any('plus', `plus ${sel.off} `, sel.off);
    }
    if (sel.flags & 8) p.any('eat', ' eat ', null);
    if (sel.hmask) {
      p.nl();
      p.any('hash_mask', `    hash mask ${(sel.hmask >>> 0).toString(16).padStart(8, '0')} `, (sel.hmask >>> 0).toString(16));
      p.any('hash_off', `at ${sel.hoff} `, sel.hoff);
    }
  }
  if (o.indev !== undefined) { p.nl(); p.any('input_dev', `  input dev ${o.indev}\n`, o.indev); }
  if (o.act) printActions(p, o.act, opts);
}

export function printFilter(p: TcPrinter, f: Filter, opts: PresentOptions = {}): void {
  p.open(null);
  if (f.event === 'del') p.any('deleted', 'deleted ', true);
  else if ((f.msgFlags & 0x400) && !(f.msgFlags & 0x200)) p.any('replaced', 'replaced ', true);
  else if ((f.msgFlags & 0x400) && (f.msgFlags & 0x200)) p.any('added', 'added ', true);
  p.fp('filter ');
  if (f.ifindex && opts.dev === undefined) p.any('dev', `dev ${devName(f, opts)} `, devName(f, opts));
  if (opts.parent === undefined || opts.parent !== f.parent) {
    if (f.parent === TC_H_ROOT) p.any('root', 'root ', true);
    else if (f.parent === TC_H_CLSACT_INGRESS) p.any('ingress', 'ingress ', true);
    else if (f.parent === TC_H_CLSACT_EGRESS) p.any('egress', 'egress ', true);
    else p.any('parent', `parent ${formatClassId(f.parent)} `, formatClassId(f.parent));
  }
  if (f.protocol) p.any('protocol', `protocol ${protocolName(f.protocol)} `, protocolName(f.protocol));
  if (f.prio) p.any('pref', `pref ${f.prio} `, f.prio);
  p.any('kind', `${f.kind} `, f.kind);
  if (f.chain !== undefined) p.any('chain', `chain ${f.chain} `, f.chain);
  if (f.options) {
    p.open('options');
    if (f.kind === 'u32') p.guard('u32 options', () => u32Opt(p, f, opts));
    else p.guard(`${f.kind} options`, () => {
      const o = f.options as Rec;
      if (f.handle) p.any('handle', `handle 0x${f.handle.toString(16)} `, `0x${f.handle.toString(16)}`);
      if (o.classid !== undefined) p.any('flowid', `flowid ${formatClassId(o.classid)} `, formatClassId(o.classid));
      if (o.act) printActions(p, o.act, opts);
    });
    p.close();
  }
  p.nl();
  if (opts.stats && f.stats) { printStats(p, f.stats, ' '); p.nl(); }
  p.close();
}

/** A list of objects as tc prints it: one JSON array (`-j`) or text. */
export function present(objs: readonly TcObject[], opts: PresentOptions & { json?: boolean } = {}): string {
  const p = new TcPrinter(!!opts.json);
  for (const o of objs) printObject(p, o, opts);
  return p.toString();
}

/** One qdisc, class or filter as tc shows it (present() for a listing streamed object by object). */
export function printObject(p: TcPrinter, o: TcObject, opts: PresentOptions = {}): void {
  if (o.type === 'qdisc') printQdisc(p, o, opts);
  else if (o.type === 'class') printClass(p, o, opts);
  else printFilter(p, o, opts);
}
