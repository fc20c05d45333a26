// A dump of many datagrams (100,000 routes) on the event loop: what iproute2 sees, leaving
// early, requests and timers between chunks (backpressure), close in the middle, and a worker
// or process that ends while the dump is being read.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetlinkSocket, MessageWriter, SocketClosedError } from '../src/netlink/index.js';
import { encodeRouteDump, listRoutes, encodeLinkDump } from '../src/rtnl/index.js';
import { assertPrivate, ipJson, run, tryRun, uniqueName } from './helpers/env.js';

// 100,000 routes: ~163 datagrams of 32 KiB, far more than one poll callback takes, so the
// dump is still being read when the first chunk reaches JS.
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
  const file = join(packageRoot, `.dump-big-${process.pid}.txt`);
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

test.serial('a big dump gives what iproute2 gives, chunk by chunk and decoded', async (t) => {
  const sock = new NetlinkSocket({ netns: nsPath });
  try {
    t.is(await countRoutes(sock), ROUTES);
    const a = await listRoutes(sock, { table: TABLE, family: 'inet', resolveNames: false });
    t.is(a.length, ROUTES);
    // iproute2 on the same table (plain text: its JSON of 100,000 routes outgrows execFileSync's buffer).
    const text = spawnSync('ip', ['-n', ns, 'route', 'show', 'table', String(TABLE)], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
    const oracle = text.trim().split('\n').map((l) => l.split(' ')[0]!);
    t.is(oracle.length, ROUTES);
    const ours = a.map((r) => r.dst).sort();
    oracle.sort();
    const miss = ours.findIndex((d, i) => d !== oracle[i]);
    t.is(miss, -1, miss < 0 ? '' : `sorted destination ${miss}: ${ours[miss]} here, ${oracle[miss]} in ip`);
  } finally {
    sock.close();
  }
});

test.serial('a dump that fits in its first datagram: every link ip shows', async (t) => {
  const sock = new NetlinkSocket({ netns: nsPath });
  try {
    let chunks = 0, links = 0;
    for await (const { buf, start, end } of sock.dumpDatagrams(encodeLinkDump())) {
      chunks++;
      for (let p = start; p < end; p += (buf.view.getUint32(p, true) + 3) & ~3) if (buf.view.getUint16(p + 4, true) === 16) links++;
    }
    t.is(links, ipJson<unknown[]>(['link', 'show'], ns).length);
    t.is(chunks, 1);
  } finally {
    sock.close();
  }
});

test.serial('leaving a big dump early, requests inside a slow loop, and close in the middle', async (t) => {
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
    // reply comes while the dump is half read (no deadlock), and backpressure stops reading
    // rather than dropping anything.
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
  } finally {
    sock.close();
  }

  // Closing in the middle: the dump rejects.
  const s2 = new NetlinkSocket({ netns: nsPath });
  const it = s2.dumpDatagrams(routeDump())[Symbol.asyncIterator]();
  const first = await it.next();
  t.false(first.done);
  s2.close();
  await t.throwsAsync(it.next(), { instanceOf: SocketClosedError });
});

test.serial('a process or worker that ends in the middle of a dump exits cleanly', (t) => {
  // Raw addon calls, as a program would make them: a dump of every route, and the worker terminated (or the process exiting) after the first datagrams arrive.
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
    parentPort.postMessage('sent:' + (typeof h));
  `;
  const script = `
    const { Worker } = require('node:worker_threads');
    for (const mode of ['terminate', 'exit']) {
      const w = new Worker(${JSON.stringify(worker)}, { eval: true, workerData: { addon: ${JSON.stringify(addon)}, ns: ${JSON.stringify(nsPath)}, request: ${JSON.stringify(dumpAll.toString('hex'))}, mode } });
      let told = false;
      w.on('message', (m) => { if (m.startsWith('sent:')) console.log(mode, m); else if (!told) { told = true; w.terminate(); } });
      w.on('exit', (c) => console.log(mode, 'exit', c));
    }
  `;
  const r = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.stdout.trim().split('\n').sort(), ['exit exit 0', 'exit sent:object', 'terminate exit 1', 'terminate sent:object']);

  // The main thread exiting (process.exit with status 3) in the middle of the dump.
  const main = worker
    .replace("const { parentPort, workerData } = require('node:worker_threads');", `const workerData = { addon: ${JSON.stringify(addon)}, ns: ${JSON.stringify(nsPath)}, request: ${JSON.stringify(dumpAll.toString('hex'))}, mode: 'exit' }; const parentPort = { postMessage: (m) => console.log(m) };`)
    .replace('process.exit(0)', 'process.exit(3)');
  const m = spawnSync(process.execPath, ['--input-type=commonjs', '-e', main], { encoding: 'utf8', timeout: 20_000 });
  t.is(m.status, 3, m.stderr);
  t.is(m.stdout.trim(), 'sent:object');
});
