// The generic codec over declared families: every generated table compiles, values round-trip,
// malformed bytes and bad input give typed errors, unknown attributes survive, and the
// numbering the generator made explicit agrees with the kernel's UAPI headers.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { NetlinkDecodeError, ValidationError } from '../src/netlink/errors.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { MessageWriter } from '../src/netlink/writer.js';
import { parseMessages } from '../src/netlink/message.js';
import { CompiledFamily } from '../src/netlink/spec/compile.js';
import { NetlinkFamily } from '../src/netlink/spec/family.js';
import type { FamilyDecl } from '../src/netlink/spec/types.js';
import { FAMILY_NAMES, loadFamily } from '../src/ynl/registry.js';
import * as C from '../src/rtnl/constants.js';

const demo = {
  name: 'demo',
  protocol: 'netlink-raw',
  protonum: 0,
  source: 'test',
  definitions: {
    hdr: { type: 'struct', members: [{ name: 'family', type: 'u8' }, { name: 'pad', type: 'pad', len: 3 }, { name: 'index', type: 'u32' }] },
    pair: { type: 'struct', members: [{ name: 'a', type: 'u16' }, { name: 'b', type: 'u16', byteOrder: 'big-endian' }] },
    colour: { type: 'enum', entries: [['red', 0], ['green', 1], ['blue', 2]] },
    opts: { type: 'flags', entries: [['up', 1], ['fast', 2], ['loud', 4]] },
  },
  attributeSets: {
    top: [
      { name: 'u8', value: 1, type: 'u8' },
      { name: 'u16', value: 2, type: 'u16' },
      { name: 'u32', value: 3, type: 'u32' },
      { name: 'u64', value: 4, type: 'u64' },
      { name: 's32', value: 5, type: 's32' },
      { name: 'be16', value: 6, type: 'u16', byteOrder: 'big-endian' },
      { name: 'name', value: 7, type: 'string', checks: { maxLen: 15 } },
      { name: 'on', value: 8, type: 'flag' },
      { name: 'addr', value: 9, type: 'binary', hint: 'ipv4-or-v6' },
      { name: 'mac', value: 10, type: 'binary', hint: 'mac' },
      { name: 'blob', value: 11, type: 'binary' },
      { name: 'colour', value: 12, type: 'u32', enum: 'colour' },
      { name: 'opts', value: 13, type: 'u32', enum: 'opts', flags: true },
      { name: 'pair', value: 14, type: 'binary', struct: 'pair' },
      { name: 'inner', value: 15, type: 'nest', nested: 'inner' },
      { name: 'tag', value: 16, type: 'u32', multi: true },
      { name: 'list', value: 17, type: 'indexed-array', subType: 'nest', nested: 'inner' },
      { name: 'kind', value: 18, type: 'string' },
      { name: 'data', value: 19, type: 'sub-message', subMessage: 'kind-data', selector: 'kind' },
      { name: 'bits', value: 20, type: 'bitfield32' },
      { name: 'big', value: 21, type: 'uint' },
      { name: 'ip4', value: 22, type: 'u32', byteOrder: 'big-endian', hint: 'ipv4' },
      { name: 'self', value: 23, type: 'nest', nested: 'top' },
      { name: 'u32s', value: 24, type: 'binary', subType: 'u32' },
    ],
    inner: [{ name: 'x', value: 1, type: 'u32' }, { name: 'y', value: 2, type: 'string' }],
    alpha: [{ name: 'level', value: 1, type: 'u8' }],
    beta: [{ name: 'label', value: 1, type: 'string' }, { name: 'depth', value: 2, type: 'u32' }],
  },
  subMessages: { 'kind-data': [{ value: 'alpha', attributeSet: 'alpha' }, { value: 'beta', attributeSet: 'beta' }] },
  operations: {
    model: 'directional',
    list: [{ name: 'get', attributeSet: 'top', fixedHeader: 'hdr', do: { request: { value: 30, attributes: [] }, reply: { value: 31, attributes: [] } } }],
  },
} as const satisfies FamilyDecl;

const fam = new NetlinkFamily(demo);
const top = fam.set('top');

function roundTrip(value: Record<string, unknown>): Record<string, unknown> {
  const w = new MessageWriter(64);
  top.encode(w, value);
  const bytes = w.copy();
  return top.decode(new NetlinkBuffer(bytes), 0, bytes.length);
}

test('every declared family compiles: all sets, structs and sub-message formats resolve', async (t) => {
  let sets = 0;
  for (const name of FAMILY_NAMES) {
    const f = await loadFamily(name);
    for (const s of Object.keys(f.decl.attributeSets)) {
      const cs = f.set(s);
      for (const a of cs.attrs) {
        if (a.decl.nested) t.truthy(f.decl.attributeSets[a.decl.nested], `${name} ${s}.${a.name} -> ${a.decl.nested}`);
        if (a.decl.struct) t.true(f.struct(a.decl.struct).size >= 0);
        if (a.decl.subMessage) {
          for (const fmt of f.subMessage(a.decl.subMessage)) {
            if (fmt.attributeSet) t.truthy(f.decl.attributeSets[fmt.attributeSet], `${name} ${a.decl.subMessage}/${fmt.value}`);
            if (fmt.fixedHeader) f.struct(fmt.fixedHeader);
          }
        }
      }
      sets++;
    }
    for (const op of f.decl.operations.list) if (op.fixedHeader) t.true(f.struct(op.fixedHeader).size > 0, `${name} ${op.name}`);
  }
  t.true(sets > 200, `${sets} sets`);
});

test('scalars, strings, flags, hints, enums, structs, nests, arrays and sub-messages round-trip', (t) => {
  const value = {
    u8: 255, u16: 65535, u32: 4294967295, u64: 18446744073709551615n, s32: -5, be16: 0x1234, name: 'veth0', on: true,
    addr: '2001:db8::1', mac: '02:00:00:00:00:01', blob: new Uint8Array([1, 2, 3]), colour: 'blue', opts: ['up', 'loud'],
    pair: { a: 1, b: 0x0102 }, inner: { x: 7, y: 'in' }, tag: [1, 2, 3], list: [{ x: 1 }, { y: 'two' }],
    kind: 'beta', data: { label: 'deep', depth: 9 }, bits: { value: 5, selector: 7 }, big: 2 ** 40, ip4: '192.0.2.1',
    self: { u8: 1, self: { name: 'inner' } }, u32s: [10, 20, 30],
  };
  t.deepEqual(roundTrip(value), value);
});

test('the wire form follows the declaration: byte order, padding, terminators, nested flag', (t) => {
  const w = new MessageWriter(64);
  top.encode(w, { be16: 0x1234, name: 'ab', inner: { x: 1 } });
  t.is(Buffer.from(w.copy()).toString('hex'),
    '0600' + '0600' + '1234' + '0000' + // be16: 6 bytes, padded to 8, network order
    '0700' + '0700' + '616200' + '00' + // name: NUL-terminated
    '0c00' + '0f80' + '0800' + '0100' + '01000000'); // inner: NLA_F_NESTED (0x8000) set by default
  const rt = new CompiledFamily(demo, { nestedFlag: false });
  const w2 = new MessageWriter(64);
  rt.set('top').encode(w2, { inner: { x: 1 } });
  t.is(Buffer.from(w2.copy()).toString('hex').slice(0, 8), '0c000f00');
});

test('attributes the declaration does not know are kept raw and written back byte for byte', (t) => {
  const w = new MessageWriter(64);
  w.attrU32(3, 9).attrBytes(200, new Uint8Array([9, 8, 7])).attrU8(0x8000 | 201, 1);
  const bytes = w.copy();
  const v = top.decode(new NetlinkBuffer(bytes), 0, bytes.length);
  t.is(v.u32, 9);
  t.deepEqual(v.$raw, [{ type: 200, data: new Uint8Array([9, 8, 7]) }, { type: 201, nested: true, data: new Uint8Array([1]) }]);
  const w2 = new MessageWriter(64);
  top.encode(w2, v);
  t.deepEqual(w2.copy(), bytes);
});

test('a sub-message whose selector names no format stays bytes; a struct shorter than declared decodes what it has', (t) => {
  const w = new MessageWriter(64);
  w.attrString(18, 'gamma').attrBytes(19, new Uint8Array([1, 2])).attrBytes(14, new Uint8Array([5, 0]));
  const bytes = w.copy();
  const v = top.decode(new NetlinkBuffer(bytes), 0, bytes.length);
  t.deepEqual(v.data, new Uint8Array([1, 2]));
  t.deepEqual(v.pair, { a: 5 });
});

test('malformed bytes: every length is checked before it is read, with the offset', (t) => {
  const cases: Array<[string, number[]]> = [
    ['header past the end', [0x08, 0, 3, 0, 1, 0]],
    ['length below the header', [0x02, 0, 3, 0]],
    ['u32 in 2 bytes', [0x06, 0, 3, 0, 1, 0, 0, 0]],
    ['trailing garbage', [0x05, 0, 1, 0, 1, 0, 0, 0, 0xff, 0xff]],
  ];
  for (const [what, b] of cases) {
    const bytes = new Uint8Array(b);
    const e = t.throws(() => top.decode(new NetlinkBuffer(bytes), 0, bytes.length), { instanceOf: NetlinkDecodeError }, what);
    t.true(e!.offset >= 0 && e!.offset < bytes.length, what);
  }
});

test('nesting deeper than the cap is refused, not followed', (t) => {
  // 40 levels of `self` inside `self`, built from the inside out.
  let inner: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < 40; i++) {
    const w = new MessageWriter(inner.length + 8);
    const s = w.nestStart(23);
    w.raw(inner);
    w.nestEnd(s);
    inner = w.copy();
  }
  t.throws(() => top.decode(new NetlinkBuffer(inner), 0, inner.length), { instanceOf: NetlinkDecodeError, message: /nested deeper/ });
});

test('bad input is refused before any byte is written, naming the path', (t) => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ nope: 1 }, /top\.nope.*not an attribute of top/],
    [{ u8: 256 }, /top\.u8.*out of range for u8/],
    [{ u32: -1 }, /top\.u32.*out of range/],
    [{ u64: 2 ** 60 }, /top\.u64.*pass a bigint/],
    [{ colour: 'purple' }, /top\.colour.*unknown value "purple" \(known: red, green, blue\)/],
    [{ name: 'x'.repeat(16) }, /top\.name.*longer than 15 bytes/],
    [{ addr: '300.1.1.1' }, /top\.addr/],
    [{ inner: { z: 1 } }, /top\.inner\.z/],
    [{ on: 'yes' }, /top\.on/],
    [{ kind: 'gamma', data: { level: 1 } }, /top\.data.*no format of kind-data for kind = "gamma"/],
    [{ pair: { a: 1, c: 2 } }, /top\.pair.*unknown field "c"/],
  ];
  for (const [v, re] of bad) t.throws(() => roundTrip(v), { instanceOf: ValidationError, message: re }, JSON.stringify(v));
});

test('messages: fixed header and attributes by operation; the type says which side', (t) => {
  const bytes = fam.encode({ op: 'get', header: { family: 2, index: 7 }, attrs: { u32: 1, name: 'x' } });
  const [m] = parseMessages(bytes);
  t.is(m!.type, 30);
  const d = fam.decode(m!, 'request');
  t.deepEqual(d.header, { family: 2, index: 7 });
  t.deepEqual(d.attrs, { u32: 1, name: 'x' });
  t.is(d.op, 'get');
  t.throws(() => fam.encode({ op: 'set' }), { instanceOf: ValidationError, message: /not an operation of demo \(operations: get\)/ });
  t.throws(() => fam.encode({ op: 'get', mode: 'dump' }), { instanceOf: ValidationError, message: /get has no dump/ });
  t.is(fam.describeAttribute('get', [15, 2]), 'inner.y');
});

test('property: any value built from the declaration survives encode -> decode', (t) => {
  const inner = fc.record({ x: fc.nat({ max: 0xffffffff }), y: fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0')) }, { requiredKeys: [] });
  const arb = fc.record({
    u8: fc.nat({ max: 255 }), u16: fc.nat({ max: 65535 }), u32: fc.nat({ max: 0xffffffff }),
    u64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), s32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    name: fc.string({ maxLength: 15 }).filter((s) => !s.includes('\0') && Buffer.byteLength(s) <= 15),
    on: fc.constant(true), blob: fc.uint8Array({ maxLength: 40 }), colour: fc.constantFrom('red', 'green', 'blue'),
    inner, tag: fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 5 }), list: fc.array(inner, { maxLength: 4 }),
    bits: fc.record({ value: fc.nat({ max: 0xffffffff }), selector: fc.nat({ max: 0xffffffff }) }),
  }, { requiredKeys: [] });
  fc.assert(fc.property(arb, (v) => {
    t.deepEqual(roundTrip(v), v);
  }), { numRuns: 300 });
  t.pass();
});

test('property: random bytes decode to a value or a NetlinkDecodeError, never anything else', async (t) => {
  const families = await Promise.all(['rt-link', 'rt-route', 'nftables', 'ethtool', 'tc'].map((n) => loadFamily(n)));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, pick) => {
    const f = families[pick % families.length]!;
    const names = Object.keys(f.decl.attributeSets);
    const set = f.set(names[pick % names.length]!);
    try {
      const v = set.decode(new NetlinkBuffer(bytes), 0, bytes.length);
      // Whatever decoded must encode again (raw attributes included).
      set.encode(new MessageWriter(256), v);
    } catch (e) {
      if (!(e instanceof NetlinkDecodeError) && !(e instanceof ValidationError)) throw e;
    }
  }), { numRuns: 2000 });
  t.pass();
});

test('generated numbering agrees with the UAPI headers: rtnetlink message types, ethtool messages', async (t) => {
  const link = await loadFamily('rt-link');
  t.is(link.op('newlink').do?.request?.value, C.RTM_NEWLINK);
  t.is(link.op('getlink').dump?.reply?.value, C.RTM_NEWLINK);
  const route = await loadFamily('rt-route');
  t.is(route.op('getroute').dump?.request?.value, C.RTM_GETROUTE);
  // ethtool leaves its values out of the spec; the header counts them.
  const header = readFileSync('/usr/include/linux/ethtool_netlink.h', 'utf8');
  const enumOf = (first: string): Map<string, number> => {
    const body = header.slice(header.indexOf(first));
    const names = body.slice(0, body.indexOf('}')).match(/ETHTOOL_MSG_[A-Z0-9_]+/g)!;
    return new Map(names.map((n, i) => [n, i]));
  };
  const user = enumOf('ETHTOOL_MSG_USER_NONE');
  const kernel = enumOf('ETHTOOL_MSG_KERNEL_NONE');
  const ethtool = await loadFamily('ethtool');
  let checked = 0;
  for (const op of ethtool.decl.operations.list) {
    const base = `ETHTOOL_MSG_${op.name.toUpperCase().replace(/-/g, '_')}`;
    const part = op.do ?? op.dump;
    if (part?.request && user.has(base)) { t.is(part.request.value, user.get(base), base); checked++; }
    if (part?.reply && kernel.has(`${base}_REPLY`)) { t.is(part.reply.value, kernel.get(`${base}_REPLY`), `${base}_REPLY`); checked++; }
    if (op.notify && kernel.has(base)) { t.is(op.value, kernel.get(base), base); checked++; }
  }
  t.true(checked > 40, `${checked} values checked`);
});
