// Runs a one-file CommonJS bundle made by the build (scripts/build-cli.mjs for the CLI,
// scripts/build-lib.mjs for the library) through vm.Script with the V8 code cache made for it.
//
// Why: a cold start spends most of its time resolving, reading, parsing and compiling modules,
// and node 20 caches compiled code for none of them (no module.enableCompileCache). vm.Script
// takes a code cache: `import('netlinkts')` takes 15-18 ms from its bundle against 70-107 ms
// from its ~60 modules (measured in fresh processes on the same machine).
//
// Safety of the cache: V8 checks only the source's length and its own version and flags, so a
// stale cache for an edited bundle of the same length would run the wrong bytecode. The build
// writes the bundle's content hash on its first line and the cache repeats it (with node's
// version and arch) in its header; any mismatch ignores the cache.
// NETLINKTS_CODE_CACHE=0 runs a bundle without its cache; =write (the build) rewrites the cache
// when the process exits, with every function compiled by then.
import fs = require('node:fs');
import nodeModule = require('node:module');
import path = require('node:path');
import vm = require('node:vm');

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

function saveCache(script: vm.Script, header: string, cache: string, force: boolean): void {
  try {
    if (!force) fs.accessSync(path.dirname(cache), fs.constants.W_OK);
    const data = script.createCachedData();
    // Write then rename: concurrent runs never see half a file.
    const tmp = `${cache}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(header, 'latin1'), data]));
    fs.renameSync(tmp, cache);
  } catch {
    // A read-only install: run without a cache.
  }
}

interface RunBundleOptions {
  /** The bundle's text, when the caller has read it already. */
  source?: string;
  /**
   * Write a missing or rejected cache when the process exits, if the directory is writable and
   * node runs without flags (the CLI: its next run is fast). Off: only NETLINKTS_CODE_CACHE=write
   * writes (the library never writes into an install at a user's process exit).
   */
  repairCache?: boolean;
}

/**
 * Runs `file` (a CommonJS bundle) with `file.cache`; returns its module.exports, or undefined
 * when there is no such file or it does not compile on this node (callers then load the modules).
 */
function runBundle(file: string, options: RunBundleOptions = {}): unknown {
  let src = options.source;
  if (src === undefined) {
    try {
      // esbuild writes ASCII only (non-ASCII is escaped), so latin1 reads it as is, one byte a char.
      src = fs.readFileSync(file, 'latin1');
    } catch {
      return undefined;
    }
  }
  const cache = `${file}.cache`;
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
    script = new vm.Script(HEAD + src + TAIL, { filename: file, cachedData });
  } catch {
    return undefined; // does not compile on this node: the modules still may
  }
  // Repair only in a plain node (no flags on the command line or in NODE_OPTIONS): V8 rejects a
  // cache made under other flags (--max-old-space-size is enough), so a process with flags that
  // rewrote it would make the next plain run reject it and rewrite it back, every time.
  const plain = process.execArgv.length === 0 && !process.env.NODE_OPTIONS;
  if (header && (mode === 'write' || (options.repairCache && plain && mode !== '0' && (cachedData === undefined || script.cachedDataRejected)))) {
    process.once('exit', () => saveCache(script, header, cache, mode === 'write'));
  }
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, nodeModule.createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

export = { runBundle };
