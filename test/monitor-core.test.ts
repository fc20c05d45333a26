// The subscription core (src/netlink/subscription.ts) with a fake source: notifications are
// handed to the socket's onNotification directly and listings are made up, so every
// interleaving of "change" and "listing" is exact and repeatable. The socket is real (a
// NETLINK_USERSOCK one that never hears anything), inside the private test namespace.
import test from 'ava';
import { NETLINK_USERSOCK, parseMessages, type MessageRef } from '../src/netlink/index.js';
import {
  Subscription, messageState, type ChangeEvent, type Decoded, type SubscriptionEvent, type SubscriptionSource,
} from '../src/netlink/subscription.js';
import { loadNative } from '../src/netlink/native.js';
import { assertPrivate, openFdCount } from './helpers/env.js';
import { socketInode, settledFdCount } from './helpers/monitor.js';

test.before(() => assertPrivate());

const NEW = 0x10, DEL = 0x11, NOKEY = 0x12, BAD = 0x13;

/** A message whose payload is "key=state". */
function msg(type: number, text: string): MessageRef {
  const body = Buffer.from(text);
  const len = 16 + body.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt32LE(len, 0);
  b.writeUInt16LE(type, 4);
  body.copy(b, 16);
  return parseMessages(b)[0]!;
}

type Obj = { key: string; state: string };
type Ev = ChangeEvent<'obj', Obj>;

function decode(m: MessageRef): Decoded<Ev> | undefined {
  const [key, state = ''] = Buffer.from(m.buf.bytes.subarray(m.payloadStart, m.end)).toString().split('=') as [string, string?];
  if (m.type === BAD) throw new Error(`bad message ${key}`);
  if (m.type === NOKEY) return { event: { type: 'new', kind: 'obj', object: { key, state } } };
  const deleted = m.type === DEL;
  return { event: { type: deleted ? 'deleted' : 'new', kind: 'obj', object: { key, state } }, key, state, upsert: true };
}

interface Fake {
  sub: Subscription<Ev>;
  /** Deliver a notification as the socket would. */
  notify(type: number, text: string, nsid?: number): void;
  /** Let the current listing (dump) finish with these objects ("key=state"). */
  list(objects: string[]): void;
  dumps: number;
}

function fake(options: ConstructorParameters<typeof Subscription<Ev>>[1] = {}): Fake {
  let release: ((objects: string[]) => void) | undefined;
  const f: Fake = {
    sub: undefined as unknown as Subscription<Ev>,
    notify: (type, text, nsid) => f.sub.socket.onNotification!(msg(type, text), nsid),
    list: (objects) => {
      const r = release;
      release = undefined;
      r!(objects);
    },
    dumps: 0,
  };
  const source: SubscriptionSource<Ev> = {
    protocol: NETLINK_USERSOCK,
    groups: [],
    decode,
    dumps: [
      async function* (_socket, signal) {
        f.dumps++;
        const objects = await new Promise<string[]>((r) => { release = r; });
        if (signal.aborted) return;
        yield objects.map((o) => msg(NEW, o));
      },
    ],
    name: 'fake',
  };
  f.sub = new Subscription(source, options);
  return f;
}

/** Wait until the listing is pending (the dump function is waiting for list()). */
async function dumpStarted(f: Fake, n = 1): Promise<void> {
  for (let i = 0; i < 100 && f.dumps < n; i++) await new Promise((r) => setImmediate(r));
}

async function take(sub: Subscription<Ev>, n: number): Promise<SubscriptionEvent<Ev>[]> {
  const out: SubscriptionEvent<Ev>[] = [];
  for (let i = 0; i < n; i++) {
    const r = await sub.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

const show = (evs: SubscriptionEvent<Ev>[]): string[] => evs.map((e) => {
  if (e.type === 'overrun') return `overrun:${e.source}:${e.resync}`;
  if (e.type === 'synced') return `synced:${e.reason}:${e.listed}/${e.replayed}/${e.dropped}`;
  return `${e.type}${e.existing ? '*' : ''}:${e.object.key}=${e.object.state}${e.nsid !== undefined ? `@${e.nsid}` : ''}`;
});

test('listing then changes: what the listing already shows is dropped, the rest replays in order', async (t) => {
  const f = fake({ listExisting: true });
  try {
    await dumpStarted(f);
    // All of these arrive while the listing is being taken.
    f.notify(NEW, 'a=1');          // listing shows a=1: already reflected
    f.notify(NEW, 'b=1');          // listing shows b=1 ...
    f.notify(NEW, 'b=2');          // ... so this one came after it: replayed as a change
    f.notify(NEW, 'c=1');          // created and deleted while listing, listing shows no c:
    f.notify(DEL, 'c');            //   both reflected
    f.notify(DEL, 'd');            // d was deleted before the listing (absent): reflected
    f.notify(DEL, 'e');            // listing still shows e: the delete came after it
    f.notify(NEW, 'g=2');          // listing shows g=1: the change came after
    f.notify(DEL, 'h');            // deleted and re-created with the state the listing shows:
    f.notify(NEW, 'h=1');          //   both reflected
    f.list(['a=1', 'b=1', 'e=1', 'g=1', 'h=1']);
    t.deepEqual(show(await take(f.sub, 9)), [
      'new*:a=1', 'new*:b=1', 'new*:e=1', 'new*:g=1', 'new*:h=1',
      'synced:initial:5/3/7',
      'changed:b=2', 'deleted:e=', 'changed:g=2',
    ]);
    // Then live changes, classified by what has been seen.
    f.notify(NEW, 'a=5');
    f.notify(NEW, 'z=1');
    f.notify(DEL, 'z');
    f.notify(NEW, 'z=2');
    t.deepEqual(show(await take(f.sub, 4)), ['changed:a=5', 'new:z=1', 'deleted:z=', 'new:z=2']);
  } finally {
    f.sub.close();
  }
});

test('A -> B -> A while listing: the latest matching outcome wins, so the consumer ends at A', async (t) => {
  const f = fake({ listExisting: true });
  try {
    await dumpStarted(f);
    f.notify(NEW, 'x=B');
    f.notify(NEW, 'x=A');
    f.list(['x=A']);
    t.deepEqual(show(await take(f.sub, 2)), ['new*:x=A', 'synced:initial:1/0/2']);
  } finally {
    f.sub.close();
  }
});

test('events without a key and events from other namespaces always replay', async (t) => {
  const f = fake({ listExisting: true });
  try {
    await dumpStarted(f);
    f.notify(NOKEY, 'k=1');
    f.notify(NEW, 'a=1', 7); // another namespace: not covered by the listing
    f.notify(NEW, 'a=1');
    f.list(['a=1']);
    t.deepEqual(show(await take(f.sub, 4)), ['new*:a=1', 'synced:initial:1/2/1', 'new:k=1', 'new:a=1@7']);
  } finally {
    f.sub.close();
  }
});

test('an overrun while listing is reported, empties the buffer and lists again', async (t) => {
  const f = fake({ listExisting: true });
  try {
    await dumpStarted(f);
    f.notify(NEW, 'a=1');
    f.sub.socket.onOverrun!();
    // The first listing finishes, but notifications were lost during it: it is taken again.
    f.list(['a=0']);
    await dumpStarted(f, 2);
    t.is(f.dumps, 2);
    f.notify(NEW, 'a=2');
    f.list(['a=1']);
    t.deepEqual(show(await take(f.sub, 4)), ['overrun:kernel:true', 'new*:a=1', 'synced:initial:1/1/0', 'changed:a=2']);
  } finally {
    f.sub.close();
  }
});

test('resync: an overrun is followed by a fresh listing and "synced"; without it, only the overrun', async (t) => {
  const f = fake({ resync: true });
  try {
    f.notify(NEW, 'a=1');
    f.notify(NEW, 'b=1');
    t.deepEqual(show(await take(f.sub, 2)), ['new:a=1', 'new:b=1']);
    f.sub.socket.onOverrun!();
    await dumpStarted(f);
    f.notify(NEW, 'c=1');
    f.list(['a=1', 'c=1']); // b was deleted while notifications were being lost
    t.deepEqual(show(await take(f.sub, 4)), ['overrun:kernel:true', 'new*:a=1', 'new*:c=1', 'synced:resync:2/0/1']);
    f.notify(NEW, 'b=2');
    f.notify(NEW, 'c=2');
    t.deepEqual(show(await take(f.sub, 2)), ['new:b=2', 'changed:c=2'], 'known objects are what the resync listed');
  } finally {
    f.sub.close();
  }

  const g = fake();
  try {
    g.notify(NEW, 'a=1');
    g.sub.socket.onOverrun!();
    g.notify(NEW, 'a=2');
    t.deepEqual(show(await take(g.sub, 3)), ['new:a=1', 'overrun:kernel:false', 'changed:a=2']);
    t.is(g.dumps, 0);
  } finally {
    g.sub.close();
  }
});

test('a prepare step holds changes back, undecoded, and then hands them out in order with overruns in place', async (t) => {
  let prepared = false;
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const source: SubscriptionSource<Ev> = {
    protocol: NETLINK_USERSOCK,
    groups: [],
    // What the decoder knows comes from the prepare step (as interface names do).
    decode: (m) => {
      const d = decode(m)!;
      d.event.object.state += prepared ? '+named' : '+unnamed';
      return d;
    },
    prepare: async () => {
      await gate;
      prepared = true;
    },
  };
  const sub = new Subscription(source);
  try {
    sub.socket.onNotification!(msg(NEW, 'a=1'), undefined);
    sub.socket.onOverrun!();
    sub.socket.onNotification!(msg(NEW, 'b=1'), undefined);
    t.is(sub.pending, 0, 'nothing goes out before the prepare step is done');
    release();
    t.deepEqual(show(await take(sub, 3)), ['new:a=1+named', 'overrun:kernel:false', 'new:b=1+named']);
    sub.socket.onNotification!(msg(NEW, 'a=2'), undefined);
    t.deepEqual(show(await take(sub, 1)), ['changed:a=2+named']);
  } finally {
    sub.close();
  }
});

test('a consumer more than maxQueued behind loses the backlog and sees an overrun', async (t) => {
  const f = fake({ maxQueued: 3 });
  try {
    for (let i = 0; i < 5; i++) f.notify(NEW, `k${i}=1`);
    t.is(f.sub.pending, 3);
    t.deepEqual(show(await take(f.sub, 3)), ['overrun:queue:false', 'new:k3=1', 'new:k4=1']);
  } finally {
    f.sub.close();
  }
});

test.serial('a message the decoder refuses ends the subscription with that error', async (t) => {
  const before = openFdCount();
  const f = fake();
  const inode = socketInode(f.sub.socket.fd);
  f.notify(NEW, 'a=1');
  f.notify(BAD, 'zz');
  t.true(f.sub.closed);
  await t.throwsAsync(f.sub.next(), { message: 'bad message zz' });
  t.deepEqual(await f.sub.next(), { value: undefined, done: true });
  t.not(socketInode(f.sub.socket.fd), inode);
  t.true(await settledFdCount(before) <= before, "fd count back to where it was");
});

test.serial('break, return() and abort close the socket; a waiting next() settles', async (t) => {
  const before = openFdCount();
  const f = fake();
  const inodeF = socketInode(f.sub.socket.fd);
  setTimeout(() => f.notify(NEW, 'a=1'), 10);
  for await (const ev of f.sub) {
    t.is(ev.type, 'new');
    break;
  }
  t.true(f.sub.closed);
  t.true(f.sub.socket.isClosed);
  t.not(socketInode(f.sub.socket.fd), inodeF);
  t.true(await settledFdCount(before) <= before, "fd count back to where it was");

  const ac = new AbortController();
  const g = fake({ signal: ac.signal });
  const inodeG = socketInode(g.sub.socket.fd);
  const waiting = g.sub.next();
  ac.abort();
  t.is(await waiting.then(() => 'resolved', (e: Error) => e.name), 'AbortError');
  t.true(g.sub.socket.isClosed);
  t.not(socketInode(g.sub.socket.fd), inodeG);
  t.true(await settledFdCount(before) <= before, "fd count back to where it was");

  const h = fake({ listExisting: true });
  await dumpStarted(h);
  const pending = h.sub.next();
  h.sub.close();
  t.deepEqual(await pending, { value: undefined, done: true });
  t.true(await settledFdCount(before) <= before, "fd count back to where it was");

  t.is((() => { try { fake({ signal: AbortSignal.abort() }); return 'created'; } catch (e) { return (e as Error).name; } })(), 'AbortError');
  t.true(await settledFdCount(before) <= before, "fd count back to where it was");
});

test('messageState leaves out masked header bytes and skipped attributes', (t) => {
  // header: 4 bytes; attributes: type 1 "aaaa", type 2 "bbbb"
  const mk = (h: number[], a: string, b: string): MessageRef => {
    const buf = Buffer.alloc(16 + 4 + 8 + 8);
    buf.writeUInt32LE(buf.length, 0);
    Buffer.from(h).copy(buf, 16);
    buf.writeUInt16LE(8, 20); buf.writeUInt16LE(1, 22); buf.write(a, 24);
    buf.writeUInt16LE(8, 28); buf.writeUInt16LE(2, 30); buf.write(b, 32);
    return parseMessages(buf)[0]!;
  };
  const s = (m: MessageRef) => messageState(m, 4, new Set([2]), [[2, 4]]);
  t.is(s(mk([1, 2, 3, 4], 'aaaa', 'bbbb')), s(mk([1, 2, 9, 9], 'aaaa', 'cccc')));
  t.not(s(mk([1, 2, 3, 4], 'aaaa', 'bbbb')), s(mk([1, 3, 3, 4], 'aaaa', 'bbbb')));
  t.not(s(mk([1, 2, 3, 4], 'aaaa', 'bbbb')), s(mk([1, 2, 3, 4], 'aaab', 'bbbb')));
});

test('native pollStart: { nsid: true } adds a parallel Int32Array of sender nsids (-1: none); without it, no third argument', async (t) => {
  const b = loadNative();
  const open = (): { fd: number; port: number } => {
    const fd = b.socketOpen(NETLINK_USERSOCK, -1);
    b.socketBind(fd, 0);
    return { fd, port: b.socketPortId(fd) };
  };
  const rx = open(), tx = open();
  try {
    const receive = (options?: { nsid: boolean }): Promise<{ n: number; args: number; nsids?: Int32Array }> => new Promise((resolve) => {
      const h = b.pollStart(rx.fd, function (...args: unknown[]) {
        b.pollStop(h);
        const nsids = args[2] as Int32Array | undefined;
        resolve({ n: (args[0] as Buffer[]).length, args: args.length, nsids });
      }, options);
    });
    for (let i = 0; i < 3; i++) b.socketSendTo(tx.fd, Buffer.from([i, 0, 0, 0]), rx.port);
    const plain = await receive();
    t.is(plain.n, 3);
    t.is(plain.args, 2);
    for (let i = 0; i < 3; i++) b.socketSendTo(tx.fd, Buffer.from([i, 0, 0, 0]), rx.port);
    const withNsid = await receive({ nsid: true });
    t.is(withNsid.args, 3);
    t.true(withNsid.nsids instanceof Int32Array);
    t.deepEqual([...withNsid.nsids!], [-1, -1, -1]);
    t.throws(() => b.pollStart(rx.fd, () => {}, 'nsid' as unknown as { nsid: boolean }), { instanceOf: TypeError });
  } finally {
    b.socketClose(rx.fd);
    b.socketClose(tx.fd);
  }
});
