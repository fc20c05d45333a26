// Link operations that change the kernel's state over a NetlinkSocket: create, set, move,
// delete, delete a whole group, altnames. Inputs are validated (zod, loaded on first use by a
// mutating call) before anything is sent; kernel refusals come back as NetlinkError naming
// the operation ("create link veth0: EEXIST ...") and the IFLA_* attribute it pointed at.
// Reading (list, dump, get, find, linkIndex, linkNameMap) is in link-read.ts, re-exported here.
import { showValue } from '../netlink/show-value.js';
import { NLM_F_ECHO } from '../netlink/constants.js';
import { NetlinkError, ValidationError, encodeNamed } from '../netlink/errors.js';
import type { RawAttribute } from '../netlink/reader.js';
import { NetlinkSocket } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import { describeLinkType, hardwareAddressFor, KIND_ADDR_LEN } from './hw-address.js';
import { withNamespaceFd, type NamespaceRef } from '../netlink/namespace.js';
import * as C from './constants.js';
import {
  encodeDelLink, encodeLinkAltNames, encodeNewLink, encodeSetLink, type BridgeOptions, type BridgePortOptions,
  type KindData, type Link, type LinkAttrs, type LinkChange, type MacvlanOptions, type VxlanOptions,
} from './link.js';
import { checkSelector, getLink, isNewLink, linkHardware, linkIndex, linkReq, type LinkSelector } from './link-read.js';

export {
  dumpLinks, findLink, getLink, linkHardware, linkIndex, linkNameMap, linkReq, listLinks, type LinkSelector, type ListLinksOptions,
} from './link-read.js';

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

function groupNumber(g: number | 'default' | undefined): number | undefined {
  return g === 'default' ? 0 : g;
}

/** A new link's address: its kind fixes the length (KIND_ADDR_LEN), checked as `ip` does. */
function newLinkMac(text: string | undefined, v: LinkSpec, field: string): Uint8Array | undefined {
  if (text === undefined) return undefined;
  return hardwareAddressFor(text, KIND_ADDR_LEN.get(v.kind), field, `a ${v.kind} link`);
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
