// Input validation with zod, turned into ValidationError naming the offending field.
// zod's v3 API (shipped inside zod 4 as 'zod/v3') is used because it loads in ~25 ms here
// against ~120 ms for zod 4's default entry (NOTES.md, measured again); schema modules are
// imported lazily by mutating operations only, so read-only paths never load zod.
import type { z } from 'zod/v3';
import { ValidationError } from './errors.js';

export function validate<T extends z.ZodTypeAny>(schema: T, value: unknown, root: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = [root, ...issue.path.map(String)].filter(Boolean).join('.');
  throw new ValidationError(field, issue.message);
}

/**
 * An options argument: undefined means none; anything but an object is refused by name (a
 * default parameter only replaces undefined, so a null would otherwise be read as one).
 */
export function optionsOf<T extends object>(opts: T | undefined, field = 'options'): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== 'object') throw new ValidationError(field, `expected an object, got ${opts === null ? 'null' : typeof opts}`);
  return opts;
}
