// The `netlinkts` command (main.ts launches it: `process.exitCode = await run(argv)`; the
// process then ends by itself, and one that does not has a handle left open: a bug). Start-up
// is kept lean: this file parses the arguments with data only (commands.ts), then loads the
// one command's module; nothing else is imported here.
import { closest } from './suggest.js';
import { COMMANDS, commandHelp, findCommand, globalHelp } from './commands.js';
import { parseArgs, type ParsedArgs } from './args.js';
import { UsageError, reportError } from './errors.js';
import { readFileSync } from 'node:fs';
import { Output } from './output.js';

type CommandModule = { run(args: ParsedArgs): Promise<number | void> };

function load(name: string): Promise<CommandModule> {
  // Literal specifiers, so the compiler checks each and bundlers can follow them.
  switch (name) {
    case 'dump-links': return import('./commands/dump-links.js');
    case 'dump-addrs': return import('./commands/dump-addrs.js');
    case 'dump-routes': return import('./commands/dump-routes.js');
    case 'dump-neigh': return import('./commands/dump-neigh.js');
    case 'dump-nft': return import('./commands/dump-nft.js');
    case 'netns': return import('./commands/netns.js');
    case 'monitor': return import('./commands/monitor.js');
    case 'decode': return import('./commands/decode.js');
    case 'dump-rules': return import('./commands/dump-rules.js');
    case 'dump-nexthops': return import('./commands/dump-nexthops.js');
    case 'dump-fdb': return import('./commands/dump-fdb.js');
    case 'dump-vlans': return import('./commands/dump-vlans.js');
    default: throw new UsageError(`unknown command "${name}"`);
  }
}

type RawCommand = (argv: string[], write: (text: string) => void, signal?: AbortSignal) => Promise<number>;

/** Commands that parse their own arguments (spec.passthrough), and `monitor genl`. */
async function loadRaw(name: string): Promise<RawCommand> {
  switch (name) {
    case 'ynl': return (await import('./commands/ynl.js')).ynlCommand;
    case 'dump-genl': return (await import('./commands/dump-genl.js')).dumpGenlCommand;
    case 'ethtool': return (await import('./commands/ethtool.js')).ethtoolCommand;
    case 'dump-conntrack': return (await import('./commands/dump-conntrack.js')).dumpConntrackCommand;
    case 'monitor-genl': return (await import('./commands/monitor-genl.js')).monitorGenlCommand;
    case 'monitor-conntrack': return (await import('./commands/monitor-conntrack.js')).monitorConntrackCommand;
    case 'dump-tc': return (await import('./commands/dump-tc.js')).dumpTcCommand;
    case 'monitor-tc': return (await import('./commands/monitor-tc.js')).monitorTcCommand;
    default: throw new UsageError(`unknown command "${name}"`);
  }
}

async function runRaw(name: string, argv: string[]): Promise<number> {
  const cmd = await loadRaw(name);
  // Interrupting a monitor ends it cleanly (exit status 0 after what it printed).
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    // A monitor's lines go out as they happen; a dump's are buffered (one write() per 256 KiB,
    // not one per line: 100,000 conntrack lines were 100,000 syscalls).
    if (name.startsWith('monitor')) return await cmd(argv, (text) => { process.stdout.write(text); }, ac.signal);
    const out = new Output();
    try {
      return await cmd(argv, (text) => { void out.write(text); }, ac.signal);
    } finally {
      await out.flush();
    }
  } catch (e) {
    // node:util parseArgs reports bad options with a code of its own: a usage error here.
    if (e instanceof TypeError && typeof (e as { code?: unknown }).code === 'string' && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(e.message, name);
    }
    throw e;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function version(): Promise<string> {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one command line; resolves to the exit status (errors become it too). */
export function run(argv: string[]): Promise<number> {
  return main(argv).then((code) => code, (err: unknown) => reportError(err));
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(globalHelp());
    return 2;
  }
  if (first === '--help' || first === '-h') {
    process.stdout.write(globalHelp());
    return 0;
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`${await version()}\n`);
    return 0;
  }
  if (first === 'help') {
    if (rest.length === 0) {
      process.stdout.write(globalHelp());
      return 0;
    }
    const spec = findCommand(rest[0]!);
    if (!spec) throw new UsageError(`unknown command "${rest[0]}"${didYouMean(rest[0])}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    process.stdout.write(commandHelp(spec));
    return 0;
  }
  if (first === 'monitor' && rest[0] === 'genl') return runRaw('monitor-genl', rest.slice(1));
  if (first === 'monitor' && rest[0] === 'conntrack') return runRaw('monitor-conntrack', rest.slice(1));
  if (first === 'monitor' && rest[0] === 'tc') return runRaw('monitor-tc', rest.slice(1));
  const spec = findCommand(first);
  if (!spec) throw new UsageError(`unknown command "${first}"${didYouMean(first)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  if (spec.passthrough) {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`usage: ${spec.usage.replace(/^usage: /, '')}\n\n${spec.summary}\n\n${spec.details ?? ''}\n`);
      return 0;
    }
    return runRaw(spec.name, rest);
  }
  const args = parseArgs(spec, rest);
  if (args.help) {
    process.stdout.write(commandHelp(spec));
    return 0;
  }
  const mod = await load(spec.name);
  return (await mod.run(args)) ?? 0;
}

function didYouMean(name: string | undefined): string {
  const c = name ? closest(name, COMMANDS.map((x) => x.name)) : undefined;
  return c ? ` (did you mean ${c}?)` : '';
}
