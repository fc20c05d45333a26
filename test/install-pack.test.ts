// The package as a user gets it: `npm pack` (which runs prepack: the prebuilds, and prepare:
// tsc), then the tarball installed into an empty project with --ignore-scripts and a PATH
// that holds no compiler, make or python. It must load its prebuilt addon and nsexec helper,
// work in a namespace, and run `npx netlinkts`. The arm64 binaries are checked by their ELF
// headers (this machine cannot run them).
//
// The package is packed from a copy of the sources, so its tsc run and prebuild never rewrite
// the dist/ that the other test files are running meanwhile.
import test from 'ava';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPrivate, uniqueName } from './helpers/env.js';
import { ORACLES, tool, type OracleName } from './helpers/tools.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (exit ${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return String(r.stdout);
}

/** ELF class, byte order and e_machine from a file's first 20 bytes. */
function elfHeader(file: string): { elf: boolean; bits: number; machine: number } {
  const b = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, b, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  return { elf: b.readUInt32BE(0) === 0x7f454c46, bits: b[4] === 2 ? 64 : 32, machine: b[5] === 1 ? b.readUInt16LE(18) : b.readUInt16BE(18) };
}

/** The package directories of netlinkts' runtime dependencies, transitively, in node_modules. */
function runtimeDeps(): string[] {
  const found = new Set<string>();
  const visit = (from: string) => {
    const deps = Object.keys((JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
    for (const d of deps) {
      // npm's layout: nested under the dependent if versions clash, else at the top.
      const dir = [join(from, 'node_modules', d), join(root, 'node_modules', d)].find((p) => existsSync(p))!;
      if (!found.has(dir)) {
        found.add(dir);
        visit(dir);
      }
    }
  };
  visit(root);
  return [...found];
}

test('npm pack -> install --ignore-scripts without a compiler -> import netlinkts and npx netlinkts', (t) => {
  assertPrivate();
  const work = mkdtempSync(join(tmpdir(), 'netlinkts-pack-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));

  // 1. Pack from a copy of what the package is built from.
  const copy = join(work, 'netlinkts');
  mkdirSync(copy);
  for (const f of ['package.json', 'README.md', 'binding.gyp', 'tsconfig.json', 'tsconfig.build.json', 'src', 'native', 'scripts', 'docs']) {
    cpSync(join(root, f), join(copy, f), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const packOut = sh('npm', ['pack', '--json', '--pack-destination', work], { cwd: copy });
  // The lifecycle scripts (prebuild's table, tsc) print first; npm's JSON is the last thing.
  const packed = JSON.parse(packOut.slice(packOut.search(/^\[\s*\{/m))) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path);
  const tarball = join(work, packed[0]!.filename);
  for (const f of [
    'prebuilds/linux-x64/netlinkts.napi.glibc.node', 'prebuilds/linux-x64/netlinkts.napi.musl.node', 'prebuilds/linux-x64/netlinkts-nsexec',
    'prebuilds/linux-arm64/netlinkts.napi.glibc.node', 'prebuilds/linux-arm64/netlinkts-nsexec',
    'dist/src/index.js', 'dist/src/index.js.map', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'src/index.ts', 'binding.gyp', 'native/netlinkts.c',
  ]) t.true(files.includes(f), `the tarball holds ${f}`);
  t.false(files.some((f) => f.startsWith('build/') || f.startsWith('test/') || f.startsWith('node_modules/')), 'no local build, tests or node_modules');

  // 2. The binaries in the tarball are what their folder says.
  const extracted = join(work, 'extracted');
  mkdirSync(extracted);
  sh('tar', ['-xzf', tarball, '-C', extracted]);
  const pkgDir = join(extracted, 'package');
  for (const [dir, machine, word] of [['linux-x64', EM_X86_64, 'x86-64'], ['linux-arm64', EM_AARCH64, 'ARM aarch64']] as const) {
    for (const name of ['netlinkts.napi.glibc.node', 'netlinkts-nsexec']) {
      const file = join(pkgDir, 'prebuilds', dir, name);
      t.deepEqual(elfHeader(file), { elf: true, bits: 64, machine }, `${dir}/${name}`);
      t.regex(sh('file', ['-b', file]), new RegExp(`ELF 64-bit LSB .*${word}`), `${dir}/${name}`);
    }
  }
  t.regex(sh('file', ['-b', join(pkgDir, 'prebuilds/linux-arm64/netlinkts-nsexec')]), /statically linked/);

  // 3. A PATH with node, npm and the system tools only: no cc, gcc, make or python.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const name of ['node', 'npm', 'npx', 'sh', 'bash', 'env']) {
    const real = sh('bash', ['-c', `command -v ${name}`]).trim();
    symlinkSync(real, join(bin, name));
  }
  // The oracles, less the C compiler (an oracle for the WireGuard fixture, absent here on purpose).
  for (const name of Object.keys(ORACLES) as OracleName[]) if (name !== 'cc') symlinkSync(tool(name), join(bin, name));
  const env = { ...process.env, PATH: bin, npm_config_nodedir: '', npm_config_update_notifier: 'false' };
  for (const name of ['cc', 'gcc', 'c++', 'make', 'python', 'python3', 'node-gyp']) {
    t.not(spawnSync('sh', ['-c', `command -v ${name}`], { env }).status, 0, `${name} is not on the test PATH`);
  }

  // 4. Install into an empty project. This runs in a private network namespace, with no
  // registry: the runtime dependencies come as tarballs packed from this checkout's own
  // node_modules, installed beside the package, so npm needs nothing from the network.
  const deps = join(work, 'deps');
  mkdirSync(deps);
  const depTarballs = (JSON.parse(sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', deps, ...runtimeDeps()], { cwd: root })) as { filename: string }[])
    .map((p) => join(deps, p.filename));
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  sh('npm', ['install', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', tarball, ...depTarballs], { cwd: app, env });
  const installed = join(app, 'node_modules', 'netlinkts');
  t.false(existsSync(join(installed, 'build')), 'nothing was compiled');

  // 5. The library from its package name: the prebuilt addon (netlink in a new namespace) and
  // the prebuilt helper (exec inside it).
  const name = uniqueName('pack');
  const script = `
    import { netns } from 'netlinkts';
    const ns = await netns.add(${JSON.stringify(name)});
    try {
      await ns.link('lo').up();
      const links = [];
      for await (const l of ns.links.list()) links.push([l.ifname, l.operstate]);
      const r = await ns.exec('ip', ['-j', 'link', 'show']);
      console.log(JSON.stringify({ links, exec: r.code, ip: JSON.parse(r.stdout).map((l) => [l.ifname, l.operstate]) }));
    } finally {
      await ns.delete();
    }`;
  writeFileSync(join(app, 'probe.mjs'), script);
  const probe = JSON.parse(sh('node', ['probe.mjs'], { cwd: app, env })) as { links: string[][]; exec: number; ip: string[][] };
  t.deepEqual(probe.links, [['lo', 'UNKNOWN']]);
  t.is(probe.exec, 0);
  t.deepEqual(probe.ip, probe.links);
  t.false(existsSync(`/run/netns/${name}`), 'the probe deleted its namespace');
  const loaded = sh('node', ['--input-type=module', '-e', "const n = await import('netlinkts/netlink'); console.log(typeof n.NetlinkSocket)"], { cwd: app, env });
  t.is(loaded.trim(), 'function');

  // 6. The command, as npx finds it in the project.
  const cli = sh('npx', ['--offline', 'netlinkts', 'dump-links', '--json'], { cwd: app, env });
  const ip = JSON.parse(sh(tool('ip'), ['-j', 'link', 'show'])) as { ifname: string }[];
  t.deepEqual((JSON.parse(cli) as { ifname: string }[]).map((l) => l.ifname), ip.map((l) => l.ifname));
});
