// The attribute index of the generic codec (netlink/spec/attr-index.ts): for any attribute
// area it finds what the set's decoder finds (same attributes, same raw ones in the same order,
// an error exactly where the decoder errs), and the declarations it reads rtmsg and
// rta_cacheinfo from agree with the kernel's UAPI header.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { NetlinkDecodeError } from '../src/netlink/errors.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { CompiledFamily } from '../src/netlink/spec/compile.js';
import type { FamilyDecl } from '../src/netlink/spec/types.js';
import { rtRoute } from '../src/rtnl/families.js';

const decl = {
  name: 'idx', protocol: 'netlink-raw', protonum: 0, source: 'test', definitions: {},
  attributeSets: {
    s: [
      { name: 'a8', value: 1, type: 'u8' },
      { name: 'a32', value: 2, type: 'u32' },
      { name: 'a64', value: 3, type: 'u64' },
      { name: 'bin', value: 4, type: 'binary' },
      { name: 'str', value: 5, type: 'string' },
      { name: 'far', value: 40, type: 'u16' },
      { name: 'top', value: 31, type: 'u32' },
    ],
  },
  operations: { model: 'directional', list: [] },
} as const satisfies FamilyDecl;
const fam = new CompiledFamily(decl);

/** Attributes as bytes: [type, payload length, nested/byte-order flag bits], lengths honest or not. */
function area(attrs: readonly { type: number; len: number; flags: number; lie: number }[]): Uint8Array {
  const parts: number[] = [];
  for (const a of attrs) {
    const len = 4 + a.len;
    const claimed = a.lie === 0 ? len : a.lie;
    parts.push(claimed & 0xff, claimed >> 8, a.type & 0xff, (a.type >> 8) | a.flags);
    for (let i = 0; i < a.len; i++) parts.push((i * 37 + a.type) & 0xff);
    while (parts.length % 4) parts.push(0);
  }
  return Uint8Array.from(parts);
}

const attrArb = fc.record({
  type: fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 31, 40), fc.integer({ min: 0, max: 60 })),
  len: fc.integer({ min: 0, max: 12 }),
  flags: fc.constantFrom(0, 0, 0, 0x80, 0x40),
  lie: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 80 })),
});

test('the index finds what the set decoder finds, raw attributes and errors included', (t) => {
  const set = fam.set('s');
  const indexer = fam.indexer('s');
  const x = indexer.create();
  fc.assert(fc.property(fc.array(attrArb, { maxLength: 8 }), (attrs) => {
    const bytes = area(attrs);
    const buf = new NetlinkBuffer(bytes);
    let decoded: Record<string, unknown> | undefined;
    let decodeErr: unknown;
    try { decoded = set.decode(buf, 0, bytes.length); } catch (err) { decodeErr = err; }
    let indexErr: unknown;
    try { indexer.index(buf, 0, bytes.length, x); } catch (err) { indexErr = err; }
    if (decodeErr || indexErr) {
      t.true(decodeErr instanceof NetlinkDecodeError && indexErr instanceof NetlinkDecodeError, `${String(decodeErr)} / ${String(indexErr)}`);
      return;
    }
    for (const [name, type] of Object.entries(indexer.types)) {
      const present = (x.present[type >> 5]! & (1 << (type & 31))) !== 0;
      t.is(present, decoded![name] !== undefined, name);
      if (present && name === 'a32') t.is(buf.view.getUint32(x.off[type]!, true), decoded![name] as number);
      if (present && name === 'bin') t.deepEqual(bytes.slice(x.off[type]!, x.off[type]! + x.len[type]!), decoded![name]);
    }
    t.deepEqual(x.raw, decoded!.$raw);
  }), { numRuns: 3000 });
});

test('an index of a view keeps the attributes left out raw, in wire order; minLen names the attribute', (t) => {
  const bytes = area([{ type: 2, len: 4, flags: 0, lie: 0 }, { type: 4, len: 3, flags: 0, lie: 0 }, { type: 1, len: 1, flags: 0, lie: 0 }, { type: 5, len: 2, flags: 0x80, lie: 0 }]);
  const buf = new NetlinkBuffer(bytes);
  const v = fam.indexer('s', ['a32', 'a8']);
  const x = v.index(buf, 0, bytes.length, v.create());
  t.is(x.present[0], (1 << 2) | (1 << 1));
  t.deepEqual(x.raw?.map((r) => [r.type, r.data.length, r.nested ?? false]), [[4, 3, false], [5, 2, true]]);
  const strict = fam.indexer('s', undefined, { minLen: { bin: 4 } });
  const err = t.throws(() => strict.index(buf, 0, bytes.length, strict.create()), { instanceOf: NetlinkDecodeError });
  t.regex(err!.message, /bin \(binary\) has 3 bytes, needs 4/);
  t.throws(() => fam.indexer('s', ['nope']), { message: /has no nope/ });
});

test('rt-route declarations read by the route decoder agree with linux/rtnetlink.h', (t) => {
  const h = readFileSync('/usr/include/linux/rtnetlink.h', 'utf8');
  const fields = (name: string): string[][] => {
    const body = h.slice(h.indexOf(`struct ${name} {`));
    return [...body.slice(0, body.indexOf('};')).matchAll(/^\s*(__u32|__s32|unsigned char|unsigned)\s+(\w+)(?::\s*\d+)?;/gm)].map((m) => [m[1]!, m[2]!]);
  };
  const ci = fields('rta_cacheinfo');
  const members = (rtRoute.decl.definitions['rta-cacheinfo'] as { members: readonly { name: string; type: string }[] }).members;
  t.deepEqual(members.map((m) => [m.type, m.name]), ci.map(([ty, n]) => [ty === '__s32' ? 's32' : 'u32', n!.replace(/_/g, '-')]));
  t.is(rtRoute.struct('rta-cacheinfo').size, 32);
  const rt = fields('rtmsg');
  const offsets = rtRoute.offsets('rtmsg');
  const sizes: Record<string, number> = { 'unsigned char': 1, __u32: 4, unsigned: 4 };
  let off = 0;
  for (const [ty, n] of rt) {
    t.is(offsets[n!.replace(/_/g, '-')], off, n);
    off += sizes[ty!]!;
  }
  t.is(rtRoute.struct('rtmsg').size, off);
});
