// The peer of a veth across namespaces, and which namespace an nsid stands for. A link in
// namespace T whose peer lives elsewhere carries IFLA_LINK_NETNSID (an id in T's own table)
// and IFLA_LINK (the peer's ifindex over there). The id is mapped back to a namespace by
// asking T's kernel for the id of a candidate (RTM_GETNSID with NETNSA_FD): first a dumped
// namespace holding a link that points back (the peer itself, when it was dumped), then, if
// that does not settle it, every named namespace and the current one. The peer's name is
// asked of T's kernel too, by that id (RTM_GETLINK with IFLA_TARGET_NETNSID): no socket inside
// the peer's namespace, which on a container host would be one socket and one dump per
// container. Where the kernel refuses that (before 4.20, no CAP_NET_ADMIN over the other
// namespace), the other namespace is dumped from a socket opened inside it.
import { getNsid, isStaleNamespaceEntry } from './nsid-ops.js';
import { getLink, linkNameMap } from './link-read.js';
import type { Link } from './link-types.js';
import { NetlinkError, ValidationError } from '../netlink/errors.js';
import { NetlinkSocket } from '../netlink/socket.js';
import { listNamespaces, NETNS_RUN_DIR, type NamespaceRef } from '../netlink/namespace.js';
import type { ScannedNamespace } from '../netlink/netns-scan/index.js';

/** A namespace whose links are looked at, with a socket inside it. */
export interface PeerScope {
  /** Its /run/netns name (or, from a scan, its best label); null for the current namespace. */
  name: string | null;
  /** The path it was opened from (undefined: the current one). */
  path?: string;
  sock: NetlinkSocket;
  /** An open handle (a scan's): candidates are then these scopes, not /run/netns. */
  handle?: { fd: number };
  /** What a scan found about it (bind mounts, holders, container). */
  info?: ScannedNamespace;
}

/**
 * Peers asked for one by one in a namespace before it is dumped instead: measured over 1,000
 * veths, one request a peer took +18 ms against 10 dumps when the peers were 100 to a
 * namespace, and saved 134 ms against 300 dumps when they were one to a namespace (a container
 * each).
 */
const ASK_MAX = 8;

interface Candidate {
  /** null: the current namespace; else its /run/netns name or, with --all-netns, its best label. */
  name: string | null;
  path: string;
  /** What to open it by: the path, or an fd the target already holds (--all-netns). */
  ref: NamespaceRef;
  /** From a scan: where it was found (mounts, holders, container). */
  info?: ScannedNamespace;
}

export interface PeerFound {
  peer_ifname: string;
  peer_netns: string | null;
  /** The namespace's scan entry, when a scan found it. */
  info?: ScannedNamespace;
}

/** Per namespace key (its name, '' for the current one): ifindex -> IFLA_LINK of its links that have IFLA_LINK_NETNSID. */
type Crossings = Map<string, Map<number, number>>;

class NamespaceDirectory {
  private candidates: Promise<Candidate[]> | undefined;
  private readonly maps = new Map<PeerScope, Promise<Map<number, Candidate>>>();
  private readonly byId = new Map<PeerScope, Map<number, Promise<Candidate | undefined>>>();
  private readonly linkNames = new Map<string, Promise<Map<number, string>>>();
  /** "ifindex>link" -> the namespaces (keys) holding such a link with IFLA_LINK_NETNSID. */
  private back: Map<string, string[]> | undefined;

  /**
   * `known`: ifindex -> name of the links already dumped, by namespace key ('' for the current
   * one). `crossings`: the dumped links whose IFLA_LINK is in another namespace; a veth's peer
   * is usually among them, pointing back, which names the namespace an id stands for with one
   * request instead of one per namespace there is (a container host: hundreds of namespaces,
   * each with its own ids).
   */
  constructor(
    private readonly known: Map<string, Map<number, string>>,
    private readonly crossings: Crossings = new Map(),
    /** Scanned namespaces (each with its handle): the candidates, instead of /run/netns. */
    private readonly scanned?: readonly PeerScope[],
  ) {}

  private list(): Promise<Candidate[]> {
    return (this.candidates ??= (async () => {
      const current: Candidate = { name: null, path: '/proc/thread-self/ns/net', ref: '/proc/thread-self/ns/net' };
      if (this.scanned) {
        return [current, ...this.scanned.filter((t) => t.name !== null && t.handle).map((t) => ({ name: t.name, path: t.path ?? '', ref: t.handle!.fd, info: t.info }))];
      }
      return [current, ...(await listNamespaces()).map((n) => ({ name: n, path: `${NETNS_RUN_DIR}/${n}`, ref: `${NETNS_RUN_DIR}/${n}` }))];
    })());
  }

  /** nsid (as seen from t) -> namespace. Ids are only ever assigned to namespaces t refers to. */
  private idMap(t: PeerScope): Promise<Map<number, Candidate>> {
    let p = this.maps.get(t);
    if (!p) {
      p = (async () => {
        const map = new Map<number, Candidate>();
        const cands = await this.list();
        const ids = await Promise.all(cands.map(async (c) => {
          try {
            return await getNsid(t.sock, c.ref);
          } catch (err) {
            if (notThere(err)) return undefined;
            throw err;
          }
        }));
        cands.forEach((c, i) => {
          const id = ids[i];
          // The first wins: the current namespace before a name bound to the same one.
          if (id !== undefined && !map.has(id)) map.set(id, c);
        });
        return map;
      })();
      this.maps.set(t, p);
    }
    return p;
  }

  /**
   * The namespace t calls `nsid`. With `self` and `peer` (a link of t at index self whose
   * IFLA_LINK, `peer`, lives there) the dumped links that point back are tried first, each
   * checked with one RTM_GETNSID; otherwise, or when none matches, every candidate is asked.
   */
  private namespaceOf(t: PeerScope, nsid: number, self?: number, peer?: number): Promise<Candidate | undefined> {
    let ids = this.byId.get(t);
    if (!ids) this.byId.set(t, (ids = new Map()));
    let p = ids.get(nsid);
    if (!p) {
      p = (async () => {
        if (self !== undefined && peer) {
          const cands = await this.list();
          for (const key of this.pointingBack(self, peer)) {
            const c = cands.find((x) => (x.name ?? '') === key);
            if (!c) continue;
            const id = await getNsid(t.sock, c.ref).catch((err: unknown) => {
              if (notThere(err)) return undefined;
              throw err;
            });
            if (id === nsid) return c;
          }
        }
        return (await this.idMap(t)).get(nsid);
      })();
      ids.set(nsid, p);
    }
    return p;
  }

  /** Keys of the namespaces holding a link at index `peer` whose IFLA_LINK is `self` (across namespaces). */
  private pointingBack(self: number, peer: number): string[] {
    if (!this.back) {
      this.back = new Map();
      for (const [key, links] of this.crossings) {
        for (const [index, link] of links) {
          const k = `${index}>${link}`;
          const list = this.back.get(k);
          if (list) list.push(key);
          else this.back.set(k, [key]);
        }
      }
    }
    return this.back.get(`${peer}>${self}`) ?? [];
  }

  /**
   * The name of the namespace behind `nsid` as seen from t: null = current, undefined = unknown.
   * `self`, `peer`: see namespaceOf.
   */
  async nsName(t: PeerScope, nsid: number, self?: number, peer?: number): Promise<string | null | undefined> {
    const c = await this.namespaceOf(t, nsid, self, peer);
    return c ? c.name : undefined;
  }

  private names(c: Candidate): Promise<Map<number, string>> {
    const key = c.name ?? '';
    let p = this.linkNames.get(key);
    if (!p) {
      p = (async () => {
        const known = this.known.get(key);
        // A filtered dump (by kind or master) may lack the peer: then dump that namespace whole.
        if (known && !this.partial) return known;
        const sock = new NetlinkSocket({ netns: c.name === null ? undefined : (c.ref as string | number), name: `peers:${key}` });
        try {
          return await linkNameMap(sock);
        } finally {
          sock.close();
        }
      })();
      this.linkNames.set(key, p);
    }
    return p;
  }

  partial = false;

  /**
   * Name and namespace of the link with `ifindex` in the namespace t calls `nsid`; `self`: the
   * index in t of the link that names it (see namespaceOf).
   */
  async peer(t: PeerScope, nsid: number, ifindex: number, self?: number): Promise<PeerFound | undefined> {
    const c = await this.namespaceOf(t, nsid, self, ifindex);
    if (!c) return undefined;
    let name: string | undefined;
    const key = c.name ?? '';
    const known = this.known.get(key);
    if (known && !this.partial) name = known.get(ifindex);
    else {
      let asked = false;
      // A namespace holding many of the peers (not a container's one or two) is dumped once instead.
      const n = (this.asked.get(key) ?? 0) + 1;
      this.asked.set(key, n);
      if (!this.noPeerScopeNetnsid && n <= ASK_MAX) {
        try {
          name = await linkNameByNsid(t.sock, nsid, ifindex);
          asked = true;
        } catch (err) {
          // The kernel will not answer for other namespaces (older kernel, no CAP_NET_ADMIN there): dump them.
          if (!(err instanceof NetlinkError)) throw err;
          this.noPeerScopeNetnsid = true;
        }
      }
      if (!asked) name = (await this.names(c)).get(ifindex);
    }
    if (name === undefined) return undefined;
    return c.info ? { peer_ifname: name, peer_netns: c.name, info: c.info } : { peer_ifname: name, peer_netns: c.name };
  }

  /** Set once a kernel refused RTM_GETLINK with IFLA_TARGET_NETNSID. */
  private noPeerScopeNetnsid = false;
  /** Peers asked for by id, per namespace name ('' for the current one). */
  private readonly asked = new Map<string, number>();
}

/**
 * A candidate that is no namespace (any more): a stale /run/netns entry (NotANamespaceError),
 * one removed meanwhile (ValidationError: does not exist), or one the kernel refuses (EINVAL).
 */
function notThere(err: unknown): boolean {
  return err instanceof ValidationError || isStaleNamespaceEntry(err);
}

/**
 * The name of link `ifindex` in the namespace the socket's namespace knows as `nsid`, asked of
 * the socket's own kernel (IFLA_TARGET_NETNSID); undefined when there is no such link. Throws
 * NetlinkError otherwise (a kernel before 4.20, an unknown id, no CAP_NET_ADMIN there).
 */
async function linkNameByNsid(sock: NetlinkSocket, nsid: number, ifindex: number): Promise<string | undefined> {
  try {
    const l = await getLink(sock, ifindex, { targetNetnsid: nsid });
    return l.ifindex === ifindex && l.ifname !== '' ? l.ifname : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') return undefined;
    throw err;
  }
}

/** The links of one namespace, as dumped, and what findLinkPeers learns about them. */
export interface LinkView {
  scope: PeerScope;
  links: Link[];
}

export interface LinkPeers {
  /** ifindex -> the veth's peer (name, namespace). */
  peers: Map<number, PeerFound>;
  /** link_netnsid -> the namespace's name: null the current one, undefined unknown. */
  nsNames: Map<number, string | null | undefined>;
}

/** ip names a link it cannot see "ifN": not a name to show as a peer. */
const IF_LIKE = /^if\d+$/;

/**
 * The peers of the veths among `views` (one per namespace, as `ip -d link` shows them with
 * `link-netns`): in the same namespace from IFLA_LINK, in another through its nsid. `partial`:
 * the dumps were filtered (the peer may be missing from them); `scanned`: the views are every
 * namespace a scan found, and are the candidates for an nsid instead of /run/netns.
 */
export async function findLinkPeers(views: readonly LinkView[], opts: { partial?: boolean; scanned?: boolean } = {}): Promise<LinkPeers[]> {
  const found = views.map((): LinkPeers => ({ peers: new Map(), nsNames: new Map() }));
  let dir: NamespaceDirectory | undefined;
  if (views.some((v) => v.links.some((l) => l.link_netnsid !== undefined))) {
    const names = new Map<string, Map<number, string>>();
    const crossings: Crossings = new Map();
    for (const v of views) {
      names.set(v.scope.name ?? '', new Map(v.links.map((l) => [l.ifindex, l.ifname])));
      crossings.set(v.scope.name ?? '', new Map(v.links.filter((l) => l.link_netnsid !== undefined).map((l) => [l.ifindex, l.link_index ?? 0])));
    }
    dir = new NamespaceDirectory(names, crossings, opts.scanned ? views.map((v) => v.scope) : undefined);
    dir.partial = opts.partial ?? false;
  }
  for (const [i, v] of views.entries()) {
    const f = found[i]!;
    const jobs: Promise<void>[] = [];
    for (const l of v.links) {
      const veth = l.linkinfo?.info_kind === 'veth' && !!l.link_index;
      if (l.link_netnsid === undefined) {
        if (veth && typeof l.link === 'string' && !IF_LIKE.test(l.link)) f.peers.set(l.ifindex, { peer_ifname: l.link, peer_netns: v.scope.name });
        continue;
      }
      const id = l.link_netnsid;
      const d = dir!;
      jobs.push((async () => {
        if (!f.nsNames.has(id)) f.nsNames.set(id, await d.nsName(v.scope, id, l.ifindex, l.link_index ?? 0));
        if (!veth || id < 0) return;
        const p = await d.peer(v.scope, id, l.link_index!, l.ifindex);
        if (p) f.peers.set(l.ifindex, p);
      })());
    }
    await Promise.all(jobs);
  }
  return found;
}
