// What scripts/build-cli.mjs and scripts/build-lib.mjs share: the esbuild options of a bundle
// that src/bundle-loader.cts can run, writing it with its content hash, and the plugin below.
//
// The constants modules (rtnl/constants.js, nft/constants.js: ~700 `export const` each) are
// walked as module namespace objects to name constants in errors and raw output
// (`Object.entries(C)`, `const mod = C`, `export * as constants`). Native ES modules get those
// objects for free; in a bundle esbuild builds each one when its module starts, one getter
// closure per export, which measured 4-5 ms of a CLI start and ~10 ms of the library's import.
// This plugin rewrites exactly those uses to functions the constants module gets appended:
//   __namespaceEntries()  [name, value] pairs sorted by name, as Object.entries(namespace)
//   __namespaceObject()   one frozen null-prototype object of all of them, made on first call
// so nothing is built unless a name is asked for. Property reads (`C.IFLA_MTU`) stay as they
// are: esbuild binds them directly. Every rewrite must match exactly once and every export must
// be in the list, or the build fails, so an edit to the sources cannot make it
// silently wrong; test/cli-bundle.test.ts and test/package-entry.test.ts check the results.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** esbuild options for a one-file CommonJS bundle run through vm.Script (bundle-loader.cts). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  write: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  charset: 'ascii', // read back as latin1, one byte a character
  legalComments: 'none',
  // Loaded with require() when first needed, as the modules load them (zod, debug: paths a
  // read-only command never takes; node-gyp-build: only when build/Release has no addon).
  external: ['zod', 'zod/*', 'debug', 'node-gyp-build'],
  // vm.Script has no dynamic import(): lazy imports become lazy initialisers or require().
  supported: { 'dynamic-import': false },
  // import.meta.url only locates the package root (native addon, helper binary) and requires
  // from node_modules: the bundle's own URL, in dist/src like the modules, does for both.
  define: { 'import.meta.url': '__netlinkts_url' },
  banner: { js: 'var __netlinkts_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
};

/** Writes an esbuild result to `file` with its content hash on the first line (the code cache's key). */
export function writeBundle(result, file) {
  const text = result.outputFiles[0].text;
  if (/\bimport\(/.test(text)) throw new Error(`bundle: ${file} still has an import(): vm.Script cannot run it`);
  const hash = createHash('sha256').update(text).digest('hex');
  writeFileSync(file, `// netlinkts-bundle ${hash}\n${text}`);
  return text.length;
}

/** Per constants module: the files (under dist/src) whose namespace uses are rewritten. */
const NAMESPACES = {
  'rtnl/constants.js': {
    'rtnl/constants.js': [["import * as self from './constants.js';", ''], ['Object.entries(self)', '__namespaceEntries()']],
    'rtnl/index.js': [["export * as constants from './constants.js';", 'export const constants = __namespaceObject();']],
    'cli/schema/rtnl.js': [['const mod = C;', 'const mod = __namespaceObject();']],
  },
  'nft/constants.js': {
    'nft/describe.js': [['Object.entries(C)', '__namespaceEntries()']],
    'cli/schema/nft.js': [['const mod = N;', 'const mod = __namespaceObject();']],
  },
};

export async function lazyNamespaces(distSrc) {
  const rewrites = new Map(); // absolute file -> { module, edits }
  const exportsOf = new Map(); // absolute constants module -> its export names, sorted as a namespace's
  for (const [module, files] of Object.entries(NAMESPACES)) {
    const abs = `${distSrc}${module}`;
    const ns = await import(pathToFileURL(abs).href);
    exportsOf.set(abs, Object.keys(ns));
    for (const [file, edits] of Object.entries(files)) rewrites.set(`${distSrc}${file}`, { module: abs, edits });
  }
  return {
    name: 'lazy-namespaces',
    setup(b) {
      b.onLoad({ filter: /\/dist\/src\/.*\.js$/ }, async (a) => {
        const rw = rewrites.get(a.path);
        const names = exportsOf.get(a.path);
        if (!rw && !names) return undefined;
        let text = await readFile(a.path, 'utf8');
        if (rw) {
          for (const [from, to] of rw.edits) {
            if (text.split(from).length !== 2) throw new Error(`bundle: ${a.path} no longer has \`${from}\` exactly once`);
            text = text.replace(from, to);
          }
          if (rw.module !== a.path) {
            const spec = relative(dirname(a.path), rw.module);
            text = `import { __namespaceEntries, __namespaceObject } from '${spec.startsWith('.') ? spec : `./${spec}`}';\n${text}`;
          }
        }
        if (names) {
          const declared = new Set([...text.matchAll(/^export (?:const ([A-Za-z_$][\w$]*) =|function ([A-Za-z_$][\w$]*)\()/gm)].map((m) => m[1] ?? m[2]));
          const missing = names.filter((n) => !declared.has(n));
          if (missing.length) throw new Error(`bundle: ${a.path} exports ${missing.join(', ')} other than as \`export const\` or \`export function\``);
          text += [
            '',
            `export function __namespaceEntries() { return [${names.map((n) => `[${JSON.stringify(n)}, ${n}]`).join(', ')}]; }`,
            'let __namespace;',
            'export function __namespaceObject() {',
            '  if (!__namespace) {',
            '    __namespace = Object.create(null);',
            '    for (const [k, v] of __namespaceEntries()) __namespace[k] = v;',
            "    Object.defineProperty(__namespace, Symbol.toStringTag, { value: 'Module' });",
            '    Object.freeze(__namespace);',
            '  }',
            '  return __namespace;',
            '}',
            '',
          ].join('\n');
        }
        return { contents: text, loader: 'js', resolveDir: dirname(a.path) };
      });
    },
  };
}
