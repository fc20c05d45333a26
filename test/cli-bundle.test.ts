// The launcher (src/cli/main.cts) runs the CLI from its bundle with a V8 code cache made by the
// build (scripts/build-cli.mjs). The cache must never be trusted for a bundle it was not made
// for, a cache V8 rejects must not stop the CLI, and the output must equal the modules'.
// Each test works on a copy of the launcher, bundle and cache in its own directory (other CLI
// tests run the real one meanwhile). Nothing here touches the kernel (decode reads stdin).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('../dist/src/cli/', import.meta.url));
const distSrc = fileURLToPath(new URL('../dist/src/', import.meta.url));
const fixture = readFileSync(new URL('fixtures/netlink/ip-route-show.hex', import.meta.url), 'utf8');

function copy(): string {
  const dir = mkdtempSync(`${distSrc}cli-bundle-test-`);
  for (const f of ['main.cjs', 'netlinkts.cjs', 'netlinkts.cjs.cache']) copyFileSync(cliDir + f, `${dir}/${f}`);
  return dir;
}

function decode(main: string, env: Record<string, string> = {}, nodeFlags: string[] = []) {
  return spawnSync(process.execPath, [...nodeFlags, main, 'decode', '--json'], { input: fixture, encoding: 'utf8', env: { ...process.env, DEBUG: '', NODE_OPTIONS: '', ...env } });
}

test('the build made a bundle without import() and a code cache naming its hash', (t) => {
  const src = readFileSync(`${cliDir}netlinkts.cjs`, 'latin1');
  const m = /^\/\/ netlinkts-bundle ([0-9a-f]{64})\n/.exec(src);
  t.truthy(m, 'hash line');
  t.false(/\bimport\(/.test(src));
  const head = readFileSync(`${cliDir}netlinkts.cjs.cache`).subarray(0, 200).toString('latin1');
  t.true(head.startsWith(`netlinkts-code-cache ${m![1]} ${process.version} ${process.arch}\n`), head.split('\n')[0]);
});

test('bundle with cache, bundle without, and the modules print the same', (t) => {
  const main = `${cliDir}main.cjs`;
  const mod = decode(main, { NETLINKTS_BUNDLE: '0' });
  t.is(mod.status, 0, mod.stderr);
  for (const env of [{}, { NETLINKTS_CODE_CACHE: '0' }] as Record<string, string>[]) {
    const r = decode(main, env);
    t.is(r.status, 0, r.stderr);
    t.is(r.stdout, mod.stdout);
  }
});

test('a cache for another bundle is ignored and replaced; one V8 rejects is replaced too', (t) => {
  const dir = copy();
  try {
    const expected = decode(`${cliDir}main.cjs`, { NETLINKTS_BUNDLE: '0' }).stdout;
    const cache = `${dir}/netlinkts.cjs.cache`;
    const good = readFileSync(cache);
    const nl = good.indexOf(10);
    // Another hash, same length: the header does not match.
    const other = Buffer.from(good);
    other.write(other[21] === 0x30 ? '1' : '0', 21, 'latin1');
    writeFileSync(cache, other);
    let r = decode(`${dir}/main.cjs`);
    t.is(r.status, 0, r.stderr);
    t.is(r.stdout, expected);
    t.deepEqual(readFileSync(cache).subarray(0, nl), good.subarray(0, nl), 'rewritten for this bundle');
    // Right header, garbage data: V8 rejects it, the CLI runs without and writes a new one.
    writeFileSync(cache, Buffer.concat([good.subarray(0, nl + 1), Buffer.alloc(4096, 7)]));
    r = decode(`${dir}/main.cjs`);
    t.is(r.status, 0, r.stderr);
    t.is(r.stdout, expected);
    t.true(statSync(cache).size > 4096 + nl + 1 || !readFileSync(cache).subarray(nl + 1, nl + 100).every((b) => b === 7), 'replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('node run with flags uses the cache but never rewrites it (V8 rejects a cache made under other flags)', (t) => {
  const dir = copy();
  try {
    const cache = `${dir}/netlinkts.cjs.cache`;
    const good = readFileSync(cache);
    // --max-old-space-size changes V8's flag hash: the build's cache is rejected, and must stay.
    let r = decode(`${dir}/main.cjs`, {}, ['--max-old-space-size=64']);
    t.is(r.status, 0, r.stderr);
    t.deepEqual(readFileSync(cache), good, 'not rewritten under flags');
    r = decode(`${dir}/main.cjs`, { NODE_OPTIONS: '--max-old-space-size=64' });
    t.is(r.status, 0, r.stderr);
    t.deepEqual(readFileSync(cache), good, 'not rewritten under NODE_OPTIONS');
    // Without flags a rejected cache is still repaired.
    writeFileSync(cache, Buffer.concat([good.subarray(0, good.indexOf(10) + 1), Buffer.alloc(64, 7)]));
    r = decode(`${dir}/main.cjs`);
    t.is(r.status, 0, r.stderr);
    t.true(readFileSync(cache).length > 1000, 'repaired in a plain run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dump-links and dump-routes have bundles of their own, without the other commands, each with its cache', (t) => {
  for (const command of ['dump-links', 'dump-routes']) {
    const file = `${cliDir}netlinkts-${command}.cjs`;
    const src = readFileSync(file, 'latin1');
    const m = /^\/\/ netlinkts-bundle ([0-9a-f]{64})\n/.exec(src);
    t.truthy(m, `${command}: hash line`);
    // The build replaces every other command's module with a stub that names it (the bundle is
    // minified: no module comments to look for).
    const stub = (c: string): string => `this bundle has only ${command}, not ./commands/${c}.js`;
    t.false(src.includes(stub(command)), `${command}: has its command`);
    for (const other of ['dump-nft', 'monitor', 'decode']) t.true(src.includes(stub(other)), `${command} bundle leaves out ${other}`);
    t.true(src.length < readFileSync(`${cliDir}netlinkts.cjs`, 'latin1').length * 0.7, `${command}: smaller than the whole bundle`);
    const head = readFileSync(`${file}.cache`).subarray(0, 200).toString('latin1');
    t.true(head.startsWith(`netlinkts-code-cache ${m![1]} ${process.version} ${process.arch}\n`), head.split('\n')[0]);
  }
});

test('the launcher takes a command\'s own bundle, and the whole bundle for the rest', (t) => {
  // A directory with the launcher and dump-routes' bundle only: no whole bundle, no modules.
  const dir = mkdtempSync(`${distSrc}cli-bundle-test-`);
  try {
    for (const f of ['main.cjs', 'netlinkts-dump-routes.cjs', 'netlinkts-dump-routes.cjs.cache']) copyFileSync(cliDir + f, `${dir}/${f}`);
    const env = { ...process.env, NETLINKTS_BUNDLE: '1' };
    const own = spawnSync(process.execPath, [`${dir}/main.cjs`, 'dump-routes', '--help'], { encoding: 'utf8', env });
    t.is(own.status, 0, own.stderr);
    t.regex(own.stdout, /--table/);
    // decode has no bundle of its own and nothing else is there: it fails to load.
    const other = spawnSync(process.execPath, [`${dir}/main.cjs`, 'decode', '--help'], { encoding: 'utf8', env });
    t.not(other.status, 0);
    copyFileSync(`${cliDir}netlinkts.cjs`, `${dir}/netlinkts.cjs`);
    const whole = spawnSync(process.execPath, [`${dir}/main.cjs`, 'decode', '--help'], { encoding: 'utf8', env });
    t.is(whole.status, 0, whole.stderr);
    t.regex(whole.stdout, /decode/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the per-command bundles name rtnl constants from a list made at build time, in namespace order (scripts/bundling.mjs)', async (t) => {
  // The build replaces rtnl/constants' walk of its own namespace (costly to build in a bundle)
  // with a list; constantName must see the same names in the same order.
  const C = await import('../dist/src/rtnl/constants.js');
  const expected = Object.keys(C);
  for (const command of ['dump-links', 'dump-routes']) {
    const src = readFileSync(`${cliDir}netlinkts-${command}.cjs`, 'latin1');
    t.false(src.includes('__export(constants_exports'), `${command}: no namespace object built at start`);
    const m = /function __namespaceEntries\(\)\s*\{\s*return\s*\[([\s\S]*?)\];?\s*\}/.exec(src);
    t.truthy(m, command);
    const names = [...m![1]!.matchAll(/\["([A-Za-z_$][\w$]*)",\s*/g)].map((x) => x[1]);
    t.deepEqual(names, expected, command);
  }
});
