#!/usr/bin/env node
// Launcher of the `netlinkts` command: runs the CLI (cli.ts) from its one-file bundle with V8's
// code cache when the build made them (scripts/build-cli.mjs), else from the modules.
//
// Why: loading the CLI's ~40 modules is mostly V8 parsing and compiling them, which a bundle
// alone does not save (it was slower: one 500 KB file to pre-parse); compiled code from a code
// cache does. `node --cpu-prof` of a cold `dump-links`: module loading ~40-50 ms of the CLI's
// own time. vm.Script takes a code cache, the ESM loader does not (and node 20 has no
// module.enableCompileCache), so the bundle is CommonJS run through vm.Script.
//
// Safety of the cache: V8 checks only the source's length and its own version and flags, so a
// stale cache for an edited bundle of the same length would run the wrong bytecode. The build
// writes the bundle's content hash on its first line and the cache repeats it (with node's
// version and arch) in its header; any mismatch ignores the cache. A cache V8 rejects, or one
// that is missing, is made again when the command ends, if the directory is writable.
// NETLINKTS_BUNDLE=0 runs the modules (=1 the bundle even for --help); NETLINKTS_CODE_CACHE=0
// runs the bundle without a cache.
//
// The launcher itself is CommonJS (.cts -> .cjs): an ES module entry makes node set up its ESM
// loader first (measured ~5 ms of a cold start), and nothing here needs it.
//
// A command with a bundle of its own (netlinkts-dump-links.cjs, netlinkts-dump-routes.cjs: the
// commands whose speed is measured) runs from it: it leaves out the other commands, so there is
// less code cache to read and deserialize; every other command runs from netlinkts.cjs.
import fs = require('node:fs');
import nodeModule = require('node:module');
import vm = require('node:vm');

interface Cli {
  run(argv: string[]): Promise<number>;
}

const DIR = `${__dirname}/`;
const HASH_LINE = /^\/\/ netlinkts-bundle ([0-9a-f]{64})\n/;
// The bundle runs as CommonJS does (same parameters), on the wrapper's first line so that line
// numbers in stack traces are the bundle's.
const HEAD = '(function (exports, require, module, __filename, __dirname) {';
const TAIL = '\n})';

/** The header a code cache for this bundle source must start with; undefined: bundle has no hash. */
function cacheHeader(src: string): string | undefined {
  const m = HASH_LINE.exec(src.slice(0, 100));
  return m ? `netlinkts-code-cache ${m[1]} ${process.version} ${process.arch}\n` : undefined;
}

function saveCache(script: vm.Script, header: string, cache: string): void {
  try {
    if (process.env.NETLINKTS_CODE_CACHE !== 'write') fs.accessSync(DIR, fs.constants.W_OK);
    const data = script.createCachedData();
    // Write then rename: concurrent runs never see half a file.
    const tmp = `${cache}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(header, 'latin1'), data]));
    fs.renameSync(tmp, cache);
  } catch {
    // A read-only install: run without a cache.
  }
}

function loadBundle(argv: string[]): Cli | undefined {
  const env = process.env.NETLINKTS_BUNDLE;
  if (env === '0') return undefined;
  // Help and version need four small modules: loading them is cheaper than the whole bundle
  // (measured: `--help` +18 ms through the bundle with its cache).
  const first = argv[0];
  if (env !== '1' && (first === undefined || first.startsWith('-') || first === 'help')) return undefined;
  let bundle = `${DIR}netlinkts-${first}.cjs`;
  let src: string;
  try {
    // esbuild writes ASCII only (non-ASCII is escaped), so latin1 reads it as is, one byte a char.
    src = /^[a-z-]+$/.test(first ?? '') ? fs.readFileSync(bundle, 'latin1') : '';
  } catch {
    src = '';
  }
  if (!src) {
    bundle = `${DIR}netlinkts.cjs`;
    try {
      src = fs.readFileSync(bundle, 'latin1');
    } catch {
      return undefined;
    }
  }
  const cache = `${bundle}.cache`;
  const mode = process.env.NETLINKTS_CODE_CACHE;
  const header = cacheHeader(src);
  let cachedData: Buffer | undefined;
  if (header && mode !== '0' && mode !== 'write') {
    try {
      const c = fs.readFileSync(cache);
      if (c.length > header.length && c.toString('latin1', 0, header.length) === header) cachedData = c.subarray(header.length);
    } catch {
      // no cache yet
    }
  }
  let script: vm.Script;
  try {
    script = new vm.Script(HEAD + src + TAIL, { filename: bundle, cachedData });
  } catch {
    return undefined; // does not compile on this node: the modules still may
  }
  if (header && mode !== '0' && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => saveCache(script, header, cache));
  }
  const module = { exports: {} as Cli };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, nodeModule.createRequire(bundle), module, bundle, DIR);
  return module.exports;
}

const argv = process.argv.slice(2);
const bundled = loadBundle(argv);
void (bundled ? Promise.resolve(bundled) : (import('./cli.js') as Promise<Cli>))
  .then((cli) => cli.run(argv))
  .then((code) => { process.exitCode = code; });
