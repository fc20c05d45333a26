// Bridge port and VLAN operations over a NetlinkSocket (`bridge link show/set`, `bridge vlan add/del`).
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import * as C from './constants.js';
import { linkIndex, listLinks, type LinkSelector } from './link-read.js';
import {
  AF_BRIDGE, decodeBridgePort, describeBridgeAttribute, encodeBridgePortDump, encodeBridgePortSet, type BridgePort, type BridgePortSettings,
  type LinkLookup,
} from './bridge-port.js';
import { decodeBridgeVlans, encodeBridgeVlan, encodeBridgeVlanDump, type BridgeVlanPort, type BridgeVlanSpec } from './bridge-vlan.js';

const IFINFOMSG_LEN = 16;
const brReq = (operation: string, signal?: AbortSignal): RequestOptions => ({
  operation, headerSize: IFINFOMSG_LEN, describeAttribute: describeBridgeAttribute, signal,
});

export interface ListBridgePortsOptions {
  dev?: LinkSelector;
  /** Only ports of this bridge. */
  master?: LinkSelector;
  signal?: AbortSignal;
}

async function lookup(sock: NetlinkSocket, signal?: AbortSignal): Promise<LinkLookup> {
  const links = await listLinks(sock, { signal, resolveNames: false });
  const byIndex = new Map(links.map((l) => [l.ifindex, l]));
  return {
    name: (i) => byIndex.get(i)?.ifname,
    up: (i) => { const l = byIndex.get(i); return l ? l.flags.includes('UP') : undefined; },
  };
}

/** `bridge link show`: every bridge port with its STP state and port options. */
export async function listBridgePorts(sock: NetlinkSocket, opts: ListBridgePortsOptions & ConsistencyOptions = {}): Promise<DumpList<BridgePort>> {
  const dev = opts.dev !== undefined ? await linkIndex(sock, opts.dev, `list bridge ports: dev ${opts.dev}`) : undefined;
  const master = opts.master !== undefined ? await linkIndex(sock, opts.master, `list bridge ports: master ${opts.master}`) : undefined;
  return consistentDump<BridgePort>('list bridge ports', opts, async (out) => {
    const links = await lookup(sock, opts.signal);
    for await (const batch of sock.dumpBatches(encodeBridgePortDump(), brReq('list bridge ports', opts.signal))) {
      for (const m of batch) {
        if (m.type !== C.RTM_NEWLINK || m.buf.u8(m.payloadStart) !== AF_BRIDGE) continue;
        const p = decodeBridgePort(m, links);
        if (dev !== undefined && p.ifindex !== dev) continue;
        if (master !== undefined && p.attrs.master !== master) continue;
        out.push(p);
      }
    }
  });
}

/** `bridge link set dev DEV ...`: port options through the bridge family (IFLA_PROTINFO). */
export async function setBridgePort(sock: NetlinkSocket, dev: LinkSelector, settings: Omit<BridgePortSettings, 'backup_port'> & { backup_port?: LinkSelector | null }, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas-routing.js');
  const v = validate(s.bridgePortSettingsSchema, settings, 'bridgePort') as typeof settings;
  const op = `set bridge port ${dev}`;
  const ifindex = await linkIndex(sock, dev, op);
  const backup = v.backup_port === null ? 0 : v.backup_port !== undefined ? await linkIndex(sock, v.backup_port, `${op}: backup_port ${v.backup_port}`) : undefined;
  await sock.request(encodeBridgePortSet(ifindex, { ...v, backup_port: backup }), brReq(op, opts.signal));
}

async function vlan(sock: NetlinkSocket, cmd: 'add' | 'del', spec: BridgeVlanSpec & { dev: LinkSelector }, signal?: AbortSignal): Promise<void> {
  const s = await import('./schemas-routing.js');
  const v = validate(s.bridgeVlanSchema, spec, 'vlan') as BridgeVlanSpec & { dev: LinkSelector };
  const op = `${cmd === 'add' ? 'add' : 'delete'} vlan ${v.vid}${v.vidEnd !== undefined ? `-${v.vidEnd}` : ''} dev ${v.dev}`;
  await sock.request(encodeBridgeVlan(cmd, await linkIndex(sock, v.dev, op), v), brReq(op, signal));
}

/** `bridge vlan add vid VID [pvid] [untagged] [self] [master] dev DEV` (EOPNOTSUPP without VLAN filtering in the kernel). */
export function addBridgeVlan(sock: NetlinkSocket, spec: BridgeVlanSpec & { dev: LinkSelector }, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return vlan(sock, 'add', spec, opts.signal);
}

/** `bridge vlan del vid VID dev DEV`. */
export function deleteBridgeVlan(sock: NetlinkSocket, spec: BridgeVlanSpec & { dev: LinkSelector }, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return vlan(sock, 'del', spec, opts.signal);
}

export interface ListBridgeVlansOptions {
  /** Only this port (filtered here, as bridge does). */
  dev?: LinkSelector;
  /** Ranges as range-begin/range-end pairs (`bridge -compressvlans vlan show`). */
  compressed?: boolean;
  signal?: AbortSignal;
}

/** `bridge vlan show`: the ports that have VLANs, with them (none where VLAN filtering is absent). */
export async function listBridgeVlans(sock: NetlinkSocket, opts: ListBridgeVlansOptions & ConsistencyOptions = {}): Promise<DumpList<BridgeVlanPort>> {
  const dev = opts.dev !== undefined ? await linkIndex(sock, opts.dev, `list bridge vlans: dev ${opts.dev}`) : undefined;
  return consistentDump<BridgeVlanPort>('list bridge vlans', opts, async (out) => {
    for await (const batch of sock.dumpBatches(encodeBridgeVlanDump(opts.compressed), brReq('list bridge vlans', opts.signal))) {
      for (const m of batch) {
        if (m.type !== C.RTM_NEWLINK || m.buf.u8(m.payloadStart) !== AF_BRIDGE) continue;
        if (dev !== undefined && m.buf.s32(m.payloadStart + 4) !== dev) continue;
        const p = decodeBridgeVlans(m);
        if (p) out.push(p);
      }
    }
  });
}
