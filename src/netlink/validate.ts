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
