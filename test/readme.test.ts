// The README's TypeScript snippets run as written, so they cannot rot. Each ```ts block gets
// the glue it needs (names it assumes, checks after it) and runs as a file importing
// 'netlinkts' by its package name, in a network + mount namespace of its own (nested in the
// test run's private one), so its `netns.current()` and /run/netns are fresh and nothing it
// makes outlives it. A block with no glue fails the first test: a new snippet must come with a
// way to run it.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPrivate } from './helpers/env.js';
import { tool } from './helpers/tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Block { line: number; lang: string; code: string }

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i]!)) body.push(lines[i]!);
    blocks.push({ line: start + 1, lang: open[1]!, code: body.join('\n') });
  }
  return blocks;
}

type Result = { stdout: string; stderr: string; state: any };

interface Glue {
  /** Which block (a line of its code). */
  match: RegExp;
  /** Code before the block: the names it assumes. */
  prelude: string;
  /** Code after it: print what the check needs as a `README-RESULT {json}` line. */
  epilogue: string;
  check(t: import('ava').ExecutionContext, r: Result): void;
}

// The snippets' results are read with ip and nft run inside the snippet's own namespace.
const probe = `
import { execFileSync as __run } from 'node:child_process';
import { readFileSync as __read } from 'node:fs';
const __ip = (...a: string[]) => JSON.parse(__run(process.env.README_IP!, ['-j', ...a], { encoding: 'utf8' }) || '[]');
const __nft = () => __run(process.env.README_NFT!, ['list', 'ruleset'], { encoding: 'utf8' });
const __print = (state: unknown) => console.log('README-RESULT ' + JSON.stringify(state));
`;

const GLUE: Glue[] = [
  {
    match: /await host\.nft\.masquerade/,
    prelude: '',
    epilogue: `${probe}
__print({
  links: __ip('-d', 'link', 'show').map((l: any) => [l.ifname, l.master ?? null, l.linkinfo?.info_kind ?? null]),
  br0: __ip('addr', 'show', 'dev', 'br0')[0].addr_info.filter((a: any) => a.family === 'inet').map((a: any) => a.local + '/' + a.prefixlen),
  ceth0: __ip('-n', 'ns0', 'addr', 'show', 'dev', 'ceth0')[0].addr_info.filter((a: any) => a.family === 'inet').map((a: any) => a.local + '/' + a.prefixlen),
  routes: __ip('-n', 'ns0', 'route', 'show', 'default').map((r: any) => r.gateway),
  forwarding: __read('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(),
  nft: __nft(),
});`,
    check(t, r) {
      t.deepEqual(r.state.links.filter((l: string[]) => l[0] !== 'lo').sort(), [['br0', null, 'bridge'], ['veth0', 'br0', 'veth']]);
      t.deepEqual(r.state.br0, ['192.168.0.1/16']);
      t.deepEqual(r.state.ceth0, ['192.168.0.2/16']);
      t.deepEqual(r.state.routes, ['192.168.0.1']);
      t.is(r.state.forwarding, '1');
      t.regex(r.state.nft, /ip saddr 192\.168\.0\.0\/16 .*masquerade/);
      // The snippet's own loop printed the veth and its master.
      t.regex(r.stdout, /^veth0 /m);
    },
  },
  {
    match: /host\.routes\.addMany/,
    prelude: `import { netns } from 'netlinkts';
const host = await netns.current();
await host.link('rt0').create({ kind: 'veth', peer: { name: 'rt1' } }).up().address('192.168.0.1/16');
await host.link('rt1').up();
// 1,000 prefixes and one repeated, so the snippet's error report has something to say.
const prefixes = Array.from({ length: 1000 }, (_, i) => \`10.\${i >> 8}.\${i & 255}.0/24\`).concat('10.0.0.0/24');
`,
    epilogue: `${probe}
__print({ failed: failed.length, table100: __ip('route', 'show', 'table', '100').length });`,
    check(t, r) {
      t.deepEqual(r.state, { failed: 1, table100: 1000 });
      t.regex(r.stderr, /^routes\[1000\]: .*exists/im);
    },
  },
];

const blocks = codeBlocks(readFileSync(join(root, 'README.md'), 'utf8')).filter((b) => b.lang === 'ts' || b.lang === 'typescript');

test('every TypeScript block in README.md has glue here, and imports by package name', (t) => {
  t.true(blocks.length >= 2);
  for (const b of blocks) {
    t.is(GLUE.filter((g) => g.match.test(b.code)).length, 1, `README.md:${b.line} needs exactly one entry in test/readme.test.ts GLUE`);
    t.notRegex(b.code, /from '\.\.?\//, `README.md:${b.line} imports a relative path, not 'netlinkts'`);
  }
});

function runSnippet(source: string): Result & { status: number | null } {
  // Inside the package (dist/ is ignored by git), so 'netlinkts' resolves to the package itself.
  mkdirSync(join(root, 'dist'), { recursive: true });
  const dir = mkdtempSync(join(root, 'dist', 'readme-test-'));
  try {
    const file = join(dir, 'snippet.ts');
    writeFileSync(file, source);
    const setup = 'mount -t tmpfs readme-netns /run/netns && "$README_IP" link set lo up && exec "$@"';
    const r = spawnSync(tool('unshare'), ['--net', '--mount', '--propagation', 'private', '--', 'bash', '-c', setup, 'readme', process.execPath, '--import=tsx', file], {
      cwd: root, encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, README_IP: tool('ip'), README_NFT: tool('nft') },
    });
    const line = /^README-RESULT (.*)$/m.exec(r.stdout ?? '');
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', state: line ? JSON.parse(line[1]!) : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const b of blocks) {
  const glue = GLUE.find((g) => g.match.test(b.code));
  if (!glue) continue;
  test(`README.md:${b.line} runs as written`, (t) => {
    assertPrivate();
    const r = runSnippet(`${glue.prelude}\n${b.code}\n${glue.epilogue}\n`);
    t.is(r.status, 0, `${r.stderr}\n${r.stdout}`);
    t.truthy(r.state, 'the epilogue ran');
    glue.check(t, r);
  });
}

test("README's two fresh-machine commands: the main job and the test command, which .ci/run runs", (t) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  const commands = codeBlocks(quick).filter((b) => b.lang === 'sh').map((b) => b.code.trim());
  t.deepEqual(commands, ['npm install && npx netlinkts dump-links', 'npm test']);
  const ci = readFileSync(join(root, '.ci/run'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  t.is(ci.at(-1), commands[1], '.ci/run ends with the README test command');
  t.true(ci.includes('npm install --no-audit --no-fund'), '.ci/run installs as the README says (quietly)');
});
