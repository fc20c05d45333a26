// Handles as tc writes and reads them (tc_util.c get_qdisc_handle, get_tc_classid,
// print_tc_classid): "1:" is major 1, "1:10" major 1 minor 0x10 (hex, both), "root", "none",
// "ingress" / "clsact" for the ingress qdiscs, and "ingress" / "egress" for clsact's hooks.
import { ValidationError } from '../netlink/errors.js';

export const TC_H_ROOT = 0xffffffff;
export const TC_H_UNSPEC = 0;
export const TC_H_INGRESS = 0xfffffff1;
export const TC_H_CLSACT = TC_H_INGRESS;
export const TC_H_MIN_INGRESS = 0xfff2;
export const TC_H_MIN_EGRESS = 0xfff3;
/** clsact's ingress and egress hooks as filter parents. */
export const TC_H_CLSACT_INGRESS = ((TC_H_CLSACT & 0xffff0000) | TC_H_MIN_INGRESS) >>> 0;
export const TC_H_CLSACT_EGRESS = ((TC_H_CLSACT & 0xffff0000) | TC_H_MIN_EGRESS) >>> 0;

export const major = (h: number): number => (h >>> 16) & 0xffff;
export const minor = (h: number): number => h & 0xffff;
export const makeHandle = (maj: number, min: number): number => (((maj & 0xffff) << 16) | (min & 0xffff)) >>> 0;

export type HandleInput = string | number;

function hex(s: string, field: string, what: string, max: number): number {
  if (!/^(0x)?[0-9a-f]+$/i.test(s)) throw new ValidationError(field, `${JSON.stringify(s)}: ${what} is hexadecimal (as tc reads it)`);
  const n = parseInt(s.replace(/^0x/i, ''), 16);
  if (n > max) throw new ValidationError(field, `${JSON.stringify(s)}: ${what} above ${max.toString(16)}`);
  return n;
}

/** A qdisc handle ("1:", "ffff:", "none"); numbers pass as the full 32-bit handle. */
export function parseQdiscHandle(v: HandleInput, field = 'handle'): number {
  if (typeof v === 'number') return checkU32(v, field);
  const s = v.trim().toLowerCase();
  if (s === 'none') return TC_H_UNSPEC;
  const m = /^([0-9a-fx]+):?$/.exec(s);
  if (!m) throw new ValidationError(field, `${JSON.stringify(v)} is not a qdisc handle (as tc writes it: "1:", "ffff:")`);
  return makeHandle(hex(m[1]!, field, 'the major number', 0xffff), 0);
}

/** A class id or parent ("1:10", "1:", ":10", "root", "none", "ingress", "clsact", "egress"). */
export function parseClassId(v: HandleInput, field = 'parent'): number {
  if (typeof v === 'number') return checkU32(v, field);
  const s = v.trim().toLowerCase();
  if (s === 'root') return TC_H_ROOT;
  if (s === 'none') return TC_H_UNSPEC;
  if (s === 'ingress' || s === 'clsact') return TC_H_INGRESS;
  const m = /^([0-9a-fx]*):([0-9a-fx]*)$/.exec(s);
  if (!m) {
    // A bare number is a minor of major 0, as tc's get_tc_classid reads it.
    if (/^[0-9a-f]+$/.test(s)) return hex(s, field, 'the minor number', 0xffff);
    throw new ValidationError(field, `${JSON.stringify(v)} is not a class id (as tc writes it: "1:10", "1:", "root")`);
  }
  const maj = m[1] ? hex(m[1], field, 'the major number', 0xffff) : 0;
  const min = m[2] ? hex(m[2], field, 'the minor number', 0xffff) : 0;
  return makeHandle(maj, min);
}

/**
 * A filter's parent: as parseClassId, with clsact's hooks ("ingress" and "egress" are
 * ffff:fff2 and ffff:fff3, as `tc filter add dev D ingress` writes them).
 */
export function parseFilterParent(v: HandleInput, field = 'parent'): number {
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'ingress') return TC_H_CLSACT_INGRESS;
    if (s === 'egress') return TC_H_CLSACT_EGRESS;
  }
  return parseClassId(v, field);
}

function checkU32(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new ValidationError(field, `${n} is not a 32-bit handle`);
  return n >>> 0;
}

/** A class id as tc prints it (print_tc_classid): "root", "none", ":10", "1:", "1:10". */
export function formatClassId(h: number): string {
  h >>>= 0;
  if (h === TC_H_ROOT) return 'root';
  if (h === TC_H_UNSPEC) return 'none';
  if (major(h) === 0) return `:${minor(h).toString(16)}`;
  if (minor(h) === 0) return `${major(h).toString(16)}:`;
  return `${major(h).toString(16)}:${minor(h).toString(16)}`;
}

/** A qdisc's handle as tc prints it: the major only ("1:", "0:" for the built-in ones). */
export function formatQdiscHandle(h: number): string {
  return `${major(h >>> 0).toString(16)}:`;
}

// u32's handles: 12 bits of hash table id, 8 of bucket, 12 of node (cls_u32.c).
export const u32Htid = (h: number): number => (h >>> 0) & 0xfff00000;
export const u32UserHtid = (h: number): number => u32Htid(h) >>> 20;
export const u32Hash = (h: number): number => ((h >>> 0) >>> 12) & 0xff;
export const u32Node = (h: number): number => (h >>> 0) & 0xfff;

/** A u32 handle as tc prints it (sprint_u32_handle): "800:", "800::800", "2:a:1", "none". */
export function formatU32Handle(h: number): string {
  h >>>= 0;
  if (h === 0) return 'none';
  let s = '';
  const htid = u32Htid(h);
  if (htid) s += `${(htid >>> 20).toString(16)}:`;
  const hash = u32Hash(h);
  const node = u32Node(h);
  if (node | hash) {
    if (hash) s += hash.toString(16);
    if (node) s += `:${node.toString(16)}`;
  }
  return s;
}

/** A u32 handle as tc reads it (get_u32_handle: "800:", "800:0:1", "2:"; hex fields). */
export function parseU32Handle(v: HandleInput, field = 'handle'): number {
  if (typeof v === 'number') return checkU32(v, field);
  const parts = v.trim().toLowerCase().split(':');
  if (parts.length > 3 || parts.some((p) => p !== '' && !/^[0-9a-f]+$/.test(p))) {
    throw new ValidationError(field, `${JSON.stringify(v)} is not a u32 handle (as tc writes it: "800:", "800::800", "2:1:")`);
  }
  const [ht = '', hash = '', node = ''] = parts;
  const htid = ht ? hex(ht, field, 'the hash table id', 0xfff) : 0;
  const bkt = hash ? hex(hash, field, 'the bucket', 0xff) : 0;
  const nd = node ? hex(node, field, 'the node id', 0xfff) : 0;
  return ((htid << 20) | (bkt << 12) | nd) >>> 0;
}
