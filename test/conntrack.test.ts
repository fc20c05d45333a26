// Conntrack against the kernel, checked by the conntrack tool: a client, a masquerading router
// and a server in three namespaces, real ICMP, TCP and UDP through the router, then the
// router's table read (all of it and filtered), changed, watched and flushed.
import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Conntrack, formatEntry, natOf, type ConntrackEntry, type ConntrackEvent } from '../src/conntrack/index.js';
import { ValidationError } from '../src/netlink/errors.js';
import { assertPrivate, ip, run, withIpNetns } from './helpers/env.js';
import { tool } from './helpers/tools.js';

const CONNTRACK = tool('conntrack');
const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
test.before(() => assertPrivate());

/** conntrack's lines with the timeout (it ticks between two reads) replaced, sorted. */
function lines(text: string): string[] {
  return text.split('\n').filter((l) => l && !l.startsWith('conntrack v')).map((l) => l.replace(/^((?:ipv[46]\s+\d+ )?\S+\s+\d+ )\d+ /, '$1T ')).sort();
}

function conntrackL(ns: string, ...args: string[]): string[] {
  return lines(run('ip', ['netns', 'exec', ns, CONNTRACK, '-L', ...args]));
}

async function ours(ct: Conntrack, filter?: Parameters<Conntrack['list']>[0]): Promise<ConntrackEntry[]> {
  const out: ConntrackEntry[] = [];
  for await (const e of ct.list(filter)) out.push(e);
  return out;
}

/** cli (192.168.5.2) -> rtr (masquerade out of wan, 198.51.100.1) -> srv (198.51.100.2, TCP 8080). */
async function withNatHost(fn: (ns: { cli: string; rtr: string; srv: string }) => Promise<void>): Promise<void> {
  await withIpNetns('ctc', (cli) => withIpNetns('ctr', (rtr) => withIpNetns('cts', async (srv) => {
    ip(['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'lan', 'netns', rtr], cli);
    ip(['link', 'add', 'wan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', srv], rtr);
    ip(['addr', 'add', '192.168.5.2/24', 'dev', 'eth0'], cli);
    ip(['link', 'set', 'eth0', 'up'], cli);
    ip(['route', 'add', 'default', 'via', '192.168.5.1'], cli);
    ip(['addr', 'add', '192.168.5.1/24', 'dev', 'lan'], rtr);
    ip(['addr', 'add', '198.51.100.1/24', 'dev', 'wan'], rtr);
    ip(['link', 'set', 'lan', 'up'], rtr);
    ip(['link', 'set', 'wan', 'up'], rtr);
    ip(['addr', 'add', '198.51.100.2/24', 'dev', 'eth0'], srv);
    ip(['link', 'set', 'eth0', 'up'], srv);
    run('ip', ['netns', 'exec', rtr, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.netfilter.nf_conntrack_acct=1']);
    run('ip', ['netns', 'exec', rtr, tool('nft'), 'table ip nat { chain post { type nat hook postrouting priority srcnat; oifname "wan" masquerade; }; }']);
    await fn({ cli, rtr, srv });
  })));
}

/** A TCP server in `ns` that answers one line per connection and keeps it open until killed. */
function tcpServer(ns: string, port: number): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', `require('net').createServer((s) => s.write('hi\\n')).listen(${port}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** A TCP client in `ns` that connects, reads the line and stays connected (ESTABLISHED) until killed. */
async function tcpClient(ns: string, host: string, port: number): Promise<ChildProcess> {
  const c = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', `const s = require('net').connect(${port}, '${host}'); s.on('data', () => console.log('got'));`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => c.stdout!.once('data', () => r()));
  return c;
}

test('the table as conntrack -L shows it, whole and filtered; count, stats and the NAT view', async (t) => {
  await withNatHost(async ({ cli, rtr, srv }) => {
    const server = tcpServer(srv, 8080);
    await new Promise<void>((r) => server.stdout!.once('data', () => r()));
    const client = await tcpClient(cli, '198.51.100.2', 8080);
    const ct = new Conntrack({ netns: rtr });
    try {
      run('ip', ['netns', 'exec', cli, tool('ping'), '-c', '1', '-W', '2', '198.51.100.2']);
      run('ip', ['netns', 'exec', cli, 'bash', '-c', 'echo x > /dev/udp/198.51.100.2/5353']);
      const all = await ours(ct);
      t.deepEqual(lines(all.map((e) => formatEntry(e)).join('\n')), conntrackL(rtr));
      t.deepEqual(lines(all.map((e) => formatEntry(e, { extended: true })).join('\n')), conntrackL(rtr, '-o', 'extended'));
      t.true(all.length >= 3, `tcp, udp and icmp entries: ${all.length}`);
      // Filters the kernel applies (original tuple) and those applied while streaming.
      t.deepEqual(lines((await ours(ct, { proto: 'udp' })).map((e) => formatEntry(e)).join('\n')), conntrackL(rtr, '-p', 'udp'));
      const tcp = await ours(ct, { proto: 'tcp', src: '192.168.5.2', dport: 8080 });
      t.deepEqual(lines(tcp.map((e) => formatEntry(e)).join('\n')), conntrackL(rtr, '-p', 'tcp', '-s', '192.168.5.2', '--dport', '8080'));
      t.is(tcp.length, 1);
      t.is(tcp[0]!.tcp?.state, 'established');
      t.true(tcp[0]!.counters!.orig!.packets > 0n, 'accounting is on: packets counted');
      // The NAT view: masquerade to the router's wan address.
      const nat = natOf(tcp[0]!)!;
      t.is(nat.kind, 'snat');
      t.is(nat.translatedFrom!.address, '198.51.100.1');
      t.regex(nat.text, /^192\.168\.5\.2:\d+ -> 198\.51\.100\.2:8080 via masquerade to 198\.51\.100\.1/);
      t.is((await ours(ct, { nat: 'snat' })).length, all.filter((e) => e.reply.dst === '198.51.100.1').length);
      t.deepEqual(await ours(ct, { nat: 'dnat' }), []);
      t.deepEqual((await ours(ct, { reply: { src: '198.51.100.2', sport: 8080 }, proto: 'tcp' })).map((e) => e.id), [tcp[0]!.id]);
      // count (-C) and per-CPU statistics (-S).
      t.is(await ct.count(), Number(run('ip', ['netns', 'exec', rtr, CONNTRACK, '-C']).trim()));
      t.is((await ct.stats()).length, run('ip', ['netns', 'exec', rtr, CONNTRACK, '-S']).trim().split('\n').length);
      // The CLI prints the same lines.
      const r = spawnSync(process.execPath, [MAIN, 'dump-conntrack', '--netns', rtr], { encoding: 'utf8' });
      t.is(r.status, 0, r.stderr);
      t.deepEqual(lines(r.stdout), conntrackL(rtr));
      t.regex(r.stderr, /conntrack v1\.4\.7 \(conntrack-tools\): \d+ flow entries have been shown\./);
    } finally {
      ct.close();
      client.kill();
      server.kill();
    }
  });
});

test('create, get, update and delete entries; conntrack agrees; bad input is refused by field', async (t) => {
  await withNatHost(async ({ rtr }) => {
    const ct = new Conntrack({ netns: rtr });
    try {
      const tuple = { src: '10.1.1.1', dst: '10.1.1.2', proto: 'udp', sport: 1000, dport: 2000 };
      await ct.create({ orig: tuple, timeout: 100, mark: 7 });
      const shown = conntrackL(rtr, '-p', 'udp', '--orig-src', '10.1.1.1');
      t.is(shown.length, 1);
      t.regex(shown[0]!, /src=10\.1\.1\.1 dst=10\.1\.1\.2 sport=1000 dport=2000 (packets=0 bytes=0 )?\[UNREPLIED\] src=10\.1\.1\.2 dst=10\.1\.1\.1 sport=2000 dport=1000 (packets=0 bytes=0 )?mark=7/);
      await ct.update(tuple, { mark: 9, timeout: 50 });
      const e = await ct.get(tuple);
      t.is(e.mark, 9);
      t.true(e.timeout! <= 50);
      t.regex(conntrackL(rtr, '-p', 'udp', '--orig-src', '10.1.1.1')[0]!, /mark=9/);
      await t.throwsAsync(ct.create({ orig: tuple, timeout: 100 }), { message: /EEXIST/ });
      t.is(await ct.delete(tuple), 1);
      t.deepEqual(conntrackL(rtr, '-p', 'udp', '--orig-src', '10.1.1.1'), []);
      await t.throwsAsync(ct.get(tuple), { message: /ENOENT/ });
      // By filter: how many went.
      for (let i = 0; i < 5; i++) await ct.create({ orig: { ...tuple, sport: 3000 + i }, timeout: 100 });
      t.is(await ct.delete({ proto: 'udp', src: '10.1.1.1' }), 5);
      t.is(Number(run('ip', ['netns', 'exec', rtr, CONNTRACK, '-C']).trim()), await ct.count());
      // Refused before any request, naming the field.
      const bad = await t.throwsAsync(ct.create({ orig: { ...tuple, src: '10.1.1.300' }, timeout: 1 }), { instanceOf: ValidationError });
      t.regex(bad!.message, /entry\.orig\.src/);
      await t.throwsAsync(ours(ct, { dport: 80 }), { instanceOf: ValidationError, message: /needs proto/ });
      // flush: everything goes; it says how many were there.
      await ct.create({ orig: tuple, timeout: 100 });
      t.true((await ct.flush()) >= 1);
      t.is(await ct.count(), 0);
    } finally {
      ct.close();
    }
  });
});

test('events: a new connection and its destruction arrive, with the NAT view', async (t) => {
  await withNatHost(async ({ cli, rtr }) => {
    const ct = new Conntrack({ netns: rtr });
    const ac = new AbortController();
    const seen: ConntrackEvent[] = [];
    const done = (async () => {
      for await (const ev of ct.events({ signal: ac.signal, filter: (e) => e.protoName === 'icmp' })) {
        seen.push(ev);
        if (ev.type === 'destroy') break;
      }
    })();
    try {
      // No wait: events() joins its groups when iteration starts, before its first await.
      run('ip', ['netns', 'exec', cli, tool('ping'), '-c', '1', '-W', '2', '198.51.100.2']);
      run('ip', ['netns', 'exec', rtr, CONNTRACK, '-D', '-p', 'icmp']);
      await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error(`events seen: ${JSON.stringify(seen.map((e) => e.type))}`)), 5000))]);
      const created = seen.find((e) => e.type === 'new');
      t.truthy(created, 'a new event');
      t.is(natOf((created as { entry: ConntrackEntry }).entry)?.translatedFrom?.address, '198.51.100.1');
      t.is(seen[seen.length - 1]!.type, 'destroy');
    } finally {
      ac.abort();
      ct.close();
    }
  });
});

test('decode reads conntrack -L as it spoke to the kernel, by the declared table', async (t) => {
  const { conversationHex } = await import('./helpers/strace.js');
  await withNatHost(async ({ cli, rtr }) => {
    run('ip', ['netns', 'exec', cli, tool('ping'), '-c', '1', '-W', '2', '198.51.100.2']);
    const cap = conversationHex([CONNTRACK, '-L'], rtr);
    t.is(cap.status, 0, cap.stderr);
    const r = spawnSync(process.execPath, [MAIN, 'decode', '--json'], { input: cap.hex, encoding: 'utf8' });
    t.is(r.status, 0, r.stderr);
    const msgs = JSON.parse(r.stdout) as Array<{ type_name?: string; direction?: string; attributes?: any[] }>;
    t.true(msgs.some((m) => m.direction === 'send' && m.type_name === 'IPCTNL_MSG_CT_GET'), 'the dump request');
    const entry = msgs.find((m) => m.direction === 'recv' && m.type_name === 'IPCTNL_MSG_CT_NEW');
    t.truthy(entry, 'an entry in the reply');
    const find = (nodes: any[] | undefined, name: string): any => nodes?.find((n) => n.name === name);
    const ipAttrs = find(find(entry!.attributes, 'tuple-orig')?.children, 'tuple-ip')?.children;
    t.is(find(ipAttrs, 'ip-v4-src')?.value, '192.168.5.2');
    t.is(find(find(find(entry!.attributes, 'tuple-reply')?.children, 'tuple-ip')?.children, 'ip-v4-dst')?.value, '198.51.100.1');
  });
});

test('events of one TCP connection arrive in order: NEW, UPDATE..., DESTROY', async (t) => {
  await withNatHost(async ({ cli, rtr, srv }) => {
    const server = tcpServer(srv, 8081);
    await new Promise<void>((r) => server.stdout!.once('data', () => r()));
    const ct = new Conntrack({ netns: rtr });
    const ac = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const ev of ct.events({ signal: ac.signal, filter: (e) => e.orig.dport === 8081 })) {
        seen.push(ev.type === 'new' || ev.type === 'update' || ev.type === 'destroy' ? `${ev.type}:${ev.entry.tcp?.state ?? ''}` : ev.type);
        if (ev.type === 'destroy') break;
      }
    })();
    try {
      // No wait: events() joins its groups when iteration starts, before its first await.
      const client = await tcpClient(cli, '198.51.100.2', 8081);
      client.kill();
      // The entry is deleted only once it was seen established (not after a guessed delay).
      for (let i = 0; i < 250 && !seen.includes('update:established'); i++) await new Promise((r) => setTimeout(r, 20));
      run('ip', ['netns', 'exec', rtr, CONNTRACK, '-D', '-p', 'tcp', '--dport', '8081']);
      await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error(`events seen: ${seen.join(' ')}`)), 5000))]);
      t.regex(seen[0]!, /^new:syn-sent$/);
      t.true(seen.slice(1, -1).length >= 1 && seen.slice(1, -1).every((s) => s.startsWith('update:')), seen.join(' '));
      t.true(seen.includes('update:established'), seen.join(' '));
      t.regex(seen[seen.length - 1]!, /^destroy:/);
    } finally {
      ac.abort();
      ct.close();
      server.kill();
    }
  });
});

test('monitor conntrack prints what conntrack -E prints', async (t) => {
  await withNatHost(async ({ rtr }) => {
    const theirs = spawn('ip', ['netns', 'exec', rtr, CONNTRACK, '-E'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const mine = spawn(process.execPath, [MAIN, 'monitor', 'conntrack', '--netns', rtr], { stdio: ['ignore', 'pipe', 'pipe'] });
    let a = '', b = '';
    theirs.stdout!.on('data', (d) => { a += d; });
    mine.stdout!.on('data', (d) => { b += d; });
    try {
      const c = (...args: string[]) => run('ip', ['netns', 'exec', rtr, CONNTRACK, ...args]);
      // Both must be listening before the scenario: a probe entry is made (and removed) until
      // each has printed it; a fixed sleep lost the first event on a busy machine.
      for (let i = 0; i < 100 && !(a.includes('dport=9 ') && b.includes('dport=9 ')); i++) {
        c('-I', '-p', 'udp', '-s', '10.9.9.9', '-d', '10.9.9.8', '--sport', '9', '--dport', '9', '-t', '50');
        c('-D', '-p', 'udp', '-s', '10.9.9.9');
        await new Promise((r) => setTimeout(r, 100));
      }
      c('-I', '-p', 'udp', '-s', '10.1.1.1', '-d', '10.1.1.2', '--sport', '1', '--dport', '2', '-t', '50', '-m', '3');
      c('-U', '-p', 'udp', '-s', '10.1.1.1', '-d', '10.1.1.2', '--sport', '1', '--dport', '2', '-m', '4');
      c('-D', '-p', 'udp', '-s', '10.1.1.1');
      for (let i = 0; i < 50 && (a.split('sport=1 ').length < 4 || b.split('sport=1 ').length < 4); i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      theirs.kill('SIGINT');
      mine.kill('SIGINT');
    }
    await new Promise((r) => mine.once('close', r));
    // conntrack names the program when it still runs; it has exited by then (or not): drop the name.
    const norm = (s: string) => s.split('\n').filter((l) => l && !l.includes('src=10.9.9.9 ')).map((l) => l.replace(/ progname=\S+$/, ''));
    t.is(norm(b).length, 3, b);
    t.deepEqual(norm(b), norm(a));
  });
});

test('createMany: 3,000 entries in bulk, a duplicate reported by its index; delete by filter takes exactly the selected ones', async (t) => {
  await withIpNetns('ctm', async (ns) => {
    const ct = new Conntrack({ netns: ns });
    try {
      const entries = Array.from({ length: 3000 }, (_, i) => ({
        orig: { src: `10.9.${i >> 8}.${i & 255}`, dst: '10.9.200.1', proto: i % 2 ? 'udp' : 'tcp', sport: 10000 + i, dport: i % 3 ? 53 : 80 },
        timeout: 300,
      }));
      const dup = { ...entries[17]! };
      const failures = await ct.createMany([...entries, dup]);
      t.deepEqual(failures.map((f) => [f.index, (f.error as { code?: string }).code]), [[3000, 'EEXIST']]);
      t.is(Number(run('ip', ['netns', 'exec', ns, CONNTRACK, '-C']).trim()), 3000);
      const udp53 = entries.filter((_, i) => i % 2 === 1 && i % 3 !== 0).length;
      t.is(conntrackL(ns, '-p', 'udp', '--dport', '53').length, udp53);
      t.is(await ct.delete({ proto: 'udp', dport: 53 }), udp53);
      t.deepEqual(conntrackL(ns, '-p', 'udp', '--dport', '53'), []);
      t.is(Number(run('ip', ['netns', 'exec', ns, CONNTRACK, '-C']).trim()), 3000 - udp53);
      const bad = await t.throwsAsync(ct.createMany([entries[0]!, { ...entries[1]!, timeout: -1 }]), { instanceOf: ValidationError });
      t.regex(bad!.message, /entries\[1\]\.timeout/);
    } finally {
      ct.close();
    }
  });
});

test('delete by filter: zones, IPv6, reply-side and mark filters take exactly their entries, checked by conntrack -L', async (t) => {
  await withIpNetns('ctz', async (ns) => {
    const ct = new Conntrack({ netns: ns });
    try {
      const base = { src: '10.7.0.1', dst: '10.7.0.2', proto: 'udp', sport: 4000, dport: 53 };
      // The same tuple in zones 0 and 7: a delete that dropped the zone would hit zone 0's.
      const entries = [
        { orig: base, timeout: 300 },
        { orig: base, zone: 7, timeout: 300 },
        { orig: { ...base, sport: 4001 }, zone: 7, timeout: 300 },
        { orig: { src: '2001:db8::1', dst: '2001:db8::2', proto: 'tcp', sport: 5000, dport: 443 }, timeout: 300 },
        { orig: { src: '2001:db8::3', dst: '2001:db8::2', proto: 'udp', sport: 5001, dport: 53 }, timeout: 300, mark: 9 },
        // NATed: the reply comes from 203.0.113.9, which only a reply-side filter sees.
        { orig: { src: '10.7.0.3', dst: '10.7.0.4', proto: 'tcp', sport: 6000, dport: 80 }, reply: { src: '203.0.113.9', dst: '10.7.0.3', proto: 'tcp', sport: 80, dport: 6000 }, timeout: 300 },
        { orig: { src: '10.7.0.5', dst: '10.7.0.6', proto: 'tcp', sport: 6001, dport: 80 }, timeout: 300, mark: 9 },
      ];
      t.deepEqual(await ct.createMany(entries), []);
      t.is(conntrackL(ns).length, 7);
      t.is(conntrackL(ns, '-f', 'ipv6').length, 2);
      const count = (): number => Number(run('ip', ['netns', 'exec', ns, CONNTRACK, '-C']).trim());
      t.is(count(), 7);

      t.is(await ct.delete({ zone: 7 }), 2);
      t.deepEqual(conntrackL(ns, '-w', '7'), []);
      t.is(conntrackL(ns, '-s', '10.7.0.1').length, 1, "zone 0's entry with the same tuple stays");

      t.is(await ct.delete({ reply: { src: '203.0.113.9' } }), 1);
      t.deepEqual(conntrackL(ns, '-r', '203.0.113.9'), []);

      t.is(await ct.delete({ mark: 9, family: 'ipv6' }), 1);
      t.is(conntrackL(ns, '-m', '9').length, 1, 'the IPv4 entry with mark 9 stays');

      t.is(await ct.delete({ family: 'ipv6' }), 1);
      t.deepEqual(conntrackL(ns, '-f', 'ipv6'), []);
      t.is(count(), 2);
      t.is(await ct.delete({ proto: 'tcp', dport: 9999, family: 'ipv4' }), 0);
      t.is(count(), 2);
    } finally {
      ct.close();
    }
  });
});
