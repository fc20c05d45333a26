// Qdisc and class options from friendly input to the attributes of the declared family
// (family.ts), with the arithmetic and the attribute order of iproute2's tc (q_tbf.c, q_htb.c,
// q_fifo.c, q_prio.c, q_sfq.c, q_netem.c, q_fq_codel.c, q_fq.c, q_cake.c, q_red.c, tc_red.c),
// so the request is byte-for-byte what `tc qdisc add ...` sends (test/tc-golden.test.ts).
import { ValidationError } from '../netlink/errors.js';
import { LINKLAYER, type LinkLayer, rateSpec, rateTable, xmittime, psched, TIME_UNITS_PER_SEC, time2tick } from './core.js';
import { parseRate, parseSize, parseTime, type RateInput, type SizeInput, type TimeInput } from './units.js';

/** Options shared by rate-table kinds (tbf, htb classes): tc's mpu, overhead, linklayer. */
export interface LinkLayerOptions {
  mpu?: SizeInput;
  overhead?: number;
  linklayer?: LinkLayer;
}

export interface TbfOptions extends LinkLayerOptions {
  kind: 'tbf';
  rate: RateInput;
  /** Bucket size (tc's burst / buffer / maxburst). */
  burst: SizeInput;
  /** Either latency or limit (bytes queued). */
  latency?: TimeInput;
  limit?: SizeInput;
  peakrate?: RateInput;
  /** Peak bucket size (tc's mtu / minburst); required with peakrate. */
  mtu?: SizeInput;
}

export interface HtbOptions { kind: 'htb'; /** Minor id of the default class (hex as tc reads it, or a number). */ default?: string | number; r2q?: number; directQlen?: number }
export interface HtbClassOptions extends LinkLayerOptions {
  kind: 'htb';
  rate: RateInput;
  ceil?: RateInput;
  burst?: SizeInput;
  cburst?: SizeInput;
  prio?: number;
  quantum?: number;
  mtu?: number;
}
export interface FifoOptions { kind: 'pfifo' | 'bfifo' | 'pfifo_head_drop'; /** Packets (pfifo) or bytes (bfifo). */ limit?: SizeInput }
export interface PlainQdisc { kind: 'pfifo_fast' | 'mq' | 'ingress' | 'clsact' | 'noqueue' }
export interface PrioOptions { kind: 'prio'; bands?: number; priomap?: readonly number[] }
export interface SfqOptions { kind: 'sfq'; perturb?: number; quantum?: SizeInput; limit?: number; divisor?: number; flows?: number; depth?: number; headdrop?: boolean }
export interface NetemOptions { kind: 'netem'; delay?: TimeInput; jitter?: TimeInput; /** Percent. */ loss?: number; /** Percent. */ duplicate?: number; limit?: number; gap?: number }
export interface FqCodelOptions { kind: 'fq_codel'; limit?: number; flows?: number; target?: TimeInput; interval?: TimeInput; quantum?: SizeInput; ecn?: boolean; ceThreshold?: TimeInput; memoryLimit?: SizeInput }
export interface FqOptions { kind: 'fq'; limit?: number; flowLimit?: number; quantum?: SizeInput; initialQuantum?: SizeInput; maxrate?: RateInput; buckets?: number }
export interface CakeOptions { kind: 'cake'; bandwidth?: RateInput | 'unlimited'; diffserv?: 'diffserv3' | 'diffserv4' | 'diffserv8' | 'besteffort' | 'precedence'; rtt?: TimeInput }
export interface RedOptions { kind: 'red'; limit: SizeInput; min?: SizeInput; max?: SizeInput; avpkt: SizeInput; burst?: number; bandwidth?: RateInput; probability?: number; ecn?: boolean; harddrop?: boolean; adaptive?: boolean }

export type QdiscOptions = TbfOptions | HtbOptions | FifoOptions | PlainQdisc | PrioOptions | SfqOptions | NetemOptions | FqCodelOptions | FqOptions | CakeOptions | RedOptions;
export type ClassOptions = HtbClassOptions;

const NO_OPTIONS = new Set(['pfifo_fast', 'mq', 'ingress', 'clsact', 'noqueue']);

function linkLayer(o: LinkLayerOptions): number {
  if (o.linklayer === undefined) return LINKLAYER.ethernet;
  const l = LINKLAYER[o.linklayer];
  if (l === undefined || o.linklayer === 'unspec') throw new ValidationError('linklayer', `${JSON.stringify(o.linklayer)} is not ethernet or atm`);
  return l;
}

function u16(v: number | undefined, field: string): number {
  const n = v ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new ValidationError(field, `${n} is not in 0..65535`);
  return n;
}

function int(v: number | undefined, field: string, min = 0, max = 0xffffffff): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) throw new ValidationError(field, `${v} is not an integer in ${min}..${max}`);
  return v;
}

/** TBF (q_tbf.c tbf_parse_opt). */
function tbf(o: TbfOptions): Record<string, unknown> {
  if (o.rate === undefined) throw new ValidationError('rate', 'tbf needs a rate (tc: the "rate" parameter is mandatory)');
  const rate64 = parseRate(o.rate, 'rate');
  if (o.burst === undefined) throw new ValidationError('burst', 'tbf needs a burst (tc: the "burst" parameter is mandatory)');
  const buffer = parseSize(o.burst, 'burst');
  if (buffer === 0) throw new ValidationError('burst', 'a burst of 0 bytes sends nothing');
  const prate64 = o.peakrate === undefined ? 0n : parseRate(o.peakrate, 'peakrate');
  const mtu = o.mtu === undefined ? 0 : parseSize(o.mtu, 'mtu');
  if (prate64 && !mtu) throw new ValidationError('mtu', 'with a peakrate, the peak bucket (mtu) must be given too');
  if (mtu && buffer < mtu) throw new ValidationError('burst', `a burst of ${buffer} bytes is smaller than the mtu ${mtu}: no packet of that size could ever leave`);
  let limit = o.limit === undefined ? 0 : parseSize(o.limit, 'limit');
  const latency = o.latency === undefined ? 0 : parseTime(o.latency, 'latency');
  if (o.limit !== undefined && o.latency !== undefined) throw new ValidationError('limit', 'give limit or latency, not both');
  if (!limit && !latency) throw new ValidationError('latency', 'tbf needs a latency or a limit');
  if (!limit) {
    let lim = (Number(rate64) * latency) / TIME_UNITS_PER_SEC + buffer;
    if (prate64) lim = Math.min(lim, (Number(prate64) * latency) / TIME_UNITS_PER_SEC + mtu);
    limit = Math.trunc(lim) >>> 0;
  }
  const mpu = o.mpu === undefined ? 0 : parseSize(o.mpu, 'mpu');
  const ll = linkLayer(o);
  const rate = rateSpec(rate64, u16(mpu, 'mpu'), u16(o.overhead, 'overhead'));
  const rtab = rateTable(rate, rate64, -1, mtu, ll);
  const peak = prate64 ? rateSpec(prate64, mpu, o.overhead ?? 0) : rateSpec(0n);
  const ptab = prate64 ? rateTable(peak, prate64, -1, mtu, ll) : undefined;
  const parms = { rate, peakrate: peak, limit, buffer: xmittime(rate.rate, buffer), mtu: prate64 ? xmittime(peak.rate, mtu) : 0 };
  const out: Record<string, unknown> = { parms, burst: buffer };
  if (rate64 >= 1n << 32n) out.rate64 = rate64;
  out.rtab = rtab;
  if (ptab) {
    if (prate64 >= 1n << 32n) out.prate4 = prate64;
    out.pburst = mtu;
    out.ptab = ptab;
  }
  return out;
}

function hexMinor(v: string | number | undefined, field: string): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return int(v, field)!;
  if (!/^(0x)?[0-9a-f]+$/i.test(v)) throw new ValidationError(field, `${JSON.stringify(v)} is not a class minor (hex, as tc reads it)`);
  return parseInt(v.replace(/^0x/i, ''), 16);
}

/** HTB qdisc (q_htb.c htb_parse_opt). */
function htb(o: HtbOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    init: { version: 3, rate2quantum: int(o.r2q, 'r2q', 1) ?? 10, defcls: hexMinor(o.default, 'default'), debug: 0, 'direct-pkts': 0 },
  };
  if (o.directQlen !== undefined) out['direct-qlen'] = int(o.directQlen, 'directQlen');
  return out;
}

/** HTB class (q_htb.c htb_parse_class_opt). */
export function htbClass(o: HtbClassOptions): Record<string, unknown> {
  if (o.rate === undefined) throw new ValidationError('rate', 'an htb class needs a rate');
  const rate64 = parseRate(o.rate, 'rate');
  const ceil64 = o.ceil === undefined ? rate64 : parseRate(o.ceil, 'ceil');
  const mtu = int(o.mtu, 'mtu', 1) ?? 1600;
  const hz = BigInt(psched().hz);
  let buffer = o.burst === undefined ? 0 : parseSize(o.burst, 'burst');
  let cbuffer = o.cburst === undefined ? 0 : parseSize(o.cburst, 'cburst');
  if (o.burst !== undefined && buffer < mtu) throw new ValidationError('burst', `a burst of ${buffer} bytes is smaller than the mtu ${mtu}`);
  if (o.cburst !== undefined && cbuffer < mtu) throw new ValidationError('cburst', `a cburst of ${cbuffer} bytes is smaller than the mtu ${mtu}`);
  // tc's minimal burst: what the rate sends in one clock tick, plus one MTU.
  if (!buffer) buffer = Number(rate64 / hz) + mtu;
  if (!cbuffer) cbuffer = Number(ceil64 / hz) + mtu;
  const mpu = o.mpu === undefined ? 0 : u16(parseSize(o.mpu, 'mpu'), 'mpu');
  const overhead = u16(o.overhead, 'overhead');
  const ll = linkLayer(o);
  const rate = rateSpec(rate64, mpu, overhead);
  const ceil = rateSpec(ceil64, mpu, overhead);
  const rtab = rateTable(rate, rate64, -1, mtu, ll);
  const ctab = rateTable(ceil, ceil64, -1, mtu, ll);
  const out: Record<string, unknown> = {};
  if (rate64 >= 1n << 32n) out.rate64 = rate64;
  if (ceil64 >= 1n << 32n) out.ceil64 = ceil64;
  out.parms = {
    rate, ceil, buffer: xmittime(rate64, buffer), cbuffer: xmittime(ceil64, cbuffer),
    quantum: int(o.quantum, 'quantum') ?? 0, level: 0, prio: int(o.prio, 'prio', 0, 7) ?? 0,
  };
  out.rtab = rtab;
  out.ctab = ctab;
  return out;
}

/** tc's get_percent: a share of UINT32_MAX, rounded (rint). */
function percent(p: number, field: string): number {
  if (!(p >= 0 && p <= 100)) throw new ValidationError(field, `${p} is not a percentage in 0..100`);
  return Math.round((p / 100) * 0xffffffff) >>> 0;
}

function redOptions(o: RedOptions): Record<string, unknown> {
  const limit = parseSize(o.limit, 'limit');
  const avpkt = parseSize(o.avpkt, 'avpkt');
  if (!avpkt) throw new ValidationError('avpkt', 'red needs avpkt above 0');
  let qmax = o.max === undefined ? 0 : parseSize(o.max, 'max');
  let qmin = o.min === undefined ? 0 : parseSize(o.min, 'min');
  const rate = o.bandwidth === undefined ? 1250000n : parseRate(o.bandwidth, 'bandwidth');
  const prob = o.probability ?? 0.02;
  if (!qmax) qmax = qmin ? qmin * 3 : Math.trunc(limit / 4);
  if (!qmin) qmin = Math.trunc(qmax / 3);
  const burst = o.burst ?? Math.trunc((2 * qmin + qmax) / (3 * avpkt));
  // tc_red_eval_ewma / _P / _idle_damping (tc_red.c).
  const a = burst + 1 - qmin / avpkt;
  if (a < 1) throw new ValidationError('burst', 'red: failed to calculate EWMA constant (burst too small for min/avpkt)');
  let wlog = 1;
  for (let W = 0.5; wlog < 32; wlog++, W /= 2) if (a <= (1 - Math.pow(1 - W, burst)) / W) break;
  if (wlog >= 32) throw new ValidationError('burst', 'red: failed to calculate EWMA constant');
  let plog = 0;
  {
    const span = qmax - qmin;
    if (span < 0) throw new ValidationError('max', 'red: max is below min');
    if (span) {
      let p = prob / span;
      for (; plog < 32; plog++) { if (p > 1.0) break; p *= 2; }
      if (plog >= 32) throw new ValidationError('probability', 'red: failed to calculate probability');
    }
  }
  const xmit = xmittime(rate, avpkt);
  const lW = -Math.log(1.0 - 1.0 / (1 << wlog)) / xmit;
  const maxtime = 31 / lW;
  let clog = 0;
  for (; clog < 32; clog++) if (maxtime / 2 ** clog < 512) break;
  const stab = new Uint8Array(256);
  for (let i = 1; i < 255; i++) stab[i] = Math.min(31, Math.trunc(i * 2 ** clog * lW) & 0xff);
  stab[255] = 31;
  let flags = 0;
  if (o.ecn) flags |= 1;
  if (o.harddrop) flags |= 2;
  if (o.adaptive) flags |= 4;
  return {
    parms: { limit, 'qth-min': qmin, 'qth-max': qmax, Wlog: wlog, Plog: plog, 'Scell-log': clog, flags: 0 },
    stab,
    'max-p': Math.trunc(prob * 2 ** 32) >>> 0,
    flags: { value: flags, selector: 15 },
  };
}

const CAKE_DIFFSERV = { diffserv3: 0, diffserv4: 1, diffserv8: 2, besteffort: 3, precedence: 4 } as const;

/** The TCA_OPTIONS value of a qdisc, or undefined for kinds tc sends without options. */
export function qdiscOptions(o: QdiscOptions): Record<string, unknown> | undefined {
  if (NO_OPTIONS.has(o.kind)) return undefined;
  switch (o.kind) {
    case 'tbf': return tbf(o);
    case 'htb': return htb(o);
    case 'pfifo': case 'bfifo': case 'pfifo_head_drop':
      return o.limit === undefined ? undefined : { limit: o.kind === 'bfifo' ? parseSize(o.limit, 'limit') : int(Number(o.limit), 'limit') };
    case 'prio': {
      const bands = int(o.bands, 'bands', 2, 16) ?? 3;
      const map = o.priomap ?? [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
      if (map.length > 16) throw new ValidationError('priomap', 'at most 16 entries');
      map.forEach((b, i) => { if (!Number.isInteger(b) || b < 0 || b >= bands) throw new ValidationError(`priomap[${i}]`, `band ${b} is not below bands (${bands})`); });
      const priomap = new Uint8Array(16);
      priomap.set(map);
      return { bands, priomap, options: {} };
    }
    case 'sfq': {
      const v0 = { quantum: o.quantum === undefined ? 0 : parseSize(o.quantum, 'quantum'), 'perturb-period': int(o.perturb, 'perturb') ?? 0, limit: int(o.limit, 'limit') ?? 0, divisor: int(o.divisor, 'divisor') ?? 0, flows: int(o.flows, 'flows') ?? 0 };
      return { v0, depth: int(o.depth, 'depth') ?? 0, headdrop: o.headdrop ? 1 : 0 };
    }
    case 'netem': {
      const latency = o.delay === undefined ? 0 : parseTime(o.delay, 'delay');
      const jitter = o.jitter === undefined ? 0 : parseTime(o.jitter, 'jitter');
      return {
        latency: time2tick(latency), limit: int(o.limit, 'limit') ?? 1000, loss: o.loss === undefined ? 0 : percent(o.loss, 'loss'),
        gap: int(o.gap, 'gap') ?? 0, duplicate: o.duplicate === undefined ? 0 : percent(o.duplicate, 'duplicate'), jitter: time2tick(jitter),
      };
    }
    case 'fq_codel': {
      const out: Record<string, unknown> = {};
      if (o.limit !== undefined) out.limit = int(o.limit, 'limit');
      if (o.flows !== undefined) out.flows = int(o.flows, 'flows');
      if (o.quantum !== undefined) out.quantum = parseSize(o.quantum, 'quantum');
      if (o.interval !== undefined) out.interval = parseTime(o.interval, 'interval');
      if (o.target !== undefined) out.target = parseTime(o.target, 'target');
      if (o.ecn !== undefined) out.ecn = o.ecn ? 1 : 0;
      if (o.ceThreshold !== undefined) out['ce-threshold'] = parseTime(o.ceThreshold, 'ceThreshold');
      if (o.memoryLimit !== undefined) out['memory-limit'] = parseSize(o.memoryLimit, 'memoryLimit');
      return out;
    }
    case 'fq': {
      const out: Record<string, unknown> = {};
      if (o.limit !== undefined) out.plimit = int(o.limit, 'limit');
      if (o.flowLimit !== undefined) out['flow-plimit'] = int(o.flowLimit, 'flowLimit');
      if (o.quantum !== undefined) out.quantum = parseSize(o.quantum, 'quantum');
      if (o.initialQuantum !== undefined) out['initial-quantum'] = parseSize(o.initialQuantum, 'initialQuantum');
      if (o.maxrate !== undefined) { const r = parseRate(o.maxrate, 'maxrate'); out['flow-max-rate'] = r >= 0xffffffffn ? 0xffffffff : Number(r); }
      if (o.buckets !== undefined) out['buckets-log'] = Math.ceil(Math.log2(int(o.buckets, 'buckets', 1)!));
      return out;
    }
    case 'cake': {
      const out: Record<string, unknown> = {};
      if (o.bandwidth !== undefined) out['base-rate64'] = o.bandwidth === 'unlimited' ? 0n : parseRate(o.bandwidth, 'bandwidth');
      if (o.diffserv !== undefined) {
        const d = CAKE_DIFFSERV[o.diffserv];
        if (d === undefined) throw new ValidationError('diffserv', `${JSON.stringify(o.diffserv)} is not one of ${Object.keys(CAKE_DIFFSERV).join(', ')}`);
        out['diffserv-mode'] = d;
      }
      if (o.rtt !== undefined) out.rtt = parseTime(o.rtt, 'rtt');
      // tc writes autorate off whenever a bandwidth is set.
      if (o.bandwidth !== undefined) out.autorate = 0;
      return out;
    }
    case 'red': return redOptions(o);
    default:
      throw new ValidationError('kind', `${JSON.stringify((o as { kind: string }).kind)} is not a qdisc kind this library builds (tbf, htb, pfifo, bfifo, pfifo_fast, mq, ingress, clsact, prio, sfq, netem, fq_codel, fq, cake, red)`);
  }
}

export function classOptions(o: ClassOptions): Record<string, unknown> {
  if (o.kind !== 'htb') throw new ValidationError('kind', `${JSON.stringify((o as { kind: string }).kind)}: classes are built for htb`);
  return htbClass(o);
}
