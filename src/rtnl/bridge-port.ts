// Bridge ports as the bridge family reports and sets them (`bridge link show/set`): AF_BRIDGE
// RTM_GETLINK/SETLINK with IFLA_PROTINFO holding IFLA_BRPORT_*, declared in spec/bridge.ts and
// run through the generic codec. (The same options also travel as IFLA_INFO_SLAVE_DATA of
// `ip link set ... type bridge_slave`, which setLink's bridge_slave writes.)
import type { MessageRef } from '../netlink/message.js';
import type { Decoded } from '../netlink/spec/types.js';
import * as C from './constants.js';
import { rtBridge } from './families/bridge.js';
import type { rtBridgeSpec } from './spec/bridge.js';

export const AF_BRIDGE = 7;
export type BridgeLinkAttrs = Decoded<typeof rtBridgeSpec, 'bridge-link-attrs'>;
export type BrportAttrs = Decoded<typeof rtBridgeSpec, 'brport-attrs'>;

/** One port, in `bridge -j -d link show`'s vocabulary (the on/off options only with details). */
export interface BridgePort {
  ifindex: number;
  /** The peer/lower device by name (or link_index when it is in another namespace). */
  link?: string;
  link_index?: number;
  ifname: string;
  flags: string[];
  mtu?: number;
  master?: string;
  state?: string | number;
  priority?: number;
  cost?: number;
  hairpin?: boolean;
  guard?: boolean;
  root_block?: boolean;
  fastleave?: boolean;
  learning?: boolean;
  learning_sync?: boolean;
  flood?: boolean;
  mcast_flood?: boolean;
  bcast_flood?: boolean;
  mcast_router?: number;
  mcast_to_unicast?: boolean;
  neigh_suppress?: boolean;
  vlan_tunnel?: boolean;
  backup_port?: string;
  isolated?: boolean;
  locked?: boolean;
  hwmode?: string;
  /** extra: the port attributes as the generic codec decoded them (spec names). */
  brport: BrportAttrs;
  attrs: BridgeLinkAttrs;
}

/** What a name of a link says about it: its name and whether it is up (for M-DOWN). */
export interface LinkLookup {
  name(ifindex: number): string | undefined;
  up(ifindex: number): boolean | undefined;
}

// Port attributes bridge prints with -d, in its order: [spec name, bridge's key, boolean?].
const DETAILS: ReadonlyArray<readonly [keyof BrportAttrs & string, keyof BridgePort & string, boolean]> = [
  ['mode', 'hairpin', true], ['guard', 'guard', true], ['protect', 'root_block', true], ['fast-leave', 'fastleave', true],
  ['learning', 'learning', true], ['learning-sync', 'learning_sync', true], ['unicast-flood', 'flood', true],
  ['mcast-flood', 'mcast_flood', true], ['bcast-flood', 'bcast_flood', true], ['multicast-router', 'mcast_router', false],
  ['mcast-to-ucast', 'mcast_to_unicast', true], ['neigh-suppress', 'neigh_suppress', true], ['vlan-tunnel', 'vlan_tunnel', true],
];

/** Decode one AF_BRIDGE RTM_NEWLINK (print_linkinfo in bridge/link.c). */
export function decodeBridgePort(m: MessageRef, links?: LinkLookup): BridgePort {
  const d = rtBridge.decode(m);
  const h = d.header as { 'ifi-index': number };
  const a = d.attrs as BridgeLinkAttrs;
  const rawFlags = m.buf.u32(m.payloadStart + 8);
  const name = (i: number): string => links?.name(i) ?? `if${i}`;
  const p: Partial<BridgePort> = { ifindex: h['ifi-index'] };
  let mdown = false;
  if (a.link) {
    if (a['link-netnsid'] !== undefined) p.link_index = a.link;
    else p.link = name(a.link);
    mdown = links?.up(a.link) === false;
  }
  p.ifname = a.ifname ?? name(p.ifindex!);
  p.flags = bridgeLinkFlags(rawFlags, mdown);
  if (a.mtu !== undefined) p.mtu = a.mtu;
  if (a.master !== undefined) p.master = name(a.master);
  const b = (a.protinfo ?? {}) as BrportAttrs;
  if (b.state !== undefined) p.state = C.BR_STATE_NAMES[b.state] ?? b.state;
  if (b.priority !== undefined) p.priority = b.priority;
  if (b.cost !== undefined) p.cost = b.cost;
  const out = p as Record<string, unknown>;
  for (const [k, key, bool] of DETAILS) {
    const v = b[k] as number | undefined;
    if (v !== undefined) out[key] = bool ? v !== 0 : v;
  }
  if (b['backup-port'] !== undefined) p.backup_port = name(b['backup-port']);
  if (b.isolated !== undefined) p.isolated = b.isolated !== 0;
  if (b.locked !== undefined) p.locked = b.locked !== 0;
  const mode = a['af-spec']?.mode;
  if (mode !== undefined) p.hwmode = typeof mode === 'number' ? `0x${mode.toString(16)}` : mode.toUpperCase();
  p.brport = b;
  p.attrs = a;
  return p as BridgePort;
}

/** print_link_flags of bridge/link.c (ip's order, NO-CARRIER first, M-DOWN last). */
export function bridgeLinkFlags(flags: number, mdown: boolean): string[] {
  const out: string[] = [];
  if (flags & C.IFF_UP && !(flags & C.IFF_RUNNING)) out.push('NO-CARRIER');
  let rest = flags & ~C.IFF_RUNNING;
  for (const [bit, n] of C.IFF_PRINT_ORDER) if (rest & bit) { out.push(n); rest &= ~bit; }
  if (rest) out.push((rest >>> 0).toString(16));
  if (mdown) out.push('M-DOWN');
  return out;
}

// ============================================================================================
// Encoding

/** `bridge link set dev DEV ...`: the port options (on/off as booleans). */
export interface BridgePortSettings {
  guard?: boolean;
  hairpin?: boolean;
  fastleave?: boolean;
  root_block?: boolean;
  flood?: boolean;
  mcast_router?: number;
  mcast_flood?: boolean;
  bcast_flood?: boolean;
  mcast_to_unicast?: boolean;
  learning?: boolean;
  learning_sync?: boolean;
  cost?: number;
  priority?: number;
  state?: 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking' | number;
  neigh_suppress?: boolean;
  vlan_tunnel?: boolean;
  isolated?: boolean;
  locked?: boolean;
  /** Ifindex of the backup port; 0 removes it (nobackup_port). */
  backup_port?: number;
  /** IFLA_BRIDGE_FLAGS: apply to the bridge (master) or the device itself (self, hardware; implied by hwmode). */
  self?: boolean;
  master?: boolean;
  hwmode?: 'veb' | 'vepa';
}

/** RTM_SETLINK (AF_BRIDGE) as `bridge link set` writes it: IFLA_PROTINFO in bridge's fixed order. */
export function encodeBridgePortSet(ifindex: number, s: BridgePortSettings): Uint8Array {
  const b: Record<string, unknown> = {};
  const u8 = (k: string, v: boolean | number | undefined): void => { if (v !== undefined) b[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v; };
  u8('guard', s.guard);
  u8('mode', s.hairpin);
  u8('fast-leave', s.fastleave);
  u8('protect', s.root_block);
  u8('unicast-flood', s.flood);
  u8('multicast-router', s.mcast_router);
  u8('mcast-flood', s.mcast_flood);
  u8('bcast-flood', s.bcast_flood);
  u8('mcast-to-ucast', s.mcast_to_unicast);
  u8('learning', s.learning);
  u8('learning-sync', s.learning_sync);
  if (s.cost) b.cost = s.cost;
  if (s.priority !== undefined) b.priority = s.priority;
  if (s.state !== undefined) b.state = typeof s.state === 'number' ? s.state : C.BR_STATE_NAMES.indexOf(s.state);
  u8('neigh-suppress', s.neigh_suppress);
  u8('vlan-tunnel', s.vlan_tunnel);
  u8('isolated', s.isolated);
  u8('locked', s.locked);
  if (s.backup_port !== undefined) b['backup-port'] = s.backup_port;
  const attrs: Record<string, unknown> = { protinfo: b };
  // bridge's hwmode implies self: the mode is the device's own (a NIC's embedded switch).
  const flags = [...(s.master ? ['master'] : []), ...(s.self || s.hwmode !== undefined ? ['self'] : [])];
  if (flags.length || s.hwmode !== undefined) attrs['af-spec'] = { flags: flags.length ? flags : undefined, mode: s.hwmode };
  return rtBridge.encode({ op: 'setlink', header: { 'ifi-family': AF_BRIDGE, 'ifi-index': ifindex }, attrs });
}

/**
 * AF_BRIDGE RTM_GETLINK dump (`bridge link show`): the kernel answers for bridge ports only, and
 * takes no filter attribute but IFLA_EXT_MASK (valid_bridge_getlink_req), so filters run here.
 */
export function encodeBridgePortDump(): Uint8Array {
  return rtBridge.encode({ op: 'getlink', mode: 'dump', header: { 'ifi-family': AF_BRIDGE }, noAck: true });
}

export function describeBridgeAttribute(path: number[]): string | undefined {
  return rtBridge.describeAttribute('setlink', path);
}
