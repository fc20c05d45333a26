// Actions (tc-actions(8)) from friendly input to the declared tc-act-attrs, in the order and
// with the defaults of iproute2's m_gact.c, m_mirred.c, m_police.c, m_skbedit.c, m_vlan.c,
// m_pedit.c, m_csum.c, m_tunnel_key.c and m_nat.c. Used inline in filters (TCA_*_ACT) and
// alone (RTM_NEWACTION, shared actions bound later by index).
import { ValidationError } from '../netlink/errors.js';
import { parseIP } from '../netlink/address.js';
import { rateSpec, rateTable, xmittime } from './core.js';
import { parseClassId } from './handle.js';
import { parseRate, parseSize, type RateInput, type SizeInput } from './units.js';

/** What happens after an action (tc's control: pass, drop, pipe, goto chain N...). */
export type Control = 'continue' | 'pass' | 'ok' | 'reclassify' | 'drop' | 'shot' | 'pipe' | 'stolen' | 'queued' | 'repeat' | 'redirect' | 'trap'
  | { goto: number } | { jump: number };

export const TC_ACT = { continue: -1, pass: 0, ok: 0, reclassify: 1, drop: 2, shot: 2, pipe: 3, stolen: 4, queued: 5, repeat: 6, redirect: 7, trap: 8 } as const;
export const TC_ACT_JUMP = 1 << 28;
export const TC_ACT_GOTO_CHAIN = 2 << 28;
export const TC_ACT_EXT_MASK = 0xf0000000;

export function controlValue(c: Control, field = 'control'): number {
  if (typeof c === 'object') {
    if ('goto' in c) return (TC_ACT_GOTO_CHAIN | checkN(c.goto, `${field}.goto`, 0x0fffffff)) | 0;
    if ('jump' in c) return (TC_ACT_JUMP | checkN(c.jump, `${field}.jump`, 0x0fffffff)) | 0;
  }
  const v = TC_ACT[c as keyof typeof TC_ACT];
  if (v === undefined) throw new ValidationError(field, `${JSON.stringify(c)} is not a control action (${Object.keys(TC_ACT).join(', ')}, {goto: N}, {jump: N})`);
  return v;
}

function checkN(n: number | undefined, field: string, max = 0xffffffff): number {
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > max) throw new ValidationError(field, `${n} is not an integer in 0..${max}`);
  return n;
}

interface Common { /** Index of the action (shared actions are found by it). */ index?: number; control?: Control }
export interface GactAction extends Common { kind: 'gact' }
export interface MirredAction extends Common { kind: 'mirred'; action: 'redirect' | 'mirror'; direction?: 'egress' | 'ingress'; /** Target device (ifindex once resolved). */ dev: string | number }
export interface PoliceAction extends Common { kind: 'police'; rate: RateInput; burst: SizeInput; mtu?: SizeInput; /** Over the rate (default reclassify). */ exceed?: Control; /** Within the rate (default: the kernel's, ok). */ conform?: Control }
export interface SkbeditAction extends Common { kind: 'skbedit'; mark?: number; priority?: string | number; queueMapping?: number; ptype?: 'host' | 'otherhost' | 'broadcast' | 'multicast' }
export interface VlanAction extends Common { kind: 'vlan'; op: 'push' | 'pop' | 'modify'; id?: number; protocol?: '802.1Q' | '802.1ad'; priority?: number }
export interface PeditKey { offset: number; size: 8 | 16 | 32; set: number }
export interface PeditAction extends Common { kind: 'pedit'; keys: readonly PeditKey[] }
export type CsumTarget = 'ip' | 'icmp' | 'igmp' | 'tcp' | 'udp' | 'udplite' | 'sctp';
export interface CsumAction extends Common { kind: 'csum'; update: readonly CsumTarget[] }
export interface TunnelKeyAction extends Common { kind: 'tunnel_key'; op: 'set' | 'unset'; src?: string; dst?: string; id?: number; dstPort?: number; csum?: boolean; tos?: number; ttl?: number }
export interface NatAction extends Common { kind: 'nat'; direction: 'ingress' | 'egress'; /** Address or prefix translated ("10.0.0.0/8"). */ old: string; new: string }
/** A shared action bound by index (created before with actions.add). */
export interface ActionRef { kind: ActionKind; index: number; ref: true }

export type ActionInput = GactAction | MirredAction | PoliceAction | SkbeditAction | VlanAction | PeditAction | CsumAction | TunnelKeyAction | NatAction | ActionRef;
export type ActionKind = 'gact' | 'mirred' | 'police' | 'skbedit' | 'vlan' | 'pedit' | 'csum' | 'tunnel_key' | 'nat';

const MIRRED_EACTION = { 'egress-redirect': 1, 'egress-mirror': 2, 'ingress-redirect': 3, 'ingress-mirror': 4 } as const;
const VLAN_ACT = { pop: 1, push: 2, modify: 3 } as const;
const CSUM_FLAG: Record<CsumTarget, number> = { ip: 1, icmp: 2, igmp: 4, tcp: 8, udp: 16, udplite: 32, sctp: 64 };
const PTYPE = { host: 0, broadcast: 1, multicast: 2, otherhost: 3 } as const;

const gen = (index: number | undefined, action: number): Record<string, number> => ({ index: index === undefined ? 0 : checkN(index, 'index'), capab: 0, action, refcnt: 0, bindcnt: 0 });
const ctl = (a: Common, dflt: number): number => (a.control === undefined ? dflt : controlValue(a.control));

/** pedit's pack_key8/16/32: a value at a byte offset as a masked 32-bit word (host order). */
function peditKey(k: PeditKey, i: number): Record<string, number> {
  const f = `keys[${i}]`;
  const off = checkN(k.offset, `${f}.offset`, 0xffff);
  const width = k.size;
  if (width !== 8 && width !== 16 && width !== 32) throw new ValidationError(`${f}.size`, 'is 8, 16 or 32');
  const max = width === 32 ? 0xffffffff : (1 << width) - 1;
  const val = checkN(k.set, `${f}.set`, max);
  let v: number;
  let m: number;
  if (width === 32) {
    if (off % 4) throw new ValidationError(`${f}.offset`, 'a 32-bit key sits at a multiple of 4');
    v = val; m = 0;
  } else {
    const ind = off & 3;
    if (width === 16 && ind === 3) throw new ValidationError(`${f}.offset`, 'a 16-bit key cannot start at the last byte of a word');
    const stride = 8 * ((width === 16 ? 2 : 3) - ind);
    const keep = width === 16 ? [0x0000ffff, 0xff0000ff, 0xffff0000][ind]! : [0x00ffffff, 0xff00ffff, 0xffff00ff, 0xffffff00][ind]!;
    v = (val << stride) >>> 0;
    m = ((((~max >>> 0) << stride) >>> 0) | keep) >>> 0;
  }
  // htonl of the word: the kernel applies it to the bytes in memory.
  const bswap = (x: number): number => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
  return { mask: bswap(m), val: bswap(v), off: off & ~3, at: 0, offmask: 0, shift: 0 };
}

/** The options of one action (TCA_ACT_OPTIONS); `ifindex` resolves device names first. */
export function actionOptions(input: ActionInput, ifindex: (dev: string | number) => number): Record<string, unknown> {
  if ('ref' in input && input.ref) return refOptions(input);
  const a = input as Exclude<ActionInput, ActionRef>;
  switch (a.kind) {
    case 'gact': return { parms: gen(a.index, ctl(a, TC_ACT.pass)) };
    case 'mirred': {
      if (a.action !== 'redirect' && a.action !== 'mirror') throw new ValidationError('action', 'mirred is redirect or mirror');
      const dir = a.direction ?? 'egress';
      if (dir !== 'egress' && dir !== 'ingress') throw new ValidationError('direction', 'mirred sends to egress or ingress');
      const eaction = MIRRED_EACTION[`${dir}-${a.action}` as keyof typeof MIRRED_EACTION];
      return { parms: { ...gen(a.index, ctl(a, a.action === 'redirect' ? TC_ACT.stolen : TC_ACT.pipe)), eaction, ifindex: ifindex(a.dev) } };
    }
    case 'police': {
      const rate64 = parseRate(a.rate, 'rate');
      const burst = parseSize(a.burst, 'burst');
      if (!burst) throw new ValidationError('burst', 'police needs a burst above 0');
      const mtu = a.mtu === undefined ? 0 : parseSize(a.mtu, 'mtu');
      const rate = rateSpec(rate64);
      const rtab = rateTable(rate, rate64, -1, mtu, 1);
      const tbf = { index: a.index ?? 0, action: a.exceed === undefined ? TC_ACT.reclassify : controlValue(a.exceed, 'exceed'), limit: 0, burst: xmittime(rate64, burst), mtu, rate, peakrate: rateSpec(0n), refcnt: 0, bindcnt: 0, capab: 0 };
      const out: Record<string, unknown> = {};
      if (rate64 > 0xffffffffn) out.rate64 = rate64;
      out.tbf = tbf;
      out.rate = rtab;
      if (a.conform !== undefined) out.result = controlValue(a.conform, 'conform') >>> 0;
      return out;
    }
    case 'skbedit': {
      const out: Record<string, unknown> = { parms: gen(a.index, ctl(a, TC_ACT.pipe)) };
      if (a.queueMapping !== undefined) out['queue-mapping'] = checkN(a.queueMapping, 'queueMapping', 0xffff);
      if (a.priority !== undefined) out.priority = parseClassId(a.priority, 'priority');
      if (a.mark !== undefined) out.mark = checkN(a.mark, 'mark');
      if (a.ptype !== undefined) {
        const p = PTYPE[a.ptype];
        if (p === undefined) throw new ValidationError('ptype', `${JSON.stringify(a.ptype)} is not host, otherhost, broadcast or multicast`);
        out.ptype = p;
      }
      if (Object.keys(out).length === 1) throw new ValidationError('skbedit', 'set at least one of mark, priority, queueMapping, ptype');
      return out;
    }
    case 'vlan': {
      const v = VLAN_ACT[a.op];
      if (v === undefined) throw new ValidationError('op', 'vlan op is push, pop or modify');
      const out: Record<string, unknown> = { parms: { ...gen(a.index, ctl(a, TC_ACT.pipe)), 'v-action': v } };
      if (a.op !== 'pop') {
        if (a.id === undefined) throw new ValidationError('id', `vlan ${a.op} needs an id`);
        out['push-vlan-id'] = checkN(a.id, 'id', 4095);
        if (a.protocol !== undefined) out['push-vlan-protocol'] = a.protocol === '802.1ad' ? 0x88a8 : 0x8100;
        if (a.priority !== undefined) out['push-vlan-priority'] = checkN(a.priority, 'priority', 7);
      }
      return out;
    }
    case 'pedit': {
      if (!a.keys?.length) throw new ValidationError('keys', 'pedit needs at least one key');
      return { parms: { ...gen(a.index, ctl(a, TC_ACT.pass)), nkeys: a.keys.length, flags: 0, keys: a.keys.map(peditKey) } };
    }
    case 'csum': {
      if (!a.update?.length) throw new ValidationError('update', 'csum needs what to update (ip, tcp, udp...)');
      let flags = 0;
      for (const t of a.update) {
        const f = CSUM_FLAG[t];
        if (f === undefined) throw new ValidationError('update', `${JSON.stringify(t)} is not one of ${Object.keys(CSUM_FLAG).join(', ')}`);
        flags |= f;
      }
      return { parms: { ...gen(a.index, ctl(a, TC_ACT.pass)), 'update-flags': flags } };
    }
    case 'tunnel_key': {
      const parms = { ...gen(a.index, ctl(a, TC_ACT.pipe)), 't-action': a.op === 'set' ? 1 : a.op === 'unset' ? 2 : -1 };
      if (parms['t-action'] < 0) throw new ValidationError('op', 'tunnel_key op is set or unset');
      if (a.op === 'unset') return { parms };
      const out: Record<string, unknown> = {};
      for (const [k, attr4, attr6] of [['src', 'enc-ipv4-src', 'enc-ipv6-src'], ['dst', 'enc-ipv4-dst', 'enc-ipv6-dst']] as const) {
        const v = a[k];
        if (v === undefined) continue;
        const b = parseIP(v);
        if (!b) throw new ValidationError(k, `${JSON.stringify(v)} is not an IP address`);
        out[b.length === 4 ? attr4 : attr6] = b.length === 4 ? v : b;
      }
      if (a.id !== undefined) out['enc-key-id'] = checkN(a.id, 'id');
      if (a.dstPort !== undefined) out['enc-dst-port'] = checkN(a.dstPort, 'dstPort', 0xffff);
      out['no-csum'] = a.csum === false ? 1 : 0;
      if (a.tos !== undefined) out['enc-tos'] = checkN(a.tos, 'tos', 0xff);
      if (a.ttl !== undefined) out['enc-ttl'] = checkN(a.ttl, 'ttl', 0xff);
      out.parms = parms;
      return out;
    }
    case 'nat': {
      const [addr, len = '32'] = a.old.split('/');
      const bits = Number(len);
      if (!parseIP(addr!) || parseIP(addr!)!.length !== 4) throw new ValidationError('old', `${JSON.stringify(a.old)} is not an IPv4 address or prefix`);
      if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new ValidationError('old', `${JSON.stringify(a.old)}: prefix length ${len} is not in 0..32`);
      if (!parseIP(a.new) || parseIP(a.new)!.length !== 4) throw new ValidationError('new', `${JSON.stringify(a.new)} is not an IPv4 address`);
      const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const mask = [24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.');
      return { parms: { ...gen(a.index, ctl(a, TC_ACT.pass)), 'old-addr': addr, 'new-addr': a.new, mask, flags: a.direction === 'egress' ? 1 : 0 } };
    }
    default:
      throw new ValidationError('kind', `${JSON.stringify((a as { kind: string }).kind)} is not an action kind (gact, mirred, police, skbedit, vlan, pedit, csum, tunnel_key, nat)`);
  }
}

/** A reference to an existing shared action: its kind and parms with only the index set. */
function refOptions(a: ActionRef): Record<string, unknown> {
  const index = checkN(a.index, 'index', 0xffffffff);
  if (a.kind === 'police') return { tbf: { index } };
  const parmsAttr: Record<string, string> = { mirred: 'parms', gact: 'parms', skbedit: 'parms', vlan: 'parms', pedit: 'parms', csum: 'parms', tunnel_key: 'parms', nat: 'parms' };
  if (!parmsAttr[a.kind]) throw new ValidationError('kind', `${JSON.stringify(a.kind)} is not an action kind`);
  return { parms: { index } };
}

/** The action list of a filter or of RTM_NEWACTION: kind and options per entry (numbered from 1). */
export function actionList(list: readonly ActionInput[], ifindex: (dev: string | number) => number, field = 'actions'): Record<string, unknown>[] {
  if (list.length > 32) throw new ValidationError(field, 'at most 32 actions (TCA_ACT_MAX_PRIO)');
  return list.map((a, i) => {
    try {
      return { kind: a.kind, options: actionOptions(a, ifindex) };
    } catch (err) {
      if (err instanceof ValidationError) throw new ValidationError(`${field}[${i}].${err.field}`, err.problem);
      throw err;
    }
  });
}

/** Device names an action list refers to (resolved before anything is built). */
export function actionDevices(list: readonly ActionInput[] | undefined): (string | number)[] {
  return (list ?? []).flatMap((a) => ('dev' in a && a.dev !== undefined ? [a.dev] : []));
}
