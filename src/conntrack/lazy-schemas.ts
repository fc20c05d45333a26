// zod loads on the first call that takes input, and stays: listing without a filter never pays for it.
import type { z } from 'zod/v3';
import { ValidationError } from '../netlink/errors.js';

type Schemas = typeof import('./schemas.js');
let loading: Promise<Schemas> | undefined;

export function loadSchemas(): Promise<Schemas> {
  return (loading ??= import('./schemas.js'));
}

/** Parses `value` with `pick(schemas)`; the first problem becomes a ValidationError naming its path. */
export async function check<T extends z.ZodTypeAny>(pick: (s: Schemas) => T, value: unknown, root: string): Promise<z.output<T>> {
  const s = await loadSchemas();
  const r = pick(s).safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ValidationError([root, ...issue.path].join('.'), issue.message);
}
