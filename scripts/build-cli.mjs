#!/usr/bin/env node
// Builds the CLI's one-file bundles and their V8 code caches (see src/cli/main.cts for why),
// after tsc: dist/src/cli/cli.js and everything it imports -> dist/src/cli/netlinkts.cjs,
// CommonJS, ASCII only, its content hash on the first line; the same with only one command for
// each of OWN_BUNDLE (netlinkts-<command>.cjs); then the launcher runs help once per bundle with
// NETLINKTS_CODE_CACHE=write, which writes <bundle>.cache for that hash.
// If esbuild is missing (an install without devDependencies), nothing is built and the
// launcher runs the modules, as before.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUNDLE_OPTIONS, lazyNamespaces, writeBundle } from './bundling.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = `${root}dist/src/cli/`;
// Commands with a bundle of their own (the ones whose start-up is benchmarked): the launcher
// takes netlinkts-<command>.cjs when it exists, netlinkts.cjs otherwise.
const OWN_BUNDLE = ['dump-links', 'dump-routes'];
const outputs = ['netlinkts.cjs', ...OWN_BUNDLE.map((c) => `netlinkts-${c}.cjs`)];
for (const f of outputs) {
  rmSync(`${cliDir}${f}`, { force: true });
  rmSync(`${cliDir}${f}.cache`, { force: true });
}

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('build-cli: esbuild not installed: the CLI runs from its modules (slower start)');
  process.exit(0);
}

/** Other commands' modules become a stub: a per-command bundle cannot run them (the launcher never asks it to). */
function onlyCommand(name) {
  return {
    name: 'only-command',
    setup(b) {
      b.onResolve({ filter: /\/commands\/[a-z-]+\.js$/ }, (a) => (a.path.endsWith(`/${name}.js`) ? undefined : { path: a.path, namespace: 'other-command' }));
      b.onLoad({ filter: /.*/, namespace: 'other-command' }, (a) => ({
        contents: `export function run() { throw new Error(${JSON.stringify(`this bundle has only ${name}, not ${a.path}`)}); }`,
        loader: 'js',
      }));
    },
  };
}

// Constants modules walked as namespaces: see bundling.mjs.
const lazy = await lazyNamespaces(`${root}dist/src/`);

async function bundle(file, command) {
  const r = await esbuild.build({
    ...BUNDLE_OPTIONS,
    // Whitespace and syntax only (names stay): the dump-links bundle 300 -> 164 KiB and its
    // cache 227 -> 177 KiB; reading it and deserializing the cache took 1.2 ms less from the
    // launcher's start to the addon's load (medians of 30 runs). NETLINKTS_BUNDLE=0 runs the
    // readable modules.
    minifyWhitespace: true,
    minifySyntax: true,
    entryPoints: [`${cliDir}cli.js`],
    plugins: command ? [onlyCommand(command), lazy] : [lazy],
  });
  const size = writeBundle(r, `${cliDir}${file}`);

  // The code cache: made by running the launcher once with NETLINKTS_CODE_CACHE=write, which
  // saves it at exit with every function that run compiled. A command's own bundle is primed by
  // running that command for real (`dump-links --json`: a read-only dump of this machine's
  // namespace, output discarded), so the cache holds the dump and JSON code too: measured 15 ms
  // less for 2,000 links than a cache made by `--help` (interleaved medians of 40). Where that
  // run cannot work (no netlink here, a sandbox), help text makes the cache instead.
  const cache = `${cliDir}${file}.cache`;
  const prime = (args, stderr) => spawnSync(process.execPath, [`${cliDir}main.cjs`, ...args], {
    env: { ...process.env, NETLINKTS_CODE_CACHE: 'write', NETLINKTS_BUNDLE: '1', DEBUG: '' },
    stdio: ['ignore', 'ignore', stderr],
  });
  let primedBy = command ? [command, '--json'] : ['--help'];
  let run = prime(primedBy, command ? 'ignore' : 'inherit');
  if (run.status !== 0 && command) {
    rmSync(cache, { force: true });
    primedBy = [command, '--help'];
    run = prime(primedBy, 'inherit');
  }
  if (run.status !== 0) throw new Error(`build-cli: the bundled CLI failed on ${primedBy.join(' ')} (${run.status ?? run.signal})`);
  return `${file} (${(size / 1024).toFixed(0)} KiB, cache from \`${primedBy.join(' ')}\`)`;
}

const made = [await bundle('netlinkts.cjs')];
for (const c of OWN_BUNDLE) made.push(await bundle(`netlinkts-${c}.cjs`, c));
console.log(`build-cli: ${made.join(', ')} in ${cliDir}, each with its code cache`);
