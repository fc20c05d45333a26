import { UsageError } from './errors.js';

/** --family inet|inet6 (also 4/6, ipv4/ipv6); undefined when not given. */
export function parseFamily(v: string | undefined, command: string): 4 | 6 | undefined {
  if (v === undefined) return undefined;
  if (v === 'inet' || v === '4' || v === 'ipv4') return 4;
  if (v === 'inet6' || v === '6' || v === 'ipv6') return 6;
  throw new UsageError(`--family must be inet or inet6, not "${v}"`, command);
}
