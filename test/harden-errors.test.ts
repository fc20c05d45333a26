// Issue #25 items 5 and 11: a closed namespace handle (current or named) throws the same
// HandleClosedError on every path; a chain's rejection is matchable by the cause's errno name
// (`e.code === 'EEXIST'`) as docs/errors.md shows.
import test from 'ava';
import { netns, ChainStepError, HandleClosedError, NetlinkError, NetlinkTsError } from '../src/index.js';
import { assertPrivate, uniqueName } from './helpers/env.js';
import { editDistance, closest } from '../src/cli/suggest.js';

test.before(() => assertPrivate());

async function closedPaths(ns: Awaited<ReturnType<typeof netns.current>>): Promise<Array<[string, () => unknown]>> {
  return [
    ['links.list', () => ns.links.list().collect()],
    ['links.get', () => ns.links.get('lo')],
    ['link chain', () => ns.link('lo').up()],
    ['addresses.list', () => ns.addresses.list().collect()],
    ['routes.list', () => ns.routes.list().collect()],
    ['sysctl.get', () => ns.sysctl.get('net.ipv4.ip_forward')],
    ['nft.ruleset', () => ns.nft.ruleset()],
    ['conntrack.count', () => ns.conntrack.count()],
    ['genl', () => ns.genl()],
    ['fd', () => ns.fd],
  ];
}

async function expectClosed(t: import('ava').ExecutionContext, label: string, fn: () => unknown): Promise<void> {
  let err: unknown;
  try { await fn(); } catch (e) { err = e; }
  // A chain wraps what its step threw: the step's cause is the HandleClosedError.
  const cause = err instanceof ChainStepError ? err.cause : err;
  t.true(cause instanceof HandleClosedError, `${label}: ${String(err)}`);
  t.true(err instanceof NetlinkTsError, label);
}

test('a closed current-namespace handle throws HandleClosedError instead of reopening a socket', async (t) => {
  const ns = await netns.current();
  await ns.links.get('lo');
  ns.close();
  t.true(ns.closed);
  for (const [label, fn] of await closedPaths(ns)) await expectClosed(t, `current ${label}`, fn);
});

test('a closed named handle throws the same HandleClosedError', async (t) => {
  const name = uniqueName('hcl');
  const ns = await netns.add(name);
  const again = await netns.open(name);
  try {
    ns.close();
    for (const [label, fn] of await closedPaths(ns)) await expectClosed(t, `named ${label}`, fn);
    const e = await t.throwsAsync(async () => ns.links.get('lo'), { instanceOf: HandleClosedError });
    t.regex(e!.message, new RegExp(`namespace handle ${name} is closed`));
    // A closed handle given as another link's namespace is refused the same way.
    const peer = await t.throwsAsync(again.link('va').create({ kind: 'veth', peer: { name: 'vb', netns: ns } }), { instanceOf: ChainStepError });
    t.true(peer!.cause instanceof HandleClosedError, String(peer!.cause));
  } finally {
    await again.delete();
  }
});

test('a chain rejection carries the cause\'s code and errno: e.code === "EEXIST" matches', async (t) => {
  const ns = await netns.add(uniqueName('hcc'));
  try {
    await ns.link('va').create({ kind: 'veth', peer: 'vb' });
    const err = await t.throwsAsync(ns.link('va').create({ kind: 'veth', peer: 'vc' }), { instanceOf: ChainStepError });
    t.true(err!.cause instanceof NetlinkError);
    t.is(err!.code, 'EEXIST');
    t.is(err!.errno, 17);
    t.is(err!.code, (err!.cause as NetlinkError).code);
    const bad = await t.throwsAsync(ns.link('va').mac('zz'), { instanceOf: ChainStepError });
    t.is(bad!.code, undefined, 'an input error has no errno');
    t.is(bad!.field, 'link.address');
  } finally {
    await ns.delete();
  }
});

test('did-you-mean ranks by edit distance: dropped, swapped and changed letters', (t) => {
  t.is(editDistance('jsn', 'json'), 1);
  t.is(editDistance('josn', 'json'), 1, 'a swap is one edit');
  t.is(editDistance('kitten', 'sitting'), 3);
  t.is(closest('jsn', ['netns', 'json', 'raw']), 'json');
  t.is(closest('jso', ['netns', 'json']), 'json', 'prefixes still match');
  t.is(closest('frobnicate', ['json', 'netns', 'raw']), undefined, 'nothing close: no suggestion');
});
