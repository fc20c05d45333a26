// How the CLI's process ends once a command is done.
//
// node's exit joins V8's worker threads before the process goes, and a command that has just
// run hot code (a dump of thousands of links) leaves optimizing compiles running there that
// nothing will use: measured ~10 ms between 'exit' and the end of the process for
// `dump-links --json` over 2,000 links, against ~3.5 ms for `node -e 0`. So when a command has
// loaded the addon and no stdio stream holds unwritten data, the last 'exit' listener ends the
// process with _exit() (the addon's quickExit): the listeners before it (the code-cache
// writer) still run, and the output is already with the kernel (Output writes with writeSync;
// a stream's queue is checked). Not when node runs with flags or NODE_OPTIONS (--cpu-prof,
// --inspect, --heap-prof...) or NODE_V8_COVERAGE: those write their results in node's
// teardown. NETLINKTS_QUICK_EXIT=0 leaves the end to node.

/** The stdio streams this process has made (node makes them on first use of process.stdout/stderr). */
const made: NodeJS.WritableStream[] = [];

// Note each stream as node makes it, without making it here (a pipe's stream loads node's
// net module: milliseconds a command that never touches it should not pay).
for (const name of ['stdout', 'stderr'] as const) {
  const d = Object.getOwnPropertyDescriptor(process, name);
  const get = d?.get;
  if (!get || !d.configurable) continue;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: d.enumerable,
    get() {
      const s = get.call(process) as NodeJS.WritableStream;
      if (!made.includes(s)) made.push(s);
      return s;
    },
  });
}

/** Whether every stdio stream made so far has handed all its data to the OS. */
function drained(): boolean {
  return made.every((s) => (s as NodeJS.WriteStream).writableLength === 0);
}

/** Ends the process with `code`; `addonLoaded`: a command ran that may have loaded the addon. */
export async function finish(code: number, addonLoaded: boolean): Promise<never> {
  const env = process.env;
  const plain = process.execArgv.length === 0 && !env.NODE_OPTIONS && !env.NODE_V8_COVERAGE;
  if (addonLoaded && plain && env.NETLINKTS_QUICK_EXIT !== '0') {
    const { loadedNative } = await import('../netlink/native.js');
    const quickExit = loadedNative()?.quickExit;
    if (quickExit) {
      process.once('exit', (c: number) => {
        if (drained()) quickExit(c);
      });
    }
  }
  return process.exit(code);
}
