// info_data of the spec-declared link kinds (link-kinds.ts) in `ip -j -d link`'s vocabulary
// where ip has one for them here (tun/tap: tun_print_opt in ip/iptuntap.c); other declared
// kinds keep the kernel spec's attribute names.
import { readFileSync } from 'node:fs';
import type { KindInfoData } from './link-kinds.js';

const IFF_TUN = 1, IFF_TAP = 2;

let users: Map<number, string> | undefined, groups: Map<number, string> | undefined;
function idNames(path: string): Map<number, string> {
  const m = new Map<number, string>();
  try {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && /^\d+$/.test(f[2]!) && !m.has(Number(f[2]))) m.set(Number(f[2]), f[0]!);
    }
  } catch (err) {
    // No database: numbers, as ip prints ids it cannot name.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
  }
  return m;
}
/** As ip's print_owner: the user (group) name of an id, else the number. */
const userName = (id: number): string | number => (users ??= idNames('/etc/passwd')).get(id) ?? id;
const groupName = (id: number): string | number => (groups ??= idNames('/etc/group')).get(id) ?? id;

/** tun/tap as ip -j -d prints it; owner/group -1 (none) are left out, as ip does. */
export function tunInfoData(d: KindInfoData): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const t = d.type as number | undefined;
  if (t !== undefined) o.type = t === IFF_TUN ? 'tun' : t === IFF_TAP ? 'tap' : `UNKNOWN:${t}`;
  const bool = (k: string, v: unknown): void => { if (v !== undefined) o[k] = !!v; };
  bool('pi', d.pi);
  bool('vnet_hdr', d['vnet-hdr']);
  bool('multi_queue', d['multi-queue']);
  if (d['multi-queue']) {
    if (d['num-queues'] !== undefined) o.numqueues = d['num-queues'];
    if (d['num-disabled-queues'] !== undefined) o.numdisabled = d['num-disabled-queues'];
  }
  bool('persist', d.persist);
  const owner = d.owner as number | undefined, group = d.group as number | undefined;
  if (owner !== undefined && owner !== 0xffffffff) o.user = userName(owner);
  if (group !== undefined && group !== 0xffffffff) o.group = groupName(group);
  if (d.$raw) o.raw = d.$raw;
  return o;
}

/** The presented info_data of a declared kind. */
export function kindInfoDataJson(kind: string, d: KindInfoData): Record<string, unknown> {
  return kind === 'tun' ? tunInfoData(d) : d;
}
