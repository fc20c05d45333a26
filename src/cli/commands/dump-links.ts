import type { ParsedArgs } from '../args.js';
import { CliError } from '../errors.js';

export async function run(_args: ParsedArgs): Promise<number> {
  throw new CliError('dump-links: not implemented yet');
}
