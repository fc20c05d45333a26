// THE table of fuzz targets: one row per message family, mapping its name (also the name of
// its folders under fuzz/corpus and fuzz/regressions) to the library's own decoder, encoder
// and a generator of valid values. run.ts, kernel.ts and the ava tests take every target
// from here and from nowhere else, so no family can be wired to another's decoder.
//
// A row:
//   decode(bytes)      bytes in, typed value out; may throw NetlinkDecodeError and nothing else
//   canonical?(value)  the decoded value in the encoder's terms: what the encoder can carry
//                      (kernel-only fields such as handles and counters dropped; for rtnetlink,
//                      ip's text turned back into the resolved request); identity when absent
//   encode?(form)      the library's encoder, fed a canonical form
//   arbitrary?(fc)     valid canonical forms; canonical(decode(encode(f))) must give f back
//   protocol, headerSize  how the mutator takes the bytes apart (rtnetlink/nfnetlink header)
import type fcType from 'fast-check';
import {
  MessageWriter, NetlinkBuffer, walkMessages, walkNested, walkAttributes, decodeError, decodeDone,
  attributePathAt, NLMSG_ERROR, NLMSG_DONE, NLM_F_CAPPED, NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST, NLMSGERR_ATTR_COOKIE, NLMSGERR_ATTR_POLICY, NLA_F_NESTED,
  MAX_NESTING_DEPTH, type ExtAck, type MessageHeader, type MessageRef,
} from '../src/netlink/index.js';
import {
  decodeTable, encodeTable, decodeChain, encodeChain, decodeRule, encodeRule, decodeSet, encodeSet, familyNumber,
  NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWTABLE, NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET,
  type Table, type Chain, type Rule, type NftSet, type Family,
} from '../src/nft/index.js';
import { tableArb, chainArb, ruleArb, setArb } from './lib/arbitraries-nft.js';
import { decodeLink, decodeAddress, decodeRoute, decodeNeighbour, type Address, type Neighbour, type Link, type Route } from '../src/rtnl/index.js';
import {
  addressFromDecoded, encodeAddressRequest, addressRequestArb, neighbourFromDecoded, encodeNeighbourRequest,
  neighbourRequestArb, linkFromDecoded, encodeLinkRequest, linkRequestArb, type AddressRequest, type NeighbourRequest,
  type LinkRequest, routeFromDecoded, encodeRouteRequest, routeRequestArb, type RouteRequest,
} from './lib/rtnl-adapters.js';

import { SPEC_TARGETS } from './spec-targets.js';

type FC = typeof fcType;
type Arb<T> = fcType.Arbitrary<T>;

export interface Target<V = any, E = V> {
  description: string;
  decode(bytes: Uint8Array): V;
  encode?(form: E): Uint8Array;
  arbitrary?(fc: FC): Arb<E>;
  canonical?(value: V): E;
  protocol: 'route' | 'netfilter' | 'any';
  /** Family header between nlmsghdr and attributes; undefined: by message type. -16: the input is a bare attribute stream. */
  headerSize?: number;
}

// ---------------------------------------------------------------------------------------------
// helpers shared by rows

/** Run `fn` on every message of a datagram except netlink control messages (types below 16). */
export function eachMessage<T>(bytes: Uint8Array, fn: (m: MessageRef) => T, keepControl = false): T[] {
  const out: T[] = [];
  walkMessages(new NetlinkBuffer(bytes), (m) => {
    if (m.type >= 16 || keepControl) out.push(fn(m));
  });
  return out;
}

const pad4 = (b: Uint8Array): Uint8Array => {
  if (b.length % 4 === 0) return b;
  const out = new Uint8Array((b.length + 3) & ~3);
  out.set(b);
  return out;
};

const u16 = (fc: FC): Arb<number> => fc.integer({ min: 0, max: 0xffff });
const u32 = (fc: FC): Arb<number> => fc.nat().map((n) => n >>> 0).chain((n) => fc.constantFrom(n, 0xffffffff, 0));
const words = (fc: FC, maxWords = 16): Arb<Uint8Array> =>
  fc.integer({ min: 0, max: maxWords }).chain((n) => fc.uint8Array({ minLength: n * 4, maxLength: n * 4 }));

// ---------------------------------------------------------------------------------------------
// netlink core: header walk

export interface HeaderValue {
  type: number;
  flags: number;
  seq: number;
  portId: number;
  payload: Uint8Array;
}

const header: Target<HeaderValue[]> = {
  description: 'nlmsghdr walk over a datagram (walkMessages): every message, any type',
  protocol: 'any',
  decode(bytes) {
    return eachMessage(bytes, (m) => ({
      type: m.type, flags: m.flags, seq: m.seq, portId: m.portId, payload: m.buf.bytes.slice(m.payloadStart, m.end),
    }), true);
  },
  encode(msgs) {
    const w = new MessageWriter();
    for (const v of msgs) {
      const s = w.begin(v.type, v.flags, v.seq, v.portId);
      w.raw(v.payload);
      w.end(s);
    }
    return w.copy();
  },
  // The writer pads every message to 4 bytes and counts the padding in nlmsg_len (as the kernel does).
  canonical: (msgs) => msgs.map((m) => ({ ...m, payload: pad4(m.payload) })),
  arbitrary: (fc) => fc.array(fc.record({ type: u16(fc), flags: u16(fc), seq: u32(fc), portId: u32(fc), payload: words(fc) }), { maxLength: 6 }),
};

// ---------------------------------------------------------------------------------------------
// netlink core: NLMSG_ERROR with extended ACK

function writeExtAck(w: MessageWriter, e: ExtAck): void {
  if (e.message !== undefined) w.attrString(NLMSGERR_ATTR_MSG, e.message);
  if (e.offset !== undefined) w.attrU32(NLMSGERR_ATTR_OFFS, e.offset);
  if (e.missingType !== undefined) w.attrU32(NLMSGERR_ATTR_MISS_TYPE, e.missingType);
  if (e.missingNestOffset !== undefined) w.attrU32(NLMSGERR_ATTR_MISS_NEST, e.missingNestOffset);
  if (e.cookie !== undefined) w.attrBytes(NLMSGERR_ATTR_COOKIE, e.cookie);
  if (e.policy !== undefined) w.attrBytes(NLMSGERR_ATTR_POLICY, e.policy);
}

const extAckArb = (fc: FC): Arb<ExtAck> => fc.record({
  message: fc.string({ maxLength: 80 }).map((s) => s.replace(/\0/g, '')),
  offset: u32(fc),
  missingType: u32(fc),
  missingNestOffset: u32(fc),
  cookie: fc.uint8Array({ maxLength: 20 }),
  policy: fc.uint8Array({ maxLength: 32 }),
}, { requiredKeys: [] });

export interface ErrorValue {
  flags: number;
  seq: number;
  portId: number;
  errno: number;
  request: MessageHeader;
  requestBytes: Uint8Array;
  extack: ExtAck;
  /** attributePathAt() on the echoed request, as the socket computes it for NetlinkError. */
  path?: number[];
}

const error: Target<ErrorValue[]> = {
  description: 'NLMSG_ERROR: errno, echoed request (capped or whole), extended-ACK TLVs, attribute path of the ext-ack offset',
  protocol: 'any',
  decode(bytes) {
    const out: ErrorValue[] = [];
    walkMessages(new NetlinkBuffer(bytes), (m) => {
      if (m.type !== NLMSG_ERROR) return;
      const e = decodeError(m);
      const v: ErrorValue = { flags: m.flags, seq: m.seq, portId: m.portId, ...e };
      if (e.extack.offset !== undefined) v.path = attributePathAt(e.requestBytes, 16, e.extack.offset);
      out.push(v);
    });
    return out;
  },
  encode(list) {
    const w = new MessageWriter();
    for (const v of list) {
      const s = w.begin(NLMSG_ERROR, v.flags, v.seq, v.portId);
      w.s32(-v.errno);
      w.raw(v.requestBytes);
      w.align();
      if (v.flags & NLM_F_ACK_TLVS) writeExtAck(w, v.extack);
      w.end(s);
    }
    return w.copy();
  },
  // A truncated echo (fewer bytes than its nlmsg_len) ends unaligned; the writer pads every
  // message, and the padding becomes part of the echo. Compare echoes padded the same way.
  canonical: (list) => list.map((v) => {
    const have = v.requestBytes.length;
    if (have >= v.request.length || have % 4 === 0) return v;
    const padded = new Uint8Array(Math.min(v.request.length, (have + 3) & ~3));
    padded.set(v.requestBytes);
    return { ...v, requestBytes: padded };
  }),
  arbitrary: (fc) => fc.array(fc.record({
    capped: fc.boolean(), tlvs: fc.boolean(), otherFlags: u16(fc).map((f) => f & ~(NLM_F_CAPPED | NLM_F_ACK_TLVS)),
    seq: u32(fc), portId: u32(fc), errno: fc.integer({ min: -4095, max: 4095 }),
    reqType: u16(fc), reqFlags: u16(fc), reqSeq: u32(fc), reqPort: u32(fc), reqPayload: words(fc, 8), extack: extAckArb(fc),
  }).map((r): ErrorValue => {
    const reqLen = 16 + (r.capped ? 0 : r.reqPayload.length);
    const w = new MessageWriter();
    const s = w.begin(r.reqType, r.reqFlags, r.reqSeq, r.reqPort);
    if (!r.capped) w.raw(r.reqPayload);
    w.end(s);
    const requestBytes = w.copy();
    // A capped echo still carries the original nlmsg_len: keep the header as sent.
    const request: MessageHeader = { length: reqLen, type: r.reqType, flags: r.reqFlags, seq: r.reqSeq, portId: r.reqPort };
    const flags = r.otherFlags | (r.capped ? NLM_F_CAPPED : 0) | (r.tlvs ? NLM_F_ACK_TLVS : 0);
    const v: ErrorValue = { flags, seq: r.seq, portId: r.portId, errno: r.errno === 0 ? -0 : r.errno, request, requestBytes, extack: r.tlvs ? r.extack : {} };
    if (v.extack.offset !== undefined) v.path = attributePathAt(requestBytes, 16, v.extack.offset);
    return v;
  }), { maxLength: 3 }),
};

// ---------------------------------------------------------------------------------------------
// netlink core: NLMSG_DONE

export interface DoneValue {
  flags: number;
  seq: number;
  portId: number;
  errno: number;
  extack: ExtAck;
}

const done: Target<DoneValue[]> = {
  description: 'NLMSG_DONE: dump status and extended-ACK TLVs',
  protocol: 'any',
  decode(bytes) {
    const out: DoneValue[] = [];
    walkMessages(new NetlinkBuffer(bytes), (m) => {
      if (m.type === NLMSG_DONE) out.push({ flags: m.flags, seq: m.seq, portId: m.portId, ...decodeDone(m) });
    });
    return out;
  },
  encode(list) {
    const w = new MessageWriter();
    for (const v of list) {
      const s = w.begin(NLMSG_DONE, v.flags, v.seq, v.portId);
      w.s32(-v.errno);
      if (v.flags & NLM_F_ACK_TLVS) writeExtAck(w, v.extack);
      w.end(s);
    }
    return w.copy();
  },
  arbitrary: (fc) => fc.array(fc.record({
    flags: u16(fc), seq: u32(fc), portId: u32(fc), errno: fc.integer({ min: 0, max: 4095 }), extack: extAckArb(fc),
  }).map((v) => (v.flags & NLM_F_ACK_TLVS ? v : { ...v, extack: {} })), { maxLength: 3 }),
};

// ---------------------------------------------------------------------------------------------
// netlink core: attribute walk with nesting (the input is a bare TLV stream)

export interface AttrValue {
  type: number;
  nested?: boolean;
  netByteOrder?: boolean;
  children?: AttrValue[];
  data?: Uint8Array;
}

function decodeAttrTree(buf: NetlinkBuffer, off: number, len: number, depth: number): AttrValue[] {
  const out: AttrValue[] = [];
  walkNested(buf, off, len, depth, (type, o, l, raw) => {
    const a: AttrValue = { type };
    if (raw & 0x4000) a.netByteOrder = true;
    if (raw & NLA_F_NESTED) {
      a.nested = true;
      a.children = decodeAttrTree(buf, o, l, depth + 1);
    } else {
      a.data = buf.attrBytes(o, l);
    }
    out.push(a);
  });
  return out;
}

function encodeAttrTree(w: MessageWriter, list: AttrValue[]): void {
  for (const a of list) {
    const type = a.type | (a.nested ? NLA_F_NESTED : 0) | (a.netByteOrder ? 0x4000 : 0);
    if (a.children) {
      const n = w.nestStart(type);
      encodeAttrTree(w, a.children);
      w.nestEnd(n);
    } else {
      w.attrBytes(type, a.data ?? new Uint8Array(0));
    }
  }
}

const attrValueArb = (fc: FC): Arb<AttrValue[]> => {
  const { tree } = fc.letrec((tie) => ({
    tree: fc.array(tie('node'), { maxLength: 4 }) as Arb<AttrValue[]>,
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ type: fc.integer({ min: 0, max: 0x3fff }), netByteOrder: fc.constant(undefined), data: fc.uint8Array({ maxLength: 12 }) }),
      fc.record({ type: fc.integer({ min: 0, max: 0x3fff }), nested: fc.constant(true as const), children: tie('tree') as Arb<AttrValue[]> }),
    ),
  }));
  const clean = (l: AttrValue[]): AttrValue[] => l.map((a) => {
    const c: AttrValue = { type: a.type };
    if (a.nested) { c.nested = true; c.children = clean(a.children ?? []); } else c.data = a.data ?? new Uint8Array(0);
    return c;
  });
  return tree.map(clean);
};

const attributes: Target<AttrValue[]> = {
  description: `attribute walk (walkAttributes/walkNested): TLV lengths, padding, NLA_F_NESTED recursion to depth ${MAX_NESTING_DEPTH}`,
  protocol: 'any',
  headerSize: -16,
  decode(bytes) {
    const buf = new NetlinkBuffer(bytes);
    const tree = decodeAttrTree(buf, 0, bytes.length, 0);
    // The flat walk must agree with the tree's top level on how many attributes there are.
    let n = 0;
    walkAttributes(buf, 0, bytes.length, () => { n++; });
    if (n !== tree.length) throw new Error(`walkAttributes saw ${n} attributes, walkNested ${tree.length}`);
    return tree;
  },
  encode(tree) {
    const w = new MessageWriter();
    encodeAttrTree(w, tree);
    return w.copy();
  },
  arbitrary: attrValueArb,
};

// ---------------------------------------------------------------------------------------------
// rtnetlink: what `ip -j -d` shows, decoded from RTM_NEW* messages (dumps and notifications)

/** Encode a list of requests, one message each, with the library's encoder. */
const concat = <R>(encode: (r: R) => Uint8Array) => (list: R[]): Uint8Array => {
  const parts = list.map(encode);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
};

const rtnlLink: Target<Link[], LinkRequest[]> = {
  description: 'rtnl link (decodeLink / encodeSetLink): ifinfomsg, IFLA_*, linkinfo (bridge/vxlan/macvlan/vlan data, slave data), af_spec, stats64, altnames',
  protocol: 'route',
  headerSize: 16,
  decode: (bytes) => eachMessage(bytes, decodeLink),
  canonical: (list) => list.map(linkFromDecoded),
  encode: concat(encodeLinkRequest),
  arbitrary: (fc) => fc.array(linkRequestArb(fc), { maxLength: 3 }),
};

const rtnlAddress: Target<Address[], AddressRequest[]> = {
  description: 'rtnl address (decodeAddress / encodeNewAddress, encodeDelAddress): ifaddrmsg, IFA_* (local/peer, broadcast, label, flags, cacheinfo)',
  protocol: 'route',
  headerSize: 8,
  decode: (bytes) => eachMessage(bytes, (m) => decodeAddress(m)),
  canonical: (list) => list.map(addressFromDecoded),
  encode: concat(encodeAddressRequest),
  arbitrary: (fc) => fc.array(addressRequestArb(fc), { maxLength: 3 }),
};

const rtnlRoute: Target<Route[], RouteRequest[]> = {
  description: 'rtnl route (decodeRoute / encodeNewRoute, encodeDelRoute): rtmsg, RTA_* (dst, gateway, via, multipath nexthops, metrics, table, encap)',
  protocol: 'route',
  headerSize: 12,
  decode: (bytes) => eachMessage(bytes, (m) => decodeRoute(m)),
  canonical: (list) => list.map(routeFromDecoded),
  encode: concat(encodeRouteRequest),
  arbitrary: (fc) => fc.array(routeRequestArb(fc), { maxLength: 3 }),
};

const rtnlNeighbour: Target<Neighbour[], NeighbourRequest[]> = {
  description: 'rtnl neighbour (decodeNeighbour / encodeNewNeighbour, encodeDelNeighbour): ndmsg, NDA_* (dst, lladdr, state, cacheinfo, probes, master)',
  protocol: 'route',
  headerSize: 12,
  decode: (bytes) => eachMessage(bytes, (m) => decodeNeighbour(m)),
  canonical: (list) => list.map(neighbourFromDecoded),
  encode: concat(encodeNeighbourRequest),
  arbitrary: (fc) => fc.array(neighbourRequestArb(fc), { maxLength: 3 }),
};

// ---------------------------------------------------------------------------------------------
// nftables: objects as `nft list ruleset` gets them (NETLINK_NETFILTER, nfgenmsg + NFTA_*)

/** Encode each object as its NFT_MSG_NEW* message (nlmsghdr + nfgenmsg + the library's attributes). */
function nftMessages<T extends { family: Family }>(msg: number, write: (w: MessageWriter, v: T) => void) {
  return (list: T[]): Uint8Array => {
    const w = new MessageWriter();
    for (const v of list) {
      const s = w.begin((NFNL_SUBSYS_NFTABLES << 8) | msg, 0);
      w.u8(familyNumber(v.family)).u8(0).be16(0);
      write(w, v);
      w.end(s);
    }
    return w.copy();
  };
}

/** Drop the fields only the kernel reports (handles, use counts, counters, owner), which the encoder does not write. */
const without = <T extends object>(...keys: string[]) => (list: T[]): T[] =>
  list.map((v) => {
    const c = { ...v } as Record<string, unknown>;
    for (const k of keys) delete c[k];
    return c as T;
  });

const nftTable: Target<Table[]> = {
  description: 'nft table (decodeTable/encodeTable): name, flags, userdata comment, handle/use/owner',
  protocol: 'netfilter',
  headerSize: 4,
  decode: (bytes) => eachMessage(bytes, decodeTable),
  encode: nftMessages<Table>(NFT_MSG_NEWTABLE, encodeTable),
  canonical: without<Table>('handle', 'use', 'owner'),
  arbitrary: (fc) => fc.array(tableArb(fc), { maxLength: 3 }),
};

const nftChain: Target<Chain[]> = {
  description: 'nft chain (decodeChain/encodeChain): base-chain hook nest, priority, policy, devices, flags, userdata',
  protocol: 'netfilter',
  headerSize: 4,
  decode: (bytes) => eachMessage(bytes, decodeChain),
  encode: nftMessages<Chain>(NFT_MSG_NEWCHAIN, encodeChain),
  canonical: without<Chain>('handle', 'use', 'counters'),
  arbitrary: (fc) => fc.array(chainArb(fc), { maxLength: 3 }),
};

const nftRule: Target<Rule[]> = {
  description: 'nft rule with expressions (decodeRule/encodeRule + the expression registry), unknown expressions kept raw',
  protocol: 'netfilter',
  headerSize: 4,
  decode: (bytes) => eachMessage(bytes, decodeRule),
  encode: nftMessages<Rule>(NFT_MSG_NEWRULE, (w, r) => encodeRule(w, r)),
  // NFTA_RULE_ID / POSITION_ID name rules inside one batch; listings never carry them.
  canonical: without<Rule>('id', 'positionId'),
  arbitrary: (fc) => fc.array(ruleArb(fc), { maxLength: 3 }),
};

const nftSet: Target<NftSet[]> = {
  description: 'nft set/map (decodeSet/encodeSet): key and data types, flags, desc, timeouts, nft userdata',
  protocol: 'netfilter',
  headerSize: 4,
  decode: (bytes) => eachMessage(bytes, decodeSet),
  encode: nftMessages<NftSet>(NFT_MSG_NEWSET, encodeSet),
  canonical: without<NftSet>('handle', 'id'),
  arbitrary: (fc) => fc.array(setArb(fc), { maxLength: 3 }),
};

// ---------------------------------------------------------------------------------------------
// the table

export const TARGETS = {
  'netlink.header': header,
  'netlink.error': error,
  'netlink.done': done,
  'netlink.attributes': attributes,
  'rtnl.link': rtnlLink,
  'rtnl.address': rtnlAddress,
  'rtnl.route': rtnlRoute,
  'rtnl.neighbour': rtnlNeighbour,
  'nft.table': nftTable,
  'nft.chain': nftChain,
  'nft.rule': nftRule,
  'nft.set': nftSet,
  ...SPEC_TARGETS,
} satisfies Record<string, Target<any, any>>;

export type TargetName = keyof typeof TARGETS;
export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];

export function getTarget(name: string): Target<any, any> {
  const t = (TARGETS as Record<string, Target<any, any>>)[name];
  if (!t) throw new Error(`unknown fuzz target "${name}"; targets: ${TARGET_NAMES.join(', ')}`);
  return t;
}
