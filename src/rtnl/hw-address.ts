// Link-layer address lengths. The kernel copies exactly dev->addr_len bytes of IFLA_ADDRESS,
// IFLA_BROADCAST and NDA_LLADDR and only refuses addresses that are *shorter*, so a 7-byte
// MAC given to an Ethernet link is silently cut to 6: `ip` checks the length first ("Invalid
// address length 7 - must be 6 bytes") and so does this library, before the change is sent.
import { ValidationError } from '../netlink/errors.js';
import { formatHardwareAddress, parseMac } from '../netlink/address.js';
import * as C from './constants.js';

/** Address length by link type (ARPHRD_*), as the kernel's setup functions set dev->addr_len. */
export const ARPHRD_ADDR_LEN: ReadonlyMap<number, number> = new Map([
  [C.ARPHRD_ETHER, 6], [C.ARPHRD_LOOPBACK, 6], [C.ARPHRD_INFINIBAND, 20], [C.ARPHRD_IEEE802154, 8],
  [C.ARPHRD_TUNNEL, 4], [C.ARPHRD_SIT, 4], [C.ARPHRD_IPGRE, 4], [C.ARPHRD_TUNNEL6, 16], [C.ARPHRD_IP6GRE, 16],
  [C.ARPHRD_NONE, 0], [C.ARPHRD_VOID, 0], [C.ARPHRD_NETLINK, 0], [C.ARPHRD_PPP, 0], [C.ARPHRD_RAWIP, 0], [C.ARPHRD_CAN, 0],
]);

/**
 * Address length of a new link by kind, where the kind fixes it (ether_setup and friends).
 * Kinds not listed are left to the kernel.
 */
export const KIND_ADDR_LEN: ReadonlyMap<string, number> = new Map([
  ...['veth', 'bridge', 'macvlan', 'macvtap', 'vxlan', 'vlan', 'bond', 'team', 'dummy', 'ifb', 'vrf', 'geneve', 'gretap',
    'ip6gretap', 'macsec', 'ipvlan', 'ipvtap', 'netkit', 'bareudp', 'erspan', 'ip6erspan', 'hsr', 'batadv', 'tap']
    .map((k): [string, number] => [k, 6]),
  ['ipip', 4], ['sit', 4], ['gre', 4], ['vti', 4], ['ip6tnl', 16], ['ip6gre', 16], ['vti6', 16],
  ['wireguard', 0], ['nlmon', 0], ['vcan', 0], ['vxcan', 0], ['tun', 0], ['xfrm', 0],
]);

/**
 * Parse `text` as a link-layer address for a link whose addresses are `expected` bytes.
 * `what` names the link in the message ("link va (ether)").
 */
export function hardwareAddressFor(text: string, expected: number | undefined, field: string, what: string): Uint8Array {
  const b = parseMac(text);
  if (!b || text.length === 0) throw new ValidationError(field, `"${text}" is not a link-layer address like "aa:bb:cc:dd:ee:ff"`);
  if (expected === undefined) return b;
  if (expected === 0) throw new ValidationError(field, `${what} has no link-layer address; nothing can be set`);
  if (b.length !== expected) {
    throw new ValidationError(field, `"${formatHardwareAddress(b)}" is ${b.length} bytes; ${what} takes ${expected} (ip: Invalid address length ${b.length} - must be ${expected} bytes)`);
  }
  return b;
}

/** How a link's type reads in messages: "link va (ether)". */
export function describeLinkType(ref: string | number, type: number): string {
  return `link ${ref} (${C.ARPHRD_NAMES.get(type) ?? `type ${type}`})`;
}
