// Address operations over a NetlinkSocket (`ip addr add/replace/del/show/flush`).
import { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
import { ValidationError } from '../netlink/errors.js';
import { NLM_F_DUMP_FILTERED } from '../netlink/constants.js';
import type { NetlinkSocket, RequestOptions } from '../netlink/socket.js';
import { validate } from '../netlink/validate.js';
import { parseIP } from '../netlink/address.js';
import * as C from './constants.js';
import {
  computeBroadcast, decodeAddress, defaultAddressScope, describeAddressAttribute, encodeAddressDump, encodeDelAddress,
  encodeNewAddress, parseAddressPrefix, scopeNumber, type Address, type AddressAttrs,
} from './address.js';
import { linkIndex, linkNameMap, type LinkSelector } from './link-read.js';

/** `ip addr add ADDRESS[/PLEN] [peer PEER[/PLEN]] dev DEV ...`, with ip's option names. */
export interface AddressSpec {
  dev: LinkSelector;
  /** "192.168.0.1/16", "2001:db8::1/64"; a bare address is a /32 (/128). */
  address: string;
  /** Point-to-point peer (IFA_ADDRESS); its prefix length, if given, is the address's (seed 004: /32 + peer). */
  peer?: string;
  /** IPv4 broadcast; "+" sets the host bits (ip's `brd +`), "-" clears them. */
  broadcast?: string;
  anycast?: string;
  /** IPv4 label ("eth0:1"). */
  label?: string;
  /** Default: host for 127.0.0.0/8, else global (as ip). */
  scope?: 'global' | 'site' | 'link' | 'host' | 'nowhere' | number;
  /** Seconds or "forever" (default). */
  valid_lft?: number | 'forever';
  preferred_lft?: number | 'forever';
  /** Metric of the prefix route the kernel adds (IFA_RT_PRIORITY). */
  metric?: number;
  /** IFA_PROTO. */
  protocol?: number;
  nodad?: boolean;
  optimistic?: boolean;
  home?: boolean;
  mngtmpaddr?: boolean;
  noprefixroute?: boolean;
  autojoin?: boolean;
}

export interface ListAddressesOptions {
  family?: 4 | 6 | 'inet' | 'inet6';
  /** Only this interface: the ifindex goes into the dump request and the kernel filters. */
  dev?: LinkSelector;
  /** Name each address's interface (dev); default true. */
  resolveNames?: boolean;
  signal?: AbortSignal;
}

const addrReq = (operation: string, signal?: AbortSignal): RequestOptions => ({
  operation,
  headerSize: C.IFADDRMSG_LEN,
  describeAttribute: describeAddressAttribute,
  signal,
});

export function familyNumber(f: 4 | 6 | 'inet' | 'inet6' | undefined): number {
  if (f === undefined) return C.AF_UNSPEC;
  return f === 4 || f === 'inet' ? C.AF_INET : C.AF_INET6;
}

const lifetime = (v: number | 'forever' | undefined): number | undefined => (v === 'forever' ? C.INFINITY_LIFE_TIME : v);

/** `ip addr show [dev DEV]`, flat: one entry per address. */
export async function listAddresses(sock: NetlinkSocket, opts: ListAddressesOptions & ConsistencyOptions = {}): Promise<DumpList<Address>> {
  const ifindex = opts.dev !== undefined ? await linkIndex(sock, opts.dev, `list addresses: dev ${opts.dev}`) : 0;
  return consistentDump<Address>('list addresses', opts, async (out) => {
    const names = (opts.resolveNames ?? true) ? await linkNameMap(sock, { signal: opts.signal }) : undefined;
    const resolve = names ? (i: number): string | undefined => names.get(i) : undefined;
    const req = encodeAddressDump(familyNumber(opts.family), ifindex);
    for await (const batch of sock.dumpBatches(req, addrReq('list addresses', opts.signal))) {
      for (const m of batch) {
        if (m.type !== C.RTM_NEWADDR) continue;
        if (ifindex && !(m.flags & NLM_F_DUMP_FILTERED) && m.buf.u32(m.payloadStart + 4) !== ifindex) continue;
        out.push(decodeAddress(m, resolve));
      }
    }
  });
}

async function resolveSpec(sock: NetlinkSocket, spec: AddressSpec, op: string): Promise<AddressAttrs> {
  return addressAttrs(spec, await linkIndex(sock, spec.dev, op));
}

/** A validated address spec as kernel numbers and bytes, its device already resolved to `index`. */
export function addressAttrs(spec: AddressSpec, index: number): AddressAttrs {
  const local = parseAddressPrefix(spec.address);
  let prefixlen = local.prefixlen;
  let address = local.bytes;
  if (spec.peer !== undefined) {
    const peer = parseAddressPrefix(spec.peer);
    address = peer.bytes;
    // ip: with a peer, the prefix length is the peer's when given, else the local one's.
    if (spec.peer.includes('/')) prefixlen = peer.prefixlen;
  }
  let flags = 0;
  if (spec.nodad) flags |= C.IFA_F_NODAD;
  if (spec.optimistic) flags |= C.IFA_F_OPTIMISTIC;
  if (spec.home) flags |= C.IFA_F_HOMEADDRESS;
  if (spec.mngtmpaddr) flags |= C.IFA_F_MANAGETEMPADDR;
  if (spec.noprefixroute) flags |= C.IFA_F_NOPREFIXROUTE;
  if (spec.autojoin) flags |= C.IFA_F_MCAUTOJOIN;
  const a: AddressAttrs = {
    family: local.family,
    prefixlen,
    index,
    flags,
    scope: spec.scope !== undefined ? scopeNumber(spec.scope) : defaultAddressScope(local.bytes),
    local: local.bytes,
    address,
    label: spec.label,
    metric: spec.metric,
    protocol: spec.protocol,
  };
  if (spec.broadcast === '+' || spec.broadcast === '-') a.broadcast = computeBroadcast(local.bytes, prefixlen, spec.broadcast === '+');
  else if (spec.broadcast !== undefined) a.broadcast = parseIP(spec.broadcast);
  if (spec.anycast !== undefined) a.anycast = parseIP(spec.anycast);
  if (spec.valid_lft !== undefined || spec.preferred_lft !== undefined) {
    a.valid = lifetime(spec.valid_lft) ?? C.INFINITY_LIFE_TIME;
    a.preferred = lifetime(spec.preferred_lft) ?? a.valid;
  }
  return a;
}

export function describeSpec(spec: { address: string; peer?: string; dev: LinkSelector }): string {
  return `${spec.address}${spec.peer !== undefined ? ` peer ${spec.peer}` : ''} dev ${spec.dev}`;
}

/** `ip addr add`: EEXIST if the address is already there. */
export async function addAddress(sock: NetlinkSocket, spec: AddressSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas.js');
  const v = validate(s.addressSpecSchema, spec, 'address') as AddressSpec;
  const op = `add address ${describeSpec(v)}`;
  await sock.request(encodeNewAddress(await resolveSpec(sock, v, op), 'add'), addrReq(op, opts.signal));
}

/** `ip addr replace`: add, or update the flags/lifetimes of an existing address. */
export async function replaceAddress(sock: NetlinkSocket, spec: AddressSpec, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas.js');
  const v = validate(s.addressSpecSchema, spec, 'address') as AddressSpec;
  const op = `replace address ${describeSpec(v)}`;
  await sock.request(encodeNewAddress(await resolveSpec(sock, v, op), 'replace'), addrReq(op, opts.signal));
}

/**
 * `ip addr del`. A bare IPv6 address (no /PLEN) is looked up on the interface first, since
 * the kernel matches IPv6 deletions on the prefix length too.
 */
export async function deleteAddress(sock: NetlinkSocket, spec: { dev: LinkSelector; address: string; peer?: string }, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const s = await import('./schemas.js');
  const v = validate(s.addressDeleteSchema, spec, 'address');
  const op = `delete address ${describeSpec(v)}`;
  const local = parseAddressPrefix(v.address);
  const index = await linkIndex(sock, v.dev, op);
  let prefixlen = local.prefixlen;
  if (!v.address.includes('/') && local.family === C.AF_INET6) {
    const existing = (await listAddresses(sock, { dev: index, family: 6, resolveNames: false }))
      .find((a) => a.local !== undefined && sameAddress(a.local, local.bytes));
    if (existing) prefixlen = existing.prefixlen;
  }
  const a: AddressAttrs = { family: local.family, prefixlen, index, local: local.bytes };
  if (v.peer !== undefined) {
    const peer = parseAddressPrefix(v.peer);
    a.address = peer.bytes;
    if (v.peer.includes('/')) a.prefixlen = peer.prefixlen;
  } else if (local.family === C.AF_INET6) {
    a.address = local.bytes;
  }
  await sock.request(encodeDelAddress(a), addrReq(op, opts.signal));
}

function sameAddress(text: string, bytes: Uint8Array): boolean {
  const b = parseIP(text);
  return !!b && b.length === bytes.length && b.every((x, i) => x === bytes[i]);
}

/**
 * `ip addr flush dev DEV [scope global]`: delete the addresses of an interface (IPv6
 * link-local ones included unless scope says otherwise). Returns how many were deleted.
 */
export async function flushAddresses(sock: NetlinkSocket, opts: { dev: LinkSelector; family?: 4 | 6; scope?: 'global' | 'link' | 'host' | 'site' }): Promise<number> {
  if (opts === null || typeof opts !== 'object') throw new ValidationError('opts', 'expected { dev, family?, scope? }');
  const index = await linkIndex(sock, opts.dev, `flush addresses dev ${opts.dev}`);
  const list = await listAddresses(sock, { dev: index, family: opts.family, resolveNames: false });
  let n = 0;
  // Secondary IPv4 addresses go with their primary (unless promote_secondaries): delete primaries last.
  const ordered = [...list.filter((a) => a.secondary), ...list.filter((a) => !a.secondary)];
  for (const a of ordered) {
    if (opts.scope !== undefined && a.scope !== opts.scope) continue;
    if (a.local === undefined) continue;
    const bytes = parseIP(a.local)!;
    const attrs: AddressAttrs = {
      family: a.family === 'inet6' ? C.AF_INET6 : C.AF_INET, prefixlen: a.prefixlen, index, local: bytes,
      address: a.address !== undefined ? parseIP(a.address) : bytes,
    };
    try {
      await sock.request(encodeDelAddress(attrs), addrReq(`flush address ${a.local}/${a.prefixlen} dev ${opts.dev}`));
      n++;
    } catch (err) {
      // A secondary may already be gone with its primary.
      if ((err as { code?: string }).code !== 'EADDRNOTAVAIL') throw err;
    }
  }
  return n;
}
