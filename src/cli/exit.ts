// How the CLI's process ends once a command is done.
//
// node's exit joins V8's worker threads before the process goes, and a command that has just
// run hot code (a dump of thousands of links) leaves optimizing compiles running there that
// nothing will use: measured 8.8 ms between 'exit' and the end of the process for
// `dump-links --json` over 2,000 links, against 3.8 ms for `node -e 0`. So when a command has
// loaded the addon and wrote only through Output (writeSync on fd 1: everything is with the
// kernel already), the last 'exit' listener ends the process with _exit() (the addon's
// quickExit); the listeners before it (the code-cache writer) still run.
//
// Not once node has made process.stdout or process.stderr (help, errors, DEBUG, Output's
// fallback for a non-blocking stdout): a stream may hold unwritten data, and on a pipe libuv
// sets O_NONBLOCK on the shared file description, which node's teardown puts back (a shell
// sharing the pipe would otherwise inherit it). Not when node runs with flags or NODE_OPTIONS
// (--cpu-prof, --inspect, --heap-prof...) or NODE_V8_COVERAGE: those write their results in
// node's teardown. NETLINKTS_QUICK_EXIT=0 leaves the end to node.

/** The stdio streams this process has made (node makes them on first use of process.stdout/stderr). */
const made: NodeJS.WritableStream[] = [];

/** Whether both getters are watched (otherwise a stream could be made unseen: no quick exit). */
let watching = true;

// Note each stream as node makes it, without making it here (a pipe's stream loads node's
// net module: milliseconds a command that never touches it should not pay).
for (const name of ['stdout', 'stderr'] as const) {
  const d = Object.getOwnPropertyDescriptor(process, name);
  const get = d?.get;
  if (!get || !d.configurable) {
    watching = false;
    continue;
  }
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

/** Ends the process with `code`; `addonLoaded`: a command ran that may have loaded the addon. */
export async function finish(code: number, addonLoaded: boolean): Promise<never> {
  const env = process.env;
  const plain = process.execArgv.length === 0 && !env.NODE_OPTIONS && !env.NODE_V8_COVERAGE;
  if (addonLoaded && plain && watching && made.length === 0 && env.NETLINKTS_QUICK_EXIT !== '0') {
    const { loadedNative } = await import('../netlink/native.js');
    const quickExit = loadedNative()?.quickExit;
    if (quickExit) {
      // Checked again at the end: an earlier 'exit' listener may write.
      process.once('exit', (c: number) => {
        if (made.length === 0) quickExit(c);
      });
    }
  }
  return process.exit(code);
}
