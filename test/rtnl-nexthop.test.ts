// Nexthop objects against the kernel and `ip nexthop`: objects made by ip decode and print as
// `ip -j [-d] nexthop`, the library's requests are byte-equal to ip's, library writes read back
// by ip, routes by nhid, resilient buckets, bad input refused.
import test from 'ava';
import { ValidationError } from '../src/netlink/errors.js';
import {
  addNexthop, addRoute, createLink, addAddress, deleteNexthop, encodeDelNexthop, encodeNewNexthop, flushNexthops, getNexthop, linkIndex,
  listNexthopBuckets, listNexthops, listRoutes, nexthopBucketJson, nexthopJson, nexthopMessage, nexthopText, replaceNexthop,
  type NexthopObjectSpec,
} from '../src/rtnl/index.js';
import { ipj, ipn, withNs } from './helpers/rtnl.js';
import { messagesOf, requestHex, sentDatagrams } from './helpers/strace.js';
import { run } from './helpers/env.js';
import { readFileSync } from 'node:fs';
import { notifications } from './helpers/notify.js';
import { decodeNexthop } from '../src/rtnl/index.js';
import { rtNexthopSpec } from '../src/rtnl/spec/nexthop.js';
import { rtNexthop } from '../src/rtnl/families.js';

const RTM_NEWNEXTHOP = 104, RTM_DELNEXTHOP = 105;
const clean = (o: unknown): any => JSON.parse(JSON.stringify(o));

async function setup(sock: any): Promise<void> {
  await createLink(sock, { name: 'veth0', kind: 'veth', peer: { name: 'veth1', up: true }, up: true });
  await addAddress(sock, { dev: 'veth0', address: '192.0.2.1/24' });
  await addAddress(sock, { dev: 'veth0', address: '2001:db8::1/64', nodad: true } as any);
}

// ip arguments and the library's spec for the same object, in ip's argument order.
const CASES: Array<[string[], NexthopObjectSpec]> = [
  [['id', '1', 'via', '192.0.2.2', 'dev', 'veth0'], { id: 1, via: '192.0.2.2', dev: 'veth0' }],
  [['id', '2', 'via', '192.0.2.3', 'dev', 'veth0', 'onlink', 'protocol', 'static'], { id: 2, via: '192.0.2.3', dev: 'veth0', onlink: true, protocol: 'static' }],
  [['id', '3', 'blackhole'], { id: 3, blackhole: true }],
  [['id', '4', 'dev', 'veth0'], { id: 4, dev: 'veth0' }],
  [['id', '5', 'via', '2001:db8::2', 'dev', 'veth0'], { id: 5, via: '2001:db8::2', dev: 'veth0' }],
  [['id', '6', 'via', '192.0.2.9', 'fdb'], { id: 6, via: '192.0.2.9', fdb: true }],
  [['id', '7', 'via', '2001:db8::3', 'fdb'], { id: 7, via: '2001:db8::3', fdb: true }],
  [['id', '8', 'via', '192.0.2.4', 'dev', 'veth0', 'protocol', 'zebra'], { id: 8, via: '192.0.2.4', dev: 'veth0', protocol: 'zebra' }],
  [['id', '10', 'group', '1/2,3'], { id: 10, group: [1, { id: 2, weight: 3 }] }],
  [['id', '11', 'group', '1,10/2,20', 'type', 'resilient', 'buckets', '8', 'idle_timer', '30', 'unbalanced_timer', '60'],
    { id: 11, group: [{ id: 1, weight: 10 }, { id: 2, weight: 20 }], type: 'resilient', buckets: 8, idle_timer: 30, unbalanced_timer: 60 }],
  [['id', '12', 'group', '6', 'fdb'], { id: 12, group: [6], fdb: true }],
  [['id', '13', 'group', '1,256/8', 'type', 'mpath'], { id: 13, group: [{ id: 1, weight: 256 }, 8], type: 'mpath' }],
];

test('nexthops made by ip (singles, groups, resilient, fdb) decode and print as ip -j [-d] nexthop', async (t) => {
  await withNs('nh', async ({ name, sock }) => {
    await setup(sock);
    for (const [args] of CASES) ipn(name, ['nexthop', 'add', ...args]);
    const lib = await listNexthops(sock);
    t.is(lib.length, CASES.length);
    t.deepEqual(clean(lib.map((n) => nexthopJson(n))), ipj(name, ['nexthop', 'show']));
    t.deepEqual(clean(lib.map((n) => nexthopJson(n, true))), ipj(name, ['-d', 'nexthop', 'show']));
    t.is(lib.map((n) => nexthopText(n)).join(''), run('ip', ['-n', name, 'nexthop', 'show']));
    t.is(lib.map((n) => nexthopText(n, true)).join(''), run('ip', ['-n', name, '-d', 'nexthop', 'show']));
    // Kernel-side filters, against ip's own.
    for (const [filter, args] of [[{ groups: true }, ['groups']], [{ fdb: true }, ['fdb']], [{ dev: 'veth0' }, ['dev', 'veth0']], [{ family: 6 }, []],
      [{ protocol: 'static' }, ['protocol', '4']]] as const) {
      const ip = ipj(name, [...((filter as any).family === 6 ? ['-6'] : []), 'nexthop', 'show', ...args]);
      t.deepEqual(clean((await listNexthops(sock, filter as any)).map((n) => nexthopJson(n))), ip, JSON.stringify(filter));
    }
    t.deepEqual(clean(nexthopJson(await getNexthop(sock, 11))), ipj(name, ['nexthop', 'get', 'id', '11'])[0]);
    const buckets = await listNexthopBuckets(sock, 11);
    t.is(buckets.length, 8);
    t.deepEqual(clean(buckets.map(nexthopBucketJson)).map((b: any) => ({ ...b, bucket: { ...b.bucket, idle_time: undefined } })).map(clean),
      ipj(name, ['nexthop', 'bucket', 'show', 'id', '11']).map((b: any) => ({ ...b, bucket: { ...b.bucket, idle_time: undefined } })).map(clean),
      'buckets (idle_time moves between reads)');
    // Group statistics (NHA_OP_FLAGS dump-stats, kernel 6.10+): one entry per member.
    t.deepEqual((await getNexthop(sock, 10, { stats: true })).group_stats?.map((g) => [g.id, typeof g.packets]), [[1, 'number'], [2, 'number']]);
    t.deepEqual((await listNexthops(sock, { stats: true, groups: true })).map((n) => n.group_stats?.length), [2, 2, 1, 2]);
    const e = await t.throwsAsync(getNexthop(sock, 999));
    t.is((e as any).code, 'ENOENT');
  });
});

test('library nexthop requests are byte-equal to ip nexthop add / replace / del', async (t) => {
  await withNs('nb', async ({ name, sock }) => {
    await setup(sock);
    const veth0 = await linkIndex(sock, 'veth0');
    for (const [args, spec] of CASES) {
      for (const verb of ['add', 'replace'] as const) {
        const { datagrams, stderr } = sentDatagrams(['ip', 'nexthop', verb, ...args], name);
        const sent = messagesOf(datagrams).filter((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true) === RTM_NEWNEXTHOP);
        t.is(sent.length, 1, `ip nexthop ${verb} ${args.join(' ')}: ${stderr}`);
        const mine = encodeNewNexthop(nexthopMessage(spec, spec.dev !== undefined ? veth0 : undefined), verb);
        t.is(requestHex(mine), requestHex(sent[0]!), `ip nexthop ${verb} ${args.join(' ')}`);
      }
    }
    const { datagrams } = sentDatagrams(['ip', 'nexthop', 'del', 'id', '10'], name);
    const del = messagesOf(datagrams).find((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true) === RTM_DELNEXTHOP)!;
    t.is(requestHex(encodeDelNexthop(10)), requestHex(del));
  });
});

test('library nexthops read back by ip; replace; routes by nhid; delete, flush', async (t) => {
  await withNs('nl', async ({ name, sock }) => {
    await setup(sock);
    for (const [, spec] of CASES) await addNexthop(sock, spec);
    t.deepEqual(clean((await listNexthops(sock)).map((n) => nexthopJson(n))), ipj(name, ['nexthop', 'show']));
    t.like(ipj(name, ['nexthop', 'get', 'id', '11'])[0], {
      group: [{ id: 1, weight: 10 }, { id: 2, weight: 20 }], type: 'resilient', resilient_args: { buckets: 8, idle_timer: 30, unbalanced_timer: 60 },
    });
    t.like(ipj(name, ['nexthop', 'get', 'id', '2'])[0], { gateway: '192.0.2.3', dev: 'veth0', protocol: 'static', flags: ['onlink'] });
    const dup = await t.throwsAsync(addNexthop(sock, { id: 1, dev: 'veth0' }));
    t.is((dup as any).code, 'EEXIST');

    await addRoute(sock, { to: '198.51.100.0/24', nhid: 10 });
    await addRoute(sock, { to: '2001:db8:5::/48', nhid: 5 });
    const r = ipj(name, ['route', 'show', '198.51.100.0/24'])[0];
    t.like(r, { nhid: 10 });
    t.deepEqual(r.nexthops.map((n: any) => [n.gateway, n.weight]), [['192.0.2.2', 1], ['192.0.2.3', 3]]);
    const libRoute = (await listRoutes(sock)).find((x) => x.dst === '198.51.100.0/24')!;
    t.is(libRoute.nhid, 10);
    t.like(ipj(name, ['-6', 'route', 'show', '2001:db8:5::/48'])[0], { nhid: 5, gateway: '2001:db8::2', dev: 'veth0' });

    // Replace in place: the route follows the group's new members.
    await replaceNexthop(sock, { id: 10, group: [1, 8] });
    t.deepEqual(ipj(name, ['route', 'show', '198.51.100.0/24'])[0].nexthops.map((n: any) => n.gateway), ['192.0.2.2', '192.0.2.4']);
    await replaceNexthop(sock, { id: 1, via: '192.0.2.77', dev: 'veth0' });
    t.is(ipj(name, ['nexthop', 'get', 'id', '1'])[0].gateway, '192.0.2.77');

    await deleteNexthop(sock, 10);
    t.deepEqual(ipj(name, ['route', 'show', '198.51.100.0/24']), [], 'the route went with its nexthop');
    const gone = await t.throwsAsync(deleteNexthop(sock, 10));
    t.is((gone as any).code, 'ENOENT');
    t.regex((gone as Error).message, /delete nexthop id 10/);

    t.is(await flushNexthops(sock, { protocol: 'zebra' }), 1);
    t.throws(() => ipj(name, ['nexthop', 'show', 'id', '8']), { message: /No such file/ });
    const left = (await listNexthops(sock)).length;
    t.is(await flushNexthops(sock), left);
    t.deepEqual(ipj(name, ['nexthop', 'show']), []);
  });
});

test('bad nexthops are refused before anything is sent, the field named', async (t) => {
  const sock = { request: () => { throw new Error('sent'); } } as any;
  const bad: Array<[NexthopObjectSpec, RegExp]> = [
    [{ id: 1 }, /nexthop\.via.*needs via, dev or blackhole/],
    [{ id: 0, blackhole: true }, /nexthop\.id/],
    [{ id: 1, group: [1, 1] }, /nexthop\.group.*twice/],
    [{ id: 1, group: [{ id: 2, weight: 257 }] }, /nexthop\.group/],
    [{ id: 1, group: [2], via: '192.0.2.1' }, /nexthop\.via.*group/],
    [{ id: 1, blackhole: true, via: '192.0.2.1' }, /nexthop\.blackhole/],
    [{ id: 1, via: '192.0.2.1', buckets: 4 }, /nexthop\.buckets/],
    [{ id: 1, via: '192.0.2.1', family: 6 }, /nexthop\.via.*family/],
    [{ id: 1, via: 'nonsense' }, /nexthop\.via/],
    [{ id: 1, blackhole: true, protocol: 'nosuch' }, /nexthop\.protocol/],
  ];
  for (const [spec, re] of bad) {
    const e = await t.throwsAsync(addNexthop(sock, spec), { instanceOf: ValidationError });
    t.regex(e!.message, re, JSON.stringify(spec));
  }
  await t.throwsAsync(deleteNexthop(sock, 0), { instanceOf: ValidationError });
  await t.throwsAsync(addRoute(sock, { to: '198.51.100.0/24', nhid: 1, via: '192.0.2.1' }), { instanceOf: ValidationError, message: /route\.nhid/ });
});

test('the nexthop declaration agrees with linux/nexthop.h (what Debian 12 ships)', (t) => {
  const header = readFileSync('/usr/include/linux/nexthop.h', 'utf8');
  // The enums in the header, numbered from 0 as C does (aliases like NHA_RES_GROUP_PAD skipped).
  const enumOf = (first: string): Map<string, number> => {
    const body = new RegExp(`enum \\{([^}]*\\b${first}\\b[^}]*)\\}`).exec(header)![1]!;
    const out = new Map<string, number>();
    let n = 0;
    for (const line of body.split('\n')) {
      const m = /^\s*(\w+)\s*(=\s*(\w+))?\s*,/.exec(line.replace(/\/\*.*?\*\//g, ''));
      if (!m || m[1]!.startsWith('__')) continue;
      if (m[3]) { if (!/^\d+$/.test(m[3])) continue; n = Number(m[3]); }
      out.set(m[1]!, n++);
    }
    return out;
  };
  const check = (first: string, prefix: string, set: string): void => {
    const attrs = rtNexthopSpec.attributeSets[set as keyof typeof rtNexthopSpec.attributeSets] as readonly { name: string; value: number }[];
    const decl = new Map<string, number>(attrs.map((a) => [a.name, a.value]));
    let n = 0;
    for (const [name, value] of enumOf(first)) {
      if (value === 0) continue; // UNSPEC / PAD
      const mine = name.slice(prefix.length).toLowerCase().replace(/_/g, '-');
      t.is(decl.get(mine), value, `${name} = ${value}`);
      n++;
    }
    t.true(n >= 3, `${first}: ${n} entries compared`);
  };
  check('NHA_ID', 'NHA_', 'nexthop-attrs');
  check('NHA_RES_GROUP_BUCKETS', 'NHA_RES_GROUP_', 'nha-res-group-attrs');
  check('NHA_RES_BUCKET_INDEX', 'NHA_RES_BUCKET_', 'nha-res-bucket-attrs');
  t.regex(header, /struct nexthop_grp \{\s*__u32\s+id;[^}]*__u8\s+weight;/);
  t.is(rtNexthop.struct('nexthop-grp').size, 8);
  t.is(rtNexthop.struct('nhmsg').size, 8);
});

test('nexthop notifications (RTNLGRP_NEXTHOP) decode as ip -j nexthop shows the objects, deletions flagged', async (t) => {
  await withNs('nn', async ({ name, sock }) => {
    await setup(sock);
    const names = new Map([[await linkIndex(sock, 'veth0'), 'veth0']]);
    const RTNLGRP_NEXTHOP = 32;
    const events = await notifications(name, [RTNLGRP_NEXTHOP], (m) => (m.type === RTM_NEWNEXTHOP || m.type === RTM_DELNEXTHOP ? decodeNexthop(m, (i) => names.get(i)) : undefined), () => {
      ipn(name, ['nexthop', 'add', 'id', '1', 'via', '192.0.2.2', 'dev', 'veth0']);
      ipn(name, ['nexthop', 'add', 'id', '10', 'group', '1']);
      ipn(name, ['nexthop', 'replace', 'id', '1', 'via', '192.0.2.9', 'dev', 'veth0']);
      ipn(name, ['nexthop', 'del', 'id', '10']);
    }, (got) => got.length >= 4);
    t.deepEqual(events.map((e) => [e.msg, e.id]), [['newnexthop', 1], ['newnexthop', 10], ['newnexthop', 1], ['delnexthop', 10]]);
    t.deepEqual(clean(nexthopJson(events[2]!)), ipj(name, ['nexthop', 'get', 'id', '1'])[0], 'a replace announces the new object');
    t.like(clean(nexthopJson(events[3]!)), { deleted: true, id: 10, group: [{ id: 1 }] });
    t.is(nexthopText(events[3]!), 'Deleted id 10 group 1 \n');
  });
});

test('listing filters that name nothing are refused with the field named', async (t) => {
  const sock = { request: () => { throw new Error('sent'); }, dumpBatches: () => { throw new Error('sent'); } } as any;
  await t.throwsAsync(listNexthops(sock, { protocol: 'nosuch', resolveNames: false }), { instanceOf: ValidationError, message: /listNexthops\.protocol/ });
  const { flushRules } = await import('../src/rtnl/index.js');
  await t.throwsAsync(flushRules(sock, { protocol: 'nosuch' }), { instanceOf: ValidationError, message: /flushRules\.protocol/ });
});
