// Command-line parsing: node's util.parseArgs over the options a command declares
// (commands.ts), in its non-strict token mode so the errors stay the CLI's own, each naming
// the option and what to do ("did you mean --json?", "needs a value (NAME)").
import { closest } from './suggest.js';
import { parseArgs as parseTokens, type ParseArgsConfig } from 'node:util';
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
  const config: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const o of spec.options) config[o.name] = { type: o.value ? 'string' : 'boolean' };
  const { tokens } = parseTokens({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  let help = false;
  for (const tok of tokens) {
    if (tok.kind === 'positional') positionals.push(tok.value);
    if (tok.kind !== 'option') continue;
    if (tok.name === 'help') {
      help = true;
      continue;
    }
    const opt = spec.options.find((o) => o.name === tok.name);
    if (!opt || !tok.rawName.startsWith('--')) throw new UsageError(`unknown option ${tok.rawName}${opt ? '' : suggest(tok.name, spec)}`, spec.name);
    if (!opt.value) {
      if (tok.value !== undefined) throw new UsageError(`option --${opt.name} takes no value`, spec.name);
      options[opt.name] = true;
      continue;
    }
    // parseArgs takes the next word as the value whatever it is: an option there means none was given.
    const v = tok.value;
    if (v === undefined || v === '' || (!tok.inlineValue && v.startsWith('--') && v.length > 2)) {
      throw new UsageError(`option --${opt.name} needs a value (${opt.value})`, spec.name);
    }
    options[opt.name] = v;
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
  const close = closest(name, spec.options.map((o) => o.name));
  return close ? ` (did you mean --${close}?)` : '';
}

/** A valued option as a string (parseArgs guarantees the type). */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}
