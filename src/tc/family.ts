// The tc family: the kernel's tc spec (spec.gen.ts) with what it lacks or gets wrong, declared in
// the same form and merged here. Evidence for each change is include/uapi/linux/pkt_sched.h,
// pkt_cls.h and tc_act/*.h (the structs as the C compiler lays them out) and what iproute2's tc
// sends (the strace captures in test/fixtures/tc/golden). The spec (Linux 6.14) has no qdisc or
// class dumps, no actions (RTM_*ACTION), no htb xstats and several structs without C padding.
import { NETLINK_ROUTE, NLM_F_REQUEST } from '../netlink/constants.js';
import { ValidationError } from '../netlink/errors.js';
import type { NetlinkBuffer } from '../netlink/reader.js';
import { NetlinkFamily } from '../netlink/spec/family.js';
import { STRUCT_LENGTH, type CompiledStruct } from '../netlink/spec/values.js';
import type { AttrDecl, Definition, FamilyDecl, MemberDecl, OperationDecl, SubMessageFormat } from '../netlink/spec/types.js';
import type { MessageWriter } from '../netlink/writer.js';
import { tcSpec } from './spec.gen.js';

// rtnetlink's tc message types and group: declared once, in rtnl's constants (the same family).
import {
  RTM_NEWQDISC, RTM_DELQDISC, RTM_GETQDISC, RTM_NEWTCLASS, RTM_DELTCLASS, RTM_GETTCLASS,
  RTM_NEWTFILTER, RTM_DELTFILTER, RTM_GETTFILTER, RTM_NEWACTION, RTM_DELACTION, RTM_GETACTION,
  RTM_NEWCHAIN, RTM_DELCHAIN, RTM_GETCHAIN, RTNLGRP_TC,
} from '../rtnl/constants.js';
export {
  RTM_NEWQDISC, RTM_DELQDISC, RTM_GETQDISC, RTM_NEWTCLASS, RTM_DELTCLASS, RTM_GETTCLASS,
  RTM_NEWTFILTER, RTM_DELTFILTER, RTM_GETTFILTER, RTM_NEWACTION, RTM_DELACTION, RTM_GETACTION,
  RTM_NEWCHAIN, RTM_DELCHAIN, RTM_GETCHAIN, RTNLGRP_TC,
};

const u8 = (name: string): MemberDecl => ({ name, type: 'u8' });
const u16 = (name: string): MemberDecl => ({ name, type: 'u16' });
const u32 = (name: string): MemberDecl => ({ name, type: 'u32' });
const s32 = (name: string): MemberDecl => ({ name, type: 's32' });
const pad = (len: number): MemberDecl => ({ name: 'pad', type: 'pad', len });
const be32 = (name: string, hint?: 'ipv4'): MemberDecl => ({ name, type: 'u32', byteOrder: 'big-endian', ...(hint ? { hint } : {}) });
/** The common head of every action's parms (tc_gen). */
const TC_GEN: MemberDecl[] = [u32('index'), u32('capab'), s32('action'), s32('refcnt'), s32('bindcnt')];

const DEFINITIONS: Record<string, Definition> = {
  // struct tc_ratespec: overhead, cell_align and mpu are 16-bit (the spec has u8).
  'tc-ratespec': { type: 'struct', members: [u8('cell-log'), u8('linklayer'), u16('overhead'), { name: 'cell-align', type: 's16' }, u16('mpu'), u32('rate')] },
  // struct tc_u32_sel: the compiler pads nkeys to the __be16 offmask; keys[] is a flexible array (FLEX).
  'tc-u32-sel': {
    type: 'struct',
    members: [u8('flags'), u8('offshift'), u8('nkeys'), pad(1), { name: 'offmask', type: 'u16', byteOrder: 'big-endian' }, u16('off'),
      { name: 'offoff', type: 's16' }, { name: 'hoff', type: 's16' }, be32('hmask')],
  },
  // struct tc_u32_pcnt: rcnt, rhit, then one u64 hit count per key (FLEX).
  'tc-u32-pcnt': { type: 'struct', members: [{ name: 'rcnt', type: 'u64' }, { name: 'rhit', type: 'u64' }] },
  'tc-pedit-sel': { type: 'struct', members: [...TC_GEN, u8('nkeys'), u8('flags'), pad(2)] },
  'tc-htb-xstats': { type: 'struct', members: [u32('lends'), u32('borrows'), u32('giants'), s32('tokens'), s32('ctokens')] },
  'tc-mirred': { type: 'struct', members: [...TC_GEN, s32('eaction'), u32('ifindex')] },
  'tc-skbedit': { type: 'struct', members: TC_GEN },
  'tc-csum': { type: 'struct', members: [...TC_GEN, u32('update-flags')] },
  'tc-nat': { type: 'struct', members: [...TC_GEN, be32('old-addr', 'ipv4'), be32('new-addr', 'ipv4'), be32('mask', 'ipv4'), u32('flags')] },
  'tc-tunnel-key': { type: 'struct', members: [...TC_GEN, s32('t-action')] },
  // struct tcamsg (RTM_*ACTION): family and padding.
  tcamsg: { type: 'struct', members: [u8('family'), pad(3)] },
};

/** Structs ending in a flexible array member: [struct, array member name, element struct or int]. */
const FLEX: Record<string, { member: string; element: string; count?: string }> = {
  'tc-u32-sel': { member: 'keys', element: 'tc-u32-key', count: 'nkeys' },
  'tc-pedit-sel': { member: 'keys', element: 'tc-pedit-key', count: 'nkeys' },
  'tc-u32-pcnt': { member: 'kcnts', element: 'u64' },
};

const setFixes: Record<string, Record<string, AttrDecl>> = {
  // The selector of stats2's app is the message's kind, one level up: kept as bytes here, the
  // same payload arrives as TCA_XSTATS beside the kind and is decoded there.
  'tca-stats-attrs': { app: { name: 'app', value: 4, type: 'binary' } },
  'tc-act-mirred-attrs': { parms: { name: 'parms', value: 2, type: 'binary', struct: 'tc-mirred' } },
  'tc-act-skbedit-attrs': { parms: { name: 'parms', value: 2, type: 'binary', struct: 'tc-skbedit' } },
  'tc-act-csum-attrs': { parms: { name: 'parms', value: 1, type: 'binary', struct: 'tc-csum' } },
  'tc-act-nat-attrs': { parms: { name: 'parms', value: 1, type: 'binary', struct: 'tc-nat' } },
  'tc-act-tunnel-key-attrs': {
    parms: { name: 'parms', value: 2, type: 'binary', struct: 'tc-tunnel-key' },
    'enc-ipv4-src': { name: 'enc-ipv4-src', value: 3, type: 'u32', byteOrder: 'big-endian', hint: 'ipv4' },
    'enc-ipv4-dst': { name: 'enc-ipv4-dst', value: 4, type: 'u32', byteOrder: 'big-endian', hint: 'ipv4' },
    // TCA_TUNNEL_KEY_ENC_KEY_ID is a __be32 (the spec says u64).
    'enc-key-id': { name: 'enc-key-id', value: 7, type: 'u32', byteOrder: 'big-endian' },
  },
  // TCA_BPF_ACT / TCA_CGROUP_ACT hold a list of actions (tcf_exts), as every classifier's act.
  'tc-bpf-attrs': { act: { name: 'act', value: 1, type: 'indexed-array', nested: 'tc-act-attrs', subType: 'nest' } },
  'tc-cgroup-attrs': { act: { name: 'act', value: 1, type: 'indexed-array', nested: 'tc-act-attrs', subType: 'nest' } },
};

const EXTRA_SETS: Record<string, readonly AttrDecl[]> = {
  // RTM_*ACTION: TCA_ROOT_* (linux/rtnetlink.h).
  'tc-action-root-attrs': [
    { name: 'tab', value: 1, type: 'indexed-array', nested: 'tc-act-attrs', subType: 'nest' },
    { name: 'flags', value: 2, type: 'bitfield32' },
    { name: 'count', value: 3, type: 'u32' },
    { name: 'time-delta', value: 4, type: 'u32' },
    { name: 'ext-warn-msg', value: 5, type: 'string' },
  ],
  // tc writes prio's options as "nest compat": the struct, then an (empty) nest of TCA_PRIO_*.
  'tc-prio-compat-attrs': [{ name: 'options', value: 2, type: 'nest', nested: 'tc-prio-attrs' }],
  'tc-prio-attrs': [{ name: 'mq', value: 1, type: 'u8' }],
};

const subFixes: Record<string, Record<string, SubMessageFormat>> = {
  'tc-options-msg': { prio: { value: 'prio', fixedHeader: 'tc-prio-qopt', attributeSet: 'tc-prio-compat-attrs' } },
  'tca-stats-app-msg': { htb: { value: 'htb', fixedHeader: 'tc-htb-xstats' } },
};

function fixSet(name: string, set: readonly AttrDecl[]): readonly AttrDecl[] {
  const f = setFixes[name];
  return f ? set.map((a) => f[a.name] ?? a) : set;
}

function fixSub(name: string, formats: readonly SubMessageFormat[]): readonly SubMessageFormat[] {
  const f = subFixes[name];
  if (!f) return formats;
  const out = formats.map((x) => f[x.value] ?? x);
  for (const x of Object.values(f)) if (!out.some((y) => y.value === x.value)) out.push(x);
  return out;
}

const REPLY_ATTRS = ['kind', 'options', 'stats', 'xstats', 'rate', 'fcnt', 'stats2', 'stab', 'chain', 'ingress-block', 'egress-block'];

/** The spec's operations, with the dumps of qdiscs and classes (tc qdisc/class show) added, and actions. */
function operations(): OperationDecl[] {
  const list: OperationDecl[] = tcSpec.operations.list.map((op) => {
    if (op.name === 'getqdisc' || op.name === 'gettclass') {
      const value = op.name === 'getqdisc' ? RTM_GETQDISC : RTM_GETTCLASS;
      return { ...op, dump: { request: { value, attributes: ['dump-invisible'] }, reply: { value: value - 2, attributes: REPLY_ATTRS } } } as OperationDecl;
    }
    return op as OperationDecl;
  });
  const act = (name: string, value: number, reply?: number, dump = false): OperationDecl => {
    const part = { request: { value, attributes: [] }, ...(reply !== undefined ? { reply: { value: reply, attributes: [] } } : {}) };
    return { name, attributeSet: 'tc-action-root-attrs', fixedHeader: 'tcamsg', do: part, ...(dump ? { dump: part } : {}) };
  };
  list.push(act('newaction', RTM_NEWACTION), act('delaction', RTM_DELACTION), act('getaction', RTM_GETACTION, RTM_NEWACTION, true));
  return list;
}

const sets = tcSpec.attributeSets as unknown as Record<string, readonly AttrDecl[]>;
const subs = tcSpec.subMessages as unknown as Record<string, readonly SubMessageFormat[]>;

export const tcDecl: FamilyDecl = {
  ...(tcSpec as unknown as FamilyDecl),
  protonum: NETLINK_ROUTE,
  source: `${tcSpec.source} + src/tc/family.ts (struct layouts, dumps, actions, htb xstats)`,
  definitions: { ...(tcSpec.definitions as unknown as Record<string, Definition>), ...DEFINITIONS },
  attributeSets: { ...Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, fixSet(k, v)])), ...EXTRA_SETS },
  subMessages: Object.fromEntries(Object.entries(subs).map(([k, v]) => [k, fixSub(k, v)])),
  operations: { model: 'directional', list: operations() },
  mcastGroups: [{ name: 'tc', value: RTNLGRP_TC }],
};

/** A struct followed by a flexible array: the header as declared, then elements to the end. */
function flexStruct(head: CompiledStruct, member: string, element: CompiledStruct | 'u64', count?: string): CompiledStruct {
  const elemSize = element === 'u64' ? 8 : element.size;
  return {
    name: head.name,
    size: head.size,
    decode(buf: NetlinkBuffer, off: number, len: number) {
      const out = head.decode(buf, off, len);
      const items: unknown[] = [];
      for (let o = off + head.size; o + elemSize <= off + len; o += elemSize) {
        items.push(element === 'u64' ? buf.view.getBigUint64(o, true) : element.decode(buf, o, elemSize));
      }
      out[member] = items;
      return out;
    },
    encode(w: MessageWriter, v: Record<string, unknown> | undefined, path: string) {
      const { [member]: items = [], ...rest } = v ?? {};
      if (!Array.isArray(items)) throw new ValidationError(`${path}.${member}`, 'expected an array');
      if (count && rest[count] === undefined) rest[count] = items.length;
      // A header decoded short (fewer bytes than declared) re-encodes at that length: the
      // spread above drops the non-enumerable length mark, so carry it over.
      const short = (v as { [STRUCT_LENGTH]?: number } | undefined)?.[STRUCT_LENGTH];
      if (short !== undefined) Object.defineProperty(rest, STRUCT_LENGTH, { value: short, enumerable: false });
      head.encode(w, rest, path);
      items.forEach((x, i) => {
        if (element === 'u64') w.u64(BigInt(x as number | bigint));
        else element.encode(w, x as Record<string, unknown>, `${path}.${member}[${i}]`);
      });
    },
  };
}

/** The compiled tc family; structs with flexible arrays (u32 keys, pedit keys) get their own codec. */
export class TcFamily extends NetlinkFamily {
  private readonly flex = new Map<string, CompiledStruct>();

  /**
   * Writes one request into `w` after what it holds, without copying the buffer (encode()
   * returns a copy of the whole writer, which bulk writes of thousands of filters cannot
   * afford). Returns the message's start offset.
   */
  encodeInto(w: MessageWriter, op: string, flags: number, header: Record<string, unknown>, attrs: Record<string, unknown>): number {
    const o = this.op(op);
    const value = o.do!.request!.value!;
    const start = w.begin(value, NLM_F_REQUEST | flags, 0);
    this.struct(o.fixedHeader!).encode(w, header, o.fixedHeader!);
    this.set(o.attributeSet!).encode(w, attrs, o.attributeSet!);
    w.end(start);
    return start;
  }

  override struct(name: string): CompiledStruct {
    const f = FLEX[name];
    if (!f) return super.struct(name);
    let s = this.flex.get(name);
    if (!s) {
      s = flexStruct(super.struct(name), f.member, f.element === 'u64' ? 'u64' : super.struct(f.element), f.count);
      this.flex.set(name, s);
    }
    return s;
  }
}

/**
 * tc writes nests without NLA_F_NESTED, except an action's options (m_action.c opens
 * TCA_ACT_OPTIONS with it); golden tests compare bytes with tc's.
 */
export const tc = new TcFamily(tcDecl, { nestedFlag: (set, attr) => set === 'tc-act-attrs' && attr === 'options' });
export const PROTOCOL = NETLINK_ROUTE;
