// `netlinkts monitor tc` sees what `tc` changes (RTNLGRP_TC), and `netlinkts decode` reads tc's
// own request bytes with the tc tables.
import test from 'ava';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertPrivate, run, withIpNetns } from './helpers/env.js';
import { tool } from './helpers/tools.js';
import { golden } from './helpers/tc-golden.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const TC = tool('tc');
test.before(() => assertPrivate());

test('monitor tc --json prints the qdisc tc adds, then its deletion', async (t) => {
  await withIpNetns('tcm', async (ns) => {
    run('ip', ['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    const mon = spawn(process.execPath, [MAIN, 'monitor', 'tc', '--json', '--netns', ns], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    mon.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const waitFor = async (re: RegExp, tries = 200): Promise<void> => {
      for (let i = 0; i < tries && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
    };
    try {
      // The monitor may not be listening yet (node's start on a busy machine): repeat the add
      // and delete until it has printed a deletion, rather than guessing a start-up time.
      for (let i = 0; i < 40 && !/"deleted":true/.test(out); i++) {
        run('ip', ['netns', 'exec', ns, TC, 'qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'tbf', 'rate', '10mbit', 'burst', '32kbit', 'latency', '400ms']);
        run('ip', ['netns', 'exec', ns, TC, 'qdisc', 'del', 'dev', 'v0', 'root']);
        await waitFor(/"deleted":true/, 20);
      }
    } finally {
      mon.kill('SIGINT');
    }
    t.regex(out, /"deleted":true/, 'the monitor printed a deletion within 40 tries');
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    const added = lines.find((l) => l.kind === 'tbf' && !l.deleted);
    t.truthy(added, out);
    t.is(added.handle, '1:');
    t.is(added.dev, 'v0');
    t.is(added.options.rate, 1250000);
    t.truthy(lines.find((l) => l.kind === 'tbf' && l.deleted === true), out);
  });
});

test('decode reads tc\'s request with the tc tables', (t) => {
  const g = golden('htb-class');
  const out = execFileSync(process.execPath, [MAIN, 'decode', '--json'], { input: Buffer.from(g.bytes).toString('hex'), encoding: 'utf8' });
  t.regex(out, /RTM_NEWTCLASS/);
  t.regex(out, /"parms"/);
  t.regex(out, /"rtab"/);
});
