// The attributes every link request may carry (name, mtu, master, namespace...), resolved to
// numbers, and their writer; shared by whole requests and a veth peer's nested ifinfomsg.
import { NLA_F_NESTED } from '../netlink/constants.js';
import type { RawAttribute } from '../netlink/reader.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';

/** Attributes common to every link request, already resolved to numbers. */
export interface LinkAttrs {
  name?: string;
  mtu?: number;
  address?: Uint8Array;
  broadcast?: Uint8Array;
  txqlen?: number;
  group?: number;
  master?: number;
  /** IFLA_LINK: lower device (macvlan, vlan) or, on a veth peer, nothing. */
  link?: number;
  ifalias?: string;
  num_tx_queues?: number;
  num_rx_queues?: number;
  gso_max_size?: number;
  gso_max_segs?: number;
  gro_max_size?: number;
  /** IFLA_NET_NS_FD / IFLA_NET_NS_PID: create in (or move to) that namespace. */
  netnsFd?: number;
  netnsPid?: number;
  /** IFLA_LINK_NETNSID for links whose IFLA_LINK lives in another namespace. */
  linkNetnsid?: number;
  /** ifi_flags/ifi_change: set or clear IFF_UP (and others). */
  flags?: number;
  change?: number;
  /** Extra top-level attributes appended as given. */
  attributes?: RawAttribute[];
}
export function writeIfInfoMsg(w: MessageWriter, index: number, flags = 0, change = 0, family = C.AF_UNSPEC, type = 0): void {
  w.u8(family).u8(0).u16(type).s32(index).u32(flags).u32(change);
}

export function writeLinkAttrs(w: MessageWriter, a: LinkAttrs): void {
  if (a.name !== undefined) w.attrString(C.IFLA_IFNAME, a.name);
  if (a.address) w.attrBytes(C.IFLA_ADDRESS, a.address);
  if (a.broadcast) w.attrBytes(C.IFLA_BROADCAST, a.broadcast);
  if (a.mtu !== undefined) w.attrU32(C.IFLA_MTU, a.mtu);
  if (a.txqlen !== undefined) w.attrU32(C.IFLA_TXQLEN, a.txqlen);
  if (a.group !== undefined) w.attrU32(C.IFLA_GROUP, a.group);
  if (a.master !== undefined) w.attrU32(C.IFLA_MASTER, a.master);
  if (a.link !== undefined) w.attrU32(C.IFLA_LINK, a.link);
  if (a.linkNetnsid !== undefined) w.attrS32(C.IFLA_LINK_NETNSID, a.linkNetnsid);
  // No NUL, as ip sends it: dev_set_alias counts the attribute's length against IFALIASZ.
  if (a.ifalias !== undefined) w.attrString(C.IFLA_IFALIAS, a.ifalias, false);
  if (a.num_tx_queues !== undefined) w.attrU32(C.IFLA_NUM_TX_QUEUES, a.num_tx_queues);
  if (a.num_rx_queues !== undefined) w.attrU32(C.IFLA_NUM_RX_QUEUES, a.num_rx_queues);
  if (a.gso_max_size !== undefined) w.attrU32(C.IFLA_GSO_MAX_SIZE, a.gso_max_size);
  if (a.gso_max_segs !== undefined) w.attrU32(C.IFLA_GSO_MAX_SEGS, a.gso_max_segs);
  if (a.gro_max_size !== undefined) w.attrU32(C.IFLA_GRO_MAX_SIZE, a.gro_max_size);
  if (a.netnsFd !== undefined) w.attrU32(C.IFLA_NET_NS_FD, a.netnsFd);
  if (a.netnsPid !== undefined) w.attrU32(C.IFLA_NET_NS_PID, a.netnsPid);
  for (const r of a.attributes ?? []) writeRaw(w, r);
}

export function writeRaw(w: MessageWriter, r: RawAttribute): void {
  let type = r.type;
  if (r.nested) type |= NLA_F_NESTED;
  if (r.netByteOrder) type |= 0x4000;
  w.attrBytes(type, r.data);
}
