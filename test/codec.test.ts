// The netlink codec against golden bytes from iproute2 and against malformed input.
import test from 'ava';
import {
  MessageWriter, NetlinkBuffer, NetlinkDecodeError, walkAttributes, walkMessages, parseMessages, decodeError,
  decodeDone, attributePathAt, NLMSG_ERROR, NLMSG_DONE, NLM_F_ACK_TLVS, NLM_F_REQUEST, NLM_F_ACK,
  NLM_F_CREATE, NLM_F_EXCL, NLA_F_NESTED, formatIPv6, parseIPv6, parseIPv4, parsePrefix, walkNested,
  MAX_NESTING_DEPTH, NetlinkError, parseMac, formatHardwareAddress,
} from '../src/netlink/index.js';
import { loadGolden, fromHex, toHex } from './helpers/fixtures.js';
import { MessageTooLargeError } from '../src/netlink/errors.js';

const RTM_NEWLINK = 16, IFLA_IFNAME = 3, IFLA_LINKINFO = 18, IFLA_INFO_KIND = 1;

test('writer reproduces the bytes ip sends for `ip link add foo type nonexistentkind`', (t) => {
  const golden = loadGolden('ip-link-add-unknown-kind').find((d) => d.direction === 'send' && d.bytes[4] === RTM_NEWLINK)!;
  const seq = new DataView(golden.bytes.buffer).getUint32(8, true);
  const w = new MessageWriter();
  const m = w.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq);
  w.u8(0).u8(0).u16(0).s32(0).u32(0).u32(0); // struct ifinfomsg
  w.attrString(IFLA_IFNAME, 'foo');
  const li = w.nestStart(IFLA_LINKINFO);
  w.attrString(IFLA_INFO_KIND, 'nonexistentkind', false); // iproute2 sends the kind without a NUL
  w.nestEnd(li);
  w.end(m);
  t.is(toHex(w.bytes()), toHex(golden.bytes));
});

test('the kernel\'s refusal decodes to EOPNOTSUPP with its extended-ACK text', (t) => {
  const datagrams = loadGolden('ip-link-add-unknown-kind');
  const req = datagrams.find((d) => d.direction === 'send' && d.bytes[4] === RTM_NEWLINK)!;
  const reply = datagrams[datagrams.indexOf(req) + 1]!;
  const [m] = parseMessages(reply.bytes);
  t.is(m!.type, NLMSG_ERROR);
  t.truthy(m!.flags & NLM_F_ACK_TLVS);
  const e = decodeError(m!);
  t.is(e.errno, 95);
  t.is(e.extack.message, 'Unknown device type');
  t.is(e.request.seq, new DataView(req.bytes.buffer).getUint32(8, true));
  t.is(e.request.type, RTM_NEWLINK);
  const err = new NetlinkError({ errno: e.errno, extack: e.extack, operation: 'create link foo' });
  t.is(err.code, 'EOPNOTSUPP');
  t.is(err.message, 'create link foo: EOPNOTSUPP (operation not supported): Unknown device type');
});

test('EEXIST from `ip addr add` of an existing address decodes with its request echoed', (t) => {
  const datagrams = loadGolden('ip-addr-add-exists');
  const reply = datagrams.find((d) => d.direction === 'recv' && d.bytes[4] === NLMSG_ERROR && new DataView(d.bytes.buffer).getInt32(16, true) === -17)!;
  const e = decodeError(parseMessages(reply.bytes)[0]!);
  t.is(e.errno, 17);
  t.is(e.request.type, 20); // RTM_NEWADDR
  t.true(e.requestBytes.length >= 16);
});

test('a dump reply walks to NLMSG_DONE and every attribute of every message parses', (t) => {
  const recvs = loadGolden('ip-route-show').filter((d) => d.direction === 'recv');
  let messages = 0, attrs = 0, done = false;
  for (const d of recvs) {
    walkMessages(new NetlinkBuffer(d.bytes), (m) => {
      if (m.type === NLMSG_DONE) { done = true; t.is(decodeDone(m).errno, 0); return; }
      messages++;
      walkAttributes(m.buf, m.payloadStart + 12, m.end, () => { attrs++; });
    });
  }
  t.true(done);
  t.true(messages >= 2);
  t.true(attrs > messages * 3);
});

test('the lo link from `ip link show lo` decodes its name and nested attributes', (t) => {
  const recv = loadGolden('ip-link-show-lo').find((d) => d.direction === 'recv' && d.bytes[4] === RTM_NEWLINK)!;
  const [m] = parseMessages(recv.bytes);
  const names: string[] = [];
  let nests = 0;
  const afSpec: number[] = [];
  walkAttributes(m!.buf, m!.payloadStart + 16, m!.end, (type, off, len, raw) => {
    if (type === IFLA_IFNAME) names.push(m!.buf.attrString(off, len));
    if (raw & NLA_F_NESTED) nests++;
    // IFLA_AF_SPEC (26) is nested without the flag, as the kernel sends it: walk into it.
    if (type === 26) walkAttributes(m!.buf, off, off + len, (family) => { afSpec.push(family); });
  });
  t.deepEqual(names, ['lo']);
  t.is(nests, 2, 'the kernel flags two (empty) nests of lo with NLA_F_NESTED in this capture');
  t.deepEqual(afSpec.sort((a, b) => a - b), [2, 10], 'IFLA_AF_SPEC holds AF_INET and AF_INET6');
});

test('typed attributes round-trip through writer and reader', (t) => {
  const w = new MessageWriter(8); // tiny, so the buffer must grow
  const m = w.begin(100, NLM_F_REQUEST, 7, 9);
  w.attrU8(1, 0xab).attrU16(2, 0xbeef).attrU32(3, 0xdeadbeef).attrS32(4, -5).attrU64(5, 2n ** 63n + 5n)
    .attrBe16(6, 0x1234).attrBe32(7, 0xc0a80001).attrBe64(8, 0x0102030405060708n).attrString(9, 'héllo')
    .attrAddress(10, '2001:db8::1').attrAddress(11, '10.0.0.1').attrMac(12, '02:00:5e:10:00:01').attrFlag(13);
  const n = w.nestStart(14 | NLA_F_NESTED);
  w.attrU32(1, 42);
  w.nestEnd(n);
  w.end(m);
  const [msg] = parseMessages(w.copy());
  t.is(msg!.type, 100);
  t.is(msg!.seq, 7);
  t.is(msg!.portId, 9);
  const b = msg!.buf;
  const got: Record<number, unknown> = {};
  walkAttributes(b, msg!.payloadStart, msg!.end, (type, off, len, raw) => {
    switch (type) {
      case 1: got[1] = b.attrU8(off, len); break;
      case 2: got[2] = b.attrU16(off, len); break;
      case 3: got[3] = b.attrU32(off, len); break;
      case 4: got[4] = b.attrS32(off, len); break;
      case 5: got[5] = b.attrU64(off, len); break;
      case 6: got[6] = b.attrBe16(off, len); break;
      case 7: got[7] = b.attrBe32(off, len); break;
      case 8: got[8] = b.attrBe64(off, len); break;
      case 9: got[9] = b.attrString(off, len); break;
      case 10: got[10] = b.attrAddress(off, len); break;
      case 11: got[11] = b.attrAddress(off, len); break;
      case 12: got[12] = b.attrMac(off, len); break;
      case 13: got[13] = len; break;
      case 14: t.truthy(raw & NLA_F_NESTED); walkNested(b, off, len, 1, (ct, co, cl) => { got[14] = [ct, b.attrU32(co, cl)]; }); break;
    }
  });
  t.deepEqual(got, {
    1: 0xab, 2: 0xbeef, 3: 0xdeadbeef, 4: -5, 5: 2n ** 63n + 5n, 6: 0x1234, 7: 0xc0a80001,
    8: 0x0102030405060708n, 9: 'héllo', 10: '2001:db8::1', 11: '10.0.0.1', 12: '02:00:5e:10:00:01', 13: 0, 14: [1, 42],
  });
  t.is(msg!.length % 4, 0);
});

test('extended-ACK offsets map back to the attribute path of the request', (t) => {
  const w = new MessageWriter();
  const m = w.begin(RTM_NEWLINK, NLM_F_REQUEST);
  w.zeros(16);
  w.attrString(IFLA_IFNAME, 'x');
  const li = w.nestStart(IFLA_LINKINFO);
  const kindOffset = w.pos;
  w.attrString(IFLA_INFO_KIND, 'veth');
  w.nestEnd(li);
  w.end(m);
  t.deepEqual(attributePathAt(w.copy(), 16, kindOffset), [IFLA_LINKINFO, IFLA_INFO_KIND]);
  t.deepEqual(attributePathAt(w.copy(), 16, li), [IFLA_LINKINFO]);
  t.deepEqual(attributePathAt(w.copy(), 16, 4), []);
});

// ---- malformed input: only NetlinkDecodeError, with an offset, never a hang ----

function decodeAll(bytes: Uint8Array): number {
  let n = 0;
  walkMessages(new NetlinkBuffer(bytes), (m) => {
    walkAttributes(m.buf, m.payloadStart, m.end, () => { n++; });
  });
  return n;
}

const malformed: Array<[string, string, number]> = [
  ['truncated header', '1000000010', 0],
  ['nlmsg_len zero (would loop forever if trusted)', '00000000100000000000000000000000', 0],
  ['nlmsg_len below the header size', '0c000000100000000000000000000000', 0],
  ['nlmsg_len past the end', 'ff000000100000000000000000000000', 0],
  ['second message truncated', '100000001000000000000000000000001400', 16],
  ['attribute length zero', '14000000100000000000000000000000' + '00000100', 16],
  ['attribute length 2', '14000000100000000000000000000000' + '02000100', 16],
  ['attribute overlong', '18000000100000000000000000000000' + '0c000100aaaaaaaa', 16],
  ['trailing garbage after attributes', '19000000100000000000000000000000' + '050001000a000000' + 'ff', 24],
];
for (const [name, hex, offset] of malformed) {
  test(`malformed: ${name}`, (t) => {
    const err = t.throws(() => decodeAll(fromHex(hex)), { instanceOf: NetlinkDecodeError });
    t.is(err!.offset, offset);
  });
}

test('malformed: a u32 attribute with 2 bytes is a decode error, not garbage', (t) => {
  const b = new NetlinkBuffer(fromHex('06000100aaaa0000'));
  walkAttributes(b, 0, 8, (_type, off, len) => {
    t.throws(() => b.attrU32(off, len), { instanceOf: NetlinkDecodeError });
  });
});

test('malformed: absurd nesting is refused at the depth limit', (t) => {
  // 40 levels of nests, each holding the next.
  const w = new MessageWriter();
  const starts: number[] = [];
  for (let i = 0; i < 40; i++) starts.push(w.nestStart(1 | NLA_F_NESTED));
  for (let i = starts.length - 1; i >= 0; i--) w.nestEnd(starts[i]!);
  const b = new NetlinkBuffer(w.copy());
  const descend = (off: number, len: number, depth: number): void =>
    walkNested(b, off, len, depth, (_t, o, l) => descend(o, l, depth + 1));
  const err = t.throws(() => walkAttributes(b, 0, b.length, (_t, o, l) => descend(o, l, 1)), { instanceOf: NetlinkDecodeError });
  t.regex(err!.message, new RegExp(`deeper than ${MAX_NESTING_DEPTH}`));
});

test('nested attribute longer than 65535 bytes is refused when written', (t) => {
  const w = new MessageWriter();
  const n = w.nestStart(1);
  for (let i = 0; i < 70; i++) w.attrBytes(2, new Uint8Array(1000));
  t.throws(() => w.nestEnd(n), { instanceOf: MessageTooLargeError });
});

// ---- addresses ----

test('IPv6 formatting follows RFC 5952 like inet_ntop', (t) => {
  const cases = ['::', '::1', '2001:db8::1', 'fe80::1:2', '2001:db8:0:1:1:1:1:1', '2001:0:0:1::1', '::ffff:192.0.2.1', '1::', 'fe80::18d6:e0ff:feaf:8b5d'];
  for (const c of cases) t.is(formatIPv6(parseIPv6(c)!), c, c);
  t.is(formatIPv6(parseIPv6('2001:DB8:0:0:0:0:0:1')!), '2001:db8::1');
  t.is(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
});

test('address parsers refuse what inet_pton refuses', (t) => {
  for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '', 'a.b.c.d']) t.is(parseIPv4(bad), undefined, bad);
  for (const bad of [':::', '1:2:3:4:5:6:7:8:9', '12345::', '::g', '1::2::3']) t.is(parseIPv6(bad), undefined, bad);
  t.deepEqual(parsePrefix('192.168.0.1/16'), { family: 4, address: new Uint8Array([192, 168, 0, 1]), length: 16 });
  t.is(parsePrefix('192.168.0.1/33'), undefined);
  t.is(parsePrefix('2001:db8::/129'), undefined);
  t.is(parsePrefix('2001:db8::/64')!.length, 64);
  t.is(formatHardwareAddress(parseMac('5A:9B:78:51:4E:01')!), '5a:9b:78:51:4e:01');
  t.is(parseMac('zz:00'), undefined);
});
