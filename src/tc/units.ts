// Rates, sizes and times as tc reads and prints them (iproute2 tc/tc_util.c and lib/utils.c:
// get_rate64, get_size, get_time, sprint_rate, sprint_size, sprint_time). The kernel keeps
// rates in bytes per second, sizes in bytes and times in microseconds (or scheduler ticks).
import { ValidationError } from '../netlink/errors.js';

/** A rate: tc text ("10mbit", "1.5Gbit", "100kbps") or a number of bits per second. */
export type RateInput = string | number | bigint;
/** A size: tc text ("15k", "32kbit", "1500b", "2mb") or a number of bytes. */
export type SizeInput = string | number;
/** A time: tc text ("70ms", "1s", "400us") or a number of microseconds. */
export type TimeInput = string | number;

const RATE_SUFFIXES: readonly (readonly [string, number])[] = [
  ['bit', 1], ['kibit', 1024], ['kbit', 1000], ['mibit', 1024 * 1024], ['mbit', 1000000],
  ['gibit', 1024 * 1024 * 1024], ['gbit', 1000000000], ['tibit', 1024 ** 4], ['tbit', 1e12],
  ['bps', 8], ['kibps', 8 * 1024], ['kbps', 8000], ['mibps', 8 * 1024 * 1024], ['mbps', 8000000],
  ['gibps', 8 * 1024 ** 3], ['gbps', 8e9], ['tibps', 8 * 1024 ** 4], ['tbps', 8e12],
];

/** strtod's prefix of s: the number and the rest (what tc's parsers do with the suffix). */
function leadingNumber(s: string): [number, string] | undefined {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(.*)$/.exec(s);
  if (!m) return undefined;
  return [Number(m[1]), m[2]!];
}

/** Bytes per second of a rate (get_rate64: bits/s scaled by the suffix, then / 8, truncated). */
export function parseRate(v: RateInput, field = 'rate'): bigint {
  if (typeof v === 'bigint') { if (v <= 0n) throw new ValidationError(field, 'a rate must be above 0'); return v / 8n; }
  let bps: number;
  if (typeof v === 'number') bps = v;
  else {
    const n = leadingNumber(v);
    if (!n) throw new ValidationError(field, `${JSON.stringify(v)} is not a rate (e.g. 10mbit, 512kbit, 1gbit, 100kbps)`);
    const [num, suffix] = n;
    bps = num;
    if (suffix) {
      const s = RATE_SUFFIXES.find(([name]) => name === suffix.toLowerCase());
      if (!s) throw new ValidationError(field, `${JSON.stringify(v)}: unknown rate unit ${JSON.stringify(suffix)} (bit, kbit, mbit, gbit, bps, kbps, ...)`);
      bps *= s[1];
    }
  }
  if (!Number.isFinite(bps) || bps <= 0) throw new ValidationError(field, `a rate must be above 0 (got ${JSON.stringify(String(v))})`);
  const bytes = Math.trunc(bps / 8);
  if (bytes <= 0) throw new ValidationError(field, `${JSON.stringify(String(v))} is below 8 bit/s (the kernel counts bytes per second)`);
  return BigInt(bytes);
}

/** Bytes of a size (get_size: k/kb = 1024, kbit = 128, m/mb, mbit, g/gb, gbit, b). */
export function parseSize(v: SizeInput, field = 'size'): number {
  let sz: number;
  if (typeof v === 'number') sz = v;
  else {
    const n = leadingNumber(v);
    if (!n) throw new ValidationError(field, `${JSON.stringify(v)} is not a size (e.g. 15k, 32kbit, 1500b, 1mb)`);
    const [num, suffix] = n;
    sz = num;
    const s = suffix.toLowerCase();
    if (s === 'kb' || s === 'k') sz *= 1024;
    else if (s === 'gb' || s === 'g') sz *= 1024 * 1024 * 1024;
    else if (s === 'gbit') sz *= 1024 * 1024 * 1024 / 8;
    else if (s === 'mb' || s === 'm') sz *= 1024 * 1024;
    else if (s === 'mbit') sz *= 1024 * 1024 / 8;
    else if (s === 'kbit') sz *= 1024 / 8;
    else if (s !== 'b' && s !== '') throw new ValidationError(field, `${JSON.stringify(v)}: unknown size unit ${JSON.stringify(suffix)} (b, k, kbit, m, mbit, g, gbit)`);
  }
  if (!Number.isFinite(sz) || sz < 0 || sz > 0xffffffff) throw new ValidationError(field, `${JSON.stringify(String(v))} is not a size in 0..4294967295 bytes`);
  return Math.trunc(sz);
}

/** Microseconds of a time (get_time: s/sec/secs, ms/msec/msecs, us/usec/usecs, none = us). */
export function parseTime(v: TimeInput, field = 'time'): number {
  let t: number;
  if (typeof v === 'number') t = v;
  else {
    const n = leadingNumber(v);
    if (!n) throw new ValidationError(field, `${JSON.stringify(v)} is not a time (e.g. 70ms, 1s, 400us)`);
    const [num, suffix] = n;
    t = num;
    const s = suffix.toLowerCase();
    if (s === 's' || s === 'sec' || s === 'secs') t *= 1000000;
    else if (s === 'ms' || s === 'msec' || s === 'msecs') t *= 1000;
    else if (s !== 'us' && s !== 'usec' && s !== 'usecs' && s !== '') throw new ValidationError(field, `${JSON.stringify(v)}: unknown time unit ${JSON.stringify(suffix)} (s, ms, us)`);
  }
  if (!Number.isFinite(t) || t < 0 || t > 0xffffffff) throw new ValidationError(field, `${JSON.stringify(String(v))} is not a time in 0..4294967295 us`);
  return Math.trunc(t);
}

/** C's printf("%g") for the magnitudes tc prints (6 significant digits, no trailing zeros). */
export function cG(x: number, precision = 6): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= precision) {
    const [m, e] = x.toExponential(precision - 1).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, precision - 1 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A rate in bytes/s as tc prints it ("10Mbit", "1590Kbit"): bits, SI steps while exact below 1000 units. */
export function formatRate(bytesPerSec: number | bigint, iec = false): string {
  const kilo = iec ? 1024n : 1000n;
  const units = ['', 'K', 'M', 'G', 'T'];
  let rate = BigInt(bytesPerSec) * 8n;
  let i = 0;
  for (; i < units.length - 1; i++) {
    if (rate < kilo) break;
    if (rate % kilo !== 0n && rate < 1000n * kilo) break;
    rate /= kilo;
  }
  return `${rate}${units[i]}${iec ? 'i' : ''}bit`;
}

/** A size in bytes as tc prints it (sprint_size: "4Kb" within 16 bytes, "2Mb" within 1 KiB, else "1590b"). */
export function formatSize(sz: number): string {
  const kilo = 1024;
  const mega = kilo * kilo;
  if (sz >= mega && Math.abs(mega * Math.round(sz / mega) - sz) < 1024) return `${cG(rint(sz / mega))}Mb`;
  if (sz >= kilo && Math.abs(kilo * rint(sz / kilo) - sz) < 16) return `${cG(rint(sz / kilo))}Kb`;
  return `${sz >>> 0}b`;
}

/** A time in microseconds as tc prints it (sprint_time, "%.3g": "1.5s", "79ms", "70us"). */
export function formatTime(us: number): string {
  if (us >= 1000000) return `${cG(us / 1000000, 3)}s`;
  if (us >= 1000) return `${cG(us / 1000, 3)}ms`;
  return `${us >>> 0}us`;
}

/** C's rint(): round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
