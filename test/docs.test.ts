// Issue #25 item 11: the docs hold. Every page (README.md and docs/*.md, discovered, so pages
// added later are covered) is read for fenced blocks: each TypeScript block runs as written,
// after the glue its page gives in a `<!-- docs-test: glue ... -->` comment just above it (the
// names it assumes), in a network + mount namespace of its own; each `<!-- docs-test: messages -->`
// block lists messages, and every line must equal what the library really prints (produced
// below). A block opts out only with `<!-- docs-test: skip (why) -->`, the reason mandatory.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addNamespace, deleteNamespace } from '../src/netlink/namespace.js';
import { NetlinkSocket } from '../src/netlink/socket.js';
import { createLink, openRtnlSocket } from '../src/rtnl/index.js';
import { netns } from '../src/index.js';
import { assertPrivate, uniqueName } from './helpers/env.js';
import { tool } from './helpers/tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Block { page: string; line: number; lang: string; code: string; marker?: { kind: 'skip' | 'glue' | 'messages'; text: string } }

/** Fenced blocks of a page, each with the docs-test marker right above it, if any. */
function docBlocks(page: string, markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i]!)) body.push(lines[i]!);
    // The marker is the HTML comment that ends on the line above the fence.
    let marker: Block['marker'];
    if (/-->\s*$/.test(lines[start - 1] ?? '')) {
      let j = start - 1;
      while (j > 0 && !lines[j]!.includes('<!--')) j--;
      const c = /^<!--\s*docs-test:\s*(skip|glue|messages)\b([\s\S]*?)-->\s*$/.exec(lines.slice(j, start).join('\n'));
      if (c) marker = { kind: c[1] as 'skip' | 'glue' | 'messages', text: c[2]!.trim() };
    }
    out.push({ page, line: start + 1, lang: open[1]!, code: body.join('\n'), marker });
  }
  return out;
}

const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const blocks = pages.flatMap((p) => docBlocks(p, readFileSync(join(root, p), 'utf8')));
const isTs = (b: Block): boolean => b.lang === 'ts' || b.lang === 'typescript';

test('every TypeScript block of every page runs, or says why not; markers are well formed', (t) => {
  t.true(pages.length >= 10, pages.join(', '));
  const unmarked: string[] = [];
  for (const b of blocks.filter(isTs)) {
    // README's blocks run in test/readme.test.ts, with glue that checks their results.
    if (b.page === 'README.md') continue;
    if (!b.marker && !/^import /m.test(b.code)) unmarked.push(`${b.page}:${b.line} uses names it does not import: give glue or a skip reason`);
    if (b.marker?.kind === 'skip' && !/^\(.+\)$/.test(b.marker.text)) unmarked.push(`${b.page}:${b.line}: a skip needs its reason in parentheses`);
  }
  t.deepEqual(unmarked, []);
});

function runSnippet(source: string): { status: number | null; stdout: string; stderr: string } {
  // Inside the package (dist/ is not in git), so 'netlinkts' resolves to the package itself.
  mkdirSync(join(root, 'dist'), { recursive: true });
  const dir = mkdtempSync(join(root, 'dist', 'docs-test-'));
  try {
    const file = join(dir, 'snippet.ts');
    writeFileSync(file, `${source}\nprocess.exit(0);\n`);
    const setup = 'mount -t tmpfs docs-netns /run/netns && "$DOCS_IP" link set lo up && exec "$@"';
    const r = spawnSync(tool('unshare'), ['--net', '--mount', '--propagation', 'private', '--', 'bash', '-c', setup, 'docs', process.execPath, '--import=tsx', file], {
      cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCS_IP: tool('ip') },
    });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const b of blocks.filter((x) => isTs(x) && x.page !== 'README.md' && x.marker?.kind !== 'skip')) {
  test(`${b.page}:${b.line} runs as written`, (t) => {
    assertPrivate();
    const glue = b.marker?.kind === 'glue' ? b.marker.text : '';
    const r = runSnippet(`${glue}\n${b.code}\n`);
    t.is(r.status, 0, `${b.page}:${b.line}\n${r.stderr.slice(-3000)}`);
  });
}

test('every documented message is the one the library prints', async (t) => {
  assertPrivate();
  const name = uniqueName('doc');
  const ns = await addNamespace(name);
  const sock = openRtnlSocket({ netns: ns.fd });
  const messageOf = async (f: () => unknown): Promise<string> => {
    try { await f(); } catch (e) { return (e as Error).message; }
    return '(no error)';
  };
  try {
    await createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' });
    const h = await netns.open(name);
    // Each producer makes the error its documented line describes, as the page describes it.
    const producers: Array<[RegExp, () => unknown]> = [
      [/^create link veth0: EEXIST/, () => createLink(sock, { name: 'veth0', kind: 'veth', peer: 'ceth0' })],
      [/^create link foo: EOPNOTSUPP/, () => createLink(sock, { name: 'foo', kind: 'foo', infoData: [] })],
      [/^invalid link\.name: "averyveryverylongname"/, () => createLink(sock, { name: 'averyveryverylongname', kind: 'veth' })],
      [/^open netlink socket \(protocol 0\): open \/run\/netns\/nope/, () => new NetlinkSocket({ netns: '/run/netns/nope' })],
      [/^invalid netns: network namespace "nope"/, () => netns.open('nope')],
      [/^link chain step "create veth veth0" failed/, () => h.link('veth0').create({ kind: 'veth', peer: 'ceth0' })],
    ];
    const documented = blocks.filter((b) => b.marker?.kind === 'messages');
    t.true(documented.length >= 1, 'docs/errors.md lists messages');
    for (const b of documented) {
      for (const line of b.code.split('\n').filter(Boolean)) {
        const p = producers.find(([re]) => re.test(line));
        if (!p) { t.fail(`${b.page}:${b.line}: no producer for documented message "${line}" (add one here)`); continue; }
        t.is(await messageOf(p[1]), line, `${b.page}:${b.line}`);
      }
    }
    h.close();
  } finally {
    sock.close();
    ns.close();
    await deleteNamespace(name);
  }
});
