// The fluent API against the real kernel, checked with iproute2 as the oracle.
import test from 'ava';
import { netns, ChainStepError, ValidationError, NetlinkError, type Namespace } from '../src/index.js';
import { assertPrivate, ipJson, ip, tryRun, uniqueName } from './helpers/env.js';

test.before(() => assertPrivate());

async function withNs<T>(prefix: string, fn: (ns: Namespace) => Promise<T>): Promise<T> {
  const ns = await netns.add(uniqueName(prefix));
  try {
    return await fn(ns);
  } finally {
    await ns.delete();
  }
}

test('a chain creates a bridge, brings it up and addresses it; ip agrees', async (t) => {
  await withNs('api', async (ns) => {
    const link = await ns.link('br0').create({ kind: 'bridge' }).up().address('192.168.0.1/16');
    t.is(link?.ifname, 'br0');
    const [br] = ipJson<any[]>(['-d', 'link', 'show', 'br0'], ns.name);
    t.is(br.linkinfo.info_kind, 'bridge');
    t.true(br.flags.includes('UP'));
    const [addr] = ipJson<any[]>(['addr', 'show', 'dev', 'br0'], ns.name);
    t.deepEqual(addr.addr_info.filter((a: any) => a.family === 'inet').map((a: any) => `${a.local}/${a.prefixlen}`), ['192.168.0.1/16']);
  });
});

test('a veth peer is created directly in another namespace and enslaved to a bridge', async (t) => {
  await withNs('apih', async (host) => {
    await withNs('apic', async (child) => {
      await host.link('br0').create({ kind: 'bridge' }).up();
      await host.link('veth0').create({ kind: 'veth', peer: { name: 'ceth0', netns: child } }).master('br0').up();
      await child.link('ceth0').up().address('192.168.0.2/16');
      const [veth] = ipJson<any[]>(['-d', 'link', 'show', 'veth0'], host.name);
      t.is(veth.master, 'br0');
      t.is(veth.linkinfo.info_kind, 'veth');
      t.is(typeof veth.link_netnsid, 'number');
      const [ceth] = ipJson<any[]>(['-d', 'link', 'show', 'ceth0'], child.name);
      t.is(typeof veth.link_index, 'number');
      t.is(ceth.ifindex, veth.link_index, 'the host side names the peer by its index in the child namespace');
      t.true(ceth.flags.includes('UP'));
      const ports = await host.links.list({ master: 'br0' }).collect();
      t.deepEqual(ports.map((l) => l.ifname), ['veth0']);
      const veths = await host.links.list({ kind: 'veth' }).collect();
      t.deepEqual(veths.map((l) => l.ifname), ['veth0']);
    });
  });
});

test('a failing step rejects naming the step; what the chain created is removed', async (t) => {
  await withNs('apif', async (ns) => {
    const err = await t.throwsAsync(ns.link('vx0').create({ kind: 'veth', peer: { name: 'vx1' } }).up().master('nosuchbr'), { instanceOf: ChainStepError });
    t.is(err!.step, 'master nosuchbr');
    t.deepEqual(err!.applied, ['create veth vx0', 'up']);
    t.deepEqual(err!.rolledBack, ['delete link vx0']);
    t.regex(err!.message, /nosuchbr/);
    t.not(tryRun('ip', ['-n', ns.name!, 'link', 'show', 'vx0']).status, 0);
    t.not(tryRun('ip', ['-n', ns.name!, 'link', 'show', 'vx1']).status, 0);
  });
});

test('addresses a chain put on an existing link are removed when a later step fails', async (t) => {
  await withNs('apia', async (ns) => {
    ip(['link', 'add', 'br9', 'type', 'bridge'], ns.name);
    const err = await t.throwsAsync(ns.link('br9').address('10.9.0.1/24').address('10.9.0.1/24'), { instanceOf: ChainStepError });
    t.true(err!.cause instanceof NetlinkError);
    t.is((err!.cause as NetlinkError).code, 'EEXIST');
    t.deepEqual(err!.rolledBack, ['delete address 10.9.0.1/24 from br9']);
    const [a] = ipJson<any[]>(['addr', 'show', 'dev', 'br9'], ns.name);
    t.deepEqual(a.addr_info.filter((x: any) => x.family === 'inet'), []);
  });
});

test('bad input anywhere in a chain is refused before any step runs', async (t) => {
  await withNs('apiv', async (ns) => {
    const err = await t.throwsAsync(ns.link('br1').create({ kind: 'bridge' }).up().address('192.168.300.1/16'), { instanceOf: ChainStepError });
    t.true(err!.cause instanceof ValidationError);
    t.regex(err!.message, /address/);
    t.deepEqual(err!.applied, []);
    t.not(tryRun('ip', ['-n', ns.name!, 'link', 'show', 'br1']).status, 0, 'nothing was created');
    const long = await t.throwsAsync(ns.link('averyveryverylongname').create({ kind: 'bridge' }), { instanceOf: ChainStepError });
    t.true(long!.cause instanceof ValidationError);
    t.regex(long!.cause.message, /link\.name/);
  });
});

test('moveTo, rename and later steps follow the link into the other namespace', async (t) => {
  await withNs('apim', async (a) => {
    await withNs('apin', async (b) => {
      await a.link('m0').create({ kind: 'veth', peer: { name: 'm1' } });
      await a.link('m1').moveTo(b, 'eth0').up().address('10.20.0.2/24');
      const [eth0] = ipJson<any[]>(['addr', 'show', 'dev', 'eth0'], b.name);
      t.deepEqual(eth0.addr_info.filter((x: any) => x.family === 'inet').map((x: any) => x.local), ['10.20.0.2']);
      t.not(tryRun('ip', ['-n', a.name!, 'link', 'show', 'm1']).status, 0);
    });
  });
});

test('routes, sysctl and neighbours through the namespace facades', async (t) => {
  await withNs('apir', async (ns) => {
    await ns.link('lo').up();
    await ns.link('r0').create({ kind: 'veth', peer: { name: 'r1' } }).up().address('10.30.0.1/24');
    await ns.link('r1').up();
    await ns.routes.add({ to: '198.51.100.0/24', via: '10.30.0.2' });
    const routes = await ns.routes.list().collect();
    t.true(routes.some((r) => r.dst === '198.51.100.0/24' && r.gateway === '10.30.0.2'));
    t.deepEqual(ipJson<any[]>(['route', 'show', '198.51.100.0/24'], ns.name).map((r) => r.gateway), ['10.30.0.2']);
    const got = await ns.routes.get('198.51.100.7');
    t.is(got.gateway, '10.30.0.2');
    await t.throwsAsync(ns.routes.get('203.0.113.9'), { instanceOf: NetlinkError, message: /ENETUNREACH/ });
    t.is(await ns.sysctl.get('net.ipv4.ip_forward'), '0');
    await ns.sysctl.set('net.ipv4.ip_forward', 1);
    t.is(await ns.sysctl.get('net.ipv4.ip_forward'), '1');
    t.is((await ns.exec('sysctl', ['-n', 'net.ipv4.ip_forward'])).stdout.trim(), '1');
    await ns.neighbours.add({ dev: 'r0', to: '10.30.0.9', lladdr: '02:00:00:00:00:09' });
    const neigh = await ns.neighbours.list({ dev: 'r0' }).collect();
    t.true(neigh.some((n) => n.dst === '10.30.0.9' && n.lladdr === '02:00:00:00:00:09'));
  });
});

test('netns.add/list/open/delete agree with `ip netns list`', async (t) => {
  const name = uniqueName('apil');
  const ns = await netns.add(name);
  t.true((await netns.list()).includes(name));
  t.true(tryRun('ip', ['netns', 'list']).stdout.includes(name));
  const again = await netns.open(name);
  t.true(again.handle.equals(ns.handle));
  again.close();
  await ns.delete();
  t.false((await netns.list()).includes(name));
  await t.throwsAsync(netns.open(name), { instanceOf: ValidationError });
});

test('bulk through the namespace handle: links.createMany, routes.addMany/deleteMany; ip agrees', async (t) => {
  await withNs('apb', async (ns) => {
    const specs = Array.from({ length: 50 }, (_, i) => ({ kind: 'veth' as const, name: `p${i}`, up: true, peer: { name: `q${i}`, up: true } }));
    t.deepEqual(await ns.links.createMany(specs), []);
    const links = ipJson(['-n', ns.name!, 'link', 'show']) as Array<{ ifname: string; operstate: string }>;
    t.is(links.filter((l) => /^[pq]\d+$/.test(l.ifname) && l.operstate === 'UP').length, 100);
    const routes = Array.from({ length: 500 }, (_, i) => ({ to: `10.3.${i >> 8}.${i & 255}/32`, dev: `p${i % 50}`, table: 7 }));
    routes.push({ to: '10.3.0.0/32', dev: 'p0', table: 7 }); // a duplicate
    const failed = await ns.routes.addMany(routes);
    t.deepEqual(failed.map((f) => [f.index, (f.error as NetlinkError).code]), [[500, 'EEXIST']]);
    const table = ipJson(['-n', ns.name!, 'route', 'show', 'table', '7']) as Array<{ dst: string; dev: string }>;
    t.is(table.length, 500);
    t.is(table.find((r) => r.dst === '10.3.1.7')?.dev, `p${263 % 50}`);
    t.deepEqual(await ns.routes.deleteMany(routes.slice(0, 250)), []);
    t.is((ipJson(['-n', ns.name!, 'route', 'show', 'table', '7']) as unknown[]).length, 250);
  });
});
