// Names iproute2 prints for numbers it looks up in files: /etc/iproute2/rt_dsfield (as Debian
// ships it), /etc/iproute2/group and /etc/protocols (netbase). The library does not read those
// files (a container may lack them); it carries their stock contents, so output matches `ip`
// on a stock system.
import { ValidationError } from '../netlink/errors.js';
import * as C from './constants.js';
import { protocolNumber } from './route.js';

/** rt_dsfield: TOS/DS field byte -> name (rtnl_dsfield_n2a); others print as 0x%02x. */
export const DSFIELD_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'default'], [0x28, 'AF11'], [0x30, 'AF12'], [0x38, 'AF13'], [0x48, 'AF21'], [0x50, 'AF22'], [0x58, 'AF23'],
  [0x68, 'AF31'], [0x70, 'AF32'], [0x78, 'AF33'], [0x88, 'AF41'], [0x90, 'AF42'], [0x98, 'AF43'], [0x20, 'CS1'],
  [0x40, 'CS2'], [0x60, 'CS3'], [0x80, 'CS4'], [0xa0, 'CS5'], [0xc0, 'CS6'], [0xe0, 'CS7'], [0xb8, 'EF'],
]);

export function dsfieldName(v: number): string {
  return DSFIELD_NAMES.get(v) ?? `0x${v.toString(16).padStart(2, '0')}`;
}

/** A TOS value as ip takes it: a name of rt_dsfield or a number (hex with 0x). */
export function dsfieldNumber(v: number | string): number | undefined {
  if (typeof v === 'number') return v;
  for (const [n, name] of DSFIELD_NAMES) if (name === v) return n;
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}

/** /etc/iproute2/group: device groups by number. */
export const GROUP_NAMES: ReadonlyMap<number, string> = new Map([[0, 'default']]);

export function groupName(v: number): string {
  return GROUP_NAMES.get(v) ?? String(v);
}

/** /etc/protocols (netbase): the first name of each IP protocol number, as getprotobynumber gives. */
export const IPPROTO_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'ip'], [1, 'icmp'], [2, 'igmp'], [3, 'ggp'], [4, 'ipencap'], [5, 'st'], [6, 'tcp'], [8, 'egp'], [9, 'igp'],
  [12, 'pup'], [17, 'udp'], [20, 'hmp'], [22, 'xns-idp'], [27, 'rdp'], [29, 'iso-tp4'], [33, 'dccp'], [36, 'xtp'],
  [37, 'ddp'], [38, 'idpr-cmtp'], [41, 'ipv6'], [43, 'ipv6-route'], [44, 'ipv6-frag'], [45, 'idrp'], [46, 'rsvp'],
  [47, 'gre'], [50, 'esp'], [51, 'ah'], [57, 'skip'], [58, 'ipv6-icmp'], [59, 'ipv6-nonxt'], [60, 'ipv6-opts'],
  [73, 'rspf'], [81, 'vmtp'], [88, 'eigrp'], [89, 'ospf'], [93, 'ax.25'], [94, 'ipip'], [97, 'etherip'], [98, 'encap'],
  [103, 'pim'], [108, 'ipcomp'], [112, 'vrrp'], [115, 'l2tp'], [124, 'isis'], [132, 'sctp'], [133, 'fc'],
  [135, 'mobility-header'], [136, 'udplite'], [137, 'mpls-in-ip'], [138, 'manet'], [139, 'hip'], [140, 'shim6'],
  [141, 'wesp'], [142, 'rohc'], [143, 'ethernet'],
]);

export function ipprotoName(v: number): string {
  return IPPROTO_NAMES.get(v) ?? `ipproto-${v}`;
}

/** An IP protocol by name (any of /etc/protocols' first names) or number. */
export function ipprotoNumber(v: number | string): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 255 ? v : undefined;
  for (const [n, name] of IPPROTO_NAMES) if (name === v.toLowerCase()) return n;
  return /^\d+$/.test(v) && Number(v) <= 255 ? Number(v) : undefined;
}

/** A protocol filter of a listing (no zod there): a name of rt_protos or 0-255, else a ValidationError. */
export function protocolOption(p: number | string, field: string): number {
  try {
    return protocolNumber(p);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new ValidationError(field, `unknown protocol ${JSON.stringify(p)} (known: ${[...C.RTPROT_NAMES.values()].join(', ')}, or 0-255)`);
  }
}
