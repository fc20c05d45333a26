// The packet scheduler's clock and rate tables, computed as tc computes them (iproute2
// tc/tc_core.c: tc_core_init, tc_calc_xmittime, tc_calc_xmitsize, tc_calc_rtable; lib/utils.c
// get_hz). The kernel tells its tick in /proc/net/psched; qdiscs take burst buffers in ticks
// and still want the 256-slot rate tables of old (TCA_TBF_RTAB, TCA_HTB_RTAB...), which only
// the user side computes. Every figure here keeps tc's integer truncations, so the bytes sent
// are tc's own.
import { readFileSync } from 'node:fs';

export const TIME_UNITS_PER_SEC = 1000000;
export const LINKLAYER = { unspec: 0, ethernet: 1, atm: 2 } as const;
export type LinkLayer = keyof typeof LINKLAYER;
const ATM_CELL_SIZE = 53;
const ATM_CELL_PAYLOAD = 48;

export interface Psched {
  /** Scheduler ticks per microsecond (15.625 on a 1 GHz-resolution kernel with the 64/1000 hack). */
  tickInUsec: number;
  clockFactor: number;
  /** What get_hz() gives: the kernel's clock resolution (1e9 with hrtimers). */
  hz: number;
}

/** The four hex fields of /proc/net/psched, read as tc_core_init and get_hz read them. */
export function pschedFrom(text: string): Psched {
  const f = text.trim().split(/\s+/).map((x) => parseInt(x, 16));
  let [t2us = 1000, us2t = 64, clockRes = 1000000000] = f;
  const fourth = f[3] ?? 0;
  // tc_core_init's compatibility hack: a nanosecond clock advertises t2us 1000 meaning 1.
  if (clockRes === 1000000000) t2us = us2t;
  const clockFactor = clockRes / TIME_UNITS_PER_SEC;
  return { tickInUsec: (t2us / us2t) * clockFactor, clockFactor, hz: clockRes === 1000000 && fourth ? fourth : 100 };
}

let cached: Psched | undefined;

/** This machine's scheduler clock (read once; every network namespace shares it). */
export function psched(): Psched {
  if (!cached) {
    let text = '000003e8 00000040 000f4240 3b9aca00';
    try {
      text = readFileSync('/proc/net/psched', 'utf8');
    } catch (err) {
      // No /proc/net/psched (not Linux, or no proc): tc's defaults.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    cached = pschedFrom(text);
  }
  return cached;
}

const u32 = (x: number): number => (x >= 0xffffffff ? 0xffffffff : x <= 0 ? 0 : Math.trunc(x)) >>> 0;

/** tc_core_time2tick: microseconds (an unsigned int) to ticks, truncated. */
export function time2tick(us: number, p = psched()): number {
  return u32(u32(us) * p.tickInUsec);
}

/** tc_core_tick2time. */
export function tick2time(ticks: number, p = psched()): number {
  return u32(u32(ticks) / p.tickInUsec);
}

/** tc_calc_xmittime: ticks to send `size` bytes at `rate` bytes/s. */
export function xmittime(rate: number | bigint, size: number, p = psched()): number {
  return time2tick(TIME_UNITS_PER_SEC * (size / Number(rate)), p);
}

/** tc_calc_xmitsize: bytes sent in `ticks` at `rate` bytes/s (how tc prints a burst back). */
export function xmitsize(rate: number | bigint, ticks: number, p = psched()): number {
  return u32((Number(rate) * tick2time(ticks, p)) / TIME_UNITS_PER_SEC);
}

function adjustSize(sz: number, mpu: number, linklayer: number): number {
  if (sz < mpu) sz = mpu;
  if (linklayer === LINKLAYER.atm) {
    const cells = Math.ceil(sz / ATM_CELL_PAYLOAD);
    return cells * ATM_CELL_SIZE;
  }
  return sz;
}

export interface RateSpec {
  'cell-log': number;
  linklayer: number;
  overhead: number;
  'cell-align': number;
  mpu: number;
  rate: number;
}

/**
 * tc_calc_rtable(_64): the 256 transmit times of sizes (i+1) << cell_log, and the ratespec
 * fields it fills in (cell_log, cell_align -1, linklayer). `cellLog` -1 picks the smallest that
 * covers the MTU in 256 slots; MTU 0 means 2047, as tc has it.
 */
export function rateTable(spec: RateSpec, rate64: bigint, cellLog: number, mtu: number, linklayer: number, p = psched()): Uint8Array {
  if (mtu === 0) mtu = 2047;
  if (cellLog < 0) {
    cellLog = 0;
    while ((mtu >> cellLog) > 255) cellLog++;
  }
  const out = new Uint8Array(1024);
  const dv = new DataView(out.buffer);
  const bps = Number(rate64);
  for (let i = 0; i < 256; i++) {
    const sz = adjustSize((i + 1) << cellLog, spec.mpu, linklayer);
    dv.setUint32(i * 4, xmittime(bps, sz, p), true);
  }
  spec['cell-align'] = -1;
  spec['cell-log'] = cellLog;
  spec.linklayer = linklayer & 0x0f;
  return out;
}

/** A ratespec of a 64-bit rate: the 32-bit field saturates, the full rate goes in a *64 attribute. */
export function rateSpec(rate64: bigint, mpu = 0, overhead = 0): RateSpec {
  return { 'cell-log': 0, linklayer: 0, overhead, 'cell-align': 0, mpu, rate: rate64 >= 1n << 32n ? 0xffffffff : Number(rate64) };
}
