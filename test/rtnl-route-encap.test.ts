// Route encapsulation (lwtunnel, src/rtnl/route-encap.ts): ip/ip6 tunnel metadata against the
// kernel and `ip -j -d route` (this kernel has them, on a vxlan external device); MPLS and SRv6
// (seg6), which this kernel refuses ("lwt encapsulation type not supported"), byte-golden
// against what `ip route add ... encap ...` sends (strace), and decoded from those bytes.
import test from 'ava';
import { NetlinkBuffer, walkAttributes } from '../src/netlink/reader.js';
import { parseMessages } from '../src/netlink/message.js';
import { MessageWriter } from '../src/netlink/writer.js';
import { addRoute, decodeRoute, encodeNewRoute, listRoutes, routeJson, routeJsonText, routeText } from '../src/rtnl/index.js';
import { routeAttrs } from '../src/rtnl/route-ops.js';
import { writeEncap, type EncapSpec } from '../src/rtnl/route-encap.js';
import { ipn, withNs } from './helpers/rtnl.js';
import { messagesOf, sentDatagrams } from './helpers/strace.js';
import { run } from './helpers/env.js';

const RTM_NEWROUTE = 24, RTA_ENCAP_TYPE = 21, RTA_ENCAP = 22, RTA_MULTIPATH = 9;
const clean = (o: unknown): any => JSON.parse(JSON.stringify(o));

function setup(ns: string): void {
  for (const a of [['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], ['link', 'set', 'v0', 'up'], ['link', 'set', 'v1', 'up'],
    ['addr', 'add', '192.0.2.1/24', 'dev', 'v0'], ['-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'v0', 'nodad'],
    ['link', 'add', 'vx0', 'type', 'vxlan', 'external', 'dstport', '4789'], ['link', 'set', 'vx0', 'up']]) ipn(ns, a);
}

/** The element of ip's -j array text that starts with `head` (these routes hold no nested objects). */
function ipElement(text: string, head: string): string {
  const i = text.indexOf(head);
  return i < 0 ? '' : text.slice(i, text.indexOf('}', i) + 1);
}

test('ip/ip6 encap routes made by ip decode and print as ip -j -d route and ip route (text, JSON text with ip\'s repeated keys)', async (t) => {
  await withNs('enc', async ({ name, sock }) => {
    setup(name);
    ipn(name, ['route', 'add', '203.0.113.0/24', 'encap', 'ip', 'id', '42', 'dst', '192.0.2.9', 'ttl', '8', 'tos', '0x10', 'dev', 'vx0']);
    ipn(name, ['route', 'add', '198.51.100.0/24', 'encap', 'ip', 'id', '7', 'dst', '192.0.2.8', 'key', 'csum', 'dev', 'vx0']);
    ipn(name, ['-6', 'route', 'add', '2001:db8:6::/64', 'encap', 'ip6', 'id', '43', 'dst', '2001:db8::9', 'hoplimit', '3', 'tc', '4', 'dev', 'vx0']);
    for (const [fam, flag, prefixes] of [[4, '-4', ['203.0.113.0/24', '198.51.100.0/24']], [6, '-6', ['2001:db8:6::/64']]] as const) {
      const routes = (await listRoutes(sock, { family: fam })).filter((r) => (prefixes as readonly string[]).includes(r.dst));
      t.is(routes.length, prefixes.length);
      const ipText = run('ip', ['-n', name, '-j', '-d', flag, 'route', 'show']);
      const ipList = JSON.parse(ipText) as any[];
      for (const r of routes) {
        // Parsed (the later of a repeated key wins), as a script reading ip's JSON sees it.
        const parsed = JSON.parse(ipElement(ipText, `{"type":"unicast","dst":"${r.dst}"`));
        t.true(ipList.some((x) => JSON.stringify(x) === JSON.stringify(parsed)));
        t.deepEqual(clean(routeJson(r, false)), parsed, `${r.dst}: ip -j -d`);
        // Byte for byte, the repeated "dst"/"src"/"tos" keys included.
        t.is(routeJsonText(r, false), ipElement(ipText, `{"type":"unicast","dst":"${r.dst}"`), `${r.dst}: JSON text`);
        const line = run('ip', ['-n', name, flag, 'route', 'show', r.dst]).split('\n')[0]!.trimEnd();
        t.is(routeText(r, false).trimEnd(), line, `${r.dst}: ip route (text)`);
      }
      if (fam === 4) t.like(routes.find((r) => r.dst === '203.0.113.0/24')!.encap, { encap: 'ip', id: 42, dst: '192.0.2.9', src: '0.0.0.0', ttl: 8, tos: 16 });
    }
  });
});

test('routes with encap added by the library read back by ip -j -d route', async (t) => {
  await withNs('enl', async ({ name, sock }) => {
    setup(name);
    await addRoute(sock, { to: '203.0.113.0/24', dev: 'vx0', encap: { type: 'ip', id: 42, dst: '192.0.2.9', ttl: 8, tos: 16, key: true } });
    await addRoute(sock, { to: '2001:db8:7::/64', dev: 'vx0', encap: { type: 'ip6', id: 5, dst: '2001:db8::5', hoplimit: 9 } });
    const v4 = JSON.parse(run('ip', ['-n', name, '-j', '-d', 'route', 'show', '203.0.113.0/24']))[0];
    t.like(v4, { encap: 'ip', id: 42, dst: '192.0.2.9', ttl: 8, tos: 16, key: true, dev: 'vx0' });
    const v6 = JSON.parse(run('ip', ['-n', name, '-j', '-d', '-6', 'route', 'show', '2001:db8:7::/64']))[0];
    t.like(v6, { encap: 'ip6', id: 5, dst: '2001:db8::5', hoplimit: 9, dev: 'vx0' });
    await t.throwsAsync(addRoute(sock, { to: '203.0.113.128/25', dev: 'v0', encap: { type: 'mpls', labels: [1 << 20] } as EncapSpec }), { message: /encap\.labels\[0\].*not an MPLS label/ });
  });
});

/** Attributes of a route request: type -> payload (first of each). */
function attrsOf(m: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const buf = new NetlinkBuffer(m);
  walkAttributes(buf, 16 + 12, m.length, (t, o, l) => { if (!out.has(t & 0x3fff)) out.set(t & 0x3fff, m.slice(o, o + l)); });
  return out;
}
/** A flat attribute run with each attribute's alignment padding zeroed (ip leaves stack bytes there). */
function zeroPads(b: Uint8Array): string {
  const c = Uint8Array.from(b);
  for (let p = 0; p + 4 <= c.length;) {
    const len = c[p]! | (c[p + 1]! << 8);
    const next = (len + 3) & ~3;
    c.fill(0, p + len, Math.min(p + next, c.length));
    if (len < 4) break;
    p += next;
  }
  return Buffer.from(c).toString('hex');
}
function ours(e: EncapSpec): Map<number, Uint8Array> {
  const w = new MessageWriter(128);
  writeEncap(w, e);
  const b = w.copy();
  const out = new Map<number, Uint8Array>();
  walkAttributes(new NetlinkBuffer(b), 0, b.length, (t, o, l) => out.set(t & 0x3fff, b.slice(o, o + l)));
  return out;
}

const GOLDEN: Array<{ args: string[]; spec: EncapSpec; shown: Record<string, unknown>; text: string }> = [
  { args: ['203.0.113.0/24', 'encap', 'ip', 'id', '42', 'dst', '192.0.2.9', 'ttl', '8', 'tos', '0x10', 'dev', 'vx0'], spec: { type: 'ip', id: 42, dst: '192.0.2.9', ttl: 8, tos: 16 },
    shown: { encap: 'ip', id: 42, dst: '192.0.2.9', ttl: 8, tos: 16 }, text: 'encap ip id 42 dst 192.0.2.9 ttl 8 tos 16' },
  { args: ['203.0.113.128/25', 'encap', 'mpls', '100/200', 'via', '192.0.2.2', 'dev', 'v0'], spec: { type: 'mpls', labels: [100, 200] },
    shown: { encap: 'mpls', dst: '100/200' }, text: 'encap mpls  100/200' },
  { args: ['203.0.113.64/26', 'encap', 'mpls', '16', 'ttl', '5', 'via', '192.0.2.2', 'dev', 'v0'], spec: { type: 'mpls', labels: [16], ttl: 5 },
    shown: { encap: 'mpls', dst: '16', ttl: 5 }, text: 'encap mpls  16 ttl 5' },
  { args: ['198.51.100.0/24', 'encap', 'seg6', 'mode', 'encap', 'segs', '2001:db8::2,2001:db8::3', 'dev', 'v0'], spec: { type: 'seg6', mode: 'encap', segs: ['2001:db8::2', '2001:db8::3'] },
    shown: { encap: 'seg6', mode: 'encap', segs: ['2001:db8::2', '2001:db8::3'] }, text: 'encap seg6 mode encap segs 2 [ 2001:db8::2 2001:db8::3 ]' },
  { args: ['198.51.100.64/26', 'encap', 'seg6', 'mode', 'l2encap', 'segs', '2001:db8::4', 'dev', 'v0'], spec: { type: 'seg6', mode: 'l2encap', segs: ['2001:db8::4'] },
    shown: { encap: 'seg6', mode: 'l2encap', segs: ['2001:db8::4'] }, text: 'encap seg6 mode l2encap segs 1 [ 2001:db8::4 ]' },
];

test('ip, mpls and seg6 encapsulation: RTA_ENCAP byte-equal to ip route add (strace, where the kernel refuses too), and ip\'s bytes decode to what was asked', async (t) => {
  await withNs('eng', async ({ name }) => {
    setup(name);
    for (const g of GOLDEN) {
      const sent = messagesOf(sentDatagrams(['ip', 'route', 'add', ...g.args], name).datagrams).filter((m) => (m[4]! | (m[5]! << 8)) === RTM_NEWROUTE);
      t.is(sent.length, 1, g.args.join(' '));
      const theirs = attrsOf(sent[0]!);
      const mine = ours(g.spec);
      t.is(Buffer.from(mine.get(RTA_ENCAP_TYPE)!).toString('hex'), Buffer.from(theirs.get(RTA_ENCAP_TYPE)!).toString('hex'), `${g.text}: type`);
      t.is(zeroPads(mine.get(RTA_ENCAP)!), zeroPads(theirs.get(RTA_ENCAP)!), `${g.text}: RTA_ENCAP`);
      // The request has a route's shape: decoded as one, it carries the encapsulation ip was given.
      const [m] = parseMessages(sent[0]!);
      const r = decodeRoute(m!);
      t.like(r.encap, g.shown as any, g.text);
      t.true(routeText(r, false).includes(`  ${g.text}`), `${g.text}: text`);
    }
  });
});

test('multipath with per-hop encapsulation: byte-equal to ip, decoded per hop', async (t) => {
  await withNs('enm', async ({ name, sock: _s }) => {
    setup(name);
    const args = ['198.51.100.128/25', 'nexthop', 'via', '192.0.2.2', 'dev', 'v0', 'encap', 'mpls', '300', 'nexthop', 'via', '192.0.2.3', 'dev', 'v0'];
    const sent = messagesOf(sentDatagrams(['ip', 'route', 'add', ...args], name).datagrams).filter((m) => (m[4]! | (m[5]! << 8)) === RTM_NEWROUTE);
    t.is(sent.length, 1);
    const v0 = Number(/^(\d+):/.exec(ipn(name, ['-o', 'link', 'show', 'v0']))![1]);
    const a = routeAttrs({ to: '198.51.100.128/25', nexthops: [{ via: '192.0.2.2', dev: 'v0', encap: { type: 'mpls', labels: [300] } }, { via: '192.0.2.3', dev: 'v0' }] }, false, () => v0);
    const mine = attrsOf(encodeNewRoute(a));
    t.is(Buffer.from(mine.get(RTA_MULTIPATH)!).toString('hex'), Buffer.from(attrsOf(sent[0]!).get(RTA_MULTIPATH)!).toString('hex'), 'RTA_MULTIPATH');
    const r = decodeRoute(parseMessages(sent[0]!)[0]!);
    t.deepEqual(clean(r.nexthops![0]!.encap), { encap: 'mpls', dst: '300' });
    t.is(r.nexthops![1]!.encap, undefined);
    t.true(routeText(r, false).includes('\n\tnexthop  encap mpls  300 via 192.0.2.2'), routeText(r, false));
  });
});
