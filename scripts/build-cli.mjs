#!/usr/bin/env node
// Builds the CLI's one-file bundle and its V8 code cache (see src/cli/main.ts for why), after
// tsc: dist/src/cli/cli.js and everything it imports -> dist/src/cli/netlinkts.cjs, CommonJS,
// ASCII only, its content hash on the first line; then the launcher runs `--help` once with
// NETLINKTS_CODE_CACHE=write, which writes dist/src/cli/netlinkts.cjs.cache for that hash.
// If esbuild is missing (an install without devDependencies), nothing is built and the
// launcher runs the modules, as before.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cliDir = `${root}dist/src/cli/`;
const out = `${cliDir}netlinkts.cjs`;
rmSync(out, { force: true });
rmSync(`${out}.cache`, { force: true });

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('build-cli: esbuild not installed: the CLI runs from its modules (slower start)');
  process.exit(0);
}

const r = await esbuild.build({
  entryPoints: [`${cliDir}cli.js`],
  bundle: true,
  write: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  charset: 'ascii',
  legalComments: 'none',
  // Loaded with require() when needed (zod, debug: paths a read-only command never takes;
  // node-gyp-build: only when build/Release has no addon).
  external: ['zod', 'zod/*', 'debug', 'node-gyp-build'],
  // vm.Script has no dynamic import(): lazy imports become lazy initialisers (ours) or require().
  supported: { 'dynamic-import': false },
  // Every use of import.meta.url resolves paths upward to the package root or requires from
  // node_modules: the bundle's own URL does for all of them.
  define: { 'import.meta.url': '__netlinkts_url' },
  banner: { js: 'var __netlinkts_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
const text = r.outputFiles[0].text;
if (/\bimport\(/.test(text)) throw new Error('build-cli: the bundle still has an import(): vm.Script cannot run it');
const hash = createHash('sha256').update(text).digest('hex');
writeFileSync(out, `// netlinkts-bundle ${hash}\n${text}`);

const run = spawnSync(process.execPath, [`${cliDir}main.js`, '--help'], {
  env: { ...process.env, NETLINKTS_CODE_CACHE: 'write', NETLINKTS_BUNDLE: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (run.status !== 0) throw new Error(`build-cli: the bundled CLI failed (${run.status ?? run.signal})`);
console.log(`build-cli: ${out} (${(text.length / 1024).toFixed(0)} KiB) and its code cache`);
