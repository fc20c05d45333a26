// MPTCP path manager endpoints and limits (`ip mptcp endpoint` / `ip mptcp limits`) over the
// mptcp_pm generic netlink family, with the same vocabulary as `ip -j mptcp`.
import { formatIPv4, formatIPv6, parseIP, parseIPv4Number } from '../netlink/address.js';
import { ValidationError } from '../netlink/errors.js';
import { NetlinkFamily } from '../netlink/spec/family.js';
import type { GenlClient } from './client.js';
import { mptcpPmSpec } from './spec/mptcp-pm.gen.js';

export const mptcpFamily = new NetlinkFamily(mptcpPmSpec);

/** MPTCP_PM_ADDR_FLAG_* of linux/mptcp.h, in the order `ip mptcp` prints them. */
export const ENDPOINT_FLAGS = { signal: 1, subflow: 2, backup: 4, fullmesh: 8, implicit: 16 } as const;
export type EndpointFlag = keyof typeof ENDPOINT_FLAGS;

const AF_INET = 2;
const AF_INET6 = 10;

export interface Endpoint {
  address: string;
  id: number;
  port?: number;
  signal?: true;
  subflow?: true;
  backup?: true;
  fullmesh?: true;
  implicit?: true;
  /** Interface name when it resolves, as ip prints it; ifindex always. */
  dev?: string;
  ifindex?: number;
}

export interface EndpointSpec {
  address: string;
  id?: number;
  port?: number;
  flags?: readonly EndpointFlag[];
  /** Interface index (resolve names with the rtnl layer first). */
  ifindex?: number;
}

/** The address nest of an endpoint request, in the order ip mptcp writes it. */
export function endpointAttrs(e: EndpointSpec): Record<string, unknown> {
  const bytes = parseIP(e.address);
  if (!bytes) throw new ValidationError('address', `${JSON.stringify(e.address)} is not an IPv4 or IPv6 address`);
  const out: Record<string, unknown> = {};
  if (e.id !== undefined) out.id = e.id;
  let flags = 0;
  for (const f of e.flags ?? []) {
    const bit = ENDPOINT_FLAGS[f];
    if (bit === undefined) throw new ValidationError('flags', `unknown flag ${JSON.stringify(f)} (flags: ${Object.keys(ENDPOINT_FLAGS).join(', ')})`);
    flags |= bit;
  }
  if (flags) out.flags = flags;
  out.family = bytes.length === 4 ? AF_INET : AF_INET6;
  if (bytes.length === 4) out.addr4 = parseIPv4Number(e.address);
  else out.addr6 = bytes;
  if (e.port !== undefined) out.port = e.port;
  if (e.ifindex !== undefined) out['if-idx'] = e.ifindex;
  return out;
}

function endpointOf(a: Record<string, unknown>): Endpoint {
  const v4 = a.addr4 as number | undefined;
  const b = new Uint8Array(4);
  if (v4 !== undefined) new DataView(b.buffer).setUint32(0, v4, false);
  const address = v4 !== undefined ? formatIPv4(b) : a.addr6 ? formatIPv6(a.addr6 as Uint8Array) : '';
  const e: Endpoint = { address, id: (a.id as number | undefined) ?? 0 };
  if (a.port) e.port = a.port as number;
  const flags = (a.flags as number | undefined) ?? 0;
  for (const [name, bit] of Object.entries(ENDPOINT_FLAGS)) if (flags & bit) e[name as EndpointFlag] = true;
  if (a['if-idx']) e.ifindex = a['if-idx'] as number;
  return e;
}

export async function listEndpoints(client: GenlClient): Promise<Endpoint[]> {
  const replies = await client.request(mptcpFamily, { op: 'get-addr', mode: 'dump', operation: 'list MPTCP endpoints' });
  return replies.map((r) => endpointOf((r.attrs.addr ?? {}) as Record<string, unknown>));
}

export async function addEndpoint(client: GenlClient, e: EndpointSpec): Promise<void> {
  await client.request(mptcpFamily, { op: 'add-addr', attrs: { addr: endpointAttrs(e) }, operation: `add MPTCP endpoint ${e.address}` });
}

export async function deleteEndpoint(client: GenlClient, id: number): Promise<void> {
  await client.request(mptcpFamily, { op: 'del-addr', attrs: { addr: { id } }, operation: `delete MPTCP endpoint id ${id}` });
}

export async function flushEndpoints(client: GenlClient): Promise<void> {
  await client.request(mptcpFamily, { op: 'flush-addrs', attrs: { addr: {} }, operation: 'flush MPTCP endpoints' });
}

export interface Limits { subflows: number; add_addr_accepted: number }

export async function getLimits(client: GenlClient): Promise<Limits> {
  const [r] = await client.request(mptcpFamily, { op: 'get-limits', operation: 'get MPTCP limits' });
  return { add_addr_accepted: (r?.attrs['rcv-add-addrs'] as number | undefined) ?? 0, subflows: (r?.attrs.subflows as number | undefined) ?? 0 };
}

export async function setLimits(client: GenlClient, l: Partial<Limits>): Promise<void> {
  const attrs: Record<string, unknown> = {};
  if (l.add_addr_accepted !== undefined) attrs['rcv-add-addrs'] = l.add_addr_accepted;
  if (l.subflows !== undefined) attrs.subflows = l.subflows;
  await client.request(mptcpFamily, { op: 'set-limits', attrs, operation: 'set MPTCP limits' });
}
