// Issue #25 items 6 and 7: every request ends after ENOBUFS (its reply, a typed error, or its
// AbortSignal), also when the receive buffer cannot hold a single reply; and a route bigger
// than the kernel's dump buffer is reported, not silently dropped from the listing.
import test from 'ava';
import { NetlinkTsError, OverrunError } from '../src/netlink/errors.js';
import { openRtnlSocket, createLink, encodeGetLink, getLink, listLinks } from '../src/rtnl/index.js';
import { withNs } from './helpers/rtnl.js';

/** Every promise settled: how many with a reply, and the class of each error. */
async function outcomes(ps: Promise<unknown>[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await Promise.allSettled(ps)) {
    const k = r.status === 'fulfilled' ? 'reply' : (r.reason as Error)?.name ?? String(r.reason);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

test('a receive buffer too small for one reply: the request fails with OverrunError saying so, it never waits', async (t) => {
  await withNs('heb', async ({ ns, sock }) => {
    await createLink(sock, { name: 'v0', kind: 'veth', peer: 'p0' });
    const tiny = openRtnlSocket({ netns: ns.fd, receiveBufferSize: 1 });
    try {
      t.true(tiny.receiveBufferSize < 4096, `the kernel's floor: ${tiny.receiveBufferSize}`);
      const e = await t.throwsAsync(getLink(tiny, 'v0', { stats: true, resolveNames: false }), { instanceOf: OverrunError });
      t.regex(e!.message, /^get link v0: ENOBUFS: .*too small for one reply and its ACK; open the socket with a larger receiveBufferSize/);
      t.is(e!.code, 'ENOBUFS');
      // The socket stays usable: the next request ends the same way, it does not hang.
      await t.throwsAsync(getLink(tiny, 'v0', { stats: true, resolveNames: false }), { instanceOf: OverrunError });
    } finally {
      tiny.close();
    }
  });
});

test('200 concurrent requests on small buffers: each ends with its reply or a typed error; an aborted one with its reason', async (t) => {
  t.timeout(60_000, 'a request that never settles hangs here');
  await withNs('hec', async ({ ns, sock }) => {
    for (let i = 0; i < 20; i++) await createLink(sock, { name: `v${i}`, kind: 'veth', peer: `p${i}` });
    for (const size of [1, 8192, 65536]) {
      const s = openRtnlSocket({ netns: ns.fd, receiveBufferSize: size });
      try {
        const abort = new AbortController();
        const aborted = s.request(encodeGetLink('v1'), { operation: 'aborted get', signal: abort.signal }).catch((e: unknown) => e);
        abort.abort(new Error('caller gave up'));
        const ps: Promise<unknown>[] = Array.from({ length: 200 }, (_, i) => getLink(s, `v${i % 20}`, { stats: true, resolveNames: false }));
        ps.push(listLinks(s, { stats: true }));
        const got = await outcomes(ps);
        const total = Object.values(got).reduce((a, b) => a + b, 0);
        t.is(total, 201, `size ${size}: ${JSON.stringify(got)}`);
        for (const k of Object.keys(got)) t.true(k === 'reply' || k === 'OverrunError', `size ${size}: ${k}`);
        t.is(((await aborted) as Error).message, 'caller gave up');
        // After the storm the socket answers (or, when one reply cannot fit, refuses typed).
        const after = await getLink(s, 'v1', { resolveNames: false }).then(() => 'reply', (e: unknown) => e);
        t.true(after === 'reply' || after instanceof NetlinkTsError, String(after));
        if (size >= 65536) t.is(after, 'reply');
      } finally {
        s.close();
      }
    }
  });
});

// ---- item 7: routes bigger than a dump skb

import { addRoute, listRoutes, encodeNewRoute, linkIndex } from '../src/rtnl/index.js';
import { routeAttrs, ROUTE_DUMP_MAX } from '../src/rtnl/route-ops.js';
import { MessageWriter } from '../src/netlink/writer.js';
import { ValidationError } from '../src/netlink/errors.js';
import { ipj, ipn } from './helpers/rtnl.js';

const nexthops = (n: number) => Array.from({ length: n }, (_, i) => ({ via: `10.0.${(i / 250) | 0}.${(i % 250) + 2}`, dev: 'd0' }));
const dsts = (routes: { dst?: string }[]) => routes.map((r) => r.dst).filter((d) => d !== '10.0.0.0/16');

test('a route over the dump limit is accepted by the kernel and then hides itself and every later route from every dump (ip too); the library refuses to add one', async (t) => {
  await withNs('hbr', async ({ name, sock }) => {
    await createLink(sock, { name: 'd0', kind: 'veth', peer: 'd1', up: true });
    ipn(name, ['link', 'set', 'd1', 'up']);
    ipn(name, ['addr', 'add', '10.0.0.1/16', 'dev', 'd0']);
    ipn(name, ['route', 'add', '192.0.2.0/24', 'via', '10.0.0.2']);
    ipn(name, ['route', 'add', '203.0.113.0/24', 'via', '10.0.0.2']);
    const before = ['192.0.2.0/24', '203.0.113.0/24'];
    t.deepEqual(dsts(await listRoutes(sock, { family: 4, table: 'main' } as never)), before);

    // 2,100 nexthops: over the limit. The library refuses it before sending; the dump is intact.
    const e = await t.throwsAsync(addRoute(sock, { to: '198.51.100.0/24', nexthops: nexthops(2100) }), { instanceOf: ValidationError });
    t.is(e!.field, 'route.nexthops');
    t.regex(e!.message, /silently ends every route dump/);
    t.deepEqual(dsts(await listRoutes(sock, { family: 4, table: 'main' } as never)), before);

    // Below the limit: listed with every nexthop.
    await addRoute(sock, { to: '198.51.100.0/25', nexthops: nexthops(1900) });
    const listed = await listRoutes(sock, { family: 4, table: 'main' } as never);
    t.is(listed.find((r) => r.dst === '198.51.100.0/25')?.nexthops?.length, 1900);

    // What the kernel does with one over the limit, sent raw (the library's check bypassed):
    // accepted, and from then on the dump ends at it with a clean NLMSG_DONE.
    const index = await linkIndex(sock, 'd0');
    const raw = encodeNewRoute(routeAttrs({ to: '198.51.100.128/25', nexthops: nexthops(2100) }, false, () => index), 'add', new MessageWriter(65536));
    t.true(raw.length > ROUTE_DUMP_MAX && raw.length < 65536, `${raw.length} bytes`);
    await sock.request(raw, { operation: 'raw add route', headerSize: 12 });
    const after = dsts(await listRoutes(sock, { family: 4, table: 'main' } as never));
    const ipAfter = dsts(ipj<{ dst: string }[]>(name, ['route', 'show', 'table', 'main']));
    t.deepEqual(after, ['192.0.2.0/24', '198.51.100.0/25'], 'the big route and 203.0.113.0/24 after it are gone from the dump');
    // ip stops there too (it also cuts routes of ~1,000+ nexthops itself, hence no equality).
    t.true(ipAfter.includes('192.0.2.0/24'));
    t.false(ipAfter.includes('203.0.113.0/24'), 'ip loses the routes after it as well');
    t.false(ipAfter.includes('198.51.100.128/25'));
  });
});
