// Issue #25 item 2: every public entry point of the fluent API, driven with random values
// (fast-check's `anything`, wrong types, nulls, prototype-less objects) and with oversized
// input (5,000 nexthops, 4,096 set elements, 70 kB attributes and strings): each call either
// succeeds or rejects with a NetlinkTsError subclass. A RangeError, TypeError or any other
// foreign error (or a synchronous throw out of a Promise-returning method) fails the test.
import test from 'ava';
import fc from 'fast-check';
import { netns, NetlinkTsError, MessageTooLargeError, type Namespace } from '../src/index.js';
import { assertPrivate, uniqueName } from './helpers/env.js';

test.before(() => assertPrivate());

type Entry = [name: string, call: (ns: Namespace, a: unknown, b: unknown) => unknown];

/** Every public entry point, fed one or two arbitrary arguments. */
const ENTRIES: Entry[] = [
  ['link.create', (ns, a) => ns.link('fz0').create(a as never)],
  ['link.mac', (ns, a) => ns.link('d0').mac(a as never)],
  ['link.alias', (ns, a) => ns.link('d0').alias(a as never)],
  ['link.mtu', (ns, a) => ns.link('d0').mtu(a as never)],
  ['link.txqlen', (ns, a) => ns.link('d0').txqlen(a as never)],
  ['link.group', (ns, a) => ns.link('d0').group(a as never)],
  ['link.master', (ns, a) => ns.link('d0').master(a as never)],
  ['link.rename', (ns, a) => ns.link('fz1').rename(a as never)],
  ['link.set', (ns, a) => ns.link('d0').set(a as never)],
  ['link.address', (ns, a) => ns.link('d0').address(a as never)],
  ['link.named', (ns, a) => ns.link(a as never).up()],
  ['links.get', (ns, a) => ns.links.get(a as never)],
  ['links.find', (ns, a) => ns.links.find(a as never)],
  ['links.list', (ns, a) => ns.links.list(a as never).collect()],
  ['links.delete', (ns, a) => ns.links.delete(a as never)],
  ['links.createMany', (ns, a) => ns.links.createMany(a as never)],
  ['links.deleteGroup', (ns, a) => ns.links.deleteGroup(a as never)],
  ['addresses.add', (ns, a) => ns.addresses.add(a as never)],
  ['addresses.addMany', (ns, a, b) => ns.addresses.addMany(a as never, b as never)],
  ['addresses.delete', (ns, a) => ns.addresses.delete(a as never)],
  ['addresses.flush', (ns, a) => ns.addresses.flush(a as never)],
  ['addresses.list', (ns, a) => ns.addresses.list(a as never).collect()],
  ['routes.add', (ns, a) => ns.routes.add(a as never)],
  ['routes.replace', (ns, a) => ns.routes.replace(a as never)],
  ['routes.delete', (ns, a) => ns.routes.delete(a as never)],
  ['routes.get', (ns, a) => ns.routes.get(a as never)],
  ['routes.list', (ns, a) => ns.routes.list(a as never).collect()],
  ['routes.addMany', (ns, a, b) => ns.routes.addMany(a as never, b as never)],
  ['neighbours.add', (ns, a) => ns.neighbours.add(a as never)],
  ['neighbours.delete', (ns, a) => ns.neighbours.delete(a as never)],
  ['neighbours.list', (ns, a) => ns.neighbours.list(a as never).collect()],
  ['rules.add', (ns, a) => ns.rules.add(a as never)],
  ['rules.delete', (ns, a) => ns.rules.delete(a as never)],
  ['rules.list', (ns, a) => ns.rules.list(a as never).collect()],
  ['nexthops.add', (ns, a) => ns.nexthops.add(a as never)],
  ['nexthops.get', (ns, a) => ns.nexthops.get(a as never)],
  ['nexthops.delete', (ns, a) => ns.nexthops.delete(a as never)],
  ['nexthops.list', (ns, a) => ns.nexthops.list(a as never).collect()],
  ['fdb.add', (ns, a) => ns.fdb.add(a as never)],
  ['fdb.delete', (ns, a) => ns.fdb.delete(a as never)],
  ['fdb.list', (ns, a) => ns.fdb.list(a as never).collect()],
  ['bridge.setPort', (ns, a, b) => ns.bridge.setPort(a as never, b as never)],
  ['bridge.addVlan', (ns, a) => ns.bridge.addVlan(a as never)],
  ['sysctl.get', (ns, a) => ns.sysctl.get(a as never)],
  ['sysctl.set', (ns, a, b) => ns.sysctl.set(typeof a === 'boolean' ? 'net.ipv4.ip_forward' : a as never, b as never)],
  ['nft.table', (ns, a) => ns.nft.transaction((b) => { b.addTable(a as never); })],
  ['nft.chain', (ns, a) => ns.nft.transaction((b) => { b.addTable({ family: 'inet', name: 'fz' }); b.addChain(a as never); })],
  ['nft.rule', (ns, a) => ns.nft.transaction((b) => { b.addTable({ family: 'inet', name: 'fz' }); b.addRule(a as never); })],
  ['nft.set', (ns, a, b) => ns.nft.transaction((x) => { x.addTable({ family: 'inet', name: 'fz' }); x.addSet(a as never, b as never); })],
  ['nft.elements', (ns, a) => ns.nft.transaction((x) => { x.addElements(a as never); })],
  ['nft.ruleset', (ns, a) => ns.nft.ruleset(a as never)],
  ['nft.masquerade', (ns, a) => ns.nft.masquerade(a as never)],
  ['conntrack.create', (ns, a) => ns.conntrack.create(a as never)],
  ['conntrack.get', (ns, a) => ns.conntrack.get(a as never)],
  ['conntrack.delete', (ns, a) => ns.conntrack.delete(a as never)],
  ['conntrack.update', (ns, a, b) => ns.conntrack.update(a as never, b as never)],
  ['conntrack.flush', (ns, a) => ns.conntrack.flush(a as never)],
];

/** Values a careless caller passes: any JSON-ish value, odd objects, and huge ones. */
const oversized = fc.oneof(
  fc.constant('x'.repeat(70_000)),
  fc.constant(new Uint8Array(70_000)),
  fc.constant(Array.from({ length: 5_000 }, (_, i) => ({ via: `10.0.${i >> 8}.${i & 255}`, dev: 'd0' }))),
  fc.constant(Array.from({ length: 4_096 }, (_, i) => `10.1.${i >> 8}.${i & 255}`)),
);
const odd = fc.oneof(
  fc.constant(Object.create(null) as object), fc.constant(Symbol('s')), fc.constant(10n ** 30n), fc.constant(NaN),
  fc.constant(-0), fc.constant(Infinity), fc.constant(() => 1), fc.constant(new Date(0)), fc.constant(new Map()),
);
const arg = fc.oneof({ weight: 5, arbitrary: fc.anything({ maxDepth: 3 }) }, { weight: 1, arbitrary: odd }, { weight: 1, arbitrary: oversized });

async function outcome(ns: Namespace, call: Entry[1], a: unknown, b: unknown): Promise<unknown> {
  try {
    await call(ns, a, b);
    return undefined;
  } catch (err) {
    return err ?? new Error('rejected with nothing');
  }
}

test('every entry point, random and oversized input: success or a NetlinkTsError, nothing else', async (t) => {
  t.timeout(240_000);
  const ns = await netns.add(uniqueName('hpr'));
  try {
    await ns.link('d0').create({ kind: 'veth', peer: 'd1' }).up();
    await ns.link('d1').up();
    const foreign: string[] = [];
    for (const [name, call] of ENTRIES) {
      // fc.check reports instead of throwing: every foreign error is collected in `foreign`.
      await fc.check(fc.asyncProperty(arg, arg, async (a, b) => {
        const err = await outcome(ns, call, a, b);
        if (err !== undefined && !(err instanceof NetlinkTsError)) {
          foreign.push(`${name}: ${(err as Error)?.constructor?.name}: ${String((err as Error)?.message ?? err).slice(0, 160)}`);
          return false;
        }
        return true;
      }), { numRuns: 25, seed: 25 });
    }
    t.deepEqual(foreign, [], foreign.join('\n'));
  } finally {
    await ns.delete();
  }
});

test('oversized requests are refused with MessageTooLargeError naming the attribute and operation, before sending', async (t) => {
  const ns = await netns.add(uniqueName('hpo'));
  try {
    await ns.link('d0').create({ kind: 'veth', peer: 'd1' }).up();
    const nexthops = Array.from({ length: 5_000 }, (_, i) => ({ via: `10.0.${i >> 8}.${i & 255}`, dev: 'd0' }));
    await ns.addresses.add({ dev: 'd0', address: '10.0.0.1/8' });
    const r = await t.throwsAsync(ns.routes.add({ to: '198.51.100.0/24', nexthops }), { instanceOf: MessageTooLargeError });
    t.is(r!.attribute, 'RTA_MULTIPATH');
    t.regex(r!.message, /^add route 198\.51\.100\.0\/24: attribute RTA_MULTIPATH of \d+ bytes exceeds the netlink limit of 65535 bytes/);
    t.deepEqual(await ns.routes.list({ table: 'main' } as never).collect().then((l) => l.filter((x) => x.dst === '198.51.100.0/24')), [], 'nothing was sent');
    const l = await t.throwsAsync(ns.link('d0').set({ attributes: [{ type: 99, data: new Uint8Array(70_000) }] }));
    const cause = (l as { cause?: unknown }).cause ?? l;
    t.true(cause instanceof MessageTooLargeError, String(cause));
    t.regex(String((cause as Error).message), /^set link d0: /);
    // A set too big for one message: the nft layer splits it, or refuses it typed.
    const elements = Array.from({ length: 4_096 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
    const out = await outcome(ns, (n) => n.nft.transaction((b) => {
      b.addTable({ family: 'inet', name: 'big' });
      b.addSet({ family: 'inet', table: 'big', name: 's', keyType: 'ipv4_addr' }, elements);
    }), undefined, undefined);
    if (out === undefined) t.is((await ns.nft.ruleset()).tables.find((x) => x.name === 'big')?.sets.find((x) => x.name === 's')?.elements.length, elements.length);
    else t.true(out instanceof MessageTooLargeError, String(out));
  } finally {
    await ns.delete();
  }
});
