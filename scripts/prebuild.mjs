#!/usr/bin/env node
// `npm run prebuild` (and `npm pack` / `npm publish`, through prepack): builds the native code
// for every platform the package ships, in the layout node-gyp-build loads at run time:
//
//   prebuilds/linux-x64/netlinkts.napi.glibc.node    the addon (N-API: one file for every Node >= 20)
//   prebuilds/linux-x64/netlinkts.napi.musl.node     the same against musl (Alpine)
//   prebuilds/linux-x64/netlinkts-nsexec             the helper, linked statically: any libc
//   prebuilds/linux-arm64/netlinkts.napi.glibc.node  cross-compiled with Debian's aarch64 gcc
//   prebuilds/linux-arm64/netlinkts-nsexec
//
// What to compile comes from binding.gyp (sources, defines, cflags_c, libraries of each
// target), so the prebuilds and a from-source `node-gyp rebuild` build the same thing. The
// compilers are plain gcc drivers, not node-gyp: node-gyp cannot cross-compile without a
// hand-made config, and the addon needs nothing from it but node's headers.
// scripts/ensure-tools.sh --prebuild installs the compilers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, statSync, chmodSync, symlinkSync } from 'node:fs';
import { arch as hostArch, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'prebuilds');

// target arch -> its GNU triple and the ELF e_machine a binary for it must carry
const ARCHES = {
  x64: { triple: 'x86_64-linux-gnu', machine: 62 },
  arm64: { triple: 'aarch64-linux-gnu', machine: 183 },
};
// Each flavour: [arch, libc]. musl needs musl-gcc, a wrapper for the host's own gcc.
const FLAVOURS = [['x64', 'glibc'], ['x64', 'musl'], ['arm64', 'glibc']].filter(([a, libc]) => libc === 'glibc' || a === hostArch());

function compilerFor(targetArch, libc) {
  if (libc === 'musl') return 'musl-gcc';
  return targetArch === hostArch() ? 'gcc' : `${ARCHES[targetArch].triple}-gcc`;
}

/** binding.gyp is a Python literal; this one is JSON apart from comments. */
function readGyp() {
  const text = readFileSync(join(root, 'binding.gyp'), 'utf8').replace(/^\s*#.*$/gm, '');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`binding.gyp is not plain JSON (${e.message}): keep it to double quotes and no trailing commas, or teach scripts/prebuild.mjs its syntax`);
  }
}

function nodeHeaders() {
  // npm's config names Node's headers (nodedir=/usr here, see docs/install.md); node itself
  // lives in NODEDIR/bin, so its parent is the fallback.
  const nodedir = process.env.npm_config_nodedir || dirname(dirname(process.execPath));
  const dir = join(nodedir, 'include', 'node');
  if (!existsSync(join(dir, 'node_api.h'))) {
    throw new Error(`no node_api.h in ${dir}: set npm's nodedir (npm config set nodedir DIR) to a Node with headers`);
  }
  return dir;
}

/**
 * musl-gcc searches musl's headers only, and the kernel's UAPI headers (linux/netlink.h) are
 * not among them; a directory holding just those, from the host, is what musl builds add.
 */
function kernelHeadersOnly() {
  const dir = mkdtempSync(join(tmpdir(), 'netlinkts-uapi-'));
  const asm = [`/usr/include/${ARCHES[hostArch()].triple}/asm`, '/usr/include/asm'].find((d) => existsSync(d));
  if (!existsSync('/usr/include/linux/netlink.h') || !asm) throw new Error('no kernel headers in /usr/include: install linux-libc-dev');
  symlinkSync('/usr/include/linux', join(dir, 'linux'));
  symlinkSync('/usr/include/asm-generic', join(dir, 'asm-generic'));
  symlinkSync(asm, join(dir, 'asm'));
  return dir;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error?.code === 'ENOENT') throw new Error(`${cmd} not found: run bash scripts/ensure-tools.sh --prebuild --no-oracles (as root, on Debian) to install the compilers`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/** e_machine of an ELF file, or undefined when it is not one. */
function elfMachine(file) {
  const b = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, b, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (b.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return b[5] === 1 ? b.readUInt16LE(18) : b.readUInt16BE(18);
}

const gyp = readGyp();
const include = nodeHeaders();
rmSync(out, { recursive: true, force: true });
const built = [];
const uapi = FLAVOURS.some(([, libc]) => libc === 'musl') ? kernelHeadersOnly() : undefined;
process.on('exit', () => uapi && rmSync(uapi, { recursive: true, force: true }));
for (const [targetArch, libc] of FLAVOURS) {
  const cc = compilerFor(targetArch, libc);
  const extra = libc === 'musl' ? ['-isystem', uapi] : [];
  const dir = join(out, `linux-${targetArch}`);
  mkdirSync(dir, { recursive: true });
  for (const target of gyp.targets) {
    const sources = target.sources.map((s) => join(root, s));
    const common = ['-O2', '-s', ...(target.defines ?? []).map((d) => `-D${d}`), ...(target.cflags_c ?? []), '-Wno-unused-parameter', ...extra];
    if (target.type === 'executable') {
      // One static helper serves glibc and musl systems alike: build it with the glibc flavour.
      if (libc !== 'glibc') continue;
      const file = join(dir, target.target_name);
      run(cc, [...common, '-static', '-o', file, ...sources, ...(target.libraries ?? [])]);
      chmodSync(file, 0o755);
      built.push(file);
    } else {
      const file = join(dir, `${target.target_name}.napi.${libc}.node`);
      // Undefined napi_*/uv_* symbols are left for node to provide when it loads the addon.
      run(cc, [...common, '-shared', '-fPIC', '-pthread', `-I${include}`, '-o', file, ...sources, ...(target.libraries ?? [])]);
      built.push(file);
    }
  }
}

for (const file of built) {
  const targetArch = relative(out, file).split('/')[0].slice('linux-'.length);
  const machine = elfMachine(file);
  if (machine !== ARCHES[targetArch].machine) throw new Error(`${file}: ELF e_machine ${machine}, expected ${ARCHES[targetArch].machine} (${targetArch})`);
  console.log(`${relative(root, file).padEnd(48)} ${String(statSync(file).size).padStart(8)} bytes  e_machine ${machine}`);
}
