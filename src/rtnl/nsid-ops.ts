// Namespace ids both ways, over a NetlinkSocket: namespace -> id (RTM_GETNSID with
// NETNSA_FD, allocating with RTM_NEWNSID when asked) and id -> namespace (the named
// namespaces in /run/netns asked one by one, as `ip netns list-id` names them).
import { NetlinkError, SystemError, ValidationError } from '../netlink/errors.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import { listNamespaces, openNamespace, withNamespaceFd, type NamespaceOptions, type NamespaceRef, type NetworkNamespace } from '../netlink/namespace.js';
import * as C from './constants.js';
import { decodeNsid, describeNsidAttribute, encodeGetNsid, encodeNewNsid, encodeNsidDump, type NsidEntry } from './nsid.js';
import type { Link } from './link.js';

const nsidReq = (operation: string): RequestOptions => ({
  operation,
  headerSize: C.RTGENMSG_LEN,
  describeAttribute: describeNsidAttribute,
});

/**
 * The id the socket's namespace gives to `ns`, or undefined when none is assigned yet (ids
 * are allocated on demand: by setNsid, or by the kernel when a dump must report one).
 */

/**
 * The errors a /run/netns entry that is not (or no longer) a namespace gives: a stale file
 * (RTM_GETNSID answers EINVAL "Peer netns reference is invalid"), one deleted meanwhile
 * (ENOENT, refused by name), one that cannot be opened. Anything else is a real failure.
 */
export function isStaleNamespaceEntry(err: unknown): boolean {
  if (err instanceof NetlinkError) return err.code === 'EINVAL' || err.code === 'EBADF';
  if (err instanceof SystemError) return err.code === 'ENOENT' || err.code === 'EINVAL' || err.code === 'EACCES';
  return err instanceof ValidationError && err.field.startsWith('netns');
}

export async function getNsid(sock: NetlinkSocket, ns: NamespaceRef): Promise<number | undefined> {
  return withNamespaceFd(ns, 'netns', async (fd) => {
    const replies = await sock.request(encodeGetNsid({ fd }), nsidReq(`get nsid of ${describe(ns)}`));
    const m = replies.find((r) => r.type === C.RTM_NEWNSID);
    if (!m) return undefined;
    const id = decodeNsid(m).nsid;
    return id < 0 ? undefined : id;
  });
}

/**
 * Assign an id to `ns` in the socket's namespace (`ip netns set NAME ID`); 'auto' lets the
 * kernel choose. Returns the id. EEXIST when ns already has one (see ensureNsid).
 */
export async function setNsid(sock: NetlinkSocket, ns: NamespaceRef, nsid: number | 'auto' = 'auto'): Promise<number> {
  const s = await import('./schemas.js');
  const id = validate(s.nsidSchema, nsid, 'nsid');
  return withNamespaceFd(ns, 'netns', async (fd) => {
    await sock.request(encodeNewNsid({ fd }, id === 'auto' ? -1 : id), nsidReq(`set nsid of ${describe(ns)}`));
    const got = await getNsid(sock, fd);
    if (got === undefined) throw new NetlinkError({ errno: 2, operation: `set nsid of ${describe(ns)}` });
    return got;
  });
}

/** The id of `ns`, assigning one if it has none. */
export async function ensureNsid(sock: NetlinkSocket, ns: NamespaceRef): Promise<number> {
  const id = await getNsid(sock, ns);
  if (id !== undefined) return id;
  try {
    return await setNsid(sock, ns, 'auto');
  } catch (err) {
    // Lost a race with another allocator: read what it set.
    if (err instanceof NetlinkError && err.code === 'EEXIST') {
      const again = await getNsid(sock, ns);
      if (again !== undefined) return again;
    }
    throw err;
  }
}

/**
 * `ip netns list-id`: every id this namespace has assigned, with the /run/netns name of the
 * namespace it stands for when one matches.
 */
export async function listNsids(sock: NetlinkSocket, opts: NamespaceOptions & { resolveNames?: boolean } = {}): Promise<NsidEntry[]> {
  const out: NsidEntry[] = [];
  for await (const m of sock.dump(encodeNsidDump(), nsidReq('list nsids'))) {
    if (m.type === C.RTM_NEWNSID) out.push(decodeNsid(m));
  }
  if (opts.resolveNames ?? true) {
    const byId = await namedNsids(sock, opts);
    for (const e of out) {
      const name = byId.get(e.nsid);
      if (name !== undefined) e.name = name;
    }
  }
  return out;
}

/**
 * `ip -j netns list`: the named namespaces, each with the id the socket's namespace gives it
 * (when one is assigned; ids are not allocated by listing).
 */
export async function listNamespacesWithIds(sock: NetlinkSocket, opts: NamespaceOptions = {}): Promise<Array<{ name: string; id?: number }>> {
  const names = await listNamespaces(opts);
  return Promise.all(names.map(async (name) => {
    try {
      const id = await getNsid(sock, { name });
      return id === undefined ? { name } : { name, id };
    } catch (err) {
      if (!isStaleNamespaceEntry(err)) throw err;
      return { name };
    }
  }));
}

/** nsid -> name for the named namespaces that have an id here. */
async function namedNsids(sock: NetlinkSocket, opts: NamespaceOptions): Promise<Map<number, string>> {
  const names = await listNamespaces(opts);
  const byId = new Map<number, string>();
  await Promise.all(names.map(async (name) => {
    try {
      const id = await getNsid(sock, { name });
      if (id !== undefined && !byId.has(id)) byId.set(id, name);
    } catch (err) {
      if (!isStaleNamespaceEntry(err)) throw err;
      // Not a namespace mount (a stale file in /run/netns): skip it, as ip does.
    }
  }));
  return byId;
}

/**
 * The namespace behind an id (a link's link_netnsid): looked up among the named
 * namespaces. Returns an open handle (close it) or undefined when no named namespace has
 * that id (the peer may be a container's unnamed namespace).
 */
export async function namespaceOfNsid(sock: NetlinkSocket, nsid: number, opts: NamespaceOptions = {}): Promise<NetworkNamespace | undefined> {
  const names = await listNamespaces(opts);
  for (const name of names) {
    let ns: NetworkNamespace;
    try {
      ns = openNamespace({ name }, opts);
    } catch (err) {
      if (!isStaleNamespaceEntry(err)) throw err;
      continue;
    }
    try {
      const id = await getNsid(sock, ns);
      if (id === nsid) return ns;
    } catch (err) {
      if (!isStaleNamespaceEntry(err)) { ns.close(); throw err; }
      // not a namespace: skip
    }
    ns.close();
  }
  return undefined;
}

/** The namespace a link's peer/lower device lives in (its link_netnsid), when named. */
export async function linkPeerNamespace(sock: NetlinkSocket, link: Pick<Link, 'link_netnsid'>, opts: NamespaceOptions = {}): Promise<NetworkNamespace | undefined> {
  if (link.link_netnsid === undefined || link.link_netnsid < 0) return undefined;
  return namespaceOfNsid(sock, link.link_netnsid, opts);
}

function describe(ns: NamespaceRef): string {
  if (typeof ns === 'string') return ns;
  if (typeof ns === 'number') return `fd ${ns}`;
  if ('name' in ns && typeof ns.name === 'string') return ns.name;
  if ('path' in ns && typeof ns.path === 'string') return ns.path;
  if ('pid' in ns) return `pid ${ns.pid}`;
  if ('fd' in ns && typeof ns.fd === 'number') return `fd ${ns.fd}`;
  return String(ns);
}
