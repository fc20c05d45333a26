// nftables monitor against the real kernel, inside namespaces each test makes: tables,
// chains, rules, sets and elements changed with `nft` show up as typed, decoded events, each
// committed batch ends with a generation event, and list-then-follow shows the existing ruleset
// first without repeating it.
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { SubscriptionEvent } from '../src/netlink/subscription.js';
import { monitorNft, type NftEvent } from '../src/nft/monitor.js';
import { existsSync } from 'node:fs';
import { assertPrivate, run, withIpNetns } from './helpers/env.js';
import { collect, settledFdCount, socketInode } from './helpers/monitor.js';
import { openFdCount } from './helpers/env.js';

type Ev = SubscriptionEvent<NftEvent>;

test.before(() => assertPrivate());

const nsPath = (name: string): string => `/run/netns/${name}`;
const isChange = (e: Ev): e is NftEvent => e.type !== 'overrun' && e.type !== 'synced';
// The nft program by path: under `npx ava`, node_modules/.bin comes first in PATH and its `nft`
// is @vercel/nft (a file tracer), not nftables.
const NFT = ['/usr/sbin/nft', '/sbin/nft'].find((p) => existsSync(p)) ?? 'nft';
const nft = (ns: string, script: string): string => run('ip', ['netns', 'exec', ns, NFT, script]);
const nftJson = (ns: string): { nftables: any[] } => JSON.parse(run('ip', ['netns', 'exec', ns, NFT, '-j', 'list', 'ruleset']));

function show(e: Ev): string {
  if (!isChange(e)) return JSON.stringify(e);
  const star = e.existing ? '*' : '';
  switch (e.kind) {
    case 'table': return `${e.type}${star} table ${e.object.family} ${e.object.name}`;
    case 'chain': return `${e.type}${star} chain ${e.object.family} ${e.object.table} ${e.object.name}`;
    case 'rule': return `${e.type}${star} rule ${e.object.family} ${e.object.table} ${e.object.chain}`;
    case 'set': return `${e.type}${star} set ${e.object.family} ${e.object.table} ${e.object.name}`;
    case 'element': return `${e.type}${star} element ${e.object.table} ${e.object.set} ${Buffer.from(e.object.element.key).toString('hex')}`;
    case 'generation': return `${e.type} generation`;
    default: return `${e.type}${star} ${e.kind} ${e.object.name}`;
  }
}

test('a table, chain, set, element and rule added and deleted: one decoded event each, batches end with a generation', async (t) => {
  await withIpNetns('nftm', async (ns) => {
    const mon = monitorNft({ netns: nsPath(ns) });
    try {
      nft(ns, 'add table ip mt');
      nft(ns, 'add chain ip mt input { type filter hook input priority 10; policy drop; }');
      nft(ns, 'add set ip mt blocked { type ipv4_addr; }');
      nft(ns, 'add element ip mt blocked { 192.0.2.7 }');
      nft(ns, 'add rule ip mt input ip saddr @blocked counter drop comment "no"');
      const handles = nftJson(ns).nftables.filter((o: { rule?: unknown }) => o.rule).map((o: { rule: { handle: number } }) => o.rule.handle);
      nft(ns, 'delete table ip mt');
      const evs = await until(mon, (_e, all) => all.some((x) => isChange(x) && x.kind === 'table' && x.type === 'deleted')
        && isChange(all.at(-1)!) && (all.at(-1) as NftEvent).kind === 'generation');
      const changes = evs.filter(isChange);
      // Each `nft` command is one batch, ended by a generation event.
      const batches: string[][] = [[]];
      for (const e of changes) {
        if (e.kind === 'generation') batches.push([]);
        else batches.at(-1)!.push(show(e));
      }
      batches.pop();
      t.deepEqual(batches.slice(0, 5), [
        ['new table ip mt'],
        ['new chain ip mt input'],
        ['new set ip mt blocked'],
        ['new element mt blocked c0000207'],
        ['new rule ip mt input'],
      ]);
      // Deleting the table takes everything in it along, in one batch.
      t.deepEqual(batches[5]!.slice().sort(), [
        'deleted chain ip mt input', 'deleted rule ip mt input', 'deleted set ip mt blocked', 'deleted table ip mt',
      ].sort());

      const gens = changes.filter((e) => e.kind === 'generation').map((e) => e.object.id);
      t.is(gens.length, 6);
      t.deepEqual(gens, gens.map((_, i) => gens[0]! + i), 'one generation per commit');
      const chain = changes.find((e) => e.kind === 'chain')!.object as import('../src/nft/chain.js').Chain;
      t.like(chain, { family: 'ip', table: 'mt', name: 'input', type: 'filter', hook: 'input', priority: 10, policy: 'drop' });
      const rule = changes.find((e) => e.kind === 'rule' && e.type === 'new')!.object as import('../src/nft/rule.js').Rule;
      t.is(rule.comment, 'no');
      t.deepEqual(rule.handle, handles[0]);
      t.true(rule.expressions.some((x) => x.type === 'lookup'));
      t.true(rule.expressions.some((x) => x.type === 'counter'));
      t.true(rule.expressions.some((x) => x.type === 'verdict'));
      const element = changes.find((e) => e.kind === 'element')!.object as import('../src/nft/monitor.js').ElementChange;
      t.deepEqual([...element.element.key], [192, 0, 2, 7]);
      const gen = changes.find((e) => e.kind === 'generation')!.object as import('../src/nft/generation.js').Generation;
      t.is(gen.process, 'nft');
    } finally {
      mon.close();
    }
  });
});

test('a chain whose policy changes is "changed"; a replaced rule is deleted and re-added under its handle', async (t) => {
  await withIpNetns('nftc', async (ns) => {
    nft(ns, 'add table inet pt; add chain inet pt fw1 { type filter hook forward priority 0; policy accept; }; add rule inet pt fw1 accept');
    const handle = nftJson(ns).nftables.find((o: { rule?: unknown }) => o.rule).rule.handle as number;
    const mon = monitorNft({ netns: nsPath(ns), listExisting: true });
    try {
      const listed = await until(mon, (e) => e.type === 'synced');
      t.deepEqual(listed.filter(isChange).map(show), ['new* table inet pt', 'new* chain inet pt fw1', 'new* rule inet pt fw1']);
      nft(ns, 'add chain inet pt fw1 { policy drop; }');
      nft(ns, `replace rule inet pt fw1 handle ${handle} counter accept`);
      const evs = (await until(mon, (_e, all) => all.filter((x) => isChange(x) && x.kind === 'generation').length === 2)).filter(isChange);
      t.deepEqual(evs.map(show).filter((x) => !x.includes('generation')).slice(0, 1), ['changed chain inet pt fw1']);
      t.is((evs[0]!.object as import('../src/nft/chain.js').Chain).policy, 'drop');
      const rules = evs.filter((e) => e.kind === 'rule').map((e) => {
        const r = e.object as import('../src/nft/rule.js').Rule;
        return `${e.type} ${r.handle === handle ? 'same handle' : 'other handle'} ${r.expressions.map((x) => x.type).join(',')}`;
      });
      t.deepEqual(rules, ['deleted same handle verdict', 'new same handle counter,verdict']);
    } finally {
      mon.close();
    }
  });
});

test('listExisting while nft keeps committing: every rule exactly once, none missing', async (t) => {
  await withIpNetns('nftg', async (ns) => {
    nft(ns, 'add table ip g; add chain ip g c; add set ip g s { type inet_service; }');
    const seed: string[] = [];
    for (let i = 0; i < 300; i++) seed.push(`add rule ip g c tcp dport ${1000 + i} accept`);
    nft(ns, seed.join('\n'));
    // One commit per line (nft -f with a file of separate invocations would batch them all).
    const script: string[] = [];
    for (let i = 0; i < 200; i++) {
      script.push(`${NFT} add rule ip g c tcp dport ${2000 + i} accept`);
      script.push(`${NFT} add element ip g s { ${3000 + i} }`);
    }
    // sh runs its stdin line by line: half the commits first, the listing once they are in,
    // the rest while it lists (a fixed delay before listing raced the writer).
    const writer = spawn('ip', ['netns', 'exec', ns, 'sh'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = once(writer, 'exit');
    const half = script.length >> 1;
    writer.stdin!.write(script.slice(0, half).join('\n') + '\n');
    const lastPort = 2000 + (half >> 1) - 1;
    let applied = false;
    for (let i = 0; i < 500 && !applied; i++) {
      applied = run('ip', ['netns', 'exec', ns, NFT, 'list', 'chain', 'ip', 'g', 'c']).includes(`dport ${lastPort} `);
      if (!applied) await new Promise((r) => setTimeout(r, 20));
    }
    t.true(applied, 'the first half is committed');
    t.is(writer.exitCode, null, 'the writer is still busy when the listing starts');
    const mon = monitorNft({ netns: nsPath(ns), listExisting: true });
    try {
      const rules = new Map<number, number>();
      const elements = new Map<string, number>();
      const problems: string[] = [];
      let syncedEv: Ev | undefined;
      const reader = (async () => {
        let synced = false;
        for await (const e of mon) {
          if (e.type === 'overrun') problems.push('overrun');
          else if (e.type === 'synced') {
            synced = true;
            syncedEv = e;
          }
          else if (e.kind === 'rule') {
            if (e.type !== 'new') problems.push(`${e.type} rule`);
            rules.set(e.object.handle!, (rules.get(e.object.handle!) ?? 0) + 1);
          } else if (e.kind === 'element') {
            if (e.type !== 'new') problems.push(`${e.type} element`);
            const k = Buffer.from(e.object.element.key).toString('hex');
            elements.set(k, (elements.get(k) ?? 0) + 1);
            if (synced && k === Buffer.from([0x27, 0x0f]).toString('hex')) return; // the sentinel 9999
          }
        }
      })();
      writer.stdin!.end(script.slice(half).join('\n') + '\n');
      const [code] = await exited;
      t.is(code, 0);
      nft(ns, 'add element ip g s { 9999 }');
      await reader;
      t.deepEqual(problems, []);
      const oracle = nftJson(ns).nftables;
      const oracleRules = oracle.filter((o: { rule?: unknown }) => o.rule).map((o: { rule: { handle: number } }) => o.rule.handle).sort((a: number, b: number) => a - b);
      t.is(oracleRules.length, 500);
      t.deepEqual([...rules.keys()].sort((a, b) => a - b), oracleRules);
      t.true([...rules.values()].every((n) => n === 1), 'no rule twice');
      t.is(elements.size, 201);
      t.true([...elements.values()].every((n) => n === 1), 'no element twice');
      t.log(JSON.stringify(syncedEv));
    } finally {
      mon.close();
    }
  });
});

test.serial('break closes the nftables monitor socket', async (t) => {
  await withIpNetns('nftb', async (ns) => {
    const before = openFdCount();
    const mon = monitorNft({ netns: nsPath(ns), listExisting: true });
    const inode = socketInode(mon.socket.fd);
    setTimeout(() => nft(ns, 'add table ip b'), 20);
    for await (const e of mon) {
      if (isChange(e)) break;
    }
    t.not(socketInode(mon.socket.fd), inode);
    t.true(await settledFdCount(before) <= before, "fd count back to where it was");
  });
});

function until(mon: AsyncIterator<Ev>, done: (e: Ev, all: Ev[]) => boolean, ms?: number): Promise<Ev[]> {
  return collect(mon, done, ms, show);
}
