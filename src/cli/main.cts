#!/usr/bin/env node
// Launcher of the `netlinkts` command: runs the CLI (cli.ts) from its one-file bundle with V8's
// code cache when the build made them (scripts/build-cli.mjs; loading: ../bundle-loader.cts),
// else from the modules.
//
// Why: loading the CLI's ~40 modules is mostly V8 parsing and compiling them, which a bundle
// alone does not save (it was slower: one 500 KB file to pre-parse); compiled code from a code
// cache does. `node --cpu-prof` of a cold `dump-links`: module loading ~40-50 ms of the CLI's
// own time.
//
// The launcher itself is CommonJS (.cts -> .cjs): an ES module entry makes node set up its ESM
// loader first (measured ~5 ms of a cold start), and nothing here needs it.
//
// A command with a bundle of its own (netlinkts-dump-links.cjs, netlinkts-dump-routes.cjs: the
// commands whose speed is measured) runs from it: it leaves out the other commands, so there is
// less code cache to read and deserialize; every other command runs from netlinkts.cjs.
// A cache that is missing or that V8 rejects is made again when the command ends, if the
// directory is writable and node runs without flags (bundle-loader.cts). NETLINKTS_BUNDLE=0 runs the modules (=1 the bundle even for --help);
// NETLINKTS_CODE_CACHE=0 runs the bundle without a cache.
import fs = require('node:fs');
import loader = require('../bundle-loader.cjs');

interface Cli {
  run(argv: string[]): Promise<number>;
  finish(code: number): Promise<never>;
}

function loadBundle(argv: string[]): Cli | undefined {
  const env = process.env.NETLINKTS_BUNDLE;
  if (env === '0') return undefined;
  // Help and version need four small modules: loading them is cheaper than the whole bundle
  // (measured: `--help` +18 ms through the bundle with its cache).
  const first = argv[0];
  if (env !== '1' && (first === undefined || first.startsWith('-') || first === 'help')) return undefined;
  if (first !== undefined && /^[a-z-]+$/.test(first)) {
    const own = `${__dirname}/netlinkts-${first}.cjs`;
    let source: string | undefined;
    try {
      source = fs.readFileSync(own, 'latin1');
    } catch {
      // no bundle of its own
    }
    if (source !== undefined) return loader.runBundle(own, { source, repairCache: true }) as Cli | undefined;
  }
  return loader.runBundle(`${__dirname}/netlinkts.cjs`, { repairCache: true }) as Cli | undefined;
}

const argv = process.argv.slice(2);
const bundled = loadBundle(argv);
void (bundled ? Promise.resolve(bundled) : (import('./cli.js') as Promise<Cli>))
  // Exit at once: the output is written (stdout and stderr are synchronous on Linux for files,
  // pipes and terminals, and the CLI awaits its own drains), and letting node end by itself
  // makes it first wait for every queued background compile of functions that just got hot
  // (measured: 9.5 ms from the end of `dump-links --json` to 'exit' over 2,000 links; 1 ms this
  // way). finish() also skips node's teardown when it can (src/cli/exit.ts).
  .then((cli) => cli.run(argv).then((code) => cli.finish(code)));
