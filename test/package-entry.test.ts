// The package's entry points ('netlinkts', 'netlinkts/netlink', 'netlinkts/rtnl',
// 'netlinkts/nft': dist/src/entry/*.mjs, scripts/build-lib.mjs) take their exports from one
// bundle run with its V8 code cache. They must export exactly what the modules export, share one
// copy of every class across entry points, work without the bundle, and talk to the kernel.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const distSrc = fileURLToPath(new URL('../dist/src/', import.meta.url));
const ENTRIES = { 'netlinkts': 'index.js', 'netlinkts/netlink': 'netlink/index.js', 'netlinkts/rtnl': 'rtnl/index.js', 'netlinkts/nft': 'nft/index.js' };

/** Names each entry exports, and a few identity checks, from a fresh node process. */
function probe(env: Record<string, string>) {
  const script = `
    const out = {};
    for (const [spec, mod] of Object.entries(${JSON.stringify(ENTRIES)})) {
      out[spec] = { entry: Object.keys(await import(spec)).sort(), modules: Object.keys(await import(${JSON.stringify(distSrc)} + mod)).sort() };
    }
    const root = await import('netlinkts'), netlink = await import('netlinkts/netlink'), nft = await import('netlinkts/nft');
    out.same = { NetlinkError: root.NetlinkError === netlink.NetlinkError, NftBatch: root.NftBatch === nft.NftBatch };
    out.fromBundle = root.NetlinkError !== (await import(${JSON.stringify(distSrc)} + 'netlink/errors.js')).NetlinkError;
    // rtnl's constants namespace: in the bundle a frozen object made from a list (bundling.mjs).
    const rtnl = await import('netlinkts/rtnl'), C = await import(${JSON.stringify(distSrc)} + 'rtnl/constants.js');
    out.constants = { same: JSON.stringify(Object.entries(rtnl.constants)) === JSON.stringify(Object.entries(C)),
      frozen: Object.isFrozen(rtnl.constants), tag: Object.prototype.toString.call(rtnl.constants), names: ['IFLA_', 'RTA_', 'IFA_', 'NDA_', 'RTM_', 'IFLA_INFO_'].every((p) => [...Array(64).keys()].every((v) => rtnl.constants.constantName(p, v, ['IFLA_BR_']) === C.constantName(p, v, ['IFLA_BR_']))) };
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: distSrc, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, { entry: string[]; modules: string[] }> & { same: Record<string, boolean>; fromBundle: boolean; constants: { same: boolean; frozen: boolean; tag: string; names: boolean } };
}

test('each entry exports what its module exports, one copy of each class, from the bundle', (t) => {
  const r = probe({ NETLINKTS_BUNDLE: '' });
  for (const spec of Object.keys(ENTRIES)) {
    t.true(r[spec]!.entry.length > 5, spec);
    t.deepEqual(r[spec]!.entry, r[spec]!.modules, spec);
  }
  t.deepEqual(r.same, { NetlinkError: true, NftBatch: true });
  t.true(r.fromBundle, 'the entries ran the bundle, not the modules');
  t.deepEqual(r.constants, { same: true, frozen: true, tag: '[object Module]', names: true });
});

test('NETLINKTS_BUNDLE=0: the entries import the modules, same names', (t) => {
  const r = probe({ NETLINKTS_BUNDLE: '0' });
  for (const spec of Object.keys(ENTRIES)) t.deepEqual(r[spec]!.entry, r[spec]!.modules, spec);
  t.false(r.fromBundle);
});

test('the bundle has a code cache for its hash, and the entries list links as ip does', (t) => {
  const src = readFileSync(`${distSrc}netlinkts-lib.cjs`, 'latin1');
  const m = /^\/\/ netlinkts-bundle ([0-9a-f]{64})\n/.exec(src);
  t.truthy(m);
  const head = readFileSync(`${distSrc}netlinkts-lib.cjs.cache`).subarray(0, 200).toString('latin1');
  t.true(head.startsWith(`netlinkts-code-cache ${m![1]} ${process.version} ${process.arch}\n`), head.split('\n')[0]);
  // Through the package entries, in this test run's private namespace.
  const script = `
    const { NetlinkSocket } = await import('netlinkts/netlink');
    const { listLinks } = await import('netlinkts/rtnl');
    const sock = new NetlinkSocket();
    console.log(JSON.stringify((await listLinks(sock)).map((l) => [l.ifindex, l.ifname])));
    sock.close();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: distSrc, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  const ip = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout) as { ifindex: number; ifname: string }[];
  t.deepEqual(JSON.parse(r.stdout), ip.map((l) => [l.ifindex, l.ifname]));
});
