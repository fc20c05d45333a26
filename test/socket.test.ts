// The netlink socket against the real kernel (inside the private test namespace), and against
// a user-space "kernel" on NETLINK_USERSOCK that can answer with any bytes.
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NetlinkSocket, MessageWriter, NetlinkError, DumpInterruptedError, OverrunError, NetlinkDecodeError,
  SocketClosedError, SystemError, NETLINK_USERSOCK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_DUMP_INTR, NLMSG_DONE,
  NLMSG_ERROR, NLM_F_ACK_TLVS, NLM_F_CREATE, NLM_F_EXCL, walkAttributes, parseMessages,
} from '../src/netlink/index.js';
import { loadNative } from '../src/netlink/native.js';
import { assertPrivate, ipJson, ip, withIpNetns, run } from './helpers/env.js';
import { messagesOf, sentDatagrams } from './helpers/strace.js';

const RTM_NEWLINK = 16, RTM_GETLINK = 18, IFLA_IFNAME = 3, IFLA_LINKINFO = 18, IFLA_INFO_KIND = 1;
const IFLA_EXT_MASK = 29, RTEXT_FILTER_SKIP_STATS = 1 << 3;

test.before(() => {
  assertPrivate();
  // A few links to dump.
  for (let i = 0; i < 3; i++) ip(['link', 'add', `sock${i}a`, 'type', 'veth', 'peer', 'name', `sock${i}b`]);
});

function getLinkRequest(dump: boolean, index = 0, name?: string): Uint8Array {
  const w = new MessageWriter();
  const m = w.begin(RTM_GETLINK, dump ? NLM_F_DUMP : 0);
  w.u8(0).u8(0).u16(0).s32(index).u32(0).u32(0);
  w.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  if (name) w.attrString(IFLA_IFNAME, name);
  w.end(m);
  return w.copy();
}

function linkOf(m: { buf: any; payloadStart: number; end: number }): { index: number; name: string } {
  let name = '';
  walkAttributes(m.buf, m.payloadStart + 16, m.end, (type, off, len) => {
    if (type === IFLA_IFNAME) name = m.buf.attrString(off, len);
  });
  return { index: m.buf.s32(m.payloadStart + 4), name };
}

test('a link dump agrees with `ip -j link` on names and indexes', async (t) => {
  using sock = NetlinkSocket.open();
  const links: Array<{ index: number; name: string }> = [];
  for await (const m of sock.dump(getLinkRequest(true))) links.push(linkOf(m));
  const oracle = ipJson<Array<{ ifindex: number; ifname: string }>>(['link', 'show']);
  t.deepEqual(
    links.map((l) => `${l.index}:${l.name}`).sort(),
    oracle.map((l) => `${l.ifindex}:${l.ifname}`).sort(),
  );
  t.true(links.length >= 7);
});

test('10,000 requests in flight on one socket all resolve', async (t) => {
  using sock = NetlinkSocket.open();
  const replies = await Promise.all(Array.from({ length: 10_000 }, () => sock.request(getLinkRequest(false, 1))));
  t.is(replies.length, 10_000);
  t.true(replies.every((r) => r.length === 1 && linkOf(r[0]!).name === 'lo'));
});

test('requests made in one tick leave packed into as few sendmsg calls as 64 KiB datagrams allow (strace counts them)', (t) => {
  // A window as large as the burst makes the count independent of reply timing: every request
  // is sent by the first flush, so the number of datagrams follows from the sizes alone.
  const script = `
    const { NetlinkSocket } = await import('./src/netlink/index.js');
    const { encodeGetLink } = await import('./src/rtnl/index.js');
    const s = NetlinkSocket.open({ maxInFlight: 10000, receiveBufferSize: 64 << 20 });
    const r = await Promise.all(Array.from({ length: 10000 }, () => s.request(encodeGetLink(1))));
    s.close();
    if (r.length !== 10000) process.exit(1);`;
  const { datagrams, status, stderr } = sentDatagrams([process.execPath, '--import', 'tsx', '--input-type=module', '-e', script]);
  t.is(status, 0, stderr);
  const getlinks = datagrams.filter((d) => d.length >= 16 && (d[4]! | (d[5]! << 8)) === 18);
  const messages = getlinks.reduce((n, d) => n + messagesOf([d]).length, 0);
  t.is(messages, 10_000, 'every request went out once');
  const per = Math.floor(65536 / messagesOf([getlinks[0]!])[0]!.length);
  t.is(getlinks.length, Math.ceil(10_000 / per), `${getlinks.length} sendmsg calls for 10,000 requests of which ${per} fit one datagram`);
});

test.serial('10,000 socket open/close cycles leak no file descriptor', (t) => {
  // Serial, and compared as sets: other tests' sockets may close meanwhile; none may appear.
  const fds = (): Set<string> => new Set(readdirSync('/proc/self/fd'));
  const before = fds();
  for (let i = 0; i < 10_000; i++) NetlinkSocket.open().close();
  const leaked = [...fds()].filter((fd) => !before.has(fd));
  t.deepEqual(leaked, []);
});

test('a kernel refusal is a NetlinkError with errno name, extack text and the operation', async (t) => {
  using sock = NetlinkSocket.open();
  const w = new MessageWriter();
  const m = w.begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  w.zeros(16);
  w.attrString(IFLA_IFNAME, 'nokind0');
  const li = w.nestStart(IFLA_LINKINFO);
  w.attrString(IFLA_INFO_KIND, 'nonexistentkind');
  w.nestEnd(li);
  w.end(m);
  const err = await t.throwsAsync(sock.request(w.copy(), { operation: 'create link nokind0', headerSize: 16 }), { instanceOf: NetlinkError });
  t.is(err!.code, 'EOPNOTSUPP');
  t.is(err!.errno, 95);
  t.is(err!.kernelMessage, 'Unknown device type');
  t.regex(err!.message, /^create link nokind0: EOPNOTSUPP .*Unknown device type/);
});

test('an aborted request rejects with the signal\'s reason and later replies are ignored', async (t) => {
  using sock = NetlinkSocket.open();
  const ac = new AbortController();
  const p = sock.request(getLinkRequest(false, 1), { signal: ac.signal });
  ac.abort(new Error('stop'));
  await t.throwsAsync(p, { message: 'stop' });
  // The socket stays usable.
  const r = await sock.request(getLinkRequest(false, 1));
  t.is(linkOf(r[0]!).name, 'lo');
});

test('leaving a dump early drains it, so the next dump on the socket works', async (t) => {
  using sock = NetlinkSocket.open({ receiveBufferSize: 1 << 20 });
  for await (const m of sock.dump(getLinkRequest(true))) {
    t.truthy(linkOf(m).name);
    break;
  }
  let n = 0;
  for await (const _ of sock.dump(getLinkRequest(true))) n++;
  t.is(n, ipJson<unknown[]>(['link', 'show']).length);
});

test('two dumps started together on one socket both complete (the socket serialises them)', async (t) => {
  using sock = NetlinkSocket.open();
  const [a, b] = await Promise.all([sock.dumpAll(getLinkRequest(true)), sock.dumpAll(getLinkRequest(true))]);
  t.is(a.length, b.length);
  t.true(a.length >= 7);
});

test('an aborted dump rejects and the socket recovers', async (t) => {
  using sock = NetlinkSocket.open();
  const ac = new AbortController();
  ac.abort(new Error('no thanks'));
  await t.throwsAsync(sock.dumpAll(getLinkRequest(true), { signal: ac.signal }), { message: 'no thanks' });
  t.true((await sock.dumpAll(getLinkRequest(true))).length >= 7);
});

test('close rejects pending requests with SocketClosedError', async (t) => {
  const sock = NetlinkSocket.open();
  const p = sock.request(getLinkRequest(false, 1));
  sock.close();
  await t.throwsAsync(p, { instanceOf: SocketClosedError });
  await t.throwsAsync(async () => sock.request(getLinkRequest(false, 1)), { instanceOf: SocketClosedError });
});

test('a socket opened in another namespace sees only that namespace; the JS thread never moves', async (t) => {
  const self = readlinkSync('/proc/thread-self/ns/net');
  await withIpNetns('sockns', async (ns) => {
    using sock = NetlinkSocket.open({ netns: `/run/netns/${ns}` });
    t.is(readlinkSync('/proc/thread-self/ns/net'), self);
    const names = (await sock.dumpAll(getLinkRequest(true))).map((m) => linkOf(m).name);
    t.deepEqual(names, ['lo']);
  });
  const err = t.throws(() => NetlinkSocket.open({ netns: '/run/netns/does-not-exist' }), { instanceOf: SystemError });
  t.is(err!.code, 'ENOENT');
  t.regex(err!.message, /does-not-exist/);
  // Not a namespace file: setns fails with EINVAL on the helper thread, never on ours.
  t.throws(() => NetlinkSocket.open({ netns: '/proc/self/stat' }), { instanceOf: SystemError });
  t.is(readlinkSync('/proc/thread-self/ns/net'), self);
});

// ---- a user-space peer plays the kernel (NETLINK_USERSOCK delivers any bytes) ----

interface FakeKernel {
  portId: number;
  requests: Uint8Array[];
  next(): Promise<Uint8Array>;
  send(bytes: Uint8Array, to: number, groups?: number): void;
  close(): void;
}

function fakeKernel(): FakeKernel {
  const native = loadNative();
  const fd = native.socketOpen(NETLINK_USERSOCK, -1);
  native.socketBind(fd, 0);
  const portId = native.socketPortId(fd);
  const requests: Uint8Array[] = [];
  const waiters: Array<(b: Uint8Array) => void> = [];
  const handle = native.pollStart(fd, (datagrams) => {
    for (const d of datagrams) {
      const w = waiters.shift();
      if (w) w(d); else requests.push(d);
    }
  });
  return {
    portId,
    requests,
    next: () => new Promise((r) => { const q = requests.shift(); if (q) r(q); else waiters.push(r); }),
    send: (bytes, to, groups = 0) => { try { native.socketSendTo(fd, bytes, to, groups); } catch { /* multicast-only sends report ECONNREFUSED after delivery */ } },
    close: () => { native.pollStop(handle); native.socketClose(fd); },
  };
}

function seqOf(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset).getUint32(8, true);
}

function message(type: number, flags: number, seq: number, payload: (w: MessageWriter) => void): Uint8Array {
  const w = new MessageWriter();
  const m = w.begin(type, flags, seq);
  payload(w);
  w.end(m);
  return w.copy();
}

test('fake kernel: NLM_F_DUMP_INTR surfaces as DumpInterruptedError; dumpAll retries', async (t) => {
  const k = fakeKernel();
  using sock = NetlinkSocket.open({ protocol: NETLINK_USERSOCK, peerPortId: k.portId });
  const answer = async (interrupted: boolean): Promise<void> => {
    const req = await k.next();
    const seq = seqOf(req);
    const item = message(100, NLM_F_MULTI | (interrupted ? NLM_F_DUMP_INTR : 0), seq, (w) => w.u32(7));
    const done = message(NLMSG_DONE, NLM_F_MULTI, seq, (w) => w.s32(0));
    const both = new Uint8Array(item.length + done.length);
    both.set(item); both.set(done, item.length);
    k.send(both, sock.portId);
  };
  // The iterator yields what came, then throws.
  const seen: number[] = [];
  const it = (async () => { for await (const m of sock.dump(message(99, NLM_F_DUMP, 0, () => {}))) seen.push(m.type); })();
  await answer(true);
  const err = await t.throwsAsync(it, { instanceOf: DumpInterruptedError });
  t.deepEqual(seen, [100]);
  t.is(err!.received, 1);
  // dumpAll with a retry: interrupted once, then consistent.
  const all = sock.dumpAll(message(99, NLM_F_DUMP, 0, () => {}), { retries: 2 });
  await answer(true);
  await answer(false);
  t.is((await all).length, 1);
  k.close();
});

test('fake kernel: an error with an extack offset names the attribute path', async (t) => {
  const k = fakeKernel();
  using sock = NetlinkSocket.open({ protocol: NETLINK_USERSOCK, peerPortId: k.portId });
  const w = new MessageWriter();
  const m = w.begin(RTM_NEWLINK, 0);
  w.zeros(16);
  w.attrString(IFLA_IFNAME, 'x');
  const li = w.nestStart(IFLA_LINKINFO);
  const kindAt = w.pos;
  w.attrString(IFLA_INFO_KIND, 'bogus');
  w.nestEnd(li);
  w.end(m);
  const p = sock.request(w.copy(), {
    operation: 'create link x', headerSize: 16,
    describeAttribute: (path) => path.map((n) => (n === 18 ? 'IFLA_LINKINFO' : n === 1 ? 'IFLA_INFO_KIND' : String(n))).join('/'),
  });
  const req = await k.next();
  k.send(message(NLMSG_ERROR, NLM_F_ACK_TLVS | 0x100 /* NLM_F_CAPPED: header only */, seqOf(req), (e) => {
    e.s32(-22).raw(req.subarray(0, 16));
    e.attrString(1, 'bad kind').attrU32(2, kindAt);
  }), sock.portId);
  const err = await t.throwsAsync(p, { instanceOf: NetlinkError });
  t.is(err!.code, 'EINVAL');
  t.deepEqual(err!.attributePath, [18, 1]);
  t.is(err!.message, 'create link x: EINVAL (invalid argument): bad kind [attribute IFLA_LINKINFO/IFLA_INFO_KIND]');
  k.close();
});

test('fake kernel: a malformed reply fails the dump with NetlinkDecodeError instead of hanging', async (t) => {
  const k = fakeKernel();
  using sock = NetlinkSocket.open({ protocol: NETLINK_USERSOCK, peerPortId: k.portId });
  const p = sock.dumpAll(message(99, NLM_F_DUMP, 0, () => {}));
  const req = await k.next();
  const bad = message(100, NLM_F_MULTI, seqOf(req), (w) => w.u32(0));
  new DataView(bad.buffer).setUint32(0, 4000, true); // nlmsg_len past the datagram
  k.send(bad, sock.portId);
  await t.throwsAsync(p, { instanceOf: NetlinkDecodeError });
  k.close();
});

test('fake kernel: receive-queue overrun (ENOBUFS) fails pending requests with OverrunError', async (t) => {
  const k = fakeKernel();
  using sock = NetlinkSocket.open({ protocol: NETLINK_USERSOCK, peerPortId: k.portId, receiveBufferSize: 4096 });
  sock.joinGroup(1);
  let overruns = 0;
  sock.onOverrun = () => { overruns++; };
  const p = sock.request(message(99, 0, 0, () => {}));
  await k.next();
  const noise = message(200, 0, 0, (w) => w.zeros(1024));
  for (let i = 0; i < 200; i++) k.send(noise, 0, 1); // multicast: overruns the receiver
  const err = await t.throwsAsync(p, { instanceOf: OverrunError });
  t.is(err!.code, 'ENOBUFS');
  t.true(overruns >= 1);
  k.close();
});

test('fake kernel: bytes sent raw arrive byte-identical (the fuzzer\'s path)', async (t) => {
  const k = fakeKernel();
  using sock = NetlinkSocket.open({ protocol: NETLINK_USERSOCK, peerPortId: k.portId });
  const junk = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
  sock.sendRaw(junk);
  t.deepEqual(new Uint8Array(await k.next()), junk);
  k.close();
});

test('strace decodes what the socket sent for a dump as a well-formed RTM_GETLINK', (t) => {
  // The oracle: strace's own netlink decoder, on a child process using the library.
  const script = `import { NetlinkSocket, MessageWriter, NLM_F_DUMP } from './src/netlink/index.ts';
const w = new MessageWriter(); const m = w.begin(18, NLM_F_DUMP); w.zeros(16); w.attrU32(29, 8); w.end(m);
const s = NetlinkSocket.open(); await s.dumpAll(w.copy()); s.close();`;
  const log = join(mkdtempSync(join(tmpdir(), 'nlts-strace-')), 'trace');
  run('strace', ['-f', '-e', 'trace=sendto,sendmsg', '-o', log, process.execPath, '--import=tsx', '--input-type=module', '-e', script]);
  const out = readFileSync(log, 'utf8');
  t.regex(out, /nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST\|NLM_F_DUMP/);
  t.regex(out, /nla_type=IFLA_EXT_MASK\}, RTEXT_FILTER_SKIP_STATS/);
});

test('fake kernel: a dump that ends in NLMSG_DONE with an error and extack rejects with the kernel text', async (t) => {
  const k = fakeKernel();
  using sock = NetlinkSocket.open({ protocol: NETLINK_USERSOCK, peerPortId: k.portId });
  const p = sock.dumpAll(message(99, NLM_F_DUMP, 0, () => {}), { operation: 'list things' });
  const req = await k.next();
  k.send(message(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, seqOf(req), (w) => {
    w.s32(-95);
    w.attrString(1, 'Filter by kind is not supported');
    w.attrU32(5, 7); // NLMSGERR_ATTR_MISS_TYPE
  }), sock.portId);
  const err = await t.throwsAsync(p, { instanceOf: NetlinkError });
  t.is(err!.code, 'EOPNOTSUPP');
  t.is(err!.kernelMessage, 'Filter by kind is not supported');
  t.is(err!.extack.missingType, 7);
  t.regex(err!.message, /^list things: EOPNOTSUPP/);
  k.close();
});

test('DEBUG=netlinkts:* logs every message sent and received, with hex dumps on request', (t) => {
  const script = `import { openRtnlSocket } from './src/rtnl/index.ts';
import { MessageWriter, NLM_F_DUMP } from './src/netlink/index.ts';
const w = new MessageWriter(); const m = w.begin(18, NLM_F_DUMP); w.zeros(16); w.end(m);
const s = openRtnlSocket(); await s.dumpAll(w.copy()); s.close();`;
  const r = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8', env: { ...process.env, DEBUG: 'netlinkts:*', NETLINKTS_HEXDUMP: '1', DEBUG_COLORS: '0' },
  });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stderr, /netlinkts:socket rtnl: send RTM_GETLINK len=32 flags=0x301 seq=\d+/);
  t.regex(r.stderr, /netlinkts:socket rtnl: recv RTM_NEWLINK len=\d+/);
  t.regex(r.stderr, /netlinkts:socket rtnl: recv NLMSG_DONE|recv 3 len=/);
  t.regex(r.stderr, /0000 {2}20 00 00 00 12 00 01 03/, 'hex dump of the request');
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
}

test('fake kernel: dumpDatagrams yields each datagram as one chunk; mixed datagrams still dispatch every message', async (t) => {
  const k = fakeKernel();
  using sock = NetlinkSocket.open({ protocol: NETLINK_USERSOCK, peerPortId: k.portId });
  const notes: number[] = [];
  sock.onNotification = (m) => notes.push(m.type);
  const item = (seq: number, v: number): Uint8Array => message(100, NLM_F_MULTI, seq, (w) => w.u32(v));
  const values: number[][] = [];
  const it = (async () => {
    for await (const c of sock.dumpDatagrams(message(99, NLM_F_DUMP, 0, () => {}))) {
      const vs: number[] = [];
      for (let p = c.start; p < c.end; p += (c.buf.view.getUint32(p, true) + 3) & ~3) vs.push(c.buf.view.getUint32(p + 16, true));
      t.is(vs.length, c.count);
      values.push(vs);
    }
  })();
  const seq = seqOf(await k.next());
  // A request answered while the dump runs: its ACK arrives in the middle of a dump datagram.
  const get = sock.request(message(98, 0, 0, () => {}));
  const getSeq = seqOf(await k.next());
  const ack = message(NLMSG_ERROR, 0x100 /* NLM_F_CAPPED */, getSeq, (w) => w.s32(0).raw(new Uint8Array(16)));
  k.send(concat(item(seq, 1), item(seq, 2), item(seq, 3)), sock.portId); // plain: one chunk of 3
  k.send(concat(item(seq, 4), ack, item(seq, 5), message(50, 0, 12345, (w) => w.u32(0)), item(seq, 6)), sock.portId);
  k.send(concat(item(seq, 7), message(1 /* NLMSG_NOOP */, 0, seq, () => {}), item(seq, 8), message(NLMSG_DONE, NLM_F_MULTI, seq, (w) => w.s32(0))), sock.portId);
  await it;
  await get;
  t.deepEqual(values.flat(), [1, 2, 3, 4, 5, 6, 7, 8]);
  t.deepEqual(values[0], [1, 2, 3]);
  t.deepEqual(notes, [50]);
  // dumpBatches over the same path: one MessageRef array per datagram.
  const batches = (async () => {
    const out: number[][] = [];
    for await (const b of sock.dumpBatches(message(99, NLM_F_DUMP, 0, () => {}))) out.push(b.map((m) => m.buf.view.getUint32(m.payloadStart, true)));
    return out;
  })();
  const seq2 = seqOf(await k.next());
  k.send(concat(item(seq2, 1), item(seq2, 2)), sock.portId);
  k.send(concat(item(seq2, 3), message(NLMSG_DONE, NLM_F_MULTI, seq2, (w) => w.s32(0))), sock.portId);
  t.deepEqual(await batches, [[1, 2], [3]]);
  // A malformed message after good ones: the dump fails with NetlinkDecodeError.
  const bad = (async () => { for await (const c of sock.dumpDatagrams(message(99, NLM_F_DUMP, 0, () => {}))) void c; })();
  const seq3 = seqOf(await k.next());
  const broken = item(seq3, 9);
  new DataView(broken.buffer).setUint32(0, 400, true);
  k.send(concat(item(seq3, 1), broken), sock.portId);
  await t.throwsAsync(bad, { instanceOf: NetlinkDecodeError });
  k.close();
});
