// The masquerade helper against the real kernel: creates what is missing, is idempotent
// (twice leaves one rule, even when nft added the rule, even when two callers race), and
// does what the seed tutorial needs: packets from a private network leave with the router's
// address. Every namespace here is the test's own; "outside" is a documentation address.
import test from 'ava';
import { spawn } from 'node:child_process';
import { Nftables, ruleToText } from '../src/nft/index.js';
import { listText, nftIn, withNetns, withNft } from './fixtures/nft/netns.js';
import { run, tryRun } from './helpers/env.js';

const SEED_TEXT = `table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 192.168.0.0/16 masquerade
	}
}
`;

test('creates table ip nat and chain postrouting, then is idempotent', async (t) => {
  await withNft('nmq', async (nft, ns) => {
    const first = await nft.masquerade({ from: '192.168.0.0/16' });
    t.true(first.created);
    t.is(first.text, 'ip saddr 192.168.0.0/16 masquerade');
    t.true(first.rule.handle! > 0);
    t.is(listText(ns), SEED_TEXT);

    const second = await nft.masquerade({ from: '192.168.0.0/16' });
    t.false(second.created);
    t.is(second.rule.handle, first.rule.handle);
    t.is(second.generation, first.generation, 'nothing was committed');
    t.is(listText(ns), SEED_TEXT);
    t.is((await nft.listRules({ family: 'ip', table: 'nat', chain: 'postrouting' })).length, 1);
  });
});

test('finds a rule nft added, keeps other rules, adds an oifname variant once', async (t) => {
  await withNft('nmq2', async (nft, ns) => {
    nftIn(ns, ['-f', '-'], [
      'table ip nat {',
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      '    ip saddr 10.0.0.0/8 counter snat to 203.0.113.1',
      '    ip saddr 192.168.0.0/16 masquerade',
      '  }',
      '}',
    ].join('\n'));
    const found = await nft.masquerade({ from: '192.168.0.0/16' });
    t.false(found.created, 'the rule nft added is the same rule');

    const withOif = await nft.masquerade({ from: '192.168.0.0/16', outInterface: 'eth9' });
    t.true(withOif.created);
    t.is(withOif.text, 'ip saddr 192.168.0.0/16 oifname "eth9" masquerade');
    t.false((await nft.masquerade({ from: '192.168.0.0/16', outInterface: 'eth9' })).created);

    const rules = await nft.listRules({ family: 'ip', table: 'nat', chain: 'postrouting' });
    t.deepEqual(rules.map(ruleToText), [
      'ip saddr 10.0.0.0/8 counter packets 0 bytes 0 snat to 203.0.113.1',
      'ip saddr 192.168.0.0/16 masquerade',
      'ip saddr 192.168.0.0/16 oifname "eth9" masquerade',
    ]);
    t.is((await nft.listChains({ family: 'ip', table: 'nat' })).length, 1, 'the existing chain was reused');
  });
});

test('two callers racing add one rule (generation-checked commit)', async (t) => {
  await withNft('nmq3', async (nft, ns) => {
    const other = Nftables.open({ netns: `/run/netns/${ns}` });
    try {
      const results = await Promise.all([
        nft.masquerade({ from: '172.16.0.0/12' }), other.masquerade({ from: '172.16.0.0/12' }),
        nft.masquerade({ from: '172.16.0.0/12' }), other.masquerade({ from: '172.16.0.0/12' }),
      ]);
      t.true(results.filter((r) => r.created).length >= 1);
      const rules = await nft.listRules({ family: 'ip', table: 'nat', chain: 'postrouting' });
      t.deepEqual(rules.map(ruleToText), ['ip saddr 172.16.0.0/12 masquerade']);
    } finally {
      other.close();
    }
  });
});

test('an IPv6 prefix goes to table ip6 nat', async (t) => {
  await withNft('nmq6', async (nft, ns) => {
    const r = await nft.masquerade({ from: 'fd00::/8', comment: 'containers' });
    t.true(r.created);
    t.regex(listText(ns), /table ip6 nat \{\n\tchain postrouting \{\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip6 saddr fd00::\/8 masquerade comment "containers"\n/);
    t.false((await nft.masquerade({ from: 'fd00::/8', comment: 'containers' })).created);
  });
});

/** Run `node -e CODE` inside a namespace; resolves with stdout. */
function nodeIn(ns: string, code: string): { done: Promise<string>; printed: Promise<void>; kill: () => void } {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  // Its first output (a server's "up" once it listens), or its end if it prints nothing.
  const printed = new Promise<void>((r) => { child.stdout.once('data', () => r()); child.once('close', () => r()); });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const done = new Promise<string>((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`node in ${ns} exited ${code}: ${err}`))));
  });
  return { done, printed, kill: () => child.kill() };
}

test('the seed story: a private client reaches the outside only with masquerade, seen as the router', async (t) => {
  await withNetns('ncli', (cli) => withNetns('nrtr', (rtr) => withNetns('nout', async (out) => {
    // client 192.168.0.2/16 -- router 192.168.0.1/16 | 198.51.100.1/24 -- outside 198.51.100.2/24
    run('ip', ['link', 'add', 'c0', 'netns', cli, 'type', 'veth', 'peer', 'name', 'r0', 'netns', rtr]);
    run('ip', ['link', 'add', 'r1', 'netns', rtr, 'type', 'veth', 'peer', 'name', 'o0', 'netns', out]);
    run('ip', ['-n', cli, 'addr', 'add', '192.168.0.2/16', 'dev', 'c0']);
    run('ip', ['-n', cli, 'link', 'set', 'c0', 'up']);
    run('ip', ['-n', cli, 'route', 'add', 'default', 'via', '192.168.0.1']);
    run('ip', ['-n', rtr, 'addr', 'add', '192.168.0.1/16', 'dev', 'r0']);
    run('ip', ['-n', rtr, 'addr', 'add', '198.51.100.1/24', 'dev', 'r1']);
    run('ip', ['-n', rtr, 'link', 'set', 'r0', 'up']);
    run('ip', ['-n', rtr, 'link', 'set', 'r1', 'up']);
    run('ip', ['netns', 'exec', rtr, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    run('ip', ['-n', out, 'addr', 'add', '198.51.100.2/24', 'dev', 'o0']);
    run('ip', ['-n', out, 'link', 'set', 'o0', 'up']);
    // The outside knows no route back to 192.168.0.0/16: only translated packets can be answered.
    const ping = (): number => tryRun('ip', ['netns', 'exec', cli, 'ping', '-c', '1', '-W', '1', '198.51.100.2']).status;
    t.not(ping(), 0, 'without masquerade the outside cannot answer');

    const nft = Nftables.open({ netns: `/run/netns/${rtr}` });
    try {
      const r = await nft.masquerade({ from: '192.168.0.0/16', outInterface: 'r1' });
      t.true(r.created);
    } finally {
      nft.close();
    }
    t.is(ping(), 0, 'with masquerade the ping is answered');

    // Who does the outside see? A TCP server there reports the peer address.
    const server = nodeIn(out, `const s = require('net').createServer((c) => { c.end(c.remoteAddress); s.close(); }).listen(8080, '198.51.100.2', () => console.log('up'));`);
    try {
      await server.printed; // listening
      const seen = await nodeIn(cli, `require('net').connect(8080, '198.51.100.2').on('data', (d) => { process.stdout.write(d); }).on('error', (e) => { console.error(e.message); process.exit(1); });`).done;
      t.is(seen, '198.51.100.1', 'the client appears as the router\'s outside address');
      await server.done;
    } finally {
      server.kill();
    }
  })));
});
