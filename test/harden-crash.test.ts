// Issue #25 item 8: what a killed process leaves. A chain killed between its steps leaves the
// steps done so far (no rollback runs in a dead process); a link group cleans it up in one
// request, and create-time settings arrive in the kernel together, as docs/api.md says.
import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { netns } from '../src/index.js';
import { assertPrivate, ipJson, uniqueName } from './helpers/env.js';

test.before(() => assertPrivate());

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('a chain killed mid-way leaves its done steps; deleteGroup removes them; create-time master/up arrive together', async (t) => {
  const name = uniqueName('hkc');
  const ns = await netns.add(name);
  try {
    await ns.link('br0').create({ kind: 'bridge' });
    // The child runs create (group 77), then blocks inside the next step until it is killed.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { netns } = await import('./src/index.js');
      const ns = await netns.open(${JSON.stringify(name)});
      await ns.link('veth0').create({ kind: 'veth', peer: 'ceth0', group: 77 });
      process.stdout.write('created\\n');
      await new Promise(() => {}); // "killed before master/up"
    `], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => { if (String(d).includes('created')) resolve(); });
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const [left] = ipJson<any[]>(['-d', 'link', 'show', 'veth0'], name);
    t.is(left.group, '77', 'the created link survives its process');
    t.is(left.master, undefined, 'the step that never ran is not there');
    t.false(left.flags.includes('UP'));
    await ns.links.deleteGroup(77);
    t.deepEqual(ipJson<any[]>(['link', 'show', 'type', 'veth'], name), [], 'one request removed the pair');
    // The robust form: master and up in the create request itself.
    await ns.link('veth0').create({ kind: 'veth', peer: 'ceth0', group: 77, master: 'br0', up: true });
    const [made] = ipJson<any[]>(['-d', 'link', 'show', 'veth0'], name);
    t.is(made.master, 'br0');
    t.true(made.flags.includes('UP'));
  } finally {
    await ns.delete();
  }
});
