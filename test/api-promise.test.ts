// A link chain is a Promise: then/catch/finally, instanceof, Promise.all, and it still runs
// only when something waits for it. A rejected chain rejects with ChainStepError either way.
import test from 'ava';
import { netns, ChainStepError, NetlinkError, type Namespace } from '../src/index.js';
import { assertPrivate, tryRun, uniqueName } from './helpers/env.js';

test.before(() => assertPrivate());

async function withNs<T>(prefix: string, fn: (ns: Namespace) => Promise<T>): Promise<T> {
  const ns = await netns.add(uniqueName(prefix));
  try {
    return await fn(ns);
  } finally {
    await ns.delete();
  }
}

const exists = (ns: Namespace, link: string) => tryRun('ip', ['-n', ns.name!, 'link', 'show', link]).status === 0;

test('a chain is an instance of Promise, and what then/catch/finally return are plain promises', async (t) => {
  await withNs('prm', async (ns) => {
    const chain = ns.link('pb0').create({ kind: 'bridge' });
    t.true(chain instanceof Promise);
    const derived = chain.then((l) => l?.ifname);
    t.is(Object.getPrototypeOf(derived), Promise.prototype);
    t.is(await derived, 'pb0');
    t.is((await chain)?.ifname, 'pb0', 'awaiting again gives the same result, without running twice');
    t.true(exists(ns, 'pb0'));
  });
});

test('nothing runs until the chain is waited for; then no more steps can be added', async (t) => {
  await withNs('prl', async (ns) => {
    const chain = ns.link('lazy0').create({ kind: 'bridge' });
    await new Promise((r) => setTimeout(r, 50));
    t.false(exists(ns, 'lazy0'), 'a plan nobody awaited made nothing');
    const up = chain.up();
    t.is(up, chain, 'steps append to the same chain');
    await chain;
    t.true(exists(ns, 'lazy0'));
    t.throws(() => chain.down(), { message: /already run/ });
  });
});

test('catch() receives the same ChainStepError that await throws', async (t) => {
  await withNs('prc', async (ns) => {
    const caught = await ns.link('nosuch0').delete().catch((e: unknown) => e);
    t.true(caught instanceof ChainStepError);
    const err = caught as ChainStepError;
    t.is(err.step, 'delete nosuch0');
    t.true(err.cause instanceof NetlinkError);
    t.is((err.cause as NetlinkError).code, 'ENODEV');
    const thrown = await t.throwsAsync(ns.link('nosuch0').delete(), { instanceOf: ChainStepError });
    t.is(thrown!.message, err.message);
  });
});

test('finally() runs after success and after failure, passing the outcome through', async (t) => {
  await withNs('prf', async (ns) => {
    const seen: string[] = [];
    const link = await ns.link('fin0').create({ kind: 'bridge' }).finally(() => seen.push('ok'));
    t.is(link?.ifname, 'fin0');
    await t.throwsAsync(ns.link('fin1').up().finally(() => seen.push('failed')), { instanceOf: ChainStepError });
    t.deepEqual(seen, ['ok', 'failed']);
  });
});

test('Promise.all and Promise.allSettled take chains', async (t) => {
  await withNs('pra', async (ns) => {
    const links = await Promise.all([ns.link('all0').create({ kind: 'bridge' }), ns.link('all1').create({ kind: 'bridge' }).up()]);
    t.deepEqual(links.map((l) => l?.ifname), ['all0', 'all1']);
    const settled = await Promise.allSettled([ns.link('all0').down(), ns.link('nosuch1').up()]);
    t.deepEqual(settled.map((s) => s.status), ['fulfilled', 'rejected']);
    t.true((settled[1] as PromiseRejectedResult).reason instanceof ChainStepError);
  });
});
