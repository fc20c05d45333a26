// nft's data types (nftables' datatype.h TYPE_*): how a value of each type prints, as nft 1.0.6
// prints it. A value arrives as the bytes the kernel holds; `order` says whether nft stored it
// in network (big-endian) or host order. Symbol tables are facts from the kernel's and
// nftables' headers (icmp types, ct states, ...).
import { formatIPv4, formatIPv6 } from '../../netlink/address.js';
import { hostNameTables, type NameTable } from './iproute2-names.js';

export type ByteOrder = 'big' | 'host';

/** Numbers of nft's datatypes (TYPE_*), used in set key types and concatenations. */
export const TYPE_IDS: Record<number, string> = {
  1: 'verdict', 2: 'nf_proto', 3: 'bitmask', 4: 'integer', 5: 'string', 6: 'll_addr', 7: 'ipv4_addr', 8: 'ipv6_addr',
  9: 'ether_addr', 10: 'ether_type', 11: 'arp_op', 12: 'inet_proto', 13: 'inet_service', 14: 'icmp_type', 15: 'tcp_flag',
  16: 'dccp_pkttype', 17: 'mh_type', 18: 'time', 19: 'mark', 20: 'iface_index', 21: 'iface_type', 22: 'realm',
  23: 'classid', 24: 'uid', 25: 'gid', 26: 'ct_state', 27: 'ct_dir', 28: 'ct_status', 29: 'icmpv6_type', 30: 'ct_label',
  31: 'pkt_type', 32: 'icmp_code', 33: 'icmpv6_code', 34: 'icmpx_code', 35: 'devgroup', 36: 'dscp', 37: 'ecn', 38: 'fib_addrtype',
  39: 'boolean', 40: 'ct_event', 41: 'ifname', 42: 'igmp_type', 43: 'date', 44: 'hour', 45: 'day', 46: 'cgroupsv2',
};
export const TYPE_BITS = 6;

/** Byte sizes of the fixed-size types (for splitting a concatenated key). */
export const TYPE_SIZE: Record<string, number> = {
  verdict: 4, nf_proto: 1, integer: 4, ipv4_addr: 4, ipv6_addr: 16, ether_addr: 6, ether_type: 2, arp_op: 2, inet_proto: 1,
  inet_service: 2, icmp_type: 1, tcp_flag: 1, mark: 4, iface_index: 4, iface_type: 2, realm: 4, classid: 4, uid: 4, gid: 4,
  ct_state: 4, ct_dir: 1, ct_status: 4, icmpv6_type: 1, pkt_type: 1, icmp_code: 1, icmpv6_code: 1, icmpx_code: 1,
  devgroup: 4, dscp: 1, ecn: 1, igmp_type: 1, mh_type: 1, dccp_pkttype: 1, fib_addrtype: 4, boolean: 1, ct_label: 16, ifname: 16, time: 8, date: 8, day: 1, hour: 4,
};

/** Types stored in host byte order by nft (everything else is network order). */
export const HOST_ORDER = new Set(['integer', 'mark', 'iface_index', 'realm', 'classid', 'uid', 'gid', 'ct_state', 'ct_status', 'ct_dir', 'devgroup', 'fib_addrtype', 'boolean', 'time', 'date', 'hour', 'day', 'pkt_type', 'nf_proto', 'iface_type', 'cgroupsv2']);

const sym = (pairs: [number, string][]): Map<number, string> => new Map(pairs);

export const SYMBOLS: Record<string, Map<number, string>> = {
  // 0 is `ip` before `hopopt` in /etc/protocols, which nft's getprotobynumber reads.
  inet_proto: sym([[0, 'ip'], [1, 'icmp'], [2, 'igmp'], [4, 'ipv4'], [6, 'tcp'], [8, 'egp'], [12, 'pup'], [17, 'udp'], [20, 'hmp'], [22, 'xns-idp'], [27, 'rdp'], [29, 'iso-tp4'], [33, 'dccp'], [36, 'xtp'], [37, 'ddp'], [38, 'idpr-cmtp'], [41, 'ipv6'], [43, 'ipv6-route'], [44, 'ipv6-frag'], [45, 'idrp'], [46, 'rsvp'], [47, 'gre'], [50, 'esp'], [51, 'ah'], [57, 'skip'], [58, 'ipv6-icmp'], [59, 'ipv6-nonxt'], [60, 'ipv6-opts'], [73, 'rspf'], [81, 'vmtp'], [88, 'eigrp'], [89, 'ospf'], [93, 'ax.25'], [94, 'ipip'], [97, 'etherip'], [98, 'encap'], [103, 'pim'], [108, 'ipcomp'], [112, 'vrrp'], [115, 'l2tp'], [124, 'isis'], [132, 'sctp'], [133, 'fc'], [135, 'mobility-header'], [136, 'udplite'], [137, 'mpls-in-ip'], [139, 'hip'], [140, 'shim6'], [141, 'wesp'], [142, 'rohc'], [143, 'ethernet'], [262, 'mptcp']]),
  icmp_type: sym([[0, 'echo-reply'], [3, 'destination-unreachable'], [4, 'source-quench'], [5, 'redirect'], [8, 'echo-request'], [9, 'router-advertisement'], [10, 'router-solicitation'], [11, 'time-exceeded'], [12, 'parameter-problem'], [13, 'timestamp-request'], [14, 'timestamp-reply'], [15, 'info-request'], [16, 'info-reply'], [17, 'address-mask-request'], [18, 'address-mask-reply']]),
  icmpv6_type: sym([[1, 'destination-unreachable'], [2, 'packet-too-big'], [3, 'time-exceeded'], [4, 'parameter-problem'], [128, 'echo-request'], [129, 'echo-reply'], [130, 'mld-listener-query'], [131, 'mld-listener-report'], [132, 'mld-listener-done'], [133, 'nd-router-solicit'], [134, 'nd-router-advert'], [135, 'nd-neighbor-solicit'], [136, 'nd-neighbor-advert'], [137, 'nd-redirect'], [138, 'router-renumbering'], [141, 'ind-neighbor-solicit'], [142, 'ind-neighbor-advert'], [143, 'mld2-listener-report']]),
  icmp_code: sym([[0, 'net-unreachable'], [1, 'host-unreachable'], [2, 'prot-unreachable'], [3, 'port-unreachable'], [4, 'frag-needed'], [9, 'net-prohibited'], [10, 'host-prohibited'], [13, 'admin-prohibited']]),
  icmpv6_code: sym([[0, 'no-route'], [1, 'admin-prohibited'], [3, 'addr-unreachable'], [4, 'port-unreachable'], [5, 'policy-fail'], [6, 'reject-route']]),
  icmpx_code: sym([[0, 'no-route'], [1, 'port-unreachable'], [2, 'host-unreachable'], [3, 'admin-prohibited']]),
  ether_type: sym([[0x0800, 'ip'], [0x0806, 'arp'], [0x86dd, 'ip6'], [0x8100, '8021q'], [0x88a8, '8021ad'], [0x8035, 'rarp'], [0x8847, 'mpls']]),
  arp_op: sym([[1, 'request'], [2, 'reply'], [3, 'rrequest'], [4, 'rreply'], [8, 'inrequest'], [9, 'inreply'], [10, 'nak']]),
  pkt_type: sym([[0, 'host'], [1, 'broadcast'], [2, 'multicast'], [3, 'other']]),
  nf_proto: sym([[2, 'ipv4'], [10, 'ipv6']]),
  ct_dir: sym([[0, 'original'], [1, 'reply']]),
  iface_type: sym([[1, 'ether'], [512, 'ppp'], [768, 'ipip'], [769, 'ipip6'], [772, 'loopback'], [776, 'sit'], [778, 'ipgre'], [65534, 'none']]),
  fib_addrtype: sym([[0, 'unspec'], [1, 'unicast'], [2, 'local'], [3, 'broadcast'], [4, 'anycast'], [5, 'multicast'], [6, 'blackhole'], [7, 'unreachable'], [8, 'prohibit'], [9, 'throw'], [10, 'nat'], [11, 'xresolve']]),
  dscp: sym([[0x00, 'cs0'], [0x08, 'cs1'], [0x10, 'cs2'], [0x18, 'cs3'], [0x20, 'cs4'], [0x28, 'cs5'], [0x30, 'cs6'], [0x38, 'cs7'], [0x01, 'lephb'], [0x0a, 'af11'], [0x0c, 'af12'], [0x0e, 'af13'], [0x12, 'af21'], [0x14, 'af22'], [0x16, 'af23'], [0x1a, 'af31'], [0x1c, 'af32'], [0x1e, 'af33'], [0x22, 'af41'], [0x24, 'af42'], [0x26, 'af43'], [0x2e, 'ef'], [0x2c, 'va']]),
  // nftables' igmp.c (IGMP_MEMBERSHIP_QUERY ... IGMP_HOST_LEAVE_MESSAGE).
  igmp_type: sym([[0x11, 'membership-query'], [0x12, 'membership-report-v1'], [0x16, 'membership-report-v2'], [0x22, 'membership-report-v3'], [0x17, 'leave-group']]),
  // nftables' exthdr.c mh types.
  mh_type: sym([[0, 'binding-refresh-request'], [1, 'home-test-init'], [2, 'careof-test-init'], [3, 'home-test'], [4, 'careof-test'], [5, 'binding-update'], [6, 'binding-acknowledgement'], [7, 'binding-error'], [8, 'fast-binding-update'], [9, 'fast-binding-acknowledgement'], [10, 'fast-binding-advertisement'], [11, 'experimental-mobility-header'], [12, 'home-agent-switch-message']]),
  // nftables' proto.c dccp_pkttype_tbl.
  dccp_pkttype: sym([[0, 'request'], [1, 'response'], [2, 'data'], [3, 'ack'], [4, 'dataack'], [5, 'closereq'], [6, 'close'], [7, 'reset'], [8, 'sync'], [9, 'syncack']]),
  ecn: sym([[0, 'not-ect'], [1, 'ect1'], [2, 'ect0'], [3, 'ce']]),
  boolean: sym([[0, 'missing'], [1, 'exists']]),
  day: sym([[0, 'Sunday'], [1, 'Monday'], [2, 'Tuesday'], [3, 'Wednesday'], [4, 'Thursday'], [5, 'Friday'], [6, 'Saturday']]),
};

/** Bit flags types: printed as comma-joined names in nft's order. */
export const FLAGS: Record<string, [number, string][]> = {
  ct_state: [[1, 'invalid'], [2, 'established'], [4, 'related'], [8, 'new'], [64, 'untracked']],
  ct_status: [[1, 'expected'], [2, 'seen-reply'], [4, 'assured'], [8, 'confirmed'], [16, 'snat'], [32, 'dnat'], [512, 'dying']],
  tcp_flag: [[0x01, 'fin'], [0x02, 'syn'], [0x04, 'rst'], [0x08, 'psh'], [0x10, 'ack'], [0x20, 'urg'], [0x40, 'ecn'], [0x80, 'cwr']],
  ct_event: [[1, 'new'], [2, 'related'], [4, 'destroy'], [8, 'reply'], [16, 'assured'], [32, 'protoinfo'], [64, 'helper'], [128, 'mark'], [256, 'seqadj'], [512, 'secmark'], [1024, 'label']],
};

/** An unsigned integer from bytes in the given order (up to 8 bytes, as bigint). */
export function toBig(b: Uint8Array, order: ByteOrder): bigint {
  let v = 0n;
  if (order === 'big') for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  else for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

export const toNum = (b: Uint8Array, order: ByteOrder): number => Number(toBig(b, order));

export function hex0(v: bigint, bytes: number): string {
  return `0x${v.toString(16).padStart(bytes * 2, '0')}`;
}

/** nft's time format: 1d2h3m4s5ms. */
export function timeText(ms: bigint | number): string {
  let v = BigInt(ms);
  if (v === 0n) return '0s';
  let s = '';
  const parts: [bigint, string][] = [[86400000n, 'd'], [3600000n, 'h'], [60000n, 'm'], [1000n, 's'], [1n, 'ms']];
  for (const [n, u] of parts) {
    if (v >= n) { s += `${v / n}${u}`; v %= n; }
  }
  return s;
}

/**
 * An IPv6 address as glibc's inet_ntop writes it (nft uses it): like RFC 5952, except that
 * IPv4-compatible (::a.b.c.d, not :: or ::1) and IPv4-mapped (::ffff:a.b.c.d) addresses end
 * in dotted quad.
 */
function ipv6Text(b: Uint8Array): string {
  const zero10 = b.subarray(0, 10).every((x) => x === 0);
  const mapped = zero10 && b[10] === 0xff && b[11] === 0xff;
  const compat = zero10 && b[10] === 0 && b[11] === 0 && (b[12]! | b[13]!) !== 0;
  if (mapped || compat) return `::${mapped ? 'ffff:' : ''}${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  return formatIPv6(b);
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * `meta time`: nanoseconds since the epoch, printed in local time as nft's date_type_print
 * does (localtime's offset added, then "%Y-%m-%d %T").
 */
export function dateText(ns: bigint): string {
  const d = new Date(Number(ns / 1000000000n) * 1000);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `meta hour`: seconds since midnight UTC, printed in local time as "HH:MM[:SS]" (hour_type_print). */
export function hourText(seconds: number): string {
  const off = -new Date().getTimezoneOffset() * 60;
  let s = (((seconds + off) % 86400) + 86400) % 86400;
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  s %= 60;
  return `${two(h)}:${two(m)}${s ? `:${two(s)}` : ''}`;
}

function stringOf(b: Uint8Array): { s: string; terminated: boolean } {
  const nul = b.indexOf(0);
  return { s: new TextDecoder().decode(nul >= 0 ? b.subarray(0, nul) : b), terminated: nul >= 0 };
}

export interface ValueContext {
  /** Interface name by index (meta iif, fwd to ...), when the caller can resolve it. */
  ifName?: (index: number) => string | undefined;
  /** nft -n style numbers (not used by `list ruleset` defaults). */
  numeric?: boolean;
  /**
   * Device group and realm names (nft's /etc/iproute2/group and rt_realms). Default: the
   * host's files, as nft reads them; give empty maps for numbers only.
   */
  names?: { devgroup?: NameTable; realm?: NameTable };
}

function flagsText(table: [number, string][], v: number, bits: number): string {
  const out: string[] = [];
  let rest = v;
  for (const [bit, name] of table) if (v & bit) { out.push(name); rest &= ~bit; }
  if (rest || !out.length) out.push(hex0(BigInt(rest >>> 0), Math.max(1, bits / 8)));
  return out.join(',');
}

/** One value of `type` (a name from TYPE_IDS) as nft prints it. `bits` is the field width. */
export function valueText(type: string, b: Uint8Array, ctx: ValueContext = {}, bits = b.length * 8, byteOrder?: ByteOrder): string {
  const order: ByteOrder = byteOrder ?? (HOST_ORDER.has(type) ? 'host' : 'big');
  switch (type) {
    case 'ipv4_addr': return formatIPv4(pad(b, 4));
    case 'ipv6_addr': return ipv6Text(pad(b, 16));
    case 'ether_addr': case 'll_addr': return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
    case 'ifname': case 'string': {
      const { s, terminated } = stringOf(b);
      // A literal trailing '*' is escaped, an unterminated name is a prefix (eth*).
      if (terminated || b.length >= 16) return `"${s.endsWith('*') ? `${s.slice(0, -1)}\\*` : s}"`;
      return `"${s}*"`;
    }
    case 'mark': return hex0(toBig(b, order), 4);
    case 'ct_label': {
      // A label is a bit number (ct.c prints the lowest bit set; names would come from connlabel.conf).
      const v = toBig(b, order);
      if (v === 0n) return hex0(v, b.length);
      let bit = 0;
      while (!((v >> BigInt(bit)) & 1n)) bit++;
      return String(bit);
    }
    case 'time': return timeText(toBig(b, byteOrder ?? 'host'));
    case 'date': return `"${dateText(toBig(b, byteOrder ?? 'host'))}"`;
    case 'hour': return `"${hourText(toNum(b, byteOrder ?? 'host'))}"`;
    case 'day': { const d = SYMBOLS.day!.get(toNum(b, byteOrder ?? 'host')); if (d) return `"${d}"`; break; }
    case 'seconds': return `${toBig(b, byteOrder ?? 'host') / 1000n}s`;
    // bitmask (a set keyed by comp flags) is integer-based but printed in hex, as hex is.
    case 'hex': case 'bitmask': return `0x${toBig(b, order).toString(16)}`;
    case 'iface_index': {
      const i = toNum(b, order);
      const n = ctx.ifName?.(i);
      return n !== undefined ? `"${n}"` : String(i);
    }
    case 'classid': {
      const v = toNum(b, order);
      if (v === 0xffffffff) return 'root';
      if (v === 0) return 'none';
      return `${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}`;
    }
    case 'devgroup': case 'realm': {
      const v = toNum(b, order);
      const n = (ctx.names?.[type] ?? hostNameTables[type]).get(v);
      return n !== undefined ? `"${n}"` : String(v);
    }
    case 'verdict': return String(toNum(b, 'host'));
    case 'raw': return `0x${toBig(b, 'big').toString(16)}`;
  }
  const flags = FLAGS[type];
  // ct event's empty set prints unpadded (`ct event set 0x0`), unlike other bitmasks' zero.
  if (type === 'ct_event' && toNum(b, order) === 0) return '0x0';
  if (flags) return flagsText(flags, toNum(b, order), bits);
  const v = toNum(b, order);
  const s = SYMBOLS[type]?.get(v);
  if (s !== undefined) return s;
  // dscp's base is a hex integer (0x04) where no name fits.
  if (type === 'dscp') return hex0(BigInt(v), 1);
  return String(type === 'integer' || type === 'inet_service' || type === 'uid' || type === 'gid' || b.length > 6 ? toBig(b, order) : v);
}

function pad(b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return b.subarray(0, n);
  const p = new Uint8Array(n);
  p.set(b);
  return p;
}

/**
 * The type a range's ends print as: nft prints ranges numerically (range_expr_print sets
 * NFT_CTX_OUTPUT_NUMERIC_ALL), so symbolic constants become numbers (`meta l4proto 33-55`)
 * and times whole seconds (`ct expiration 60s-3600s`).
 */
export function rangeType(type: string | undefined): string | undefined {
  if (type === 'time') return 'seconds';
  return type !== undefined && SYMBOLS[type] ? 'integer' : type;
}

/** A type's name in a set declaration: nft names TYPE_TIME_DATE "time" too. */
export const typeName = (t: string): string => (t === 'date' ? 'time' : t);

/** Names of a set key type: "ipv4_addr", "ipv4_addr . inet_service" (concatenations are 6-bit ids). */
export function keyTypeNames(id: number, keyLen?: number): string[] {
  if (TYPE_IDS[id] && (keyLen === undefined || id < 64)) return [TYPE_IDS[id]!];
  const out: string[] = [];
  let v = id;
  while (v > 0) {
    out.unshift(TYPE_IDS[v & ((1 << TYPE_BITS) - 1)] ?? 'integer');
    v = Math.floor(v / (1 << TYPE_BITS));
  }
  return out.length ? out : ['integer'];
}
