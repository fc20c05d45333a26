// The CLI's stdout writer (src/cli/output.ts) and the addon loader's fixed path
// (src/netlink/native.ts): both are start-up and throughput shortcuts that must fall back
// correctly when their fast path does not apply.
import test from 'ava';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAddon, packageRoot } from '../src/netlink/native.js';

const outputModule = fileURLToPath(new URL('../src/cli/output.ts', import.meta.url));

/** Runs a child that writes `lines` numbered lines through Output, reading its stdout slowly. */
function runWriter(opts: { nonBlocking: boolean; lines: number; closeAfter?: number }): Promise<{ text: string; code: number | null; stderr: string }> {
  const script = `
    const { Output } = await import(${JSON.stringify(outputModule)});
    // Creating process.stdout makes a pipe on fd 1 non-blocking (libuv): writeSync then meets EAGAIN.
    if (${opts.nonBlocking}) process.stdout;
    const out = new Output();
    for (let i = 0; i < ${opts.lines}; i++) {
      const p = out.write('line ' + i + ' ' + 'x'.repeat(i % 200) + '\\n');
      if (p) await p;
    }
    // One write larger than the chunk, then a small one after it.
    const big = 'B'.repeat(600000) + '\\n';
    const p = out.write(big); if (p) await p;
    const e = out.write("END"); if (e) await e;
    await out.end();
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    let got = 0;
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // A slow reader: the pipe fills and the writer has to wait.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 300);
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (opts.closeAfter !== undefined && got >= opts.closeAfter) child.stdout.destroy();
    });
    child.on('close', (code) => resolve({ text: Buffer.concat(chunks).toString('utf8'), code, stderr }));
  });
}

function expected(lines: number): string {
  let s = '';
  for (let i = 0; i < lines; i++) s += `line ${i} ${'x'.repeat(i % 200)}\n`;
  return `${s}${'B'.repeat(600000)}\nEND`;
}

test('Output: a blocking pipe gets everything in order', async (t) => {
  const r = await runWriter({ nonBlocking: false, lines: 40000 });
  t.is(r.code, 0, r.stderr);
  t.true(r.text === expected(40000), 'output differs');
});

test('Output: a non-blocking pipe (EAGAIN) falls back to the stream and keeps the order', async (t) => {
  const r = await runWriter({ nonBlocking: true, lines: 40000 });
  t.is(r.code, 0, r.stderr);
  t.true(r.text === expected(40000), 'output differs');
});

test('Output: a reader that goes away (EPIPE) ends the writer quietly', async (t) => {
  for (const nonBlocking of [false, true]) {
    const r = await runWriter({ nonBlocking, lines: 200000, closeAfter: 1 });
    t.is(r.code, 0, `nonBlocking=${nonBlocking}: ${r.stderr}`);
    t.is(r.stderr, '');
  }
});

test('Output: small writes, a write larger than a chunk and more small writes arrive in order', async (t) => {
  const { Output } = await import('../src/cli/output.js');
  const { PassThrough } = await import('node:stream');
  const sink = new PassThrough();
  const got: Buffer[] = [];
  sink.on('data', (d: Buffer) => got.push(d));
  const out = new Output(1, sink);
  for (let i = 0; i < 1000; i++) await out.write('a'.repeat(300)); // 300,000 bytes: crosses a chunk
  await out.write('b'.repeat(600_000)); // larger than a chunk: sent on its own, after the a's
  await out.write('\u00e9'.repeat(10)); // 2 bytes each in UTF-8
  await out.end();
  await new Promise((r) => setImmediate(r));
  const text = Buffer.concat(got).toString('utf8');
  t.is(text.length, 300_000 + 600_000 + 10);
  t.true(text === `${'a'.repeat(300_000)}${'b'.repeat(600_000)}${'\u00e9'.repeat(10)}`, 'order or content differs');
});

test('addon: build/Release by its fixed path, node-gyp-build (prebuilds) when it is missing', (t) => {
  const here = loadAddon(packageRoot);
  t.is(here.source, 'build/Release');
  t.is(typeof here.binding.nsIdentity(-1)[1], 'number');

  const dir = mkdtempSync(join(tmpdir(), 'netlinkts-addon-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"name":"netlinkts"}');
    // No build/Release here: node-gyp-build must find the prebuild.
    const pre = join(dir, 'prebuilds', `${process.platform}-${process.arch}`);
    mkdirSync(pre, { recursive: true });
    copyFileSync(join(packageRoot, 'build', 'Release', 'netlinkts.node'), join(pre, 'netlinkts.napi.node'));
    const fallback = loadAddon(dir);
    t.is(fallback.source, 'node-gyp-build');
    t.deepEqual(fallback.binding.nsIdentity(-1), here.binding.nsIdentity(-1));

    rmSync(join(dir, 'prebuilds'), { recursive: true });
    t.throws(() => loadAddon(dir), { message: /No native build was found/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
