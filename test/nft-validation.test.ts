// Bad input is refused before any system call, with a ValidationError naming the field.
// The socket here is a trap: any use of it fails the test. Pure: no kernel needed.
import test from 'ava';
import { ValidationError } from '../src/netlink/errors.js';
import type { NetlinkSocket } from '../src/netlink/socket.js';
import { NftBatch, commitBatch, match, masquerade, rule, stmt, verdict, type Family } from '../src/nft/index.js';

const trap = new Proxy({}, {
  get(_t, key) {
    if (key === 'then') return undefined;
    throw new Error(`the socket was used (${String(key)}) before validation finished`);
  },
}) as NetlinkSocket;

async function refused(t: import('ava').ExecutionContext, b: () => NftBatch, field: string | RegExp): Promise<ValidationError> {
  let err: unknown;
  try {
    await commitBatch(trap, b());
  } catch (e) {
    err = e;
  }
  t.true(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  const v = err as ValidationError;
  if (typeof field === 'string') t.is(v.field, field, v.message);
  else t.regex(v.field, field, v.message);
  return v;
}

test('unknown family', async (t) => {
  const e = await refused(t, () => new NftBatch().addTable({ family: 'ipv5' as Family, name: 'x' }), 'table.family');
  t.regex(e.message, /unknown family "ipv5"/);
  await refused(t, () => new NftBatch().addChain({ family: 'inet6' as Family, table: 'x', name: 'c' }), 'chain.family');
});

test('bad prefix', async (t) => {
  for (const bad of ['192.168.0.0/33', '192.168.0/16', '300.1.1.1', 'fd00::/8', '10.0.0.0/-1', '']) {
    const err = t.throws(() => match.ip.saddr(bad), { instanceOf: ValidationError });
    t.is(err!.field, 'match.ip.saddr');
  }
  t.is(t.throws(() => match.ip6.daddr('10.0.0.0/8'), { instanceOf: ValidationError })!.field, 'match.ip6.daddr');
  // Through the helper: its input is checked by its own schema.
  const err = await t.throwsAsync(masquerade(trap, { from: '192.168.0.0/40' }), { instanceOf: ValidationError });
  t.is(err!.field, 'masquerade.from');
});

test('chain name too long (NFT_NAME_MAXLEN)', async (t) => {
  const e = await refused(t, () => new NftBatch().addTable({ family: 'ip', name: 'x' }).addChain({ family: 'ip', table: 'x', name: 'c'.repeat(256) }), 'chain.name');
  t.regex(e.message, /at most 255 bytes/);
  // 255 bytes is the longest the kernel accepts: allowed.
  const ok = new NftBatch().addChain({ family: 'ip', table: 'x', name: 'c'.repeat(255) });
  await t.notThrowsAsync(ok.validate());
  // Multi-byte characters count in bytes.
  await refused(t, () => new NftBatch().addTable({ family: 'ip', name: 'é'.repeat(128) }), 'table.name');
});

test('missing hook for a base chain', async (t) => {
  const e = await refused(t, () => new NftBatch().addChain({ family: 'ip', table: 'nat', name: 'postrouting', type: 'nat', priority: 'srcnat' }), 'chain.hook');
  t.regex(e.message, /needs a hook/);
  await refused(t, () => new NftBatch().addChain({ family: 'ip', table: 'nat', name: 'p', type: 'nat', hook: 'ingress' }), 'chain.hook');
  await refused(t, () => new NftBatch().addChain({ family: 'bridge', table: 'b', name: 'p', type: 'filter', hook: 'input', priority: 'security' }), 'chain.priority');
  await refused(t, () => new NftBatch().addChain({ family: 'netdev', table: 'n', name: 'in', type: 'filter', hook: 'ingress', priority: 0 }), 'chain.device');
});

test('bad expressions name their index and field', async (t) => {
  const loc = { family: 'ip' as Family, table: 'x', chain: 'c' };
  await refused(t, () => new NftBatch().addRule({ ...loc, expressions: [{ type: 'cmp', op: 'eq', sreg: 1, data: new Uint8Array(65) }] }), 'rule.expressions.0.data');
  await refused(t, () => new NftBatch().addRule({ ...loc, expressions: [{ type: 'counter' }, { type: 'meta', key: 'oifname', dreg: 7 }] }), 'rule.expressions.1.dreg');
  await refused(t, () => new NftBatch().addRule({ ...loc, expressions: [{ type: 'bogus' } as never] }), 'rule.expressions.0');
  // A name that every object inherits is no expression type either.
  await refused(t, () => new NftBatch().addRule({ ...loc, expressions: [{ type: 'constructor' } as never] }), 'rule.expressions.0');
  await refused(t, () => new NftBatch().addRule({ ...loc, expressions: [{ type: 'payload', base: 'network', offset: 12, len: 4, dreg: 1, extra: 1 } as never] }), 'rule.expressions.0');
  await refused(t, () => new NftBatch().addRule({ ...loc, expressions: [], comment: 'x'.repeat(200) }), 'rule.comment');
  await refused(t, () => new NftBatch().deleteRule({ ...loc, handle: 0 }), 'rule.handle');
});

test('vocabulary refuses what nft refuses', (t) => {
  t.is(t.throws(() => match.tcp.dport(70000), { instanceOf: ValidationError })!.field, 'match.tcp.dport');
  t.is(t.throws(() => match.tcp.dport([2000, 1000]), { instanceOf: ValidationError })!.field, 'match.tcp.dport');
  t.is(t.throws(() => match.oifname('a-very-long-interface-name'), { instanceOf: ValidationError })!.field, 'match.oifname');
  t.is(t.throws(() => match.ct.state('establishd' as never), { instanceOf: ValidationError })!.field, 'match.ct.state');
  t.is(t.throws(() => stmt.snat({ to: '203.0.113.1-2001:db8::1' }), { instanceOf: ValidationError })!.field, 'stmt.snat.to');
  t.is(t.throws(() => rule({ family: 'ip', table: 'x', chain: 'c' }, match.ip6.saddr('fd00::/8')), { instanceOf: ValidationError })!.field, 'match.ip6.saddr');
  t.is(t.throws(() => rule({ family: 'bridge', table: 'x', chain: 'c' }, stmt.masquerade()), { instanceOf: ValidationError })!.field, 'stmt.masquerade');
  t.is(t.throws(() => verdict.jump(''), { instanceOf: ValidationError })!.field, 'verdict.jump');
});

test('elements must fit the set type', async (t) => {
  const e = await refused(t, () => new NftBatch().addSet({ family: 'ip', table: 'x', name: 's', keyType: 'ipv4_addr' }, ['192.0.2.1', 'not-an-address']), /^add element ip x s: element 2$/);
  t.regex(e.message, /not a value of type ipv4_addr/);
  await refused(t, () => new NftBatch().addSet({ family: 'ip', table: 'x', name: 'p', keyType: 'inet_service' }, [22, 65536]), /element 2/);
  await refused(t, () => new NftBatch().addSet({ family: 'ip', table: 'x', name: 's', keyType: 'ipv5_addr' as never }), 'set.keyType');
});

test('the socket is untouched: validation happens first even in long batches', async (t) => {
  const b = (): NftBatch => {
    const batch = new NftBatch().addTable({ family: 'ip', name: 'x' });
    for (let i = 0; i < 1000; i++) batch.addRule(rule({ family: 'ip', table: 'x', chain: 'c' }, match.tcp.dport(i), verdict.accept()));
    batch.addChain({ family: 'ip', table: 'x', name: 'c', type: 'filter', priority: 0 });
    return batch;
  };
  const e = await refused(t, b, 'chain.hook');
  t.regex(e.message, /operation 1002/);
});
