// Route operations against the kernel (`ip route add/replace/append/del/show/get`).
import test from 'ava';
import { NetlinkError } from '../src/netlink/errors.js';
import { NLM_F_DUMP_FILTERED } from '../src/netlink/constants.js';
import * as C from '../src/rtnl/constants.js';
import {
  addAddress, addRoute, appendRoute, createLink, deleteRoute, encodeRouteDump, getRoute, iterateRoutes, listRoutes,
  replaceRoute, setSysctl,
} from '../src/rtnl/index.js';
import { ipj, withNs, type NsContext } from './helpers/rtnl.js';

async function lan(ctx: NsContext): Promise<void> {
  await createLink(ctx.sock, { name: 'veth0', kind: 'veth', peer: { name: 'ceth0', up: true }, up: true });
  await addAddress(ctx.sock, { dev: 'veth0', address: '192.168.0.1/24' });
  await addAddress(ctx.sock, { dev: 'veth0', address: '2001:db8::1/64', nodad: true });
}

test('default via a gateway, device routes with scope link, tables, metrics, IPv6', async (t) => {
  await withNs('ra', async (ctx) => {
    const { name, sock } = ctx;
    await lan(ctx);
    await addRoute(sock, { to: 'default', via: '192.168.0.254' });
    await addRoute(sock, { to: '10.10.1.2/32', dev: 'veth0' });
    await addRoute(sock, { to: '10.20.0.0/16', via: '192.168.0.254', table: 100, metric: 5 });
    await addRoute(sock, { to: '10.21.0.0/16', via: '192.168.0.254', table: 70000 });
    await addRoute(sock, { to: '10.22.0.0/16', via: '192.168.0.254', src: '192.168.0.1', protocol: 'static', metrics: { mtu: 1400, initcwnd: 10, rtt: 100, congestion: 'cubic' } });
    await addRoute(sock, { to: '2001:db8:5::/48', via: '2001:db8::fe', metric: 64, pref: 'low' });
    await addRoute(sock, { to: '10.66.0.0/16', type: 'unreachable' });
    const main = ipj(name, ['-d', 'route', 'show']);
    t.like(main.find((r: { dst: string }) => r.dst === 'default'), { gateway: '192.168.0.254', dev: 'veth0', protocol: 'boot' });
    t.like(main.find((r: { dst: string }) => r.dst === '10.10.1.2'), { dev: 'veth0', scope: 'link' });
    t.like(main.find((r: { dst: string }) => r.dst === '10.22.0.0/16'), { prefsrc: '192.168.0.1', protocol: 'static', metrics: [{ mtu: 1400, rtt: 100, initcwnd: 10, congestion: 'cubic' }] });
    t.like(ipj(name, ['route', 'show', 'table', '100'])[0], { dst: '10.20.0.0/16', metric: 5 });
    t.like(ipj(name, ['route', 'show', 'table', '70000'])[0], { dst: '10.21.0.0/16' });
    t.like(ipj(name, ['-6', 'route', 'show', '2001:db8:5::/48'])[0], { gateway: '2001:db8::fe', metric: 64, pref: 'low' });
    // Library's view: main only by default, as ip; family and table filters.
    const libMain = await listRoutes(sock);
    t.true(libMain.every((r) => r.table === 'main'));
    t.deepEqual((await listRoutes(sock, { table: 70000 })).map((r) => [r.dst, r.table]), [['10.21.0.0/16', '70000']]);
    t.deepEqual((await listRoutes(sock, { table: 100, family: 4 })).map((r) => r.dst), ['10.20.0.0/16']);
    t.true((await listRoutes(sock, { family: 6 })).every((r) => r.family === 'inet6'));
    t.like((await listRoutes(sock, { type: 'unreachable' }))[0], { dst: '10.66.0.0/16', type: 'unreachable' });
    t.deepEqual((await listRoutes(sock, { protocol: 'static' })).map((r) => r.dst), ['10.22.0.0/16']);
    t.true((await listRoutes(sock, { dev: 'veth0', table: 'all' })).every((r) => r.dev === 'veth0'));
  });
});

test('multipath routes, IPv4 and IPv6 (append)', async (t) => {
  await withNs('rm', async (ctx) => {
    const { name, sock } = ctx;
    await lan(ctx);
    await createLink(sock, { name: 'veth1', kind: 'veth', peer: { name: 'ceth1', up: true }, up: true });
    await addAddress(sock, { dev: 'veth1', address: '192.168.1.1/24' });
    await addAddress(sock, { dev: 'veth1', address: '2001:db8:1::1/64', nodad: true });
    await addRoute(sock, { to: '10.30.0.0/16', nexthops: [{ via: '192.168.0.2', dev: 'veth0', weight: 1 }, { via: '192.168.1.2', dev: 'veth1', weight: 3 }] });
    const ip = ipj(name, ['route', 'show', '10.30.0.0/16'])[0];
    t.deepEqual(ip.nexthops.map((n: { gateway: string; dev: string; weight: number }) => [n.gateway, n.dev, n.weight]), [['192.168.0.2', 'veth0', 1], ['192.168.1.2', 'veth1', 3]]);
    const lib = (await listRoutes(sock)).find((r) => r.dst === '10.30.0.0/16')!;
    t.deepEqual(lib.nexthops!.map((n) => [n.gateway, n.dev, n.weight]), [['192.168.0.2', 'veth0', 1], ['192.168.1.2', 'veth1', 3]]);
    await addRoute(sock, { to: '2001:db8:9::/48', via: '2001:db8::2', dev: 'veth0' });
    await appendRoute(sock, { to: '2001:db8:9::/48', via: '2001:db8:1::2', dev: 'veth1' });
    const v6 = (await listRoutes(sock, { family: 6 })).find((r) => r.dst === '2001:db8:9::/48')!;
    t.deepEqual(v6.nexthops?.map((n) => n.gateway), ['2001:db8::2', '2001:db8:1::2'], 'IPv6 merges appended routes into one multipath route');
    await addRoute(sock, { to: '2001:db8:a::/48', nexthops: [{ via: '2001:db8::2', dev: 'veth0' }, { via: '2001:db8:1::2', dev: 'veth1' }] });
    t.is(ipj(name, ['-6', 'route', 'show', '2001:db8:a::/48'])[0].nexthops.length, 2);
  });
});

test('replace, delete, and the errors the kernel gives', async (t) => {
  await withNs('rr', async (ctx) => {
    const { name, sock } = ctx;
    await lan(ctx);
    await addRoute(sock, { to: '10.40.0.0/16', via: '192.168.0.2' });
    const dup = await t.throwsAsync(addRoute(sock, { to: '10.40.0.0/16', via: '192.168.0.3' }), { instanceOf: NetlinkError });
    t.is(dup!.code, 'EEXIST');
    t.regex(dup!.message, /^add route 10\.40\.0\.0\/16 via 192\.168\.0\.3: EEXIST/);
    await replaceRoute(sock, { to: '10.40.0.0/16', via: '192.168.0.3' });
    t.is(ipj(name, ['route', 'show', '10.40.0.0/16'])[0].gateway, '192.168.0.3');
    await deleteRoute(sock, { to: '10.40.0.0/16' });
    t.deepEqual(ipj(name, ['route', 'show', '10.40.0.0/16']), []);
    const gone = await t.throwsAsync(deleteRoute(sock, { to: '10.40.0.0/16' }), { instanceOf: NetlinkError });
    t.is(gone!.code, 'ESRCH');
    const unreach = await t.throwsAsync(addRoute(sock, { to: '10.41.0.0/16', via: '172.16.0.1' }), { instanceOf: NetlinkError });
    t.is(unreach!.code, 'ENETUNREACH');
    t.is(unreach!.kernelMessage, 'Nexthop has invalid gateway');
    const prefix = await t.throwsAsync(addRoute(sock, { to: '10.42.0.1/16', dev: 'veth0' }), { instanceOf: NetlinkError });
    t.is(prefix!.kernelMessage, 'Invalid prefix for given prefix length');
    const cc = await t.throwsAsync(addRoute(sock, { to: '10.43.0.0/16', dev: 'veth0', metrics: { congestion: 'no-such-cc' } }), { instanceOf: NetlinkError });
    t.is(cc!.kernelMessage, 'Unknown tcp congestion algorithm');
    // onlink lets a gateway outside the subnets stand (the kernel trusts it is on the link).
    await addRoute(sock, { to: '10.44.0.0/16', via: '172.16.0.1', dev: 'veth0', onlink: true });
    t.deepEqual(ipj(name, ['route', 'show', '10.44.0.0/16'])[0].flags, ['onlink']);
  });
});

test('route get: the route the kernel would use', async (t) => {
  await withNs('rg', async (ctx) => {
    const { name, sock } = ctx;
    await lan(ctx);
    await setSysctl('net.ipv4.ip_forward', 1, { netns: ctx.ns });
    await addRoute(sock, { to: '10.50.0.0/16', via: '192.168.0.9', table: 'main' });
    const r = await getRoute(sock, { to: '10.50.1.1' });
    const ip = ipj(name, ['route', 'get', '10.50.1.1'])[0];
    t.like(r, { dst: ip.dst, gateway: ip.gateway, dev: ip.dev, prefsrc: ip.prefsrc });
    const fib = await getRoute(sock, { to: '10.50.1.1', fibmatch: true });
    t.is(fib.dst, '10.50.0.0/16');
    const v6 = await getRoute(sock, { to: '2001:db8::77' });
    t.is(v6.dev, 'veth0');
    const none = await t.throwsAsync(getRoute(sock, { to: '198.51.100.1' }), { instanceOf: NetlinkError });
    t.is(none!.code, 'ENETUNREACH');
  });
});

test('route dumps are filtered by the kernel (table, protocol, oif), and stream', async (t) => {
  await withNs('rf', async (ctx) => {
    const { sock } = ctx;
    await lan(ctx);
    for (let i = 0; i < 200; i++) await addRoute(sock, { to: `10.${100 + (i >> 8)}.${i & 255}.0/24`, via: '192.168.0.2', table: 300, protocol: 'bgp' });
    await addRoute(sock, { to: '10.99.0.0/16', via: '192.168.0.2', table: 300 });
    let n = 0;
    for await (const m of sock.dump(encodeRouteDump({ family: C.AF_INET, table: 300, protocol: C.RTPROT_BGP }))) {
      if (m.type !== C.RTM_NEWROUTE) continue;
      t.truthy(m.flags & NLM_F_DUMP_FILTERED);
      n++;
    }
    t.is(n, 200, 'only the bgp routes of table 300 crossed the socket');
    let streamed = 0;
    for await (const r of iterateRoutes(sock, { table: 300 })) {
      t.is(r.table, '300');
      streamed++;
    }
    t.is(streamed, 201);
  });
});
