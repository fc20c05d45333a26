// The package's entry points are what tsc emits: plain ES modules with source maps and types,
// no bundle, no loader of our own (no vm.Script, no code cache), and importing the root entry
// loads neither zod nor debug (they load on first validation / first log).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tool } from './helpers/tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string; types: string; bin: Record<string, string>; sideEffects: unknown;
  exports: Record<string, string | { types: string; default: string }>;
};
const entries = Object.entries(pkg.exports).filter((e): e is [string, { types: string; default: string }] => typeof e[1] === 'object');
const spec = (key: string) => (key === '.' ? 'netlinkts' : `netlinkts/${key.slice(2)}`);

/** The .ts file tsc compiled FILE (a path under dist/) from, per its source map. */
function mappedSource(file: string): string {
  const js = readFileSync(file, 'utf8');
  const m = /\n\/\/# sourceMappingURL=(\S+)\s*$/.exec(js);
  if (!m) throw new Error(`${file} has no sourceMappingURL comment`);
  const map = JSON.parse(readFileSync(join(dirname(file), m[1]!), 'utf8')) as { sources: string[] };
  if (map.sources.length !== 1) throw new Error(`${file}'s map has ${map.sources.length} sources: a bundle, not one module`);
  return join(dirname(file), map.sources[0]!);
}

test('package.json: every entry, the bin and the types are tsc output next to its source map', (t) => {
  t.is(pkg.sideEffects, false);
  t.true(entries.length >= 4);
  const files = [pkg.main, ...Object.values(pkg.bin), ...entries.map(([, e]) => e.default)];
  for (const f of files) {
    const abs = join(root, f);
    t.true(f.startsWith('./dist/src/') && f.endsWith('.js'), f);
    const src = mappedSource(abs);
    t.is(relative(root, src), relative(join(root, 'dist'), abs).replace(/\.js$/, '.ts'), `${f} comes from its own .ts file`);
    t.true(existsSync(src), `${src} exists (the map resolves inside the package)`);
  }
  for (const [, e] of entries) t.true(existsSync(join(root, e.types)), e.types);
  t.is(pkg.types, (pkg.exports['.'] as { types: string }).types);
});

test('dist/src holds only tsc output: one .js per .ts, no vm.Script, no code cache, no bundle', (t) => {
  const dist = join(root, 'dist/src');
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
  const all = walk(dist);
  const js = all.filter((f) => f.endsWith('.js'));
  t.true(js.length > 50, `${js.length} modules`);
  for (const f of all) t.regex(f, /\.(js|js\.map|d\.ts)$/, `unexpected file in dist: ${relative(root, f)}`);
  for (const f of js) {
    const text = readFileSync(f, 'utf8');
    t.false(/\bnode:vm\b|\bvm\.Script\b|\bcachedData\b|runInThisContext|NETLINKTS_BUNDLE|NETLINKTS_CODE_CACHE/.test(text), `${relative(root, f)} uses vm or a code cache`);
    t.true(existsSync(join(root, relative(join(root, 'dist'), f).replace(/\.js$/, '.ts'))), `${relative(root, f)} has a source`);
  }
});

/** The files a node process opens while it runs SCRIPT (an ES module), by strace. */
function filesOpened(script: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'netlinkts-entry-'));
  try {
    const trace = join(dir, 'trace');
    const r = spawnSync(tool('strace'), ['-f', '-qq', '-e', 'trace=openat,open', '-o', trace, process.execPath, '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return [...readFileSync(trace, 'utf8').matchAll(/open(?:at)?\([^"]*"([^"]+)"/g)].map((m) => m[1]!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("import('netlinkts') loads neither zod nor debug", (t) => {
  const heavy = (files: string[]) => files.filter((f) => /node_modules\/(zod|debug)\//.test(f));
  const opened = filesOpened("await import('netlinkts')");
  t.true(opened.some((f) => f.endsWith('/dist/src/index.js')), 'the trace saw the entry');
  t.deepEqual(heavy(opened), []);
  // The probe can see them: importing them by hand shows both.
  const control = heavy(filesOpened("await import('netlinkts'); await import('zod/v3'); await import('debug')"));
  t.true(control.some((f) => f.includes('/zod/')) && control.some((f) => f.includes('/debug/')), JSON.stringify(control));
});

test('every entry loads under its package name, one copy of each class, and lists links as ip does', (t) => {
  const specs = entries.map(([k]) => spec(k));
  const script = `
    const out = { names: {} };
    for (const s of ${JSON.stringify(specs)}) out.names[s] = Object.keys(await import(s)).length;
    const root = await import('netlinkts'), netlink = await import('netlinkts/netlink'), nft = await import('netlinkts/nft');
    out.same = root.NetlinkError === netlink.NetlinkError && root.NftBatch === nft.NftBatch;
    const { NetlinkSocket } = netlink;
    const { listLinks } = await import('netlinkts/rtnl');
    const sock = new NetlinkSocket();
    out.links = (await listLinks(sock)).map((l) => [l.ifindex, l.ifname]);
    sock.close();
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { names: Record<string, number>; same: boolean; links: [number, string][] };
  for (const s of specs) t.true(out.names[s]! > 5, `${s} exports ${out.names[s]} names`);
  t.true(out.same);
  const ip = JSON.parse(spawnSync(tool('ip'), ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout) as { ifindex: number; ifname: string }[];
  t.deepEqual(out.links, ip.map((l) => [l.ifindex, l.ifname]));
});

test('a stack trace from the library names the real file, and its .ts source with --enable-source-maps', (t) => {
  // A namespace that does not exist: the library's own error, raised in src/netlink.
  const script = "const { netns } = await import('netlinkts'); try { await netns.open('netlinkts-no-such-ns'); } catch (e) { console.log(e.stack); }";
  const plain = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  t.is(plain.status, 0, plain.stderr);
  t.regex(plain.stdout, /dist\/src\/[\w/-]+\.js:\d+:\d+/);
  const mapped = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  t.regex(mapped.stdout, /\/src\/[\w/-]+\.ts:\d+:\d+/);
  t.notRegex(mapped.stdout, /dist\/src\/[\w/-]+\.js:\d+/);
});
