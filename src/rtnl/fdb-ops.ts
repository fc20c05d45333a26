// Bridge FDB operations over a NetlinkSocket (`bridge fdb add/append/replace/del/show`).
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { parseIP, parseMac } from '../netlink/address.js';
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import * as C from './constants.js';
import { linkIndex, linkNameMap, type LinkSelector } from './link-read.js';
import {
  AF_BRIDGE, decodeFdb, describeFdbAttribute, encodeDelFdb, encodeFdbDump, encodeFdbFlush, encodeNewFdb, type FdbEntry, type FdbMessage,
  type FdbWriteMode,
} from './fdb.js';

/** `bridge fdb add MAC dev DEV [dst IP] [port P] [vni N] [src_vni N] [via DEV] [nhid N] [vlan V] [self] [master] ...`. */
export interface FdbSpec {
  mac: string;
  dev: LinkSelector;
  /** vxlan: the remote VTEP. */
  dst?: string;
  /** vxlan: the remote's UDP port. */
  port?: number;
  vni?: number;
  src_vni?: number;
  /** vxlan: the device to reach the remote through. */
  via?: LinkSelector;
  /** vxlan: a group of fdb nexthops instead of dst (`ip nexthop add ... fdb`). */
  nhid?: number;
  vlan?: number;
  /** In the device's own table (default, as bridge, unless master). */
  self?: boolean;
  /** In the master bridge's table. */
  master?: boolean;
  router?: boolean;
  use?: boolean;
  extern_learn?: boolean;
  sticky?: boolean;
  /** Default permanent (as bridge). */
  state?: 'permanent' | 'static' | 'dynamic';
}

export interface ListFdbOptions {
  /** Only entries on this port/device (kernel filter, ndm_ifindex). */
  dev?: LinkSelector;
  /** Only entries of this bridge's ports (NDA_MASTER; bridge's `br`). */
  master?: LinkSelector;
  /** Filtered here, as bridge does. */
  vlan?: number;
  /** Only dynamic (not permanent) entries. */
  dynamic?: boolean;
  resolveNames?: boolean;
  signal?: AbortSignal;
}

const fdbReq = (operation: string, signal?: AbortSignal): RequestOptions => ({
  operation, headerSize: C.NDMSG_LEN, describeAttribute: describeFdbAttribute, signal,
});

/** `bridge fdb show`. */
export async function listFdb(sock: NetlinkSocket, opts: ListFdbOptions & ConsistencyOptions = {}): Promise<DumpList<FdbEntry>> {
  const ifindex = opts.dev !== undefined ? await linkIndex(sock, opts.dev, `list fdb: dev ${opts.dev}`) : undefined;
  const master = opts.master !== undefined ? await linkIndex(sock, opts.master, `list fdb: br ${opts.master}`) : undefined;
  return consistentDump<FdbEntry>('list fdb', opts, async (out) => {
    const names = (opts.resolveNames ?? true) ? await linkNameMap(sock, { signal: opts.signal }) : undefined;
    const resolve = names ? (i: number): string | undefined => names.get(i) : undefined;
    for await (const batch of sock.dumpBatches(encodeFdbDump({ ifindex, master }), fdbReq('list fdb', opts.signal))) {
      for (const m of batch) {
        if (m.type !== C.RTM_NEWNEIGH || m.buf.u8(m.payloadStart) !== AF_BRIDGE) continue;
        const e = decodeFdb(m, resolve);
        if (!(m.flags & NLM_F_DUMP_FILTERED) && ifindex !== undefined && e.ifindex !== ifindex) continue;
        if (opts.vlan !== undefined && (e.vlan ?? 0) !== opts.vlan) continue;
        if (opts.dynamic && m.buf.u16(m.payloadStart + 8) & C.NUD_PERMANENT) continue;
        out.push(e);
      }
    }
  });
}

/**
 * The request `bridge fdb` writes for these arguments (bridge/fdb.c's fdb_modify): state starts
 * at NUD_NOARP, static adds REACHABLE, dynamic is REACHABLE alone, otherwise PERMANENT; self
 * unless master; attributes in bridge's fixed order.
 */
export function fdbMessage(v: FdbSpec, ifindex: number, via?: number, forDelete = false): FdbMessage {
  let state = C.NUD_NOARP;
  if (v.state === 'permanent') state |= C.NUD_PERMANENT;
  else if (v.state === 'static') state |= C.NUD_REACHABLE;
  else if (v.state === 'dynamic') state = C.NUD_REACHABLE;
  if (!(state & (C.NUD_PERMANENT | C.NUD_REACHABLE))) state |= C.NUD_PERMANENT;
  let flags = 0;
  if (v.self) flags |= C.NTF_SELF;
  if (v.master) flags |= C.NTF_MASTER;
  if (!forDelete) {
    if (v.router) flags |= C.NTF_ROUTER;
    if (v.use) flags |= C.NTF_USE;
    if (v.extern_learn) flags |= C.NTF_EXT_LEARNED;
    if (v.sticky) flags |= C.NTF_STICKY;
  }
  if (!(flags & (C.NTF_SELF | C.NTF_MASTER))) flags |= C.NTF_SELF;
  const a: Record<string, unknown> = { lladr: parseMac(v.mac) };
  if (v.dst !== undefined) a.dst = parseIP(v.dst);
  if (v.vlan !== undefined) a.vlan = v.vlan;
  if (v.nhid !== undefined) a['nh-id'] = v.nhid;
  if (v.port) a.port = v.port;
  if (v.vni !== undefined) a.vni = v.vni;
  if (v.src_vni !== undefined) a['src-vni'] = v.src_vni;
  if (via) a.ifindex = via;
  return { header: { family: AF_BRIDGE, ifindex, state, flags }, attrs: a };
}

function describe(v: FdbSpec): string {
  return `${v.mac} dev ${v.dev}${v.dst ? ` dst ${v.dst}` : ''}${v.vlan !== undefined ? ` vlan ${v.vlan}` : ''}`;
}

async function resolveMessage(sock: NetlinkSocket, v: FdbSpec, op: string, forDelete = false): Promise<FdbMessage> {
  const ifindex = await linkIndex(sock, v.dev, `${op}: dev ${v.dev}`);
  const via = v.via !== undefined ? await linkIndex(sock, v.via, `${op}: via ${v.via}`) : undefined;
  return fdbMessage(v, ifindex, via, forDelete);
}

async function writeFdb(sock: NetlinkSocket, spec: FdbSpec, mode: FdbWriteMode, signal?: AbortSignal): Promise<void> {
  const s = await import('./schemas-routing.js');
  const v = validate(s.fdbSpecSchema, spec, 'fdb') as FdbSpec;
  const op = `${mode} fdb ${describe(v)}`;
  await sock.request(encodeNewFdb(await resolveMessage(sock, v, op), mode), fdbReq(op, signal));
}

/** `bridge fdb add`: EEXIST if the entry is there. */
export function addFdb(sock: NetlinkSocket, spec: FdbSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeFdb(sock, spec, 'add', opts.signal);
}

/** `bridge fdb append`: another remote for the same MAC (vxlan head-end replication with 00:00:00:00:00:00). */
export function appendFdb(sock: NetlinkSocket, spec: FdbSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeFdb(sock, spec, 'append', opts.signal);
}

/** `bridge fdb replace`: add or overwrite. */
export function replaceFdb(sock: NetlinkSocket, spec: FdbSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeFdb(sock, spec, 'replace', opts.signal);
}

/** `bridge fdb del`: for vxlan, dst (and port, vni) pick one remote of several. */
export async function deleteFdb(sock: NetlinkSocket, spec: Omit<FdbSpec, 'router' | 'use' | 'extern_learn' | 'sticky'>, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas-routing.js');
  const v = validate(s.fdbDeleteSchema, spec, 'fdb') as FdbSpec;
  const op = `delete fdb ${describe(v)}`;
  await sock.request(encodeDelFdb(await resolveMessage(sock, v, op, true)), fdbReq(op, opts.signal));
}

/**
 * `bridge fdb flush dev DEV [brport PORT] [vlan VID] [self] [master] [[no]permanent] ...`:
 * a bulk delete in the kernel. Each selector is true (only such entries) or false (only the
 * others: bridge's "no" words), applied in this order as bridge applies its arguments.
 */
export interface FdbFlushSpec {
  /** The bridge (its own table, self) or a port/vxlan device. */
  dev: LinkSelector;
  /** Only entries of this bridge port. */
  brport?: LinkSelector;
  vlan?: number;
  self?: boolean;
  master?: boolean;
  permanent?: boolean;
  static?: boolean;
  dynamic?: boolean;
  added_by_user?: boolean;
  extern_learn?: boolean;
  sticky?: boolean;
  offloaded?: boolean;
}

/** The ndmsg state/flags and masks of a flush, as bridge/fdb.c's fdb_flush computes them. */
export function fdbFlushSelectors(v: FdbFlushSpec): { state: number; flags: number; stateMask: number; flagsMask: number } {
  let state = 0, stateMask = 0, flags = 0, flagsMask = 0;
  if (v.master) flags |= C.NTF_MASTER;
  if (v.self) flags |= C.NTF_SELF;
  if (v.permanent !== undefined) { state = v.permanent ? state | C.NUD_PERMANENT : state & ~C.NUD_PERMANENT; stateMask |= C.NUD_PERMANENT; }
  if (v.static === true) { state |= C.NUD_NOARP; stateMask |= C.NUD_NOARP | C.NUD_PERMANENT; }
  if (v.static === false) { state &= ~C.NUD_NOARP; stateMask |= C.NUD_NOARP; }
  // bridge writes `state &= ~NUD_NOARP | NUD_PERMANENT` for dynamic: NOARP cleared.
  if (v.dynamic === true) { state &= ~C.NUD_NOARP | C.NUD_PERMANENT; stateMask |= C.NUD_NOARP | C.NUD_PERMANENT; }
  if (v.dynamic === false) { state |= C.NUD_NOARP; stateMask |= C.NUD_NOARP; }
  const bit = (on: boolean | undefined, b: number): void => {
    if (on === undefined) return;
    flags = on ? flags | b : flags & ~b;
    flagsMask |= b;
  };
  bit(v.added_by_user, C.NTF_USE);
  bit(v.extern_learn, C.NTF_EXT_LEARNED);
  bit(v.sticky, C.NTF_STICKY);
  bit(v.offloaded, C.NTF_OFFLOADED);
  if (!(flags & (C.NTF_SELF | C.NTF_MASTER))) flags |= C.NTF_SELF;
  return { state: state & 0xffff, flags, stateMask, flagsMask };
}

export async function flushFdb(sock: NetlinkSocket, spec: FdbFlushSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas-routing.js');
  const v = validate(s.fdbFlushSchema, spec, 'fdb') as FdbFlushSpec;
  const op = `flush fdb dev ${v.dev}`;
  const ifindex = await linkIndex(sock, v.dev, op);
  const port = v.brport !== undefined ? await linkIndex(sock, v.brport, `${op}: brport ${v.brport}`) : undefined;
  await sock.request(encodeFdbFlush({ ifindex, port, vlan: v.vlan, ...fdbFlushSelectors(v) }), fdbReq(op, opts.signal));
}
