// Policy rules against the kernel and `ip rule`: state made by ip, decoded by the library and
// printed as `ip -j rule show`; the library's requests byte-equal to what `ip rule add` sends;
// rules the library adds read back by ip.
import test from 'ava';
import { ValidationError } from '../src/netlink/errors.js';
import {
  addRule, deleteRule, encodeNewRule, encodeDelRule, flushRules, listRules, ruleJson, ruleMessage, ruleText, type RuleSpec,
} from '../src/rtnl/index.js';
import { ipj, ipn, withNs } from './helpers/rtnl.js';
import { messagesOf, requestHex, sentDatagrams } from './helpers/strace.js';
import { run } from './helpers/env.js';

const RTM_NEWRULE = 32, RTM_DELRULE = 33;

/** ip's JSON with undefined keys dropped, for comparing parsed output. */
const clean = (o: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(o));

// Each selector and action, with the library's spec for the same rule (ip 6.1 lacks dscp and flowlabel).
const CASES: Array<[string[], RuleSpec]> = [
  [['not', 'fwmark', '0xca6c', 'table', '51820'], { not: true, fwmark: 0xca6c, table: 51820 }],
  [['table', 'main', 'suppress_prefixlength', '0'], { table: 'main', suppress_prefixlength: 0 }],
  [['from', '192.0.2.0/24', 'to', '198.51.100.0/24', 'priority', '500', 'tos', '0x10', 'fwmark', '0x10/0xff', 'protocol', 'static',
    'table', '7', 'iif', 'lo', 'oif', 'lo', 'uidrange', '100-200', 'ipproto', 'tcp', 'sport', '1000-2000', 'dport', '80'],
  { from: '192.0.2.0/24', to: '198.51.100.0/24', priority: 500, tos: 0x10, fwmark: 0x10, fwmask: 0xff, protocol: 'static', table: 7,
    iif: 'lo', oif: 'lo', uidrange: [100, 200], ipproto: 'tcp', sport: [1000, 2000], dport: 80 }],
  // IPv4 rules take only the TOS bits (0x1e: "Invalid tos" otherwise); IPv6 takes any DS byte.
  [['from', '203.0.113.7', 'priority', '510', 'tos', '0x08', 'table', 'local'], { from: '203.0.113.7', priority: 510, tos: '0x08', table: 'local' }],
  [['priority', '600', 'goto', '700'], { priority: 600, goto: 700 }],
  [['priority', '601', 'goto', '9999'], { priority: 601, goto: 9999 }],
  [['priority', '700', 'blackhole'], { priority: 700, action: 'blackhole' }],
  [['priority', '701', 'unreachable'], { priority: 701, action: 'unreachable' }],
  [['priority', '702', 'prohibit'], { priority: 702, action: 'prohibit' }],
  [['priority', '703', 'nop'], { priority: 703, action: 'nop' }],
  [['priority', '704', 'l3mdev'], { priority: 704, l3mdev: true }],
  [['priority', '705', 'table', '9', 'suppress_ifgroup', '0'], { priority: 705, table: 9, suppress_ifgroup: 0 }],
  [['priority', '706', 'protocol', 'kernel', 'table', '10', 'ipproto', 'udp', 'sport', '53', 'dport', '1024-65000'],
    { priority: 706, protocol: 'kernel', table: 10, ipproto: 'udp', sport: 53, dport: [1024, 65000] }],
  [['priority', '707', 'realms', '3/4', 'table', '11'], { priority: 707, realms: (3 << 16) | 4, table: 11 }],
  [['priority', '709', 'realms', '5', 'tun_id', '77', 'table', '13'], { priority: 709, realms: 5, tun_id: 77n, table: 13 }],
  [['not', 'from', '192.0.2.128/25', 'priority', '708', 'fwmark', '0x1', 'table', '12', 'iif', 'nosuch0'],
    { not: true, from: '192.0.2.128/25', priority: 708, fwmark: 1, table: 12, iif: 'nosuch0' }],
];
const CASES6: Array<[string[], RuleSpec]> = [
  [['from', '2001:db8::/32', 'to', '2001:db8:1::/48', 'priority', '10', 'table', '100'], { from: '2001:db8::/32', to: '2001:db8:1::/48', priority: 10, table: 100 }],
  [['not', 'fwmark', '0xca6c', 'table', '51820'], { family: 6, not: true, fwmark: 0xca6c, table: 51820 }],
  [['table', 'main', 'suppress_prefixlength', '0'], { family: 6, table: 'main', suppress_prefixlength: 0 }],
  [['from', '2001:db8::1', 'priority', '11', 'uidrange', '0-0', 'ipproto', 'ipv6-icmp', 'prohibit'], { from: '2001:db8::1', priority: 11, ipproto: 'ipv6-icmp', uidrange: { start: 0, end: 0 }, action: 'prohibit' }],
  [['priority', '12', 'tos', 'AF11', 'table', '101', 'oif', 'lo'], { family: 6, priority: 12, oif: 'lo', tos: 'AF11', table: 101 }],
];

test('rules of every selector made by ip decode and print as ip -j rule show (v4 and v6, -d too)', async (t) => {
  await withNs('ru', async ({ name, sock }) => {
    for (const [args] of CASES) ipn(name, ['rule', 'add', ...args]);
    for (const [args] of CASES6) ipn(name, ['-6', 'rule', 'add', ...args]);
    for (const [fam, flag] of [[4, '-4'], [6, '-6']] as const) {
      const rules = await listRules(sock, { family: fam });
      t.deepEqual(rules.map((r) => clean(ruleJson(r))), ipj(name, [flag, 'rule', 'show']), `ip -j ${flag} rule`);
      t.deepEqual(rules.map((r) => clean(ruleJson(r, true))), ipj(name, ['-d', flag, 'rule', 'show']), `ip -j -d ${flag} rule`);
      t.is(rules.map((r) => ruleText(r)).join(''), run('ip', ['-n', name, flag, 'rule', 'show']), `ip ${flag} rule (text)`);
    }
    const all = await listRules(sock);
    t.deepEqual(new Set(all.map((r) => r.family)), new Set(['inet', 'inet6']));
    const wg = all.find((r) => r.family === 'inet' && r.fwmark === '0xca6c')!;
    t.like(wg, { not: null, table: '51820', table_id: 51820, type: 'table' });
    t.like(all.find((r) => r.family === 'inet' && r.suppress_prefixlen === 0), { table: 'main', table_id: 254 });
    t.like(all.find((r) => r.priority === 601), { goto: 9999, unresolved: null, type: 'goto' });
    t.like(all.find((r) => r.priority === 708), { iif: 'nosuch0', iif_detached: null });
  });
});

test('library requests are byte-equal to ip rule add / del (v4 and v6)', async (t) => {
  await withNs('rb', async ({ name }) => {
    for (const [cases, flag] of [[CASES, '-4'], [CASES6, '-6']] as const) {
      for (const [args, spec] of cases) {
        for (const [verb, type, enc] of [['add', RTM_NEWRULE, encodeNewRule], ['del', RTM_DELRULE, encodeDelRule]] as const) {
          const { datagrams, stderr } = sentDatagrams(['ip', flag, 'rule', verb, ...args], name);
          const sent = messagesOf(datagrams).filter((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true) === type);
          t.is(sent.length, 1, `ip rule ${verb} ${args.join(' ')}: ${stderr}`);
          t.is(requestHex(enc(ruleMessage(spec, verb === 'add'))), requestHex(sent[0]!), `ip ${flag} rule ${verb} ${args.join(' ')}`);
        }
      }
    }
  });
});

test('rules the library adds read back by ip; delete, flush; WireGuard pair', async (t) => {
  await withNs('rl', async ({ name, sock }) => {
    for (const family of [4, 6] as const) {
      await addRule(sock, { family, not: true, fwmark: 0xca6c, table: 51820 });
      await addRule(sock, { family, table: 'main', suppress_prefixlength: 0 });
    }
    const ip4 = ipj(name, ['rule', 'show']);
    t.like(ip4.find((r: any) => r.fwmark === '0xca6c'), { priority: 32765, not: null, src: 'all', table: '51820' });
    t.like(ip4.find((r: any) => r.suppress_prefixlen === 0), { priority: 32764, table: 'main' });
    t.is(ipj(name, ['-6', 'rule', 'show']).filter((r: any) => r.fwmark === '0xca6c' || r.suppress_prefixlen === 0).length, 2);

    const full: RuleSpec = { from: '192.0.2.0/24', to: '198.51.100.0/24', priority: 100, tos: 0x10, fwmark: 7, fwmask: 0xf, iif: 'lo', oif: 'lo',
      uidrange: [1000, 1999], ipproto: 'tcp', sport: [1, 1023], dport: 443, protocol: 'static', table: 300 };
    await addRule(sock, full);
    const back = ipj(name, ['rule', 'show', 'priority', '100'])[0];
    t.deepEqual(back, {
      priority: 100, src: '192.0.2.0', srclen: 24, dst: '198.51.100.0', dstlen: 24, tos: '0x10', fwmark: '0x7', fwmask: '0xf', iif: 'lo', oif: 'lo',
      uid_start: 1000, uid_end: 1999, ipproto: 'tcp', sport_start: 1, sport_end: 1023, dport: 443, table: '300', protocol: 'static',
    });
    for (const [prio, action] of [[101, 'blackhole'], [102, 'unreachable'], [103, 'prohibit']] as const) {
      await addRule(sock, { priority: prio, action });
      t.is(ipj(name, ['rule', 'show', 'priority', String(prio)])[0].action, action);
    }
    await addRule(sock, { priority: 105, action: 'nop' });
    await addRule(sock, { priority: 104, goto: 105 });
    t.like(ipj(name, ['rule', 'show', 'priority', '104'])[0], { goto: 105 });
    t.like(ipj(name, ['rule', 'show', 'priority', '105'])[0], { nop: null });
    await addRule(sock, { priority: 106, l3mdev: true });
    t.like(ipj(name, ['rule', 'show', 'priority', '106'])[0], { l3mdev: null });
    // dscp (kernel 6.10+) is newer than ip 6.1: the kernel keeps it, the library reads it back.
    await addRule(sock, { priority: 107, dscp: 46, table: 20 });
    t.like((await listRules(sock, { family: 4 })).find((r) => r.priority === 107), { dscp: 46, table: '20' });
    await addRule(sock, { family: 6, priority: 108, flowlabel: 0x12345, flowlabel_mask: 0xfffff, table: 21 }).then(
      async () => t.like((await listRules(sock, { family: 6 })).find((r) => r.priority === 108), { flowlabel: 0x12345, flowlabel_mask: 0xfffff }),
      (e: any) => t.is(e.code, 'EINVAL', 'only a kernel without FRA_FLOWLABEL (before 6.15) may refuse it'),
    );

    const dup = await t.throwsAsync(addRule(sock, full));
    t.is((dup as any).code, 'EEXIST');
    await deleteRule(sock, { priority: 100 });
    t.deepEqual(ipj(name, ['rule', 'show', 'priority', '100']), []);
    const gone = await t.throwsAsync(deleteRule(sock, { priority: 100 }));
    t.is((gone as any).code, 'ENOENT');
    t.true(/delete rule priority 100/.test((gone as Error).message), (gone as Error).message);

    const n = await flushRules(sock, { family: 4 });
    t.true(n >= 10);
    t.deepEqual(ipj(name, ['rule', 'show']), [{ priority: 0, src: 'all', table: 'local' }], 'ip rule flush leaves only the local rule');
  });
});

test('bad rules are refused before anything is sent, the field named', async (t) => {
  const bad: Array<[RuleSpec, RegExp]> = [
    [{ sport: [2000, 1000] }, /rule\.sport.*reversed/],
    [{ dport: { start: 9, end: 1 } }, /rule\.dport.*reversed/],
    [{ uidrange: [200, 100] }, /rule\.uidrange.*reversed/],
    [{ uidrange: [0, 0xffffffff] }, /rule\.uidrange.*INVALID_UID/],
    [{ sport: { start: 0, end: 70000 } }, /rule\.sport/],
    [{ table: 'mian' }, /rule\.table.*unknown table/],
    [{ dport: 65535 }, /rule\.dport/],
    [{ table: 'nosuchtable' }, /rule\.table.*unknown table/],
    [{ protocol: 'nosuchproto' }, /rule\.protocol.*unknown protocol/],
    [{ from: '192.0.2.0/24', to: '2001:db8::/32' }, /rule\.from.*families/],
    [{ fwmask: 0xff }, /rule\.fwmask.*needs fwmark/],
    [{ l3mdev: true, table: 5 }, /rule\.table/],
    [{ ipproto: 'nosuch' }, /rule\.ipproto/],
    [{ priority: -1 }, /rule\.priority/],
    [{ iif: 'a/b' }, /rule\.iif/],
    [{ bogus: 1 } as any, /rule.*bogus/],
  ];
  // A socket that would fail on any send proves nothing went out.
  const sock = { request: () => { throw new Error('sent'); } } as any;
  for (const [spec, re] of bad) {
    const e = await t.throwsAsync(addRule(sock, spec), { instanceOf: ValidationError });
    t.regex(e!.message, re, JSON.stringify(spec));
  }
});

test('fluent API: ns.rules, ns.nexthops, ns.fdb and ns.bridge, read back by ip and bridge', async (t) => {
  const { netns } = await import('../src/api/index.js');
  const { uniqueName, assertPrivate } = await import('./helpers/env.js');
  assertPrivate();
  const name = uniqueName('rf');
  const ns = await netns.add(name);
  try {
    // WireGuard's pair of rules (wg-quick): not fwmark -> its table, main without the default route.
    await ns.rules.add({ not: true, fwmark: 0xca6c, table: 51820 });
    await ns.rules.add({ table: 'main', suppress_prefixlength: 0 });
    t.deepEqual((await ns.rules.list({ family: 4 }).collect()).map((r) => clean(ruleJson(r))), ipj(name, ['rule', 'show']));
    await ns.link('br0').create({ kind: 'bridge' }).up();
    await ns.link('veth0').create({ kind: 'veth', peer: { name: 'veth1', up: true } }).master('br0').up().address('192.0.2.1/24');
    await ns.nexthops.add({ id: 7, via: '192.0.2.2', dev: 'veth0' });
    await ns.routes.add({ to: '198.51.100.0/24', nhid: 7 });
    t.like(ipj(name, ['route', 'show', '198.51.100.0/24'])[0], { nhid: 7, gateway: '192.0.2.2' });
    t.is((await ns.nexthops.get(7)).gateway, '192.0.2.2');
    await ns.fdb.add({ mac: '02:00:00:00:00:01', dev: 'veth0', master: true, state: 'static' });
    const out = run('ip', ['netns', 'exec', name, 'bridge', '-j', 'fdb', 'show', 'dev', 'veth0']);
    t.like(JSON.parse(out).find((e: any) => e.mac === '02:00:00:00:00:01'), { master: 'br0', state: 'static' });
    t.true((await ns.fdb.list({ dev: 'veth0' }).collect()).some((e) => e.mac === '02:00:00:00:00:01'));
    await ns.bridge.setPort('veth0', { learning: false, isolated: true });
    t.like((await ns.bridge.ports({ dev: 'veth0' }).collect())[0], { learning: false, isolated: true, master: 'br0' });
    t.is(await ns.rules.flush({ family: 4 }), 4, 'the two added, main and default');
  } finally {
    await ns.delete().catch(() => netns.delete(name).catch(() => {}));
  }
});

test('rule notifications (RTNLGRP_IPV4_RULE/IPV6_RULE) decode as ip -j rule shows them, deletions flagged', async (t) => {
  const { notifications } = await import('./helpers/notify.js');
  const { decodeRule } = await import('../src/rtnl/index.js');
  await withNs('rn', async ({ name }) => {
    const events = await notifications(name, [8, 19], (m) => (m.type === RTM_NEWRULE || m.type === RTM_DELRULE ? decodeRule(m) : undefined), () => {
      ipn(name, ['rule', 'add', 'not', 'fwmark', '0xca6c', 'table', '51820']);
      ipn(name, ['-6', 'rule', 'add', 'from', '2001:db8::/32', 'priority', '10', 'table', '100']);
      ipn(name, ['rule', 'del', 'not', 'fwmark', '0xca6c', 'table', '51820']);
    }, (got) => got.length >= 3);
    t.deepEqual(events.map((e) => [e.msg, e.family, e.priority]), [['newrule', 'inet', 32765], ['newrule', 'inet6', 10], ['delrule', 'inet', 32765]]);
    t.deepEqual(clean(ruleJson(events[1]!)), ipj(name, ['-6', 'rule', 'show', 'priority', '10'])[0]);
    t.deepEqual(clean(ruleJson(events[2]!)), { deleted: true, priority: 32765, not: null, src: 'all', fwmark: '0xca6c', table: '51820' });
    t.is(ruleText(events[2]!), 'Deleted 32765:\tnot from all fwmark 0xca6c lookup 51820\n');
  });
});
