// Bulk requests (NetlinkSocket.bulk, addRoutes/deleteRoutes, createLinks) against the kernel:
// every failure is reported with its own error and index, nothing else fails, nothing is lost
// when a chunk holds more failures than the receive queue, bad input is refused before any
// request, and many requests really leave per sendmsg() (strace counts the syscalls).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NetlinkError, OverrunError, ValidationError } from '../src/netlink/errors.js';
import { NetlinkSocket } from '../src/netlink/socket.js';
import * as C from '../src/rtnl/constants.js';
import {
  addAddress, addAddresses, addRoute, addRoutes, createLink, createLinks, deleteRoutes, encodeNewRoute, linkIndex, listLinks, listRoutes,
  type RouteSpec,
} from '../src/rtnl/index.js';
import { ipj, withNamespaces, withNs, type NsContext } from './helpers/rtnl.js';

/** `ip -n NS -j ARGS` for big outputs (the shared helper's 1 MiB buffer is too small for 20k routes). */
function ipBig(ns: string, args: string[]): any[] {
  const r = spawnSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

const dst = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;

async function device(ctx: NsContext): Promise<void> {
  await createLink(ctx.sock, { name: 'vr0', kind: 'veth', peer: { name: 'vr1', up: true }, up: true });
}

test('addRoutes: 20,000 routes, the kernel table holds exactly them; the failures carry their own index, errno and kernel text', async (t) => {
  await withNs('bk', async (ctx) => {
    await device(ctx);
    const specs: RouteSpec[] = [];
    for (let i = 0; i < 20_000; i++) specs.push({ to: dst(i), dev: 'vr0', table: 100 });
    specs[500] = { to: dst(3), dev: 'vr0', table: 100 }; // same as index 3: EEXIST
    specs[9_000] = { to: '10.77.0.9/24', dev: 'vr0', table: 100 }; // host bits: EINVAL with text
    specs[12_345] = { to: dst(12_345), dev: 'nosuch0', table: 100 }; // link lookup fails
    specs[19_999] = { to: dst(4), dev: 'vr0', table: 100 }; // the chunk's ACKed last request fails
    const failures = await addRoutes(ctx.sock, specs);
    t.deepEqual(failures.map((f) => f.index), [500, 9_000, 12_345, 19_999]);
    t.true(failures.every((f) => f.spec === specs[f.index]));
    const [dup, prefix, nodev, last] = failures.map((f) => f.error as NetlinkError);
    t.is(dup!.code, 'EEXIST');
    t.regex(dup!.message, /add route 10\.0\.0\.3\/32 dev vr0 table 100: EEXIST/);
    t.is(prefix!.code, 'EINVAL');
    t.is(prefix!.kernelMessage, 'Invalid prefix for given prefix length');
    t.is(nodev!.code, 'ENODEV');
    t.is(last!.code, 'EEXIST');
    const table = ipBig(ctx.name, ['route', 'show', 'table', '100']) as Array<{ dst: string; dev: string; scope: string; protocol?: string }>;
    t.is(table.length, 20_000 - 4);
    const have = new Set(table.map((r) => r.dst));
    for (const i of [0, 1, 2, 3, 4, 501, 8_999, 9_001, 12_344, 12_346, 19_998]) t.true(have.has(dst(i).replace('/32', '')), dst(i));
    t.false(have.has(dst(12_345).replace('/32', '')));
    t.true(table.every((r) => r.dev === 'vr0' && r.scope === 'link'));
  });
});

test('addRoutes writes the same route as addRoute (checked by ip -j -d)', async (t) => {
  await withNs('bq', async (ctx) => {
    await device(ctx);
    const { sock, name } = ctx;
    await createLink(sock, { name: 'vg0', kind: 'veth', peer: 'vg1', up: true });
    await addAddress(sock, { dev: 'vg0', address: '192.0.2.1/24' });
    const ifindex = await linkIndex(sock, 'vr0');
    const one: RouteSpec[] = [
      { to: '10.1.0.0/16', via: '192.0.2.9', table: 'main', metric: 7 },
      { to: '10.2.0.1', dev: ifindex, table: 4242 },
      { to: 'default', via: '192.0.2.254', table: 300 },
    ];
    for (const s of one) await addRoute(sock, s);
    // The same routes in other tables/prefixes through the bulk path.
    const bulk: RouteSpec[] = [
      { to: '10.11.0.0/16', via: '192.0.2.9', table: 'main', metric: 7 },
      { to: '10.12.0.1', dev: 'vr0', table: 4243 },
      { to: 'default', via: '192.0.2.254', table: 301 },
      // Rarer fields (protocol, IPv6) in the same bulk call.
      { to: '10.13.0.0/16', via: '192.0.2.9', protocol: 'static' },
      { to: '2001:db8:77::/48', dev: 'vr0', table: 4243 },
    ];
    t.deepEqual(await addRoutes(sock, bulk), []);
    const show = (args: string[]) => ipj(name, ['-d', 'route', 'show', ...args]);
    const strip = (r: Record<string, unknown>) => { const { dst: _d, ...rest } = r; return rest; };
    t.deepEqual(strip(show(['10.11.0.0/16'])[0]), strip(show(['10.1.0.0/16'])[0]));
    t.deepEqual(strip(show(['table', '4243', '10.12.0.1'])[0]), strip(show(['table', '4242', '10.2.0.1'])[0]));
    t.like(show(['table', '301'])[0], { dst: 'default', gateway: '192.0.2.254', protocol: 'boot' });
    t.like(show(['10.13.0.0/16'])[0], { protocol: 'static', gateway: '192.0.2.9' });
    t.like(ipj(name, ['-6', 'route', 'show', 'table', '4243'])[0], { dst: '2001:db8:77::/48', dev: 'vr0' });
  });
});

test('deleteRoutes reports ESRCH for routes that are not there and deletes the rest', async (t) => {
  await withNs('bd', async (ctx) => {
    await device(ctx);
    const specs: RouteSpec[] = [];
    for (let i = 0; i < 1_000; i++) specs.push({ to: dst(i), dev: 'vr0', table: 100 });
    t.deepEqual(await addRoutes(ctx.sock, specs), []);
    const del = specs.slice(0, 600);
    del.push({ to: '10.200.0.1/32', dev: 'vr0', table: 100 });
    const failures = await deleteRoutes(ctx.sock, del);
    t.deepEqual(failures.map((f) => [f.index, (f.error as NetlinkError).code]), [[600, 'ESRCH']]);
    t.is((await listRoutes(ctx.sock, { table: 100, family: 'inet' })).length, 400);
  });
});

test('bad input anywhere is refused before any request: nothing is added', async (t) => {
  await withNs('bv', async (ctx) => {
    await device(ctx);
    const specs: RouteSpec[] = [{ to: dst(1), dev: 'vr0', table: 100 }, { to: dst(2), via: 'not-an-address', table: 100 }];
    const err = await t.throwsAsync(addRoutes(ctx.sock, specs), { instanceOf: ValidationError });
    t.regex(err!.message, /routes\[1\]\.via/);
    // Nothing was sent: table 100 was never even created.
    t.false(ipBig(ctx.name, ['route', 'show', 'table', 'all']).some((r: { table?: string }) => r.table === '100'));
    const lerr = await t.throwsAsync(createLinks(ctx.sock, [{ kind: 'veth', name: 'ok0', peer: 'ok1' }, { kind: 'veth', name: 'x'.repeat(16), peer: 'y' }]), { instanceOf: ValidationError });
    t.regex(lerr!.message, /links\[1\]\.name/);
    t.false((await listLinks(ctx.sock)).some((l) => l.ifname === 'ok0'));
  });
});

test('many small chunks: every failure of every chunk is reported (the ACKed last request is the barrier)', async (t) => {
  await withNs('bc', async (ctx) => {
    await device(ctx);
    const specs: RouteSpec[] = [];
    for (let i = 0; i < 300; i++) specs.push({ to: dst(i % 100), dev: 'vr0', table: 100 }); // 200 duplicates
    const failures = await addRoutes(ctx.sock, specs, { chunk: 7 });
    t.is(failures.length, 200);
    t.deepEqual(failures.map((f) => f.index), Array.from({ length: 200 }, (_, k) => k + 100));
    t.true(failures.every((f) => (f.error as NetlinkError).code === 'EEXIST'));
  });
});

test('more failures in one chunk than the receive queue holds: none is lost, the unknown ones say so (OverrunError)', async (t) => {
  await withNs('bo', async (ctx) => {
    await device(ctx);
    const specs: RouteSpec[] = [];
    for (let i = 0; i < 2_000; i++) specs.push({ to: dst(i), dev: 'vr0', table: 100 });
    t.deepEqual(await addRoutes(ctx.sock, specs), []);
    // A socket with a small queue (16 KiB: a few dozen error replies) and one chunk of 2,000
    // failing adds. The device by index: a link lookup's reply would not fit such a queue either.
    const oif = await linkIndex(ctx.sock, 'vr0');
    for (const s of specs) s.dev = oif;
    const small = new NetlinkSocket({ netns: ctx.ns.fd, receiveBufferSize: 8192 });
    try {
      const failures = await addRoutes(small, specs, { chunk: 2_000 });
      t.is(failures.length, 2_000, 'every request is accounted for');
      t.true(failures.some((f) => f.error instanceof OverrunError), 'the queue did overflow');
      t.true(failures.some((f) => (f.error as NetlinkError).code === 'EEXIST'), 'the answers that fitted are reported as they are');
      t.true(failures.every((f) => f.error instanceof OverrunError || (f.error as NetlinkError).code === 'EEXIST'));
      // The next bulk on the same socket works (smaller chunks from then on).
      t.deepEqual(await addRoutes(small, [{ to: '10.99.0.1/32', dev: oif, table: 100 }]), []);
    } finally {
      small.close();
    }
  });
});

test('a write() that throws fails only its own request', async (t) => {
  await withNs('bw', async (ctx) => {
    await device(ctx);
    const oif = await linkIndex(ctx.sock, 'vr0');
    const failures = await ctx.sock.bulk(10, (i, w) => {
      if (i === 4) throw new RangeError('no route for 4');
      w.raw(encodeNewRoute({ family: C.AF_INET, dstLen: 32, dst: new Uint8Array([10, 5, 0, i]), table: 100, protocol: C.RTPROT_BOOT, scope: C.RT_SCOPE_LINK, type: C.RTN_UNICAST, oif }));
    });
    t.is(failures.length, 1);
    t.is(failures[0]!.index, 4);
    t.true(failures[0]!.error instanceof RangeError);
    t.is(ipj(ctx.name, ['route', 'show', 'table', '100']).length, 9);
  });
});

test('createLinks: 300 veth pairs and a bridge with ports; duplicates and a missing master fail alone; peers in another namespace come up', async (t) => {
  await withNamespaces(['bl', 'bp'], async ([ctx, peerCtx]) => {
    const specs: Parameters<typeof createLinks>[1][number][] = [{ kind: 'bridge', name: 'br0', up: true }];
    for (let i = 0; i < 300; i++) specs.push({ kind: 'veth', name: `va${i}`, group: 7, peer: { name: `vb${i}` } });
    specs.push({ kind: 'veth', name: 'va1', peer: 'dup1' }); // EEXIST
    specs.push({ kind: 'veth', name: 'vm0', master: 'nosuch', peer: 'vm1' }); // master lookup fails
    specs.push({ kind: 'veth', name: 'vc0', master: 'br0', up: true, peer: { name: 'eth0', up: true, netns: peerCtx!.ns } });
    const failures = await createLinks(ctx!.sock, specs);
    t.deepEqual(failures.map((f) => [f.index, f.step, (f.error as NetlinkError).code]), [[301, 'create', 'EEXIST'], [302, 'create', 'ENODEV']]);
    const all = ipBig(ctx!.name, ['-d', 'link', 'show']) as Array<{ ifname: string; group: string; linkinfo?: { info_kind: string } }>;
    const va = all.filter((l) => /^va\d+$/.test(l.ifname));
    const vb = all.filter((l) => /^vb\d+$/.test(l.ifname));
    t.is(va.length, 300);
    t.is(vb.length, 300);
    t.true([...va, ...vb].every((l) => l.linkinfo?.info_kind === 'veth'));
    t.true(va.every((l) => l.group === '7'), 'group applies to the side it was given for');
    const vc0 = ipj(ctx!.name, ['-d', 'link', 'show', 'vc0'])[0];
    t.like(vc0, { master: 'br0', operstate: 'UP' });
    t.like(ipj(peerCtx!.name, ['link', 'show', 'eth0'])[0], { operstate: 'UP' });
    t.false(ipj(ctx!.name, ['link', 'show']).some((l: { ifname: string }) => l.ifname === 'vm0' || l.ifname === 'dup1'));
  });
});

const INDEX = fileURLToPath(new URL('../src/rtnl/index.ts', import.meta.url));

test('strace: 5,000 route adds leave in a handful of sendmsg calls, only the last of each chunk asks for an ACK', async (t) => {
  await withNs('bs', async (ctx) => {
    await device(ctx);
    const script = `import * as R from ${JSON.stringify(INDEX)}; const s = R.openRtnlSocket();
      const specs = []; for (let i = 0; i < 5000; i++) specs.push({ to: '10.9.' + (i >> 8) + '.' + (i & 255) + '/32', dev: 'vr0', table: 100 });
      const f = await R.addRoutes(s, specs, { chunk: 1000 }); s.close(); if (f.length) throw new Error('failed ' + f.length);`;
    const r = spawnSync('ip', ['netns', 'exec', ctx.name, 'strace', '-f', '-qq', '-e', 'trace=sendto,sendmsg', '-e', 'signal=none', '-s', '64',
      process.execPath, '--import=tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    t.is(r.status, 0, r.stderr.slice(-2000));
    const sends = r.stderr.split('\n').filter((l) => /\b(sendto|sendmsg)\(/.test(l) && /RTM_NEWROUTE/.test(l));
    t.is(sends.length, 5, 'five chunks of 1,000 requests');
    // strace prints the first message's header of each datagram: no NLM_F_ACK on it.
    t.true(sends.every((l) => /nlmsg_type=RTM_NEWROUTE, nlmsg_flags=NLM_F_REQUEST\|NLM_F_EXCL\|NLM_F_CREATE/.test(l) && !/NLM_F_ACK/.test(l.slice(0, l.indexOf('nlmsg_seq')))), sends[0]?.slice(0, 300));
    t.is(ipBig(ctx.name, ['route', 'show', 'table', '100']).length, 5_000);
  });
});

test('closing the socket while a bulk call is in flight: every request is accounted for, the fd is released', async (t) => {
  await withNs('bx', async (ctx) => {
    await device(ctx);
    const oif = await linkIndex(ctx.sock, 'vr0');
    const sock = new NetlinkSocket({ netns: ctx.ns.fd });
    const fd = sock.fd;
    const ino = fstatSync(fd).ino;
    const specs: RouteSpec[] = [];
    for (let i = 0; i < 50_000; i++) specs.push({ to: dst(i), dev: oif, table: 100 });
    // Closed right after the second chunk is handed to the kernel (counted at the native send,
    // this socket only): deterministic, where a timer would race the sends on a busy machine.
    type Native = { socketSendAsync?: (fd: number, b: Uint8Array, peer: number | undefined, cb: (errno: number) => void) => void };
    const native = (sock as unknown as { core: { native: Native } }).core.native;
    const send = native.socketSendAsync!;
    let sent = 0;
    native.socketSendAsync = function (this: unknown, f, b, peer, cb) {
      send.call(this, f, b, peer, cb);
      if (f === fd && ++sent === 2) queueMicrotask(() => sock.close());
    };
    t.teardown(() => { native.socketSendAsync = send; });
    const running = addRoutes(sock, specs, { chunk: 500 });
    let failures: Awaited<typeof running> = [];
    try {
      failures = await running;
    } catch (err) {
      t.is((err as Error).name, 'SocketClosedError');
    }
    t.true(failures.every((f) => f.error.name === 'SocketClosedError'));
    const added = ipBig(ctx.name, ['route', 'show', 'table', 'all']).filter((r: { table?: string }) => r.table === '100').length;
    t.true(sent >= 2 && sent <= 3, `the close stopped the sends (${sent} chunks of 500 sent)`);
    t.is(added, 500 * sent, 'the kernel applied exactly the chunks that were sent, nothing after the close');
    // The socket is closed once no send is in flight any more (its number may be reused since).
    // Wait (bounded) for it: how long the kernel takes over the chunks in flight is not the claim.
    const open = (): boolean => {
      try { return fstatSync(fd).ino === ino; } catch (err) { if ((err as NodeJS.ErrnoException).code === 'EBADF') return false; throw err; }
    };
    for (let i = 0; i < 500 && open(); i++) await new Promise((r) => setTimeout(r, 10));
    t.false(open(), 'the socket was closed');
  });
});

test('addAddresses: 200 addresses over 100 links, a duplicate and a missing device fail alone; ip agrees field by field', async (t) => {
  await withNs('ba', async (ctx) => {
    const links = Array.from({ length: 50 }, (_, i) => ({ kind: 'veth' as const, name: `a${i}`, up: true, peer: { name: `b${i}`, up: true } }));
    t.deepEqual(await createLinks(ctx.sock, links), []);
    const specs: Parameters<typeof addAddresses>[1][number][] = [];
    for (let i = 0; i < 50; i++) {
      specs.push({ dev: `a${i}`, address: `10.${i}.0.1/24` });
      specs.push({ dev: `b${i}`, address: `10.${i}.0.2/24`, label: `b${i}:x`.slice(0, 15) });
      specs.push({ dev: `a${i}`, address: `fd00:${i}::1/64`, nodad: true });
      specs.push({ dev: `b${i}`, address: `10.${100 + i}.0.1/16`, broadcast: '+', metric: 7 });
    }
    specs.push({ dev: 'a3', address: '10.3.0.1/24' }); // duplicate: EEXIST
    specs.push({ dev: 'nosuch', address: '10.250.0.1/24' }); // device lookup fails
    const failures = await addAddresses(ctx.sock, specs);
    t.deepEqual(failures.map((f) => [f.index, (f.error as NetlinkError).code]), [[200, 'EEXIST'], [201, 'ENODEV']]);
    const ip = ipBig(ctx.name, ['addr', 'show']) as Array<{ ifname: string; addr_info: Array<{ local: string; prefixlen: number; label?: string; broadcast?: string; metric?: number; family: string }> }>;
    const of = (dev: string) => ip.find((l) => l.ifname === dev)!.addr_info;
    t.like(of('a7').find((a) => a.family === 'inet'), { local: '10.7.0.1', prefixlen: 24 });
    t.like(of('a7').find((a) => a.family === 'inet6' && a.local.startsWith('fd00')), { local: 'fd00:7::1', prefixlen: 64 });
    t.like(of('b9').find((a) => a.local === '10.9.0.2'), { label: 'b9:x' });
    t.like(of('b9').find((a) => a.local === '10.109.0.1'), { prefixlen: 16, broadcast: '10.109.255.255', metric: 7 });
    const total = ip.reduce((n, l) => n + l.addr_info.filter((a) => a.local.startsWith('10.') || a.local.startsWith('fd00')).length, 0);
    t.is(total, 200);
    const bad = await t.throwsAsync(addAddresses(ctx.sock, [{ dev: 'a1', address: '10.1.1.1/24' }, { dev: 'a1', address: '10.1.1.300/24' }]), { instanceOf: ValidationError });
    t.regex(bad!.message, /addresses\[1\]\.address/);
  });
});
