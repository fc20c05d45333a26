// The zod schemas, loaded on the first call that changes something and kept: read-only
// paths never load zod, and bulk writers (100k route adds) do not pay a dynamic import() per
// call (the ESM loader's bookkeeping showed up in profiles).
type Schemas = typeof import('./schemas.js');
let loading: Promise<Schemas> | undefined;

export function loadSchemas(): Promise<Schemas> {
  return (loading ??= import('./schemas.js'));
}
