// Structure-aware mutations of netlink datagrams, as fast-check values: a mutation is a list
// of small operations (delete/duplicate/retype/nest an attribute, corrupt a length, splice
// bytes...) applied to a seed. fast-check shrinks the list, so a failure comes back as the
// fewest operations on a real message that still break the decoder.
import fc from 'fast-check';
import {
  attrLists, familyHeaderSize, parseAttrs, parseDatagram, serialise, type AttrNode, type MessageNode,
} from './wire.js';

export type Protocol = 'route' | 'netfilter' | 'any';

export const OP_KINDS = [
  // on the attribute tree (lengths stay consistent)
  'attr-delete', 'attr-dup', 'attr-swap', 'attr-type', 'attr-data', 'attr-int', 'attr-string', 'attr-insert',
  'attr-nest', 'attr-flatten', 'msg-type', 'msg-flags', 'msg-dup', 'msg-fixed',
  // on bytes (lengths may lie)
  'flip', 'byte', 'u16', 'u32', 'truncate', 'insert', 'delete', 'splice', 'nla-len', 'nlmsg-len',
] as const;
export type OpKind = (typeof OP_KINDS)[number];

export interface Op {
  kind: OpKind;
  /** Picks a place (modulo what exists when the op runs). */
  a: number;
  b: number;
  /** Picks a value or a variant. */
  c: number;
  bytes: Uint8Array;
}

export const INTERESTING = [
  0, 1, 2, 3, 4, 5, 7, 8, 12, 15, 16, 17, 20, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x3ff, 0x400, 0x7fff,
  0x8000, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

const enc = new TextEncoder();
const STRINGS: Uint8Array[] = [
  new Uint8Array(0), Uint8Array.of(0), enc.encode('lo'), enc.encode('lo\0'), enc.encode('veth0\0'),
  enc.encode('bridge\0'), enc.encode('vxlan'), enc.encode('x'.repeat(15) + '\0'), enc.encode('y'.repeat(16)),
  enc.encode('z'.repeat(300)), Uint8Array.of(0xff, 0xfe, 0xc3, 0x28, 0), enc.encode('\u00e9t\u00e9\0'),
  enc.encode('filter\0'), enc.encode('nat\0'), enc.encode('postrouting\0'), enc.encode('payload\0'),
  enc.encode('cmp\0'), enc.encode('immediate\0'), enc.encode('lookup\0'), enc.encode('meta\0'), enc.encode('ct\0'),
  enc.encode('bitwise\0'), enc.encode('masq\0'), enc.encode('nat\0'), enc.encode('range\0'), enc.encode('counter\0'),
  enc.encode('log\0'), enc.encode('a\0b\0'), Uint8Array.of(0x80),
];

export const opArbitrary: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom(...OP_KINDS),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  bytes: fc.uint8Array({ maxLength: 24 }),
});

export interface MutateOptions {
  protocol?: Protocol;
  /** Family header size when known (otherwise guessed from each message's type). */
  headerSize?: number;
  /** Other inputs to splice from. */
  donors?: readonly Uint8Array[];
  /** Longest output kept (bigger results are truncated). */
  maxLength?: number;
}

function pick<T>(list: readonly T[], n: number): T | undefined {
  return list.length ? list[n % list.length] : undefined;
}

function intBytes(value: number, width: number, bigEndian: boolean): Uint8Array {
  const out = new Uint8Array(width);
  const dv = new DataView(out.buffer);
  if (width === 1) out[0] = value & 0xff;
  else if (width === 2) dv.setUint16(0, value & 0xffff, !bigEndian);
  else if (width === 4) dv.setUint32(0, value >>> 0, !bigEndian);
  else dv.setBigUint64(0, value === 0xffffffff ? 0xffffffffffffffffn : BigInt(value >>> 0), !bigEndian);
  return out;
}

/** Offsets of every attribute header a lenient walk finds (for length corruption). */
function attrHeaderOffsets(b: Uint8Array, protocol: Protocol, headerSize: number | undefined): number[] {
  const out: number[] = [];
  const walk = (start: number, end: number, depth: number): void => {
    let pos = start;
    while (end - pos >= 4 && depth < 40) {
      const len = b[pos]! | (b[pos + 1]! << 8);
      if (len < 4 || len > end - pos) return;
      out.push(pos);
      if (len >= 8) {
        const inner = parseAttrs(b, pos + 4, pos + len);
        if (inner.exact && inner.nodes.length) walk(pos + 4, pos + len, depth + 1);
      }
      pos += (len + 3) & ~3;
    }
  };
  let pos = 0;
  while (b.length - pos >= 16) {
    let len = (b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16) | (b[pos + 3]! << 24)) >>> 0;
    if (len < 16 || len > b.length - pos) len = b.length - pos;
    const type = b[pos + 4]! | (b[pos + 5]! << 8);
    walk(pos + 16 + (headerSize ?? familyHeaderSize(type, protocol)), pos + len, 0);
    pos += (len + 3) & ~3;
  }
  return out;
}

function treeOp(msgs: MessageNode[], op: Op): void {
  const lists = attrLists(msgs).filter((l, i) => l.length || i === 0);
  const list = pick(lists, op.a);
  const msg = pick(msgs, op.a);
  if (!msg) return;
  const idx = list && list.length ? op.b % list.length : 0;
  const node = list?.[idx];
  switch (op.kind) {
    case 'attr-delete': if (list && node) list.splice(idx, 1); break;
    case 'attr-dup': if (list && node) list.splice(idx, 0, structuredClone(node)); break;
    case 'attr-swap': if (list && list.length > 1) {
      const j = op.c % list.length;
      [list[idx], list[j]] = [list[j]!, list[idx]!];
    } break;
    case 'attr-type': if (node) {
      switch (op.c % 5) {
        case 0: node.type = (node.type & 0xc000) | ((node.type + 1) & 0x3fff); break;
        case 1: node.type = (node.type & 0xc000) | ((node.type - 1) & 0x3fff); break;
        case 2: node.type ^= 0x8000; break; // NLA_F_NESTED
        case 3: node.type ^= 0x4000; break; // NLA_F_NET_BYTEORDER
        default: node.type = (node.type & 0xc000) | (op.c >> 3) % 64;
      }
    } break;
    case 'attr-data': if (node) { delete node.children; node.data = op.bytes.slice(); } break;
    case 'attr-int': if (node) {
      const width = [1, 2, 4, 8][op.c % 4]!;
      delete node.children;
      node.data = intBytes(INTERESTING[(op.c >> 2) % INTERESTING.length]!, width, (op.c >> 8) % 2 === 1);
    } break;
    case 'attr-string': if (node) { delete node.children; node.data = STRINGS[op.c % STRINGS.length]!.slice(); } break;
    case 'attr-insert': if (list) {
      const child: AttrNode = op.c % 3 === 0
        ? { type: 0x8000 | (op.c >> 2) % 32, children: [{ type: (op.c >> 7) % 16, data: op.bytes.slice() }] }
        : { type: (op.c >> 2) % 64, data: op.bytes.slice() };
      list.splice(list.length ? idx : 0, 0, child);
    } break;
    case 'attr-nest': if (list && node) {
      // Wrap in 1..48 levels of nests: depth limits must hold at every layer.
      let wrapped: AttrNode = node;
      for (let i = 0, n = 1 + (op.c % 48); i < n; i++) wrapped = { type: 0x8000 | (node.type & 0x3fff), children: [wrapped] };
      list[idx] = wrapped;
    } break;
    case 'attr-flatten': if (node?.children) {
      list!.splice(idx, 1, ...node.children);
    } break;
    case 'msg-type': msg.type = op.c % 4 === 0 ? INTERESTING[op.c % INTERESTING.length]! & 0xffff : (msg.type & 0xff00) | ((msg.type + (op.c % 7) - 3) & 0xff); break;
    case 'msg-flags': msg.flags ^= 1 << (op.c % 16); break;
    case 'msg-dup': msgs.splice(op.b % msgs.length, 0, structuredClone(msg)); break;
    case 'msg-fixed': {
      const f = msg.fixed;
      if (op.c % 3 === 0) msg.fixed = f.slice(0, op.b % (f.length + 1));
      else if (f.length) { const g = f.slice(); g[op.b % g.length] = INTERESTING[op.c % INTERESTING.length]! & 0xff; msg.fixed = g; }
      break;
    }
    default: break;
  }
}

function byteOp(b: Uint8Array, op: Op, o: MutateOptions): Uint8Array {
  const n = b.length;
  const at = n ? op.a % n : 0;
  const value = INTERESTING[op.c % INTERESTING.length]!;
  switch (op.kind) {
    case 'flip': if (n) { b = b.slice(); b[at] = b[at]! ^ (1 << (op.c % 8)); } return b;
    case 'byte': if (n) { b = b.slice(); b[at] = value & 0xff; } return b;
    case 'u16': if (n >= 2) { b = b.slice(); const p = Math.min(at, n - 2) & ~1; b[p] = value & 0xff; b[p + 1] = (value >> 8) & 0xff; } return b;
    case 'u32': if (n >= 4) { b = b.slice(); new DataView(b.buffer).setUint32(Math.min(at, n - 4) & ~3, value >>> 0, true); } return b;
    case 'truncate': return b.slice(0, at);
    case 'insert': { const out = new Uint8Array(n + op.bytes.length); out.set(b.subarray(0, at)); out.set(op.bytes, at); out.set(b.subarray(at), at + op.bytes.length); return out; }
    case 'delete': {
      const end = Math.min(n, at + 1 + (op.c % 16));
      const out = new Uint8Array(n - (end - at));
      out.set(b.subarray(0, at));
      out.set(b.subarray(end), at);
      return out;
    }
    case 'splice': {
      const donor = pick(o.donors ?? [], op.b);
      if (!donor || !donor.length) return b;
      const from = op.c % donor.length;
      const piece = donor.subarray(from, from + 4 + ((op.c >> 4) % 128));
      const out = new Uint8Array(at + piece.length);
      out.set(b.subarray(0, at));
      out.set(piece, at);
      return out;
    }
    case 'nla-len': {
      const offs = attrHeaderOffsets(b, o.protocol ?? 'any', o.headerSize);
      const p = pick(offs, op.b);
      if (p === undefined) return b;
      b = b.slice();
      const cur = b[p]! | (b[p + 1]! << 8);
      const choices = [0, 1, 3, 4, cur - 1, cur + 1, cur + 4, cur + 8, 0xffff, n - p, n - p + 1];
      const v = choices[op.c % choices.length]! & 0xffff;
      b[p] = v & 0xff;
      b[p + 1] = v >> 8;
      return b;
    }
    case 'nlmsg-len': {
      if (n < 4) return b;
      b = b.slice();
      const choices = [0, 4, 15, 16, 17, n - 1, n + 1, n + 4, n - 4, 0xffff, 0xffffffff, 0x7fffffff];
      new DataView(b.buffer).setUint32(0, choices[op.c % choices.length]! >>> 0, true);
      return b;
    }
    default: return b;
  }
}

/** Apply ops in order to a seed. Tree ops re-parse and re-serialise; byte ops edit in place. */
export function mutate(seed: Uint8Array, ops: readonly Op[], o: MutateOptions = {}): Uint8Array {
  if (o.headerSize === -16) {
    // A bare attribute stream: mutate it as the payload of a message, then take the payload back.
    const wrapped = new Uint8Array(16 + seed.length);
    wrapped.set(seed, 16);
    new DataView(wrapped.buffer).setUint32(0, wrapped.length, true);
    return mutate(wrapped, ops, { ...o, headerSize: 0, donors: o.donors?.map((d) => d) }).slice(16);
  }
  let b = seed;
  for (const op of ops) {
    if (op.kind.startsWith('attr-') || op.kind.startsWith('msg-')) {
      const msgs = parseDatagram(b, o.protocol ?? 'any', o.headerSize);
      if (!msgs.length) continue;
      treeOp(msgs, op);
      b = serialise(msgs);
    } else {
      b = byteOp(b, op, o);
    }
    if (b.length > (o.maxLength ?? 1 << 16)) b = b.slice(0, o.maxLength ?? 1 << 16);
  }
  return b;
}

/** A seed from `seeds` with 0..maxOps operations applied. */
export function mutatedArbitrary(seeds: readonly Uint8Array[], o: MutateOptions = {}, maxOps = 4): fc.Arbitrary<Uint8Array> {
  if (!seeds.length) return fc.uint8Array({ maxLength: 256 });
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(opArbitrary, { minLength: 1, maxLength: maxOps }))
    .map(([i, ops]) => mutate(seeds[i]!, ops, { donors: seeds, ...o }));
}

/** A seeded PRNG (mulberry32) for harnesses that draw mutations outside fast-check. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random operation; `kinds` restricts the choice (default: all). */
export function randomOp(rand: () => number, kinds: readonly OpKind[] = OP_KINDS): Op {
  const n = (): number => Math.floor(rand() * 0x7fffffff);
  const bytes = new Uint8Array(Math.floor(rand() * 25));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  return { kind: kinds[Math.floor(rand() * kinds.length)]!, a: n(), b: n(), c: n(), bytes };
}
