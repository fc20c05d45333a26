// The three seed tutorials, run as users run them (`node --import=tsx examples/...`), then
// checked with independent tools: ip, nft, ping and a TCP server that reports the source
// address it sees. Serial: the tutorials' namespace names (internet, ...) overlap.
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { assertPrivate, ipJson, nftText, run, tryRun } from './helpers/env.js';

test.before(() => assertPrivate());

function runExample(file: string, args: string[] = ['--keep']): { code: number; out: string } {
  const r = spawnSync(process.execPath, ['--import=tsx', `examples/${file}`, ...args], { encoding: 'utf8', timeout: 90_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function cleanup(names: string[]): void {
  for (const n of names) tryRun('ip', ['netns', 'del', n]);
}

function pingFrom(ns: string, addr: string): boolean {
  return tryRun('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', addr]).status === 0;
}

/** An independent TCP check: a server in `serverNs` prints the peer address of one connection. */
async function tcpSource(serverNs: string, clientNs: string, addr: string, port: number): Promise<string> {
  const server = spawn('ip', ['netns', 'exec', serverNs, process.execPath, '-e',
    `const s=require('net').createServer(c=>{console.log(c.remoteAddress);c.end();s.close()});s.listen(${port},'${addr}',()=>console.log('up'))`]);
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  await new Promise<void>((r) => server.stdout.once('data', () => r()));
  tryRun('ip', ['netns', 'exec', clientNs, process.execPath, '-e',
    `const c=require('net').connect(${port},'${addr}');c.setTimeout(3000,()=>process.exit(1));c.on('end',()=>process.exit(0));c.on('error',()=>process.exit(1))`]);
  await new Promise<void>((r) => { if (server.exitCode !== null) r(); else { server.once('close', () => r()); setTimeout(() => { server.kill(); }, 4000); } });
  return out.split('\n').filter((l) => l && l !== 'up').join();
}

test.serial('seed 004: red and green ping each other over /32 host routes', (t) => {
  const names = ['red', 'green', 'seed004-host'];
  try {
    const r = runExample('seed-004-two-namespaces.ts');
    t.is(r.code, 0, r.out);
    t.regex(r.out, /ENETUNREACH \(network is unreachable\)/);
    t.regex(r.out, /all checks passed/);
    t.true(pingFrom('red', '10.10.1.3'));
    t.true(pingFrom('green', '10.10.1.2'));
    const routes = ipJson<any[]>(['route', 'show'], 'red');
    t.deepEqual(routes.map((x) => [x.dst, x.dev, x.scope]), [['10.10.1.3', 'rveth', 'link']]);
    const [addr] = ipJson<any[]>(['addr', 'show', 'dev', 'gveth'], 'green');
    t.deepEqual(addr.addr_info.filter((a: any) => a.family === 'inet').map((a: any) => `${a.local}/${a.prefixlen}`), ['10.10.1.3/32']);
    t.is(tryRun('ip', ['-n', 'seed004-host', 'link', 'show', 'rveth']).status, 1, 'rveth left the host');
  } finally {
    cleanup(names);
  }
});

test.serial('seed 001: ns0 reaches the internet namespace, masqueraded behind 203.0.113.2', async (t) => {
  const names = ['ns0', 'internet', 'seed001-host'];
  try {
    const r = runExample('seed-001-egress.ts');
    t.is(r.code, 0, r.out);
    t.regex(r.out, /connection fails: timed out/, 'without masquerade the connection failed');
    t.regex(r.out, /all checks passed/);
    t.regex(nftText('seed001-host'), /ip saddr 192\.168\.0\.0\/16 masquerade/);
    t.is(run('ip', ['netns', 'exec', 'seed001-host', 'sysctl', '-n', 'net.ipv4.ip_forward']).trim(), '1');
    const [veth] = ipJson<any[]>(['-d', 'link', 'show', 'veth0'], 'seed001-host');
    t.is(veth.master, 'br0');
    t.true(pingFrom('ns0', '203.0.113.1'));
    t.is(await tcpSource('internet', 'ns0', '203.0.113.1', 9090), '203.0.113.2');
    // And the route back really is missing: without NAT the reply could not come home.
    t.false(ipJson<any[]>(['route', 'show'], 'internet').some((x) => x.dst === 'default' || String(x.dst).startsWith('192.168')));
  } finally {
    cleanup(names);
  }
});

test.serial('seed 002: docker0 with two containers; the inspection names each veth\'s container', async (t) => {
  const names = ['c1', 'c2', 'internet', 'seed002-host'];
  try {
    const r = runExample('seed-002-docker-bridge.ts');
    t.is(r.code, 0, r.out);
    t.regex(r.out, /all checks passed/);
    t.regex(r.out, /-> container c1/);
    t.regex(r.out, /-> container c2/);
    const veths = ipJson<any[]>(['-d', 'link', 'show', 'type', 'veth'], 'seed002-host').filter((v) => v.master === 'docker0');
    t.is(veths.length, 2);
    for (const v of veths) t.is(typeof v.link_netnsid, 'number');
    t.true(pingFrom('c1', '172.17.0.3'));
    t.is(await tcpSource('internet', 'c2', '203.0.113.1', 9091), '203.0.113.2');
    const ruleset = nftText('seed002-host');
    t.is(ruleset.match(/ip saddr 172\.17\.0\.0\/16 masquerade/g)?.length, 1, 'one masquerade rule after two calls');
  } finally {
    cleanup(names);
  }
});

test.serial('examples clean up after themselves without --keep', (t) => {
  const r = runExample('seed-004-two-namespaces.ts', []);
  t.is(r.code, 0, r.out);
  const left = run('ip', ['netns', 'list']);
  t.notRegex(left, /\bred\b|\bgreen\b|seed004-host/);
});

test('examples and docs import the package by name, never ../src (users copy them into their own projects)', (t) => {
  const files = [
    ...readdirSync('examples', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => `examples/${f}`),
    ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
    'README.md',
  ];
  t.true(files.length > 5);
  let imports = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)) {
      const spec = m[1]!;
      if (spec.startsWith('netlinkts')) imports++;
      t.false(/(^|\/)src(\/|$)/.test(spec) || (spec.startsWith('.') && !/^\.\/lib\//.test(spec)), `${f} imports '${spec}'`);
    }
  }
  t.true(imports >= 10, `${imports} imports of netlinkts`);
});
