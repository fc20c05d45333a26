// The library's entry points ('netlinkts', 'netlinkts/netlink', 'netlinkts/rtnl',
// 'netlinkts/nft': dist/src/entry/*.mjs, made by scripts/build-lib.mjs) take their exports from
// one bundle of all four, run once per process with its V8 code cache (bundle-loader.cts), so
// that importing the library costs one cached script instead of ~60 modules to resolve, read and
// compile. Undefined here (no bundle: an install built without esbuild, or NETLINKTS_BUNDLE=0)
// makes the entry points import the modules instead. One bundle for all four keeps one copy of
// every class: `instanceof` holds across entry points.
import loader = require('./bundle-loader.cjs');

/** Each entry's exports, as one plain object (made when its entry point asks). */
interface Library {
  root(): Record<string, unknown>;
  netlink(): Record<string, unknown>;
  rtnl(): Record<string, unknown>;
  nft(): Record<string, unknown>;
}

const library = process.env.NETLINKTS_BUNDLE === '0'
  ? undefined
  : (loader.runBundle(`${__dirname}/netlinkts-lib.cjs`) as Library | undefined);

export = { library };
