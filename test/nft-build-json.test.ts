// libnftables JSON in: a varied ruleset loaded by nft -f, listed by `nft -j list ruleset`,
// flushed, committed back from that JSON by the library as one transaction: `nft list
// ruleset` before and after are equal. And the command form (add/delete/flush), atomic.
import test from 'ava';
import { ValidationError } from '../src/netlink/errors.js';
import { NftCommitError } from '../src/nft/index.js';
import { batchFromJson } from '../src/nft/build/json.js';
import { listText, nftIn, withNft } from './fixtures/nft/netns.js';

const RULESET = `table inet filter {
  set allowed {
    type ipv4_addr
    elements = { 192.0.2.1, 192.0.2.7 }
  }
  set ports {
    type inet_service
    elements = { 22, 80 }
  }
  chain other {
    counter drop
  }
  chain input {
    type filter hook input priority 0; policy drop;
    iifname "lo" accept
    ct state established,related accept
    ip saddr @allowed tcp dport 22 accept
    tcp dport != 8080 log prefix "in: " level warn
    udp dport 53 limit rate 5/second burst 10 packets accept
    tcp dport @ports counter accept
    ip saddr 10.16.0.0/12 jump other
    meta l4proto tcp reject with tcp reset
  }
}
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "eth0" masquerade
    ip saddr 10.0.0.0/8 snat to 192.0.2.1
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    tcp dport 80 dnat to 192.0.2.9:8080
  }
}
`;

test.serial('nft -j list ruleset, flushed and committed back from its JSON as one batch, lists the same', async (t) => {
  await withNft('nbj', async (nft, ns) => {
    nftIn(ns, ['-f', '-'], RULESET);
    const before = listText(ns);
    const json = nftIn(ns, ['-j', 'list', 'ruleset']);
    nftIn(ns, ['flush', 'ruleset']);
    t.is(listText(ns).trim(), '');
    const batch = batchFromJson(json);
    // One transaction: tables, chains, sets, elements, rules.
    t.true(batch.length > 15, `${batch.length} operations`);
    await nft.commit(batch);
    t.is(listText(ns), before);
  });
});

test.serial('the command form: add, delete and flush in one atomic batch; a failing command applies nothing', async (t) => {
  await withNft('nbj2', async (nft, ns) => {
    nftIn(ns, ['-f', '-'], 'table ip old { chain c { counter; }; }');
    const doc = { nftables: [
      { add: { table: { family: 'ip', name: 't' } } },
      { add: { chain: { family: 'ip', table: 't', name: 'c', type: 'filter', hook: 'input', prio: 0, policy: 'accept' } } },
      { add: { set: { family: 'ip', table: 't', name: 's', type: 'ipv4_addr' } } },
      { add: { element: { family: 'ip', table: 't', name: 's', elem: ['198.51.100.1'] } } },
      { add: { rule: { family: 'ip', table: 't', chain: 'c', expr: [{ match: { left: { payload: { protocol: 'ip', field: 'saddr' } }, op: '==', right: '@s' } }, { drop: null }] } } },
      { flush: { chain: { family: 'ip', table: 'old', name: 'c' } } },
      { delete: { table: { family: 'ip', name: 'old' } } },
    ] };
    await nft.commit(batchFromJson(doc));
    const text = listText(ns);
    t.regex(text, /table ip t \{/);
    t.regex(text, /ip saddr @s drop/);
    t.regex(text, /elements = \{ 198\.51\.100\.1 \}/);
    t.notRegex(text, /table ip old/);
    // A command that fails (a missing table) in the middle: nothing of the batch is applied.
    const failing = { nftables: [
      { add: { table: { family: 'ip', name: 'u' } } },
      { delete: { table: { family: 'ip', name: 'missing' } } },
    ] };
    await t.throwsAsync(nft.commit(batchFromJson(failing)), { instanceOf: NftCommitError, message: /delete table ip missing: ENOENT/ });
    t.notRegex(listText(ns), /table ip u/);
  });
});

test('bad JSON input is refused by path before anything is sent', (t) => {
  t.throws(() => batchFromJson({ tables: [] }), { instanceOf: ValidationError, message: /nftables/ });
  t.throws(() => batchFromJson({ nftables: [{ add: { chain: { family: 'ip', table: 't' } } }] }), { instanceOf: ValidationError, message: /nftables\.0\.add\.chain\.name/ });
  t.throws(() => batchFromJson({ nftables: [{ rule: { family: 'ip', table: 't', chain: 'c', expr: [{ frobnicate: null }] } }] }), { instanceOf: ValidationError, message: /statements\.0: statement "frobnicate" is not supported/ });
});
