// Neighbour operations over a NetlinkSocket (`ip neigh add/replace/del/show`).
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import { parseIP } from '../netlink/address.js';
import * as C from './constants.js';
import { familyNumber } from './address-ops.js';
import { linkHardware, linkIndex, linkNameMap, type LinkSelector } from './link-read.js';
import { describeLinkType, hardwareAddressFor } from './hw-address.js';
import {
  decodeNeighbour, describeNeighbourAttribute, encodeDelNeighbour, encodeNeighbourDump, encodeNewNeighbour,
  neighbourStateNumber, type Neighbour, type NeighbourAttrs,
} from './neighbour.js';

/** `ip neigh add TO lladdr LLADDR dev DEV [nud STATE] [router] [proxy]`. */
export interface NeighbourSpec {
  dev: LinkSelector;
  /** The neighbour's IP address. */
  to: string;
  lladdr?: string;
  /** NUD state (default permanent, as ip). */
  state?: 'permanent' | 'reachable' | 'stale' | 'noarp' | 'delay' | 'probe' | 'failed' | 'incomplete' | 'none';
  router?: boolean;
  /** A proxy entry (`ip neigh add proxy ADDR dev DEV`). */
  proxy?: boolean;
  extern_learn?: boolean;
  protocol?: number;
}

export interface ListNeighboursOptions {
  family?: 4 | 6 | 'inet' | 'inet6';
  /** Only this interface (NDA_IFINDEX in the dump request: the kernel filters). */
  dev?: LinkSelector;
  /** Only neighbours on ports of this master (NDA_MASTER). */
  master?: LinkSelector;
  /** Proxy entries instead (`ip neigh show proxy`). */
  proxy?: boolean;
  /** Also NOARP and NUD_NONE entries (multicast, broadcast), which `ip neigh show` hides (`ip neigh show nud all`). */
  all?: boolean;
  resolveNames?: boolean;
  signal?: AbortSignal;
}

const neighReq = (operation: string, signal?: AbortSignal): RequestOptions => ({
  operation,
  headerSize: C.NDMSG_LEN,
  describeAttribute: describeNeighbourAttribute,
  signal,
});

/** `ip neigh show`. */
export async function listNeighbours(sock: NetlinkSocket, opts: ListNeighboursOptions & ConsistencyOptions = {}): Promise<DumpList<Neighbour>> {
  const ifindex = opts.dev !== undefined ? await linkIndex(sock, opts.dev, `list neighbours: dev ${opts.dev}`) : undefined;
  const master = opts.master !== undefined ? await linkIndex(sock, opts.master, `list neighbours: master ${opts.master}`) : undefined;
  return consistentDump<Neighbour>('list neighbours', opts, async (out) => {
    const names = (opts.resolveNames ?? true) ? await linkNameMap(sock, { signal: opts.signal }) : undefined;
    const resolve = names ? (i: number): string | undefined => names.get(i) : undefined;
    const req = encodeNeighbourDump({ family: familyNumber(opts.family), ifindex, master, proxy: opts.proxy });
    for await (const batch of sock.dumpBatches(req, neighReq('list neighbours', opts.signal))) {
      for (const m of batch) {
        if (m.type !== C.RTM_NEWNEIGH) continue;
        const state = m.buf.u16(m.payloadStart + 8);
        const flags = m.buf.u8(m.payloadStart + 10);
        // As `ip neigh show`: NOARP (multicast, broadcast) and NUD_NONE entries are hidden,
        // unless they are proxy or externally learned entries.
        if (!opts.all && !(state & (0xff & ~C.NUD_NOARP)) && !(flags & (C.NTF_PROXY | C.NTF_EXT_LEARNED))) continue;
        const n = decodeNeighbour(m, resolve);
        if (!(m.flags & NLM_F_DUMP_FILTERED) && ifindex !== undefined && n.ifindex !== ifindex) continue;
        out.push(n);
      }
    }
  });
}

async function resolveSpec(sock: NetlinkSocket, v: NeighbourSpec, op: string): Promise<NeighbourAttrs> {
  const dst = parseIP(v.to)!;
  let flags = 0;
  if (v.router) flags |= C.NTF_ROUTER;
  if (v.proxy) flags |= C.NTF_PROXY;
  if (v.extern_learn) flags |= C.NTF_EXT_LEARNED;
  // NDA_LLADDR is cut to the device's address length by the kernel: check it first, as ip does.
  let ifindex: number, lladdr: Uint8Array | undefined;
  if (v.lladdr !== undefined) {
    const hw = await linkHardware(sock, v.dev, op);
    ifindex = hw.index;
    lladdr = hardwareAddressFor(v.lladdr, hw.addrLen, 'neighbour.lladdr', describeLinkType(v.dev, hw.type));
  } else {
    ifindex = await linkIndex(sock, v.dev, op);
  }
  return {
    family: dst.length === 16 ? C.AF_INET6 : C.AF_INET,
    ifindex,
    state: v.proxy ? 0 : neighbourStateNumber(v.state ?? 'permanent'),
    flags,
    dst,
    lladdr,
    protocol: v.protocol,
  };
}

async function writeNeighbour(sock: NetlinkSocket, spec: NeighbourSpec, mode: 'add' | 'replace', signal?: AbortSignal): Promise<void> {
  const s = await import('./schemas.js');
  const v = validate(s.neighbourSpecSchema, spec, 'neighbour') as NeighbourSpec;
  const op = `${mode} neighbour ${v.to} dev ${v.dev}`;
  await sock.request(encodeNewNeighbour(await resolveSpec(sock, v, op), mode), neighReq(op, signal));
}

/** `ip neigh add`: EEXIST if there is an entry. */
export function addNeighbour(sock: NetlinkSocket, spec: NeighbourSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeNeighbour(sock, spec, 'add', opts.signal);
}

/** `ip neigh replace`: add or overwrite. */
export function replaceNeighbour(sock: NetlinkSocket, spec: NeighbourSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  return writeNeighbour(sock, spec, 'replace', opts.signal);
}

/** `ip neigh del TO dev DEV`. */
export async function deleteNeighbour(sock: NetlinkSocket, spec: { dev: LinkSelector; to: string; proxy?: boolean }, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas.js');
  const v = validate(s.neighbourDeleteSchema, spec, 'neighbour');
  const op = `delete neighbour ${v.to} dev ${v.dev}`;
  const dst = parseIP(v.to)!;
  await sock.request(encodeDelNeighbour({
    family: dst.length === 16 ? C.AF_INET6 : C.AF_INET,
    ifindex: await linkIndex(sock, v.dev, op),
    flags: v.proxy ? C.NTF_PROXY : 0,
    dst,
  }), neighReq(op, opts.signal));
}
