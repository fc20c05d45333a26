// Chains: base chains hook into the packet path (type, hook, priority, policy); regular
// chains are only reached by jump/goto.
import type { MessageWriter } from '../netlink/writer.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkDecodeError, ValidationError } from '../netlink/errors.js';
import { walkNested } from '../netlink/reader.js';
import {
  NFTA_CHAIN_FLAGS, NFTA_CHAIN_HANDLE, NFTA_CHAIN_HOOK, NFTA_CHAIN_NAME, NFTA_CHAIN_POLICY, NFTA_CHAIN_TABLE,
  NFTA_CHAIN_TYPE, NFTA_CHAIN_USE, NFTA_CHAIN_USERDATA, NFTA_CHAIN_COUNTERS, NFTA_COUNTER_BYTES, NFTA_COUNTER_PACKETS,
  NFTA_DEVICE_NAME, NFTA_HOOK_DEV, NFTA_HOOK_DEVS, NFTA_HOOK_HOOKNUM, NFTA_HOOK_PRIORITY, NF_ACCEPT, NF_DROP,
  NF_BR_PRI_FILTER_BRIDGED, NF_BR_PRI_NAT_DST_OTHER, NF_BR_PRI_NAT_DST_BRIDGED, NF_BR_PRI_NAT_SRC, NF_IP_PRI_FILTER,
  NF_IP_PRI_MANGLE, NF_IP_PRI_NAT_DST, NF_IP_PRI_NAT_SRC, NF_IP_PRI_RAW, NF_IP_PRI_SECURITY,
} from './constants.js';
import { decodeCommentUdata, encodeCommentUdata, familyName, messageAttributes, nest, readNfgen, type Family } from './codec.js';

/** NFTNL_UDATA_CHAIN_COMMENT */
const UDATA_CHAIN_COMMENT = 0;

export type ChainType = 'filter' | 'nat' | 'route';
export type HookName = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';
export type ChainPolicy = 'accept' | 'drop';
/** nft's symbolic priorities; their values depend on the family (bridge differs). */
export type PriorityName = 'raw' | 'mangle' | 'dstnat' | 'filter' | 'security' | 'srcnat' | 'out';

export interface Chain {
  family: Family;
  table: string;
  name: string;
  /** Base chains: all of type, hook and priority. */
  type?: ChainType;
  /** A hook name, or its number when the family has no name for it (a newer kernel's hook). */
  hook?: HookName | number;
  /** A number, or nft's name for one (srcnat = 100, dstnat = -100, filter = 0 ... bridge differs). Listings give numbers. */
  priority?: number | PriorityName;
  /** Base chains only; the kernel's default is accept. */
  policy?: ChainPolicy;
  /** netdev (and inet ingress) chains: the device to hook. */
  device?: string;
  devices?: string[];
  /** NFT_CHAIN_* flags (hw-offload 0x2). */
  flags?: number;
  comment?: string;
  userdata?: Uint8Array;
  /** Reported by the kernel: */
  handle?: number;
  use?: number;
  counters?: { packets: number; bytes: number };
}

// Hook numbers per family (enum nf_inet_hooks, nf_dev_hooks, and the arp hooks).
const INET_HOOKS: readonly HookName[] = ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'];
const NETDEV_HOOKS: readonly HookName[] = ['ingress', 'egress'];
const ARP_HOOKS: readonly HookName[] = ['input', 'output', 'forward'];

export function hooksOf(family: Family): readonly HookName[] {
  switch (family) {
    case 'netdev': return NETDEV_HOOKS;
    case 'arp': return ARP_HOOKS;
    case 'inet': return INET_HOOKS;
    default: return INET_HOOKS.slice(0, 5);
  }
}

export function hookNumber(family: Family, hook: HookName | number): number {
  if (typeof hook === 'number') return hook;
  const i = hooksOf(family).indexOf(hook);
  if (i < 0) throw new ValidationError('chain.hook', `family ${family} has no hook ${hook}`);
  return i;
}

export function hookName(family: Family, n: number): HookName | undefined {
  return hooksOf(family)[n];
}

const IP_PRIORITIES: Partial<Record<PriorityName, number>> = {
  raw: NF_IP_PRI_RAW, mangle: NF_IP_PRI_MANGLE, dstnat: NF_IP_PRI_NAT_DST, filter: NF_IP_PRI_FILTER,
  security: NF_IP_PRI_SECURITY, srcnat: NF_IP_PRI_NAT_SRC,
};
const BRIDGE_PRIORITIES: Partial<Record<PriorityName, number>> = {
  dstnat: NF_BR_PRI_NAT_DST_BRIDGED, filter: NF_BR_PRI_FILTER_BRIDGED, out: NF_BR_PRI_NAT_DST_OTHER, srcnat: NF_BR_PRI_NAT_SRC,
};

/** The number behind a priority name in a family, as nft resolves it; undefined when the family has no such name. */
export function priorityValue(family: Family, p: number | PriorityName): number | undefined {
  if (typeof p === 'number') return p;
  if (family === 'bridge') return BRIDGE_PRIORITIES[p];
  if (family === 'netdev' || family === 'arp') return p === 'filter' ? 0 : undefined;
  return IP_PRIORITIES[p];
}

/**
 * Attributes of NEWCHAIN in nft's order: table, name, then for base chains type, policy and
 * the hook nest (hook number, priority, device), then userdata.
 */
export function encodeChain(w: MessageWriter, c: Chain): void {
  w.attrString(NFTA_CHAIN_TABLE, c.table);
  w.attrString(NFTA_CHAIN_NAME, c.name);
  if (c.flags !== undefined) w.attrBe32(NFTA_CHAIN_FLAGS, c.flags);
  if (c.hook !== undefined) encodeHook(w, c);
  const ud = encodeCommentUdata(c.comment, c.userdata, UDATA_CHAIN_COMMENT);
  if (ud) w.attrBytes(NFTA_CHAIN_USERDATA, ud);
}

function encodeHook(w: MessageWriter, c: Chain): void {
  w.attrString(NFTA_CHAIN_TYPE, c.type ?? 'filter');
  if (c.policy !== undefined) w.attrBe32(NFTA_CHAIN_POLICY, c.policy === 'drop' ? NF_DROP : NF_ACCEPT);
  const h = nest(w, NFTA_CHAIN_HOOK);
  w.attrBe32(NFTA_HOOK_HOOKNUM, hookNumber(c.family, c.hook!));
  const prio = priorityValue(c.family, c.priority ?? 0);
  if (prio === undefined) throw new ValidationError('chain.priority', `family ${c.family} has no priority named ${String(c.priority)}`);
  w.attrBe32(NFTA_HOOK_PRIORITY, prio);
  if (c.device !== undefined) w.attrString(NFTA_HOOK_DEV, c.device);
  // Both only when a decoded chain had both (no kernel sends two different ones).
  if (c.devices && (c.device === undefined || c.devices.length !== 1 || c.devices[0] !== c.device)) {
    const d = nest(w, NFTA_HOOK_DEVS);
    for (const dev of c.devices) w.attrString(NFTA_DEVICE_NAME, dev);
    w.nestEnd(d);
  }
  w.nestEnd(h);
}

/** Attributes naming a chain for DELCHAIN/flush: table and handle or name. */
export function encodeChainRef(w: MessageWriter, c: { table: string; name?: string; handle?: number }): void {
  w.attrString(NFTA_CHAIN_TABLE, c.table);
  if (c.handle !== undefined) w.attrBe64(NFTA_CHAIN_HANDLE, c.handle);
  else w.attrString(NFTA_CHAIN_NAME, c.name ?? '');
}

export function decodeChain(m: MessageRef): Chain {
  const h = readNfgen(m);
  const a = messageAttributes(m);
  const family = familyName(h.family, m.payloadStart);
  const table = a.str(NFTA_CHAIN_TABLE);
  const name = a.str(NFTA_CHAIN_NAME);
  if (table === undefined || name === undefined) throw new NetlinkDecodeError('chain without NFTA_CHAIN_TABLE or NFTA_CHAIN_NAME', m.payloadStart);
  const c: Chain = { family, table, name };
  const hook = a.nested(NFTA_CHAIN_HOOK, 1);
  if (hook) {
    // The kernel always reports a base chain's type; without one, it is what the kernel defaults to.
    c.type = (a.str(NFTA_CHAIN_TYPE) ?? 'filter') as ChainType;
    const num = hook.be32(NFTA_HOOK_HOOKNUM) ?? 0;
    c.hook = hookName(family, num) ?? num;
    c.priority = (hook.be32(NFTA_HOOK_PRIORITY) ?? 0) | 0;
    const policy = a.be32(NFTA_CHAIN_POLICY);
    if (policy !== undefined) c.policy = policy === NF_DROP ? 'drop' : 'accept';
    const dev = hook.str(NFTA_HOOK_DEV);
    if (dev !== undefined) c.device = dev;
    if (hook.has(NFTA_HOOK_DEVS)) {
      const devices: string[] = [];
      walkNested(a.buf, hook.off(NFTA_HOOK_DEVS), hook.len(NFTA_HOOK_DEVS), 2, (t, o, l) => {
        if (t === NFTA_DEVICE_NAME) devices.push(a.buf.attrString(o, l));
      });
      // Kernels report one device both as NFTA_HOOK_DEV and in NFTA_HOOK_DEVS; present it once, as `device`, like nft.
      if (devices.length === 1 && (c.device === undefined || c.device === devices[0])) c.device = devices[0];
      else if (devices.length) c.devices = devices;
    }
    const counters = a.nested(NFTA_CHAIN_COUNTERS, 1);
    if (counters) c.counters = { packets: counters.be64(NFTA_COUNTER_PACKETS) ?? 0, bytes: counters.be64(NFTA_COUNTER_BYTES) ?? 0 };
  }
  const flags = a.be32(NFTA_CHAIN_FLAGS);
  // The kernel reports NFT_CHAIN_BASE (0x1) for base chains; it is implied by the hook, so keep the rest only.
  if (flags !== undefined && flags & ~1) c.flags = flags & ~1;
  Object.assign(c, decodeCommentUdata(a.bytes(NFTA_CHAIN_USERDATA), UDATA_CHAIN_COMMENT));
  const handle = a.be64(NFTA_CHAIN_HANDLE), use = a.be32(NFTA_CHAIN_USE);
  if (handle !== undefined) c.handle = handle;
  if (use !== undefined) c.use = use;
  return c;
}

