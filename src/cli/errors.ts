// How the CLI reports failure: one line on stderr, exit status 1 (runtime) or 2 (usage), a
// stack trace only when DEBUG is set. Errors are recognised by their fields (errno, code,
// name), so this module loads nothing else.

/** Bad command line: exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

/** A runtime failure the CLI itself detected (a missing namespace, unreadable input): exit 1. */
export class CliError extends Error {
  override name = 'CliError';
}

const CAP_HINT_NET = 'needs CAP_NET_ADMIN: run as root, or inside `unshare -rn`';
const CAP_HINT_NS = 'entering a network namespace needs CAP_SYS_ADMIN: run as root, or inside `unshare -rn` for namespaces made there';

/** The one line printed for an error (without the "netlinkts: " prefix). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { errno?: number; code?: string; syscall?: string };
  let msg = e.message || e.name;
  // The library's SystemError already carries a generic capability hint; say which one applies.
  const perm = e.errno === 1 || e.errno === 13 || e.code === 'EPERM' || e.code === 'EACCES';
  if (perm) {
    msg = msg.replace(/; this needs CAP_NET_ADMIN.*$/, '');
    msg += `; ${e.syscall === 'setns' || /setns|namespace/.test(msg) ? CAP_HINT_NS : CAP_HINT_NET}`;
  }
  return msg.replace(/\s*\n\s*/g, ' ');
}

/** Print the error and return the exit status. */
export function reportError(err: unknown, prog = 'netlinkts'): number {
  if (err instanceof UsageError) {
    const cmd = err.command ? `${prog} ${err.command}` : prog;
    process.stderr.write(`${cmd}: ${err.message} (see \`${cmd} --help\`)\n`);
    return 2;
  }
  process.stderr.write(`${prog}: ${describeError(err)}\n`);
  if (process.env.DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}
