// The properties every target must keep, as plain functions returning a Failure (or nothing),
// shared by run.ts, the regression replay and the ava property tests:
//   decode      never throws anything but NetlinkDecodeError, whose offset lies inside the input
//   time        every input decodes in bounded time (linear-ish: no quadratic walks, no loops)
//   stable      decode -> encode -> decode gives the same value, and encode is a fixpoint
//   roundtrip   encode -> decode gives back a generated valid value
import { createHash } from 'node:crypto';
import { isDeepStrictEqual, inspect } from 'node:util';
import { NetlinkDecodeError } from '../../src/netlink/index.js';
import type { Target } from '../targets.js';
import { toHex } from './wire.js';

export type Property = 'decode' | 'decode-offset' | 'time' | 'encode' | 'stable' | 'stable-bytes' | 'roundtrip';

export interface Failure {
  target: string;
  property: Property;
  message: string;
  /** The input that fails (for roundtrip failures: the encoder's output). */
  input: Uint8Array;
  /** For roundtrip failures: the generated value. */
  value?: unknown;
  /** For stable/roundtrip failures: the path where the values differ (part of the signature). */
  where?: string;
  stack?: string;
}

/** Milliseconds a decode may take before the input counts as slow (then re-measured once). */
export const SLOW_MS = 100;

const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b); // plain Uint8Array, never a Buffer

function describe(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: `${err.name}: ${err.message}`, stack: err.stack };
  return { message: `non-Error thrown: ${inspect(err)}` };
}

/** Plain objects all the way down (fast-check builds some without a prototype). */
export function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

/** First path where two values differ, with both sides, for messages. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (path === '$') { a = plain(a); b = plain(b); }
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !ArrayBuffer.isView(a) && !ArrayBuffer.isView(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d) return d;
    }
    if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  }
  const show = (v: unknown): string => inspect(v, { depth: 3, breakLength: Infinity, maxArrayLength: 16, maxStringLength: 80 });
  return `${path}: ${show(a)} became ${show(b)}`;
}

/** Decode with the typed-error rule; returns the value or a Failure. */
function safeDecode(name: string, t: Target, input: Uint8Array, property: Property = 'decode'): { value?: unknown; rejected?: NetlinkDecodeError; failure?: Failure } {
  try {
    return { value: t.decode(copy(input)) };
  } catch (err) {
    if (err instanceof NetlinkDecodeError) {
      if (!Number.isInteger(err.offset) || err.offset < 0 || err.offset > input.length) {
        return { failure: { target: name, property: 'decode-offset', input, message: `NetlinkDecodeError offset ${err.offset} outside the ${input.length}-byte input: ${err.message}`, stack: err.stack } };
      }
      return { rejected: err };
    }
    return { failure: { target: name, property, input, ...describe(err) } };
  }
}

/** All byte-input properties of one target for one input. */
export function checkInput(name: string, t: Target, input: Uint8Array): Failure | undefined {
  const t0 = performance.now();
  const r = safeDecode(name, t, input);
  const elapsed = performance.now() - t0;
  if (r.failure) return r.failure;
  if (elapsed > SLOW_MS) {
    // Re-measure: a GC pause or a busy machine is not a finding, a slow decoder is slow twice.
    const t1 = performance.now();
    safeDecode(name, t, input);
    const again = performance.now() - t1;
    if (again > SLOW_MS) return { target: name, property: 'time', input, message: `decode of ${input.length} bytes took ${again.toFixed(1)} ms (limit ${SLOW_MS} ms)` };
  }
  if (r.rejected || !t.encode) return undefined;
  return checkStable(name, t, input, r.value);
}

/** decode -> encode -> decode: same value; encode(decode(encode(v))) = encode(v) byte for byte. */
export function checkStable(name: string, t: Target, input: Uint8Array, decoded: unknown): Failure | undefined {
  const canon = t.canonical ?? ((v: unknown) => v);
  const v1 = canon(decoded);
  let b2: Uint8Array;
  try {
    b2 = t.encode!(v1);
  } catch (err) {
    return { target: name, property: 'encode', input, ...describe(err), message: `encoding the decoded value threw ${describe(err).message}` };
  }
  const r2 = safeDecode(name, t, b2, 'stable');
  if (r2.failure) return { ...r2.failure, input, message: `re-encoded bytes ${toHex(b2).slice(0, 200)}: ${r2.failure.message}` };
  if (r2.rejected) return { target: name, property: 'stable', input, message: `the encoder's output does not decode: ${r2.rejected.message}; re-encoded ${toHex(b2).slice(0, 200)}` };
  const v2 = canon(r2.value);
  const diff = firstDifference(v1, v2);
  if (diff) return { target: name, property: 'stable', input, where: diffPath(diff), message: `decode(encode(decode(x))) differs at ${diff}` };
  let b3: Uint8Array;
  try {
    b3 = t.encode!(v2);
  } catch (err) {
    return { target: name, property: 'encode', input, ...describe(err) };
  }
  if (toHex(b3) !== toHex(b2)) return { target: name, property: 'stable-bytes', input, message: `encode is not a fixpoint: ${toHex(b2).slice(0, 120)} then ${toHex(b3).slice(0, 120)}` };
  return undefined;
}

/** encode -> decode gives the generated value back (generated values are in canonical form). */
export function checkRoundTrip(name: string, t: Target, value: unknown): Failure | undefined {
  const canon = t.canonical ?? ((v: unknown) => v);
  let bytes: Uint8Array;
  try {
    bytes = t.encode!(value);
  } catch (err) {
    return { target: name, property: 'encode', input: new Uint8Array(0), value, ...describe(err) };
  }
  const r = safeDecode(name, t, bytes, 'roundtrip');
  if (r.failure) return { ...r.failure, value };
  if (r.rejected) return { target: name, property: 'roundtrip', input: bytes, value, message: `the encoder's output does not decode: ${r.rejected.message}` };
  const diff = firstDifference(value, canon(r.value));
  if (diff) return { target: name, property: 'roundtrip', input: bytes, value, where: diffPath(diff), message: `decode(encode(v)) differs at ${diff}` };
  return undefined;
}

const diffPath = (diff: string): string => diff.slice(0, diff.indexOf(':')).replace(/\[\d+\]/g, '[]');

/**
 * What makes two failures "the same bug": the target, the property, and either where the values
 * differ (stable/roundtrip), or the error class and the throwing frames in the library (decode/
 * encode), or else the message with its numbers taken out.
 */
export function signature(f: Failure): string {
  let key: string;
  if (f.where) key = f.where;
  else if (f.stack && (f.property === 'decode' || f.property === 'encode' || f.property === 'stable')) {
    const frames = f.stack.split('\n').filter((l) => l.includes('/src/')).slice(0, 2).map((l) => l.trim().replace(/:\d+:\d+\)?$/, '').replace(/^at /, ''));
    key = `${f.message.split(':')[0]}|${frames.join('|')}`;
  } else key = f.message.split('; re-encoded')[0]!.replace(/0x[0-9a-f]+|\d+/gi, 'N').slice(0, 160);
  return createHash('sha1').update(`${f.target}|${f.property}|${key}`).digest('hex').slice(0, 12);
}

// ---- values in regression files (Uint8Array and bigint survive JSON) ----

export function toJsonValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: toHex(v) };
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (typeof v === 'number' && Object.is(v, -0)) return { $number: '-0' };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

export function fromJsonValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'hex'));
    if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (typeof o.$number === 'string') return Number(o.$number);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = fromJsonValue(x);
    return out;
  }
  return v;
}
