// Link operations over a NetlinkSocket: list (filtered by the kernel), get, create, set,
// move, delete, delete a whole group. Inputs are validated (zod, loaded on first use by a
// mutating call) before anything is sent; kernel refusals come back as NetlinkError naming
// the operation ("create link veth0: EEXIST ...") and the IFLA_* attribute it pointed at.
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { showValue } from '../netlink/show-value.js';
import { NLM_F_DUMP_FILTERED, NLM_F_ECHO } from '../netlink/constants.js';
import { NetlinkError, ValidationError, encodeNamed } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { walkAttributes, type RawAttribute } from '../netlink/reader.js';
import { NetlinkSocket, type RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import { stringLimitProblem } from '../netlink/string-limits.js';
import { describeLinkType, hardwareAddressFor, KIND_ADDR_LEN } from './hw-address.js';
import { withNamespaceFd, type NamespaceRef } from '../netlink/namespace.js';
import * as C from './constants.js';
import {
  decodeLink, describeLinkAttribute, encodeDelLink, encodeLinkAltNames, encodeGetLink, encodeLinkDump, encodeNewLink, encodeSetLink,
  referencedIndexes, resolveLinkNames, type BridgeOptions, type BridgePortOptions, type KindData, type Link,
  type LinkAttrs, type LinkChange, type LinkRef, type MacvlanOptions, type VxlanOptions,
} from './link.js';

/** A link named by its name (or altname) or its ifindex. */
export type LinkSelector = string | number;

export interface ListLinksOptions {
  /** Only links of this kind (`ip link show type veth`): IFLA_LINKINFO/IFLA_INFO_KIND in the dump request. */
  kind?: string;
  /** Only ports of this master (`ip link show master br0`): IFLA_MASTER in the dump request. */
  master?: LinkSelector;
  /** Include IFLA_STATS64 (the kernel is asked to skip statistics otherwise). */
  stats?: boolean;
  /** Include SR-IOV VF information (RTEXT_FILTER_VF). */
  vf?: boolean;
  /** Replace master/link indexes by names (default true; see resolveLinkNames). */
  resolveNames?: boolean;
  signal?: AbortSignal;
}

// ---- create

/** Settings shared by every kind at creation. Names and values as `ip -j -d` prints them. */
export interface LinkCommonSpec {
  /** Interface name: 1-15 bytes, no '/', ':' or whitespace (the kernel's dev_valid_name). */
  name: string;
  mtu?: number;
  /** Link-layer address, "aa:bb:cc:dd:ee:ff". */
  address?: string;
  broadcast?: string;
  txqlen?: number;
  /** Link group (0 = "default"); `deleteLinkGroup` removes a whole group in one request. */
  group?: number | 'default';
  /** Enslave to this master (bridge) at creation. */
  master?: LinkSelector;
  /** Bring the link up at creation (IFF_UP in ifi_flags). */
  up?: boolean;
  /** Create the link directly inside this namespace (IFLA_NET_NS_FD). */
  netns?: NamespaceRef;
  ifalias?: string;
  num_tx_queues?: number;
  num_rx_queues?: number;
  gso_max_size?: number;
  gso_max_segs?: number;
  gro_max_size?: number;
  /** Extra top-level IFLA_* attributes, sent as given. */
  attributes?: RawAttribute[];
}

export interface VethPeerSpec {
  name?: string;
  /** Create the peer directly in this namespace (IFLA_NET_NS_FD inside VETH_INFO_PEER). */
  netns?: NamespaceRef;
  mtu?: number;
  address?: string;
  txqlen?: number;
  group?: number | 'default';
  /** Bring the peer up once the pair exists (a second request, in the peer's namespace; needs name). */
  up?: boolean;
  num_tx_queues?: number;
  num_rx_queues?: number;
  attributes?: RawAttribute[];
}

export interface VethSpec extends LinkCommonSpec { kind: 'veth'; peer?: VethPeerSpec | string }
export interface BridgeSpec extends LinkCommonSpec { kind: 'bridge'; bridge?: BridgeOptions }
export interface MacvlanSpec extends LinkCommonSpec {
  kind: 'macvlan' | 'macvtap';
  /** Lower device. */
  link: LinkSelector;
  macvlan?: MacvlanOptions;
}
export interface VxlanSpec extends LinkCommonSpec {
  kind: 'vxlan';
  vxlan: Omit<VxlanOptions, 'link'> & { /** Lower device (ip's `dev`). */ link?: LinkSelector };
}
export interface VlanSpec extends LinkCommonSpec { kind: 'vlan'; link: LinkSelector; vlan: { id: number; protocol?: '802.1Q' | '802.1ad' } }
export interface BondSpec extends LinkCommonSpec { kind: 'bond'; bond?: { mode?: BondMode | number } }
export interface VrfSpec extends LinkCommonSpec { kind: 'vrf'; vrf: { table: number } }
export interface SimpleKindSpec extends LinkCommonSpec { kind: 'dummy' | 'ifb' | 'nlmon' }
/**
 * Any kind, with IFLA_INFO_DATA given as raw attributes (possibly none). The presence of
 * `infoData` selects this path; without it, kinds outside TYPED_KINDS are refused.
 */
export interface GenericLinkSpec extends LinkCommonSpec { kind: string; infoData: RawAttribute[]; link?: LinkSelector }

export type LinkSpec = VethSpec | BridgeSpec | MacvlanSpec | VxlanSpec | VlanSpec | BondSpec | VrfSpec | SimpleKindSpec | GenericLinkSpec;

export type BondMode = 'balance-rr' | 'active-backup' | 'balance-xor' | 'broadcast' | '802.3ad' | 'balance-tlb' | 'balance-alb';
const BOND_MODES: Record<BondMode, number> = {
  'balance-rr': 0, 'active-backup': 1, 'balance-xor': 2, broadcast: 3, '802.3ad': 4, 'balance-tlb': 5, 'balance-alb': 6,
};

// ---- set

/** Changes to an existing link (`ip link set`). */
export interface LinkSettings {
  up?: boolean;
  /** Rename. */
  name?: string;
  mtu?: number;
  address?: string;
  broadcast?: string;
  txqlen?: number;
  group?: number | 'default';
  /** Enslave to this master; null removes the link from its master (nomaster). */
  master?: LinkSelector | null;
  ifalias?: string;
  promisc?: boolean;
  allmulticast?: boolean;
  /** false sets IFF_NOARP. */
  arp?: boolean;
  gso_max_size?: number;
  gso_max_segs?: number;
  gro_max_size?: number;
  /** Move the link to this namespace (IFLA_NET_NS_FD); combine with `name` to rename on the way. */
  netns?: NamespaceRef;
  /** Bridge options, for a bridge (`ip link set br0 type bridge ...`). */
  bridge?: BridgeOptions;
  /** Bridge port options, for a bridge port (`ip link set veth0 type bridge_slave ...`). */
  bridge_slave?: BridgePortOptions;
  attributes?: RawAttribute[];
}

// ============================================================================================

export const linkReq = (operation: string, kind?: string, signal?: AbortSignal): RequestOptions => ({
  operation,
  headerSize: C.IFINFOMSG_LEN,
  describeAttribute: (path) => describeLinkAttribute(path, kind),
  signal,
});

function isNewLink(m: MessageRef): boolean {
  return m.type === C.RTM_NEWLINK;
}

/** Dump links without resolving names: constant memory, for very many links. */
export async function* dumpLinks(sock: NetlinkSocket, opts: Omit<ListLinksOptions, 'master' | 'resolveNames'> & { master?: number } = {}): AsyncGenerator<Link, void, undefined> {
  const req = encodeLinkDump({ kind: opts.kind, master: opts.master, stats: opts.stats, vf: opts.vf });
  const filtering = opts.kind !== undefined || opts.master !== undefined;
  for await (const batch of sock.dumpBatches(req, linkReq('list links', undefined, opts.signal))) {
    for (const m of batch) {
      if (!isNewLink(m)) continue;
      const link = decodeLink(m, opts);
      // The kernel filters only by kinds it knows (a kind whose module is not loaded is not
      // filtered at all) and then marks replies NLM_F_DUMP_FILTERED; otherwise filter here.
      if (filtering && !(m.flags & NLM_F_DUMP_FILTERED)) {
        if (opts.kind !== undefined && link.linkinfo?.info_kind !== opts.kind) continue;
        if (opts.master !== undefined && link.master_index !== opts.master) continue;
      }
      yield link;
    }
  }
}

/**
 * All links (`ip -d link show`), filtered by the kernel when kind/master are given.
 * Names of masters and peers are resolved like ip does (see resolveLinkNames).
 */
export async function listLinks(sock: NetlinkSocket, opts: ListLinksOptions & ConsistencyOptions = {}): Promise<DumpList<Link>> {
  let master: number | undefined;
  if (opts.master !== undefined) master = await linkIndex(sock, opts.master, `list links: master ${opts.master}`);
  return consistentDump<Link>('list links', opts, async (links) => {
    for await (const l of dumpLinks(sock, { ...opts, master })) links.push(l);
    if (opts.resolveNames ?? true) await resolveNames(sock, links, opts.kind !== undefined || master !== undefined);
  });
}

async function resolveNames(sock: NetlinkSocket, links: Link[], partial: boolean): Promise<void> {
  const known = new Map<number, LinkRef>();
  for (const l of links) known.set(l.ifindex, { name: l.ifname, up: l.flags.includes('UP') });
  const missing = new Set<number>();
  for (const l of links) for (const i of referencedIndexes(l)) if (!known.has(i)) missing.add(i);
  if (missing.size && (partial || links.length < 2)) {
    // A filtered dump or a single get: ask for the few links referred to.
    await Promise.all([...missing].map(async (i) => {
      const l = await findLinkRaw(sock, i);
      if (l) known.set(i, { name: l.ifname, up: l.flags.includes('UP') });
    }));
  }
  for (const l of links) resolveLinkNames(l, (i) => known.get(i));
}

async function findLinkRaw(sock: NetlinkSocket, ref: LinkSelector, opts: { stats?: boolean; vf?: boolean } = {}, operation = `get link ${ref}`): Promise<Link | undefined> {
  try {
    const replies = await sock.request(encodeGetLink(ref, opts), linkReq(operation));
    const m = replies.find(isNewLink);
    return m ? decodeLink(m, opts) : undefined;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') return undefined;
    throw err;
  }
}

function checkSelector(ref: unknown, field: string): asserts ref is LinkSelector {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0 || ref > 0x7fffffff) throw new ValidationError(field, `an ifindex must be a positive integer, got ${ref}`);
    return;
  }
  if (typeof ref !== 'string') throw new ValidationError(field, `expected a link name or ifindex, got ${typeof ref}`);
  // Lookups accept altnames (up to 127 bytes); the other rules are dev_valid_name's.
  if (ref.length === 0) throw new ValidationError(field, 'a link name must not be empty');
  const tooLong = stringLimitProblem('altifname', ref);
  if (tooLong) throw new ValidationError(field, `link name "${ref.slice(0, 20)}..." ${tooLong}`);
  if (/[/:\s]/.test(ref)) throw new ValidationError(field, `link name "${ref}" contains '/', ':' or whitespace`);
}

/**
 * One link by name (or altname) or index, names resolved. NetlinkError ENODEV if there is none.
 * `targetNetnsid`: look in the namespace the socket's namespace knows by that id (what a veth's
 * `link_netnsid` is; Linux 4.20+, CAP_NET_ADMIN over that namespace): a veth's peer without a
 * socket inside the peer's namespace. Names are then not resolved unless asked for (they would
 * be looked up in the socket's namespace).
 */
export async function getLink(
  sock: NetlinkSocket, ref: LinkSelector, opts: { stats?: boolean; vf?: boolean; resolveNames?: boolean; targetNetnsid?: number } = {},
): Promise<Link> {
  checkSelector(ref, 'link');
  const nsid = opts.targetNetnsid;
  if (nsid !== undefined && (!Number.isInteger(nsid) || nsid < 0 || nsid > 0x7fffffff)) {
    throw new ValidationError('targetNetnsid', `a namespace id is an integer from 0 to 2147483647, got ${nsid}`);
  }
  const operation = nsid === undefined ? `get link ${ref}` : `get link ${ref} in namespace id ${nsid}`;
  const replies = await sock.request(encodeGetLink(ref, opts), linkReq(operation));
  const m = replies.find(isNewLink);
  if (!m) throw new NetlinkError({ errno: 19, operation });
  const link = decodeLink(m, opts);
  if (opts.resolveNames ?? nsid === undefined) await resolveNames(sock, [link], true);
  return link;
}

/** Like getLink, but undefined when there is no such link. */
export async function findLink(sock: NetlinkSocket, ref: LinkSelector, opts: { stats?: boolean; resolveNames?: boolean } = {}): Promise<Link | undefined> {
  try {
    return await getLink(sock, ref, opts);
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ENODEV') return undefined;
    throw err;
  }
}

/**
 * The ifindex of a link (numbers are returned as they are). `operation` names what the
 * lookup is for in the ENODEV error ("create link veth0: master br9").
 */
export async function linkIndex(sock: NetlinkSocket, ref: LinkSelector, operation?: string): Promise<number> {
  if (typeof ref === 'number') return ref;
  checkSelector(ref, 'link');
  const op = operation ?? `get link ${ref}`;
  const replies = await sock.request(encodeGetLink(ref), linkReq(op));
  const m = replies.find(isNewLink);
  if (!m) throw new NetlinkError({ errno: 19, operation: op });
  return m.buf.s32(m.payloadStart + 4);
}

function groupNumber(g: number | 'default' | undefined): number | undefined {
  return g === 'default' ? 0 : g;
}

/** A new link's address: its kind fixes the length (KIND_ADDR_LEN), checked as `ip` does. */
function newLinkMac(text: string | undefined, v: LinkSpec, field: string): Uint8Array | undefined {
  if (text === undefined) return undefined;
  return hardwareAddressFor(text, KIND_ADDR_LEN.get(v.kind), field, `a ${v.kind} link`);
}

/** Index, type and address length of an existing link (from one RTM_GETLINK). */
export async function linkHardware(sock: NetlinkSocket, ref: LinkSelector, op: string): Promise<{ index: number; type: number; addrLen: number }> {
  const replies = await sock.request(encodeGetLink(ref), linkReq(op));
  const m = replies.find(isNewLink);
  if (!m) throw new NetlinkError({ errno: 19, operation: op });
  const type = m.buf.u16(m.payloadStart + 2);
  // The kernel reports IFLA_ADDRESS exactly dev->addr_len bytes long, and omits it when 0.
  let addrLen = 0;
  walkAttributes(m.buf, m.payloadStart + C.IFINFOMSG_LEN, m.end, (t, _o, l) => { if (t === C.IFLA_ADDRESS) addrLen = l; });
  return { index: m.buf.s32(m.payloadStart + 4), type, addrLen };
}

/**
 * Create a link (`ip link add`). Returns the new link as the kernel echoed it, or undefined
 * when it was created in another namespace (there is no echo to read then).
 */
export async function createLink(sock: NetlinkSocket, spec: LinkSpec, opts: { signal?: AbortSignal } = {}): Promise<Link | undefined> {
  const s = await import('./schemas.js');
  const v = validate(s.linkSpecSchema(spec), spec, 'link') as LinkSpec;
  const op = `create link ${v.name}`;
  const attrs = createAttrs(v);

  // Namespaces are opened first (a missing one is bad input, found before any request) and
  // closed after the request; handles the caller gave are borrowed, not closed.
  const run = async (nsFd: number | undefined, peerFd: number | undefined): Promise<Link | undefined> => {
    if (nsFd !== undefined) attrs.netnsFd = nsFd;
    if (v.master !== undefined) attrs.master = await linkIndex(sock, v.master, `${op}: master ${v.master}`);
    const kind = await kindData(sock, v, peerFd, op);
    if ('link' in v && v.link !== undefined && v.kind !== 'vxlan') attrs.link = await linkIndex(sock, v.link, `${op}: link ${v.link}`);
    const req = encodeNamed(linkReq(op, v.kind), () => encodeNewLink(attrs, kind));
    // NLM_F_ECHO: the kernel unicasts the new link back (before the ACK) when it was created here.
    if (nsFd === undefined) req[6] = (req[6]! | NLM_F_ECHO) & 0xff;
    const replies = await sock.request(req, linkReq(op, v.kind, opts.signal));
    if (peer?.up && peer.name !== undefined) {
      // The peer lives in the socket's namespace unless it was given one of its own.
      const ps = peerFd !== undefined ? new NetlinkSocket({ netns: peerFd, name: 'rtnl:peer' }) : sock;
      try {
        await setLink(ps, peer.name, { up: true });
      } finally {
        if (ps !== sock) ps.close();
      }
    }
    if (v.ifalias !== undefined) {
      // The kernel ignores IFLA_IFALIAS in a create (rtnl_create_link never reads it; `ip link
      // add ... alias` loses it too): set it once the link exists, where it was made.
      const ls = nsFd !== undefined ? new NetlinkSocket({ netns: nsFd, name: 'rtnl:alias' }) : sock;
      try {
        await setLink(ls, v.name, { ifalias: v.ifalias });
      } finally {
        if (ls !== sock) ls.close();
      }
    }
    const m = replies.find(isNewLink);
    // The echo is sent before the kernel applies IFLA_MASTER: read the link back instead.
    return m ? getLink(sock, m.buf.s32(m.payloadStart + 4)) : undefined;
  };
  const vethPeer = v.kind === 'veth' ? (v as VethSpec).peer : undefined;
  const peer = typeof vethPeer === 'string' ? { name: vethPeer } : vethPeer;
  const withPeer = (nsFd: number | undefined): Promise<Link | undefined> =>
    peer?.netns !== undefined
      ? withNamespaceFd(peer.netns, 'link.peer.netns', (fd) => run(nsFd, fd))
      : run(nsFd, undefined);
  return v.netns !== undefined ? withNamespaceFd(v.netns, 'link.netns', (fd) => withPeer(fd)) : withPeer(undefined);
}

/** The link-level attributes of a create request for a validated spec (kind data apart). */
export function createAttrs(v: LinkSpec): LinkAttrs {
  const attrs: LinkAttrs = {
    name: v.name,
    mtu: v.mtu,
    address: newLinkMac(v.address, v, 'link.address'),
    broadcast: newLinkMac(v.broadcast, v, 'link.broadcast'),
    txqlen: v.txqlen,
    group: groupNumber(v.group),
    ifalias: v.ifalias,
    num_tx_queues: v.num_tx_queues,
    num_rx_queues: v.num_rx_queues,
    gso_max_size: v.gso_max_size,
    gso_max_segs: v.gso_max_segs,
    gro_max_size: v.gro_max_size,
    attributes: v.attributes,
  };
  if (v.up) { attrs.flags = C.IFF_UP; attrs.change = C.IFF_UP; }
  return attrs;
}

export async function kindData(sock: NetlinkSocket, v: LinkSpec, peerFd: number | undefined, op: string): Promise<KindData> {
  if ('infoData' in v && Array.isArray(v.infoData)) return { kind: v.kind, infoData: v.infoData };
  switch (v.kind) {
    case 'veth': {
      const spec = v as VethSpec;
      const p = typeof spec.peer === 'string' ? { name: spec.peer } : spec.peer;
      if (!p) return { kind: 'veth' };
      const peer: LinkAttrs = {
        name: p.name, mtu: p.mtu, address: newLinkMac(p.address, v, 'link.peer.address'), txqlen: p.txqlen, group: groupNumber(p.group),
        num_tx_queues: p.num_tx_queues, num_rx_queues: p.num_rx_queues, attributes: p.attributes,
      };
      // p.up is applied after creation (see createLink): the kernel cannot open a veth peer
      // before the pair is linked, and answers IFF_UP in the peer's ifinfomsg with ENOTCONN.
      if (peerFd !== undefined) peer.netnsFd = peerFd;
      return { kind: 'veth', peer };
    }
    case 'bridge': return { kind: 'bridge', bridge: (v as BridgeSpec).bridge };
    case 'macvlan': case 'macvtap': return { kind: v.kind, macvlan: (v as MacvlanSpec).macvlan };
    case 'vxlan': {
      const { link, ...rest } = (v as VxlanSpec).vxlan;
      const vx: VxlanOptions = { ...rest };
      if (link !== undefined) vx.link = await linkIndex(sock, link, `${op}: vxlan.link ${link}`);
      return { kind: 'vxlan', vxlan: vx };
    }
    case 'vlan': return { kind: 'vlan', vlan: (v as VlanSpec).vlan };
    case 'bond': {
      const mode = (v as BondSpec).bond?.mode;
      return { kind: 'bond', bond: { mode: typeof mode === 'string' ? BOND_MODES[mode] : mode } };
    }
    case 'vrf': return { kind: 'vrf', vrf: (v as VrfSpec).vrf };
    default: return { kind: v.kind };
  }
}

/** Change an existing link (`ip link set`): one RTM_NEWLINK carrying every change. */
export async function setLink(sock: NetlinkSocket, ref: LinkSelector, settings: LinkSettings, opts: { signal?: AbortSignal } = {}): Promise<void> {
  checkSelector(ref, 'link');
  const s = await import('./schemas.js');
  const v = validate(s.linkSettingsSchema, settings, 'settings') as LinkSettings;
  const op = `set link ${ref}`;
  const apply = async (netnsFd: number | undefined): Promise<void> => {
    let index: number, address: Uint8Array | undefined, broadcast: Uint8Array | undefined;
    if (v.address !== undefined || v.broadcast !== undefined) {
      // The length the link takes is checked before the change is sent (the kernel would cut a long one).
      const hw = await linkHardware(sock, ref, op);
      index = hw.index;
      const what = describeLinkType(ref, hw.type);
      if (v.address !== undefined) address = hardwareAddressFor(v.address, hw.addrLen, 'settings.address', what);
      if (v.broadcast !== undefined) broadcast = hardwareAddressFor(v.broadcast, hw.addrLen, 'settings.broadcast', what);
    } else {
      index = await linkIndex(sock, ref, op);
    }
    const c: LinkChange = {
      name: v.name, mtu: v.mtu, address, broadcast, txqlen: v.txqlen,
      group: groupNumber(v.group), ifalias: v.ifalias, gso_max_size: v.gso_max_size, gso_max_segs: v.gso_max_segs,
      gro_max_size: v.gro_max_size, attributes: v.attributes, netnsFd,
    };
    let flags = 0, change = 0;
    const flag = (bit: number, on: boolean | undefined): void => {
      if (on === undefined) return;
      change |= bit;
      if (on) flags |= bit;
    };
    flag(C.IFF_UP, v.up);
    flag(C.IFF_PROMISC, v.promisc);
    flag(C.IFF_ALLMULTI, v.allmulticast);
    if (v.arp !== undefined) flag(C.IFF_NOARP, !v.arp);
    if (change) { c.flags = flags; c.change = change; }
    if (v.master === null) c.master = 0;
    else if (v.master !== undefined) c.master = await linkIndex(sock, v.master, `${op}: master ${v.master}`);
    if (v.bridge) c.kindData = { kind: 'bridge', bridge: v.bridge };
    if (v.bridge_slave) c.bridgePort = v.bridge_slave;
    const o = linkReq(op, v.bridge ? 'bridge' : undefined, opts.signal);
    await sock.request(encodeNamed(o, () => encodeSetLink(index, c)), o);
  };
  // A target namespace is opened first: a missing one is bad input, found before any request.
  if (v.netns !== undefined) await withNamespaceFd(v.netns, 'settings.netns', apply);
  else await apply(undefined);
}

/** Move a link to another namespace (`ip link set DEV netns NS`), optionally renaming it. */
export async function moveLink(sock: NetlinkSocket, ref: LinkSelector, netns: NamespaceRef, opts: { name?: string } = {}): Promise<void> {
  await setLink(sock, ref, { netns, ...(opts.name !== undefined ? { name: opts.name } : {}) });
}

/** Delete a link (`ip link del`); a veth takes its peer with it. */
export async function deleteLink(sock: NetlinkSocket, ref: LinkSelector, opts: { signal?: AbortSignal } = {}): Promise<void> {
  checkSelector(ref, 'link');
  const op = `delete link ${ref}`;
  const index = await linkIndex(sock, ref, op);
  await sock.request(encodeDelLink({ index }), linkReq(op, undefined, opts.signal));
}

/**
 * Delete every link of a group in one request (`ip link del group N`): RTM_DELLINK with
 * IFLA_GROUP and index 0. The kernel removes them in one batch (one RCU grace period),
 * ~100x faster than one request per link. Group 0 ("default") is refused: it holds lo.
 */
export async function deleteLinkGroup(sock: NetlinkSocket, group: number, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (!Number.isInteger(group) || group < 1 || group > 0xffffffff) {
    throw new ValidationError('group', `must be an integer from 1 to 4294967295 (group 0 is every link's default group), got ${showValue(group)}`);
  }
  await sock.request(encodeDelLink({ group }), linkReq(`delete link group ${group}`, undefined, opts.signal));
}

/** `ip link set DEV up`. */
export function linkUp(sock: NetlinkSocket, ref: LinkSelector): Promise<void> {
  return setLink(sock, ref, { up: true });
}

/** `ip link set DEV down`. */
export function linkDown(sock: NetlinkSocket, ref: LinkSelector): Promise<void> {
  return setLink(sock, ref, { up: false });
}

/**
 * ifindex -> name of every link, from one dump that decodes nothing but the names (for
 * naming the interfaces of addresses, routes and neighbours).
 */
export async function linkNameMap(sock: NetlinkSocket, opts: { signal?: AbortSignal } = {}): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  const req = encodeLinkDump({});
  for await (const batch of sock.dumpBatches(req, linkReq('list link names', undefined, opts.signal))) {
    for (const m of batch) {
      if (!isNewLink(m)) continue;
      const index = m.buf.s32(m.payloadStart + 4);
      walkAttributes(m.buf, m.payloadStart + C.IFINFOMSG_LEN, m.end, (t, o, l) => {
        if (t === C.IFLA_IFNAME) names.set(index, m.buf.attrString(o, l));
      });
    }
  }
  return names;
}

/**
 * Add alternative names (`ip link property add dev DEV altname NAME`): up to 127 bytes each,
 * usable wherever a link name is (get, set, delete).
 */
export async function addAltNames(sock: NetlinkSocket, ref: LinkSelector, names: readonly string[]): Promise<void> {
  await altNames(sock, ref, names, 'add');
}

/** Remove alternative names (`ip link property del dev DEV altname NAME`). */
export async function deleteAltNames(sock: NetlinkSocket, ref: LinkSelector, names: readonly string[]): Promise<void> {
  await altNames(sock, ref, names, 'delete');
}

async function altNames(sock: NetlinkSocket, ref: LinkSelector, names: readonly string[], op: 'add' | 'delete'): Promise<void> {
  checkSelector(ref, 'link');
  if (!Array.isArray(names) || names.length === 0) throw new ValidationError('names', 'give at least one alternative name');
  names.forEach((n, i) => checkSelector(n, `names.${i}`));
  const operation = `${op} altname ${names.join(',')} of link ${ref}`;
  const index = await linkIndex(sock, ref, operation);
  await sock.request(encodeLinkAltNames(op, index, names), linkReq(operation));
}
