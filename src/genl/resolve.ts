// Generic netlink families are found by name: the kernel gives each an id when it registers
// (CTRL_CMD_GETFAMILY of nlctrl answers with it, its version, operations and multicast groups).
// Ids are per boot and may change when a module is reloaded, so they are cached per socket,
// and a caller that sees ENOENT for a cached id asks again (forget()).
import { NetlinkError, ValidationError } from '../netlink/errors.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { NetlinkFamily } from '../netlink/spec/family.js';
import { nlctrlSpec } from './spec/nlctrl.gen.js';

/** nlctrl is the one family with a fixed id (GENL_ID_CTRL). */
export const GENL_ID_CTRL = 0x10;

export const nlctrl = new NetlinkFamily(nlctrlSpec);

export interface GenlFamilyInfo {
  id: number;
  name: string;
  version: number;
  hdrsize: number;
  maxattr: number;
  /** Commands the kernel implements, with their flags (admin-perm, cmd-cap-do, cmd-cap-dump...). */
  ops: { id: number; flags: string[] }[];
  /** Multicast groups by name -> group id (for NETLINK_ADD_MEMBERSHIP). */
  mcastGroups: Map<string, number>;
}

const cache = new WeakMap<NetlinkSocket, Map<string, GenlFamilyInfo>>();

function info(attrs: Record<string, unknown>): GenlFamilyInfo {
  const ops = (attrs.ops as { id?: number; flags?: string[] }[] | undefined) ?? [];
  const groups = (attrs['mcast-groups'] as { name?: string; id?: number }[] | undefined) ?? [];
  return {
    id: attrs['family-id'] as number,
    name: attrs['family-name'] as string,
    version: (attrs.version as number | undefined) ?? 0,
    hdrsize: (attrs.hdrsize as number | undefined) ?? 0,
    maxattr: (attrs.maxattr as number | undefined) ?? 0,
    ops: ops.map((o) => ({ id: o.id ?? 0, flags: o.flags ?? [] })),
    mcastGroups: new Map(groups.filter((g) => g.name !== undefined).map((g) => [g.name!, g.id ?? 0])),
  };
}

/** Every generic netlink family the kernel has (as `genl ctrl list` shows them). */
export async function listGenlFamilies(sock: NetlinkSocket): Promise<GenlFamilyInfo[]> {
  const out: GenlFamilyInfo[] = [];
  const req = nlctrl.encode({ op: 'getfamily', mode: 'dump', familyId: GENL_ID_CTRL });
  for await (const m of sock.dump(req, { operation: 'list generic netlink families', headerSize: 4 })) {
    out.push(info(nlctrl.decode(m).attrs));
  }
  return out;
}

/**
 * The family named, as the kernel registered it. A family the kernel does not have is a
 * ValidationError naming it and the families that exist (the module may not be loaded).
 */
export async function resolveGenlFamily(sock: NetlinkSocket, name: string): Promise<GenlFamilyInfo> {
  let known = cache.get(sock);
  const hit = known?.get(name);
  if (hit) return hit;
  const req = nlctrl.encode({ op: 'getfamily', familyId: GENL_ID_CTRL, attrs: { 'family-name': name } });
  let replies;
  try {
    replies = await sock.request(req, { operation: `resolve generic netlink family ${name}`, headerSize: 4 });
  } catch (e) {
    if (e instanceof NetlinkError && e.code === 'ENOENT') {
      const names = (await listGenlFamilies(sock)).map((f) => f.name).sort();
      throw new ValidationError('family', `the kernel has no generic netlink family ${JSON.stringify(name)} (it has: ${names.join(', ')})`);
    }
    throw e;
  }
  const reply = replies.find((m) => m.type === GENL_ID_CTRL);
  if (!reply) throw new ValidationError('family', `no reply from nlctrl for ${JSON.stringify(name)}`);
  const fam = info(nlctrl.decode(reply).attrs);
  if (!known) cache.set(sock, (known = new Map()));
  known.set(name, fam);
  return fam;
}

/** Drop a cached id (after the family went away, e.g. its module was unloaded). */
export function forgetGenlFamily(sock: NetlinkSocket, name?: string): void {
  if (name === undefined) cache.delete(sock);
  else cache.get(sock)?.delete(name);
}
