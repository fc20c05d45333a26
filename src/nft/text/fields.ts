// Where nft's named fields live: protocol header fields by (base, bit offset, bit length), meta
// and ct keys by number, each with nft's name and data type. Facts from nftables' proto.c,
// meta.c and ct.c (1.0.6) and the kernel's nf_tables.h key numbers.
import type { ByteOrder } from './types.js';

export interface FieldDef { name: string; type: string; bits: number; offset: number }
export interface ProtoDef { name: string; base: 'll' | 'network' | 'transport'; fields: FieldDef[] }

const f = (name: string, offset: number, bits: number, type = 'integer'): FieldDef => ({ name, offset, bits, type });

export const PROTOS: Record<string, ProtoDef> = {
  ether: { name: 'ether', base: 'll', fields: [f('daddr', 0, 48, 'ether_addr'), f('saddr', 48, 48, 'ether_addr'), f('type', 96, 16, 'ether_type')] },
  vlan: { name: 'vlan', base: 'll', fields: [f('pcp', 112, 3), f('dei', 115, 1), f('id', 116, 12), f('type', 128, 16, 'ether_type')] },
  arp: {
    name: 'arp', base: 'network', fields: [f('htype', 0, 16), f('ptype', 16, 16, 'ether_type'), f('hlen', 32, 8), f('plen', 40, 8), f('operation', 48, 16, 'arp_op'),
      f('saddr ether', 64, 48, 'ether_addr'), f('saddr ip', 112, 32, 'ipv4_addr'), f('daddr ether', 144, 48, 'ether_addr'), f('daddr ip', 192, 32, 'ipv4_addr')],
  },
  ip: {
    name: 'ip', base: 'network', fields: [f('version', 0, 4), f('hdrlength', 4, 4), f('dscp', 8, 6, 'dscp'), f('ecn', 14, 2, 'ecn'), f('length', 16, 16),
      f('id', 32, 16), f('frag-off', 48, 16), f('ttl', 64, 8), f('protocol', 72, 8, 'inet_proto'), f('checksum', 80, 16),
      f('saddr', 96, 32, 'ipv4_addr'), f('daddr', 128, 32, 'ipv4_addr')],
  },
  ip6: {
    name: 'ip6', base: 'network', fields: [f('version', 0, 4), f('dscp', 4, 6, 'dscp'), f('ecn', 10, 2, 'ecn'), f('flowlabel', 12, 20), f('length', 32, 16),
      f('nexthdr', 48, 8, 'inet_proto'), f('hoplimit', 56, 8), f('saddr', 64, 128, 'ipv6_addr'), f('daddr', 192, 128, 'ipv6_addr')],
  },
  icmp: {
    name: 'icmp', base: 'transport', fields: [f('type', 0, 8, 'icmp_type'), f('code', 8, 8, 'icmp_code'), f('checksum', 16, 16), f('id', 32, 16), f('sequence', 48, 16),
      f('gateway', 32, 32), f('mtu', 48, 16)],
  },
  icmpv6: {
    name: 'icmpv6', base: 'transport', fields: [f('type', 0, 8, 'icmpv6_type'), f('code', 8, 8, 'icmpv6_code'), f('checksum', 16, 16), f('id', 32, 16),
      f('sequence', 48, 16), f('mtu', 32, 32), f('max-delay', 32, 16)],
  },
  igmp: { name: 'igmp', base: 'transport', fields: [f('type', 0, 8, 'igmp_type'), f('mrt', 8, 8), f('checksum', 16, 16), f('group', 32, 32)] },
  tcp: {
    name: 'tcp', base: 'transport', fields: [f('sport', 0, 16, 'inet_service'), f('dport', 16, 16, 'inet_service'), f('sequence', 32, 32), f('ackseq', 64, 32),
      f('doff', 96, 4), f('reserved', 100, 4), f('flags', 104, 8, 'tcp_flag'), f('window', 112, 16), f('checksum', 128, 16), f('urgptr', 144, 16)],
  },
  udp: { name: 'udp', base: 'transport', fields: [f('sport', 0, 16, 'inet_service'), f('dport', 16, 16, 'inet_service'), f('length', 32, 16), f('checksum', 48, 16)] },
  udplite: { name: 'udplite', base: 'transport', fields: [f('sport', 0, 16, 'inet_service'), f('dport', 16, 16, 'inet_service'), f('csumcov', 32, 16), f('checksum', 48, 16)] },
  sctp: { name: 'sctp', base: 'transport', fields: [f('sport', 0, 16, 'inet_service'), f('dport', 16, 16, 'inet_service'), f('vtag', 32, 32), f('checksum', 64, 32)] },
  dccp: { name: 'dccp', base: 'transport', fields: [f('sport', 0, 16, 'inet_service'), f('dport', 16, 16, 'inet_service'), f('type', 64 + 3, 4, 'dccp_pkttype')] },
  comp: { name: 'comp', base: 'transport', fields: [f('nexthdr', 0, 8, 'inet_proto'), f('flags', 8, 8, 'hex'), f('cpi', 16, 16)] },
  esp: { name: 'esp', base: 'transport', fields: [f('spi', 0, 32), f('sequence', 32, 32)] },
  ah: { name: 'ah', base: 'transport', fields: [f('nexthdr', 0, 8, 'inet_proto'), f('hdrlength', 8, 8), f('reserved', 16, 16), f('spi', 32, 32), f('sequence', 64, 32)] },
  th: { name: 'th', base: 'transport', fields: [f('sport', 0, 16, 'inet_service'), f('dport', 16, 16, 'inet_service')] },
};

/** Transport protocol by IP protocol number. */
export const L4_BY_NUMBER: Record<number, string> = { 1: 'icmp', 2: 'igmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 50: 'esp', 51: 'ah', 108: 'comp', 58: 'icmpv6', 132: 'sctp', 136: 'udplite' };
/** Network protocol by ether type / nfproto. */
export const L3_BY_ETHERTYPE: Record<number, string> = { 0x0800: 'ip', 0x86dd: 'ip6', 0x0806: 'arp', 0x8100: 'vlan' };
export const L3_BY_NFPROTO: Record<number, string> = { 2: 'ip', 10: 'ip6' };

export interface KeyDef { name: string; type: string; bytes: number; order: ByteOrder; /** printed without "meta " */ bare?: boolean }
const k = (name: string, type: string, bytes: number, order: ByteOrder = 'host', bare = false): KeyDef => ({ name, type, bytes, order, bare });

/** NFT_META_* keys. */
export const META_KEYS: Record<number, KeyDef> = {
  0: k('length', 'integer', 4), 1: k('protocol', 'ether_type', 2, 'big'), 2: k('priority', 'classid', 4), 3: k('mark', 'mark', 4),
  4: k('iif', 'iface_index', 4, 'host', true), 5: k('oif', 'iface_index', 4, 'host', true), 6: k('iifname', 'ifname', 16, 'host', true),
  7: k('oifname', 'ifname', 16, 'host', true), 8: k('iiftype', 'iface_type', 2), 9: k('oiftype', 'iface_type', 2), 10: k('skuid', 'uid', 4),
  11: k('skgid', 'gid', 4), 12: k('nftrace', 'integer', 1), 13: k('rtclassid', 'realm', 4), 14: k('secmark', 'integer', 4),
  15: k('nfproto', 'nf_proto', 1), 16: k('l4proto', 'inet_proto', 1), 17: k('ibrname', 'ifname', 16), 18: k('obrname', 'ifname', 16),
  19: k('pkttype', 'pkt_type', 1), 20: k('cpu', 'integer', 4), 21: k('iifgroup', 'devgroup', 4, 'host', true), 22: k('oifgroup', 'devgroup', 4, 'host', true),
  23: k('cgroup', 'integer', 4), 24: k('random', 'integer', 4, 'big'), 25: k('ipsec', 'boolean', 1), 26: k('iifkind', 'ifname', 16),
  27: k('oifkind', 'ifname', 16), 28: k('ibrpvid', 'integer', 2), 29: k('ibrvproto', 'ether_type', 2, 'big'), 30: k('time', 'date', 8),
  31: k('day', 'day', 1), 32: k('hour', 'hour', 4), 33: k('sdif', 'iface_index', 4), 34: k('sdifname', 'ifname', 16), 35: k('broute', 'boolean', 1),
};

/** NFT_CT_* keys. */
export const CT_KEYS: Record<number, KeyDef> = {
  0: k('state', 'ct_state', 4), 1: k('direction', 'ct_dir', 1), 2: k('status', 'ct_status', 4), 3: k('mark', 'mark', 4), 4: k('secmark', 'integer', 4),
  5: k('expiration', 'time', 4), 6: k('helper', 'string', 16), 7: k('l3proto', 'nf_proto', 1), 8: k('saddr', 'ipv4_addr', 4, 'big'),
  9: k('daddr', 'ipv4_addr', 4, 'big'), 10: k('protocol', 'inet_proto', 1), 11: k('proto-src', 'inet_service', 2, 'big'),
  12: k('proto-dst', 'inet_service', 2, 'big'), 13: k('label', 'ct_label', 16), 14: k('packets', 'integer', 8), 15: k('bytes', 'integer', 8), // NFT_CT_PKTS, NFT_CT_BYTES
  16: k('avgpkt', 'integer', 8), 17: k('zone', 'integer', 2), 18: k('event', 'ct_event', 4), 19: k('ip saddr', 'ipv4_addr', 4, 'big'),
  20: k('ip daddr', 'ipv4_addr', 4, 'big'), 21: k('ip6 saddr', 'ipv6_addr', 16, 'big'), 22: k('ip6 daddr', 'ipv6_addr', 16, 'big'), 23: k('id', 'integer', 4, 'big'),
};

/** NFT_RT_* keys. */
export const RT_KEYS: Record<number, KeyDef> = {
  0: k('classid', 'realm', 4), 1: k('ip nexthop', 'ipv4_addr', 4, 'big'), 2: k('ip6 nexthop', 'ipv6_addr', 16, 'big'), 3: k('mtu', 'integer', 2), 4: k('ipsec', 'boolean', 1),
};

/** NFT_SOCKET_* keys. */
export const SOCKET_KEYS: Record<number, KeyDef> = {
  0: k('transparent', 'integer', 1), 1: k('mark', 'mark', 4), 2: k('wildcard', 'integer', 1), 3: k('cgroupv2', 'cgroupsv2', 8),
};

/** TCP options (exthdr op tcpopt): kind -> name and its fields (offset, length in bytes). */
export const TCP_OPTIONS: Record<number, { name: string; fields: Record<string, [number, number, string?]> }> = {
  0: { name: 'eol', fields: { kind: [0, 1] } },
  1: { name: 'nop', fields: { kind: [0, 1] } },
  2: { name: 'maxseg', fields: { kind: [0, 1], length: [1, 1], size: [2, 2] } },
  3: { name: 'window', fields: { kind: [0, 1], length: [1, 1], count: [2, 1] } },
  4: { name: 'sack-perm', fields: { kind: [0, 1], length: [1, 1] } },
  5: { name: 'sack', fields: { kind: [0, 1], length: [1, 1], left: [2, 4], right: [6, 4] } },
  8: { name: 'timestamp', fields: { kind: [0, 1], length: [1, 1], tsval: [2, 4], tsecr: [6, 4] } },
  19: { name: 'md5sig', fields: { kind: [0, 1], length: [1, 1] } },
  30: { name: 'mptcp', fields: { kind: [0, 1], length: [1, 1] } },
  34: { name: 'fastopen', fields: { kind: [0, 1], length: [1, 1] } },
};

/** IPv6 extension headers (exthdr op ipv6): type -> name and fields (byte offset, length). */
export const IP6_EXTHDRS: Record<number, { name: string; fields: Record<string, [number, number, string?]> }> = {
  0: { name: 'hbh', fields: { nexthdr: [0, 1, 'inet_proto'], hdrlength: [1, 1] } },
  43: { name: 'rt', fields: { nexthdr: [0, 1, 'inet_proto'], hdrlength: [1, 1], type: [2, 1], 'seg-left': [3, 1] } },
  44: { name: 'frag', fields: { nexthdr: [0, 1, 'inet_proto'], reserved: [1, 1], id: [4, 4] } },
  60: { name: 'dst', fields: { nexthdr: [0, 1, 'inet_proto'], hdrlength: [1, 1] } },
  135: { name: 'mh', fields: { nexthdr: [0, 1, 'inet_proto'], hdrlength: [1, 1], type: [2, 1, 'mh_type'], reserved: [3, 1], checksum: [4, 2] } },
};

/**
 * The segment routing header (routing type 4) shares routing's extension header number;
 * nft names its fields where plain routing has none (exthdr.c exthdr_srh).
 */
export function srhField(offset: number, len: number): [string, string] | undefined {
  if (offset === 4 && len === 1) return ['last-entry', 'integer'];
  if (offset === 5 && len === 1) return ['flags', 'integer'];
  if (offset === 6 && len === 2) return ['tag', 'integer'];
  if (offset >= 8 && len === 16 && (offset - 8) % 16 === 0) return [`sid[${(offset - 8) / 16 + 1}]`, 'ipv6_addr'];
  return undefined;
}

/** The field at a (bit) position of a protocol header, if nft has a name for it. */
export function fieldAt(proto: string, bitOffset: number, bits: number, icmpType?: number): FieldDef | undefined {
  const p = PROTOS[proto];
  const dep = ICMP_FIELD_TYPE[proto];
  return p?.fields.find((x) => x.offset === bitOffset && x.bits === bits && (!dep?.[x.name] || dep[x.name]!(icmpType)));
}

/**
 * icmp/icmpv6 fields that share their offset, each valid after the message types it belongs
 * to (nftables' payload.c icmp_dep_type_match): the echo fields whenever the type is not known
 * otherwise, mtu, gateway and max-delay only after the one type their dependency names.
 */
const echo = (...types: number[]) => (t: number | undefined): boolean => t === undefined || types.includes(t);
const only = (type: number) => (t: number | undefined): boolean => t === type;
export const ICMP_FIELD_TYPE: Record<string, Record<string, (t: number | undefined) => boolean>> = {
  icmp: { id: echo(0, 8), sequence: echo(0, 8), gateway: only(5), mtu: only(3) },
  icmpv6: { id: echo(128, 129), sequence: echo(128, 129), mtu: only(2), 'max-delay': only(130) },
};

/**
 * Fields of SCTP chunks by byte offset and length (nftables' sctp_chunk.c): type, flags and
 * length in every chunk, then each chunk type's own.
 */
export function sctpChunkField(chunk: string, offset: number, len: number): string | undefined {
  const common: Record<string, [number, number]> = { type: [0, 1], flags: [1, 1], length: [2, 2] };
  const init = { 'init-tag': [4, 4], 'a-rwnd': [8, 4], 'num-outbound-streams': [12, 2], 'num-inbound-streams': [14, 2], 'initial-tsn': [16, 4] };
  const own: Record<string, Record<string, number[]>> = {
    data: { tsn: [4, 4], stream: [8, 2], ssn: [10, 2], ppid: [12, 4] },
    init, 'init-ack': init,
    sack: { 'cum-tsn-ack': [4, 4], 'a-rwnd': [8, 4], 'num-gap-ack-blocks': [12, 2], 'num-dup-tsns': [14, 2] },
    shutdown: { 'cum-tsn-ack': [4, 4] }, ecne: { 'lowest-tsn': [4, 4] }, cwr: { 'lowest-tsn': [4, 4] },
    asconf: { seqno: [4, 4] }, 'asconf-ack': { seqno: [4, 4] }, 'forward-tsn': { 'new-cum-tsn': [4, 4] },
    'i-data': { tsn: [4, 4], stream: [8, 2], reserved: [10, 2], mid: [12, 4], 'ppid-fsn': [16, 4] },
  };
  const all = { ...common, ...own[chunk] };
  return Object.entries(all).find(([, [o, l]]) => o === offset && l === len)?.[0];
}

/** SCTP chunk types (exthdr op sctp). */
export const SCTP_CHUNKS: Record<number, string> = {
  0: 'data', 1: 'init', 2: 'init-ack', 3: 'sack', 4: 'heartbeat', 5: 'heartbeat-ack', 6: 'abort', 7: 'shutdown', 8: 'shutdown-ack',
  9: 'error', 10: 'cookie-echo', 11: 'cookie-ack', 12: 'ecne', 13: 'cwr', 14: 'shutdown-complete', 64: 'i-data', 128: 'asconf-ack',
  130: 're-config', 132: 'pad', 192: 'forward-tsn', 193: 'asconf', 194: 'i-forward-tsn',
};

/** NFT_XFRM_KEY_* (nf_tables.h) as xfrm.c prints and types them. */
export const XFRM_KEYS: Record<number, { key: string; family?: string; type: string; bytes: number; order: 'big' | 'host' }> = {
  1: { key: 'daddr', family: 'ip', type: 'ipv4_addr', bytes: 4, order: 'big' },
  2: { key: 'daddr', family: 'ip6', type: 'ipv6_addr', bytes: 16, order: 'big' },
  3: { key: 'saddr', family: 'ip', type: 'ipv4_addr', bytes: 4, order: 'big' },
  4: { key: 'saddr', family: 'ip6', type: 'ipv6_addr', bytes: 16, order: 'big' },
  5: { key: 'reqid', type: 'integer', bytes: 4, order: 'host' },
  6: { key: 'spi', type: 'integer', bytes: 4, order: 'big' },
};

/** frag header bitfields by the load (byte offset, length) and mask run (exthdr.c exthdr_frag). */
export const FRAG_BITS = [
  { name: 'frag-off', offset: 2, len: 2, off: 0, bits: 13 },
  { name: 'reserved2', offset: 3, len: 1, off: 5, bits: 2 },
  { name: 'more-fragments', offset: 3, len: 1, off: 7, bits: 1 },
];

/** tcp option bitfields by option name: the byte load (offset, length) and mask run. */
export const TCPOPT_BITS: Record<string, typeof FRAG_BITS> = {
  mptcp: [{ name: 'subtype', offset: 2, len: 1, off: 0, bits: 4 }],
};
