// A tiny hand-written argument parser (no dependency: every module loaded costs start-up time).
// Accepts --name, --name VALUE, --name=VALUE, -h, and `--` to end options.
import type { CommandSpec } from './commands.js';
import { UsageError } from './errors.js';

export interface ParsedArgs {
  command: string;
  /** Option values by long name without dashes: true for flags, the string for valued options. */
  options: Record<string, string | true | undefined>;
  positionals: string[];
  help: boolean;
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const opt = spec.options.find((o) => o.name === name);
      if (!opt) throw new UsageError(`unknown option --${name}${suggest(name, spec)}`, spec.name);
      if (opt.value) {
        let value: string | undefined;
        if (eq > 0) value = arg.slice(eq + 1);
        else {
          value = argv[i + 1];
          if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`option --${name} needs a value (${opt.value})`, spec.name);
          i++;
        }
        if (value === '') throw new UsageError(`option --${name} needs a value (${opt.value})`, spec.name);
        options[name] = value;
      } else {
        if (eq > 0) throw new UsageError(`option --${name} takes no value`, spec.name);
        options[name] = true;
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown option ${arg}`, spec.name);
    positionals.push(arg);
  }
  if (!help) {
    const max = spec.positionals?.max ?? 0;
    const min = spec.positionals?.min ?? 0;
    if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`, spec.name);
    if (positionals.length < min) throw new UsageError(`missing ${spec.positionals?.names ?? 'argument'}`, spec.name);
    for (const group of spec.exclusive ?? []) {
      const given = group.filter((n) => options[n] !== undefined);
      if (given.length > 1) throw new UsageError(`--${given[0]} and --${given[1]} cannot be used together`, spec.name);
    }
  }
  return { command: spec.name, options, positionals, help };
}

function suggest(name: string, spec: CommandSpec): string {
  const close = spec.options.find((o) => o.name.startsWith(name) || name.startsWith(o.name));
  return close ? ` (did you mean --${close.name}?)` : '';
}

/** A valued option as a string (parseArgs guarantees the type). */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}
