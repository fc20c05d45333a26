// Dump read-ahead (SocketOptions.readAhead): while a dump spans several datagrams, a thread of
// the addon reads them (the kernel builds each inside the recv() that fetches it) as JS decodes
// the ones before. Checked against the same dump read on the event loop and against iproute2;
// the thread itself is watched in /proc/self/task, where it is named netlinkts-dump.
import test from 'ava';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetlinkSocket, MessageWriter, SocketClosedError } from '../src/netlink/index.js';
import { loadNative } from '../src/netlink/native.js';
import { encodeRouteDump, listRoutes, encodeLinkDump } from '../src/rtnl/index.js';
import { assertPrivate, ipJson, run, tryRun, uniqueName } from './helpers/env.js';

// 100,000 routes: ~163 datagrams of 32 KiB, more than twice the reader's queue (64), so the
// thread is still there (reading, or waiting for room) when the first chunk reaches JS: the
// checks of its life below do not depend on timing.
const ROUTES = 100_000;
const TABLE = 100;
const packageRoot = join(fileURLToPath(import.meta.url), '..', '..');
let ns = '';
let nsPath = '';

test.before(() => {
  assertPrivate();
  ns = uniqueName('rahead');
  nsPath = `/run/netns/${ns}`;
  run('ip', ['netns', 'add', ns]);
  run('ip', ['-n', ns, 'link', 'add', 'ra0', 'type', 'veth', 'peer', 'name', 'ra1']);
  run('ip', ['-n', ns, 'link', 'set', 'ra0', 'up']);
  run('ip', ['-n', ns, 'link', 'set', 'ra1', 'up']);
  const lines: string[] = [];
  for (let i = 0; i < ROUTES; i++) lines.push(`route add 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32 dev ra0 table ${TABLE}`);
  const file = join(packageRoot, `.read-ahead-${process.pid}.txt`);
  writeFileSync(file, lines.join('\n') + '\n');
  try {
    run('ip', ['-n', ns, '-batch', file]);
  } finally {
    tryRun('rm', ['-f', file]);
  }
});

test.after.always(() => {
  if (ns) tryRun('ip', ['netns', 'del', ns]);
});

/** Threads of this process named netlinkts-dump (the addon's dump readers). */
function readerThreads(): number {
  let n = 0;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === 'netlinkts-dump') n++;
    } catch { /* the thread ended meanwhile */ }
  }
  return n;
}

const routeDump = (): Uint8Array => encodeRouteDump({ family: 2, table: TABLE });

/** GET lo (ifindex 1): a plain request with one reply. */
function getLo(): Uint8Array {
  const w = new MessageWriter();
  const m = w.begin(18 /* RTM_GETLINK */, 0);
  w.u8(0).u8(0).u16(0).s32(1).u32(0).u32(0);
  w.end(m);
  return w.bytes();
}

/** Route messages (RTM_NEWROUTE) of the chunks of one dump. */
async function countRoutes(sock: NetlinkSocket, each?: (chunkIndex: number) => Promise<void> | void): Promise<number> {
  let n = 0, k = 0;
  for await (const { buf, start, end } of sock.dumpDatagrams(routeDump())) {
    for (let p = start; p < end; p += (buf.view.getUint32(p, true) + 3) & ~3) if (buf.view.getUint16(p + 4, true) === 24) n++;
    await each?.(k++);
  }
  return n;
}

test.serial('a big dump read ahead gives what the event loop and iproute2 give; the thread lives only during the dump', async (t) => {
  const ahead = new NetlinkSocket({ netns: nsPath });
  const plain = new NetlinkSocket({ netns: nsPath, readAhead: false });
  try {
    t.is(readerThreads(), 0);
    const seen: number[] = [];
    const n = await countRoutes(ahead, (k) => { if (k === 0) seen.push(readerThreads()); });
    t.is(n, ROUTES);
    t.deepEqual(seen, [1], 'a reader thread runs while the dump is read');
    t.is(readerThreads(), 0, 'and is joined when the dump has ended');

    const seenPlain: number[] = [];
    t.is(await countRoutes(plain, (k) => { if (k === 0) seenPlain.push(readerThreads()); }), ROUTES);
    t.deepEqual(seenPlain, [0], 'readAhead: false reads on the event loop');

    const a = await listRoutes(ahead, { table: TABLE, family: 'inet', resolveNames: false });
    const b = await listRoutes(plain, { table: TABLE, family: 'inet', resolveNames: false });
    t.is(a.length, ROUTES);
    t.is(b.length, ROUTES);
    // Route by route (a deepEqual of 100,000 objects takes ava seconds); the first difference is shown.
    const differs = a.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(b[i]));
    t.is(differs, -1, differs < 0 ? '' : `route ${differs}: ${JSON.stringify(a[differs])} read ahead, ${JSON.stringify(b[differs])} on the event loop`);
    // iproute2 on the same table (plain text: its JSON of 100,000 routes outgrows execFileSync's buffer).
    const text = spawnSync('ip', ['-n', ns, 'route', 'show', 'table', String(TABLE)], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
    const oracle = text.trim().split('\n').map((l) => l.split(' ')[0]!);
    t.is(oracle.length, ROUTES);
    const ours = a.map((r) => r.dst).sort();
    oracle.sort();
    const miss = ours.findIndex((d, i) => d !== oracle[i]);
    t.is(miss, -1, miss < 0 ? '' : `sorted destination ${miss}: ${ours[miss]} here, ${oracle[miss]} in ip`);
  } finally {
    ahead.close();
    plain.close();
  }
});

test.serial('a dump that fits in its first datagram starts no thread', async (t) => {
  const sock = new NetlinkSocket({ netns: nsPath });
  try {
    const counts: number[] = [];
    let links = 0;
    for await (const { buf, start, end } of sock.dumpDatagrams(encodeLinkDump())) {
      counts.push(readerThreads());
      for (let p = start; p < end; p += (buf.view.getUint32(p, true) + 3) & ~3) if (buf.view.getUint16(p + 4, true) === 16) links++;
    }
    t.is(links, ipJson<unknown[]>(['link', 'show'], ns).length);
    t.true(counts.length > 0);
    t.deepEqual(counts, counts.map(() => 0));
  } finally {
    sock.close();
  }
});

test.serial('leaving a read-ahead dump early, requests inside a slow loop, and close in the middle', async (t) => {
  const sock = new NetlinkSocket({ netns: nsPath });
  try {
    // Early exit: the rest of the dump is read and dropped; the socket goes on working.
    for await (const chunk of sock.dumpDatagrams(routeDump())) {
      t.true(chunk.end > chunk.start);
      break;
    }
    const lo = await sock.request(getLo());
    t.is(lo[0]!.type, 16);
    t.is(await countRoutes(sock), ROUTES);

    // A consumer that awaits a request on the same socket and a timer between chunks: the
    // reply comes through the reader thread while the dump is half read (no deadlock), and
    // backpressure holds the reader rather than dropping anything.
    let asked = 0;
    const n = await countRoutes(sock, async (k) => {
      if (k % 8 === 0) {
        const r = await sock.request(getLo());
        t.is(r[0]!.type, 16);
        asked++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    });
    t.is(n, ROUTES);
    t.true(asked > 1);
    t.is(readerThreads(), 0);
  } finally {
    sock.close();
  }

  // Closing in the middle stops and joins the reader at once; the dump rejects.
  const s2 = new NetlinkSocket({ netns: nsPath });
  const it = s2.dumpDatagrams(routeDump())[Symbol.asyncIterator]();
  const first = await it.next();
  t.false(first.done);
  t.is(readerThreads(), 1);
  s2.close();
  t.is(readerThreads(), 0);
  await t.throwsAsync(it.next(), { instanceOf: SocketClosedError });
});

test.serial('a process or worker that ends while a reader thread runs exits cleanly', (t) => {
  // Raw addon calls, as a program would make them: a dump of every route, read ahead, and the
  // worker terminated (or the process exiting) after the first datagrams arrive.
  const addon = join(packageRoot, 'build/Release/netlinkts.node');
  const dumpAll = Buffer.from(routeDump());
  dumpAll.writeUInt32LE(7, 8); // seq
  const worker = `
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const b = require(workerData.addon);
    const nsFd = fs.openSync(workerData.ns, 'r');
    const fd = b.socketOpen(0, nsFd); fs.closeSync(nsFd);
    b.socketBind(fd, 0);
    let got = 0;
    const h = b.pollStart(fd, (list) => {
      got += list.length;
      if (got > 0 && workerData.mode === 'exit') process.exit(0);
      if (got > 0) parentPort.postMessage('first');
    });
    b.socketSend(fd, Buffer.from(workerData.request, 'hex'));
    parentPort.postMessage('ahead:' + b.pollReadAhead(h, 7));
  `;
  const script = `
    const { Worker } = require('node:worker_threads');
    for (const mode of ['terminate', 'exit']) {
      const w = new Worker(${JSON.stringify(worker)}, { eval: true, workerData: { addon: ${JSON.stringify(addon)}, ns: ${JSON.stringify(nsPath)}, request: ${JSON.stringify(dumpAll.toString('hex'))}, mode } });
      let told = false;
      w.on('message', (m) => { if (m.startsWith('ahead:')) console.log(mode, m); else if (!told) { told = true; w.terminate(); } });
      w.on('exit', (c) => console.log(mode, 'exit', c));
    }
  `;
  const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n').sort(), ['exit ahead:true', 'exit exit 0', 'terminate ahead:true', 'terminate exit 1']);

  // The main thread exiting (process.exit with status 3) while the reader thread reads.
  const main = worker
    .replace("const { parentPort, workerData } = require('node:worker_threads');", `const workerData = { addon: ${JSON.stringify(addon)}, ns: ${JSON.stringify(nsPath)}, request: ${JSON.stringify(dumpAll.toString('hex'))}, mode: 'exit' }; const parentPort = { postMessage: (m) => console.log(m) };`)
    .replace('process.exit(0)', 'process.exit(3)');
  const m = spawnSync(process.execPath, ['--input-type=commonjs', '-e', main], { encoding: 'utf8', timeout: 20_000 });
  t.is(m.status, 3, m.stderr);
  t.is(m.stdout.trim(), 'ahead:true');
});

test('the addon refuses read-ahead where it cannot help and reports when none runs', (t) => {
  const b = loadNative();
  const fd = b.socketOpen(0, -1);
  try {
    b.socketBind(fd, 0);
    const h = b.pollStart(fd, () => {});
    b.pollUnref(h);
    t.is(b.pollTake!(h, 0), null, 'no read-ahead running');
    b.pollHold!(h, true); // a no-op without a reader
    // Nothing queued and no request sent: a thread starts (it would wait for the first datagram).
    t.true(b.pollReadAhead!(h, 12345));
    t.deepEqual(b.pollTake!(h, 5), [], 'nothing arrived within 5 ms');
    b.pollStop(h);
    t.is(readerThreads(), 0, 'pollStop joined the reader');
    const n = b.pollStart(fd, () => {}, { nsid: true });
    b.pollUnref(n);
    t.false(b.pollReadAhead!(n, 1), 'not for polls that report namespace ids');
    b.pollStop(n);
  } finally {
    b.socketClose(fd);
  }
});

