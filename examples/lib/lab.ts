// Shared scaffolding for the seed examples: flags, a "host" namespace, checks, clean-up,
// and traffic (ping, a TCP server that reports the source address it sees).
//
// By default an example builds its whole topology inside namespaces it creates, including
// the one playing the tutorial's "host" (root) namespace, so running it never changes your
// machine's own network. `--here` uses the current namespace as the host instead (the test
// suite does that inside its private namespace). `--keep` leaves everything in place.
import { netns, type Namespace } from 'netlinkts';

export interface Lab {
  host: Namespace;
  keep: boolean;
  /** Create a named namespace that clean-up removes. */
  namespace(name: string): Promise<Namespace>;
  step(text: string): void;
  check(ok: boolean, text: string): void;
  cleanup(): Promise<void>;
}

/** Build a lab, run the story, always clean up; a thrown error counts as a failed check. */
export async function runLab(title: string, hostName: string, story: (lab: Lab) => Promise<void>): Promise<void> {
  const lab = await startLab(title, hostName);
  try {
    await story(lab);
  } catch (err) {
    lab.check(false, `stopped by an error: ${(err as Error).message}`);
    if (process.env.DEBUG) console.error(err);
  } finally {
    await lab.cleanup();
  }
}

export async function startLab(title: string, hostName: string): Promise<Lab> {
  const args = new Set(process.argv.slice(2));
  const keep = args.has('--keep');
  const here = args.has('--here');
  const made: Namespace[] = [];
  console.log(`# ${title}`);
  const host = here ? await netns.current() : await netns.add(hostName);
  if (!here) made.push(host);
  let failures = 0;
  const lab: Lab = {
    host,
    keep,
    async namespace(name) {
      const ns = await netns.add(name);
      made.push(ns);
      return ns;
    },
    step(text) { console.log(`\n## ${text}`); },
    check(ok, text) {
      console.log(`${ok ? 'ok' : 'NOT OK'} - ${text}`);
      if (!ok) failures++;
    },
    async cleanup() {
      if (keep) {
        console.log(`\n--keep: left in place: ${made.map((n) => n.name).join(', ') || '(current namespace changes)'}`);
        for (const ns of made) ns.close();
      } else {
        for (const ns of made.reverse()) await ns.delete().catch(() => {});
        if (here) host.close();
      }
      if (failures) {
        console.log(`\n${failures} check(s) failed`);
        process.exitCode = 1;
      } else console.log('\nall checks passed');
    },
  };
  return lab;
}

/** Ping once from a namespace; resolves true on a reply. Returns ping's output too. */
export async function ping(from: Namespace, address: string): Promise<{ ok: boolean; output: string }> {
  const r = await from.exec('ping', ['-c', '1', '-W', '1', address]);
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/**
 * A TCP server inside `ns` on address:port that answers each connection with the source
 * address it sees, then exits after one connection. Resolves once it listens.
 */
export async function tcpEchoSourceServer(ns: Namespace, address: string, port: number): Promise<{ stop: () => void }> {
  const code = `const s=require('net').createServer(c=>{c.end(c.remoteAddress+'\\n');s.close()});s.listen(${port},'${address}',()=>console.log('listening'));`;
  const child = ns.spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', () => resolve());
  });
  return { stop: () => { if (child.exitCode === null) child.kill(); } };
}

/** Connect from `ns` to address:port; resolves with what the server said, or an error text after `timeoutMs`. */
export async function tcpConnect(ns: Namespace, address: string, port: number, timeoutMs = 2000): Promise<{ ok: boolean; text: string }> {
  const code = `const c=require('net').connect(${port},'${address}');let d='';c.setTimeout(${timeoutMs},()=>{console.log('timed out');process.exit(1)});c.on('data',x=>d+=x);c.on('end',()=>{console.log(d.trim());process.exit(0)});c.on('error',e=>{console.log(e.code||e.message);process.exit(1)});`;
  const r = await ns.exec(process.execPath, ['-e', code]);
  return { ok: r.code === 0, text: r.stdout.trim() };
}
