// libnftables JSON (`nft -j list ruleset`, schema version 1) from the same folded model the
// text printer uses: tables, chains, sets/maps, objects, rules with their statements.
// Values are numbers where nft prints numbers, strings for addresses and symbols, arrays
// for flag lists; statements nft has no JSON translation for here appear as nft prints
// them in text under {"xt": ...} or a "text" key, never silently dropped.
import type { RawRule, RawRuleset, RawTable, Rec } from '../text/snapshot.js';
import type { NExpr, Rhs, Stmt } from '../text/model.js';
import { FLAGS, HOST_ORDER, SYMBOLS, toBig, toNum, typeName, valueText, type ByteOrder, type ValueContext } from '../text/types.js';
import { ruleStatements, tableSets, priorityText } from '../text/print.js';
import { elementTexts, keyedBy, prefixLen, SET_ANONYMOUS, SET_CONSTANT, SET_EVAL, SET_INTERVAL, SET_MAP, SET_OBJECT, SET_TIMEOUT, type SetInfo } from '../text/sets.js';
import { OBJECT_KINDS, timeoutPolicyPairs } from '../text/objects.js';
import { byteUnit, verdictText } from '../text/statements.js';
import { parseUdata, type Family } from '../codec.js';

interface Ctx extends ValueContext { sets: Map<string, SetInfo>; family: Family }

const NUMERIC = new Set(['integer', 'inet_service', 'mark', 'uid', 'gid', 'hex', 'bitmask', 'raw']);

/** One value as libnftables writes it. */
export function jsonValue(type: string | undefined, b: Uint8Array, c: ValueContext, order?: ByteOrder): unknown {
  const t = type ?? 'integer';
  const o: ByteOrder = order ?? (HOST_ORDER.has(t) ? 'host' : 'big');
  if (NUMERIC.has(t)) { const v = toBig(b, o); return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : `0x${v.toString(16)}`; }
  if (FLAGS[t]) {
    const v = toNum(b, o);
    const names = FLAGS[t]!.filter(([bit]) => v & bit).map(([, n]) => n);
    // No flag at all (ct event set 0) is the number.
    if (v === 0) return 0;
    return names.length === 1 ? names[0] : names;
  }
  // Strings and quoted symbols (names of groups and realms, dates, hours, days) unquoted.
  if (t === 'ifname' || t === 'string' || t === 'date' || t === 'hour' || t === 'day') return valueText(t, b, c, undefined, o).replace(/^"|"$/g, '');
  if (t === 'realm' || t === 'devgroup') { const s = valueText(t, b, c, undefined, o); return s.startsWith('"') ? s.slice(1, -1) : Number(s); }
  if (t === 'iface_index') { const i = toNum(b, o); return c.ifName?.(i) ?? i; }
  if (t === 'time') return Number(toBig(b, o) / 1000n);
  if (t === 'ct_label') { const s = valueText(t, b, c, undefined, o); return /^\d+$/.test(s) ? Number(s) : s; }
  if (t === 'boolean') return toNum(b, o) !== 0;
  if (SYMBOLS[t] && !SYMBOLS[t]!.has(toNum(b, o))) return toNum(b, o);
  return valueText(t, b, c, undefined, o);
}

export function exprJson(e: NExpr, c: Ctx, hint?: NExpr): unknown {
  switch (e.t) {
    case 'payload': {
      if (e.raw) { const [base, off, len] = e.raw.slice(1).split(','); return { payload: { base, offset: Number(off), len: Number(len) } }; }
      return { payload: { protocol: e.proto, field: e.field } };
    }
    case 'meta': return { meta: { key: e.key } };
    // nft -j names ct keys by their template: "ip saddr" (NFT_CT_SRC_IP), or "saddr" for the
    // generic NFT_CT_SRC whose family the text listing infers.
    case 'ct': return { ct: { key: e.json ?? e.key, ...(e.dir ? { dir: e.dir } : {}) } };
    case 'rt': { const [fam, key] = e.key.includes(' ') ? e.key.split(' ') : [undefined, e.key]; return { rt: { key, ...(fam ? { family: fam } : {}) } }; }
    case 'socket': return { socket: { key: e.key } };
    case 'fib': return { fib: { result: e.result, flags: e.flags.filter((f) => f !== 'present') } };
    case 'numgen': return { numgen: { mode: e.mode, mod: e.mod, offset: e.offset ?? 0 } };
    case 'hash': return { [e.kind]: { mod: e.mod, ...(e.seed !== undefined ? { seed: e.seed } : {}), ...(e.offset ? { offset: e.offset } : {}), ...(e.of ? { expr: exprJson(e.of, c) } : {}) } };
    case 'exthdr': {
      // Options nft has no template for: by kind, bit offset and bit length.
      const num = e.desc.match(/^tcp option (\d+)$/) ?? e.desc.match(/^tcp option @(\d+),(\d+),(\d+)$/);
      if (num) return { 'tcp option': { base: Number(num[1]), offset: Number(num[2] ?? 0), len: Number(num[3] ?? e.bytes * 8) } };
      const m = e.desc.match(/^tcp option (\S+)/);
      if (m) return { 'tcp option': { name: m[1], ...(e.field ? { field: e.field } : {}) } };
      const sc = e.desc.match(/^sctp chunk (\S+)/);
      if (sc) return { 'sctp chunk': { name: sc[1], ...(e.field ? { field: e.field } : {}) } };
      return { exthdr: { name: e.desc.replace(/^exthdr /, ''), ...(e.field ? { field: e.field } : {}) } };
    }
    case 'binop': {
      if (e.op === '<<' || e.op === '>>') return { [e.op]: [exprJson(e.left, c), toNum(e.right, 'host')] };
      const r = e.type === 'tcp_flag' && e.right.length === 1 && !e.right2 ? flagTree(FLAGS.tcp_flag!.filter(([bit]) => e.right[0]! & bit).map(([, n]) => n)) : jsonValue(e.type, e.right, c, e.order);
      if (e.right2) return { '^': [{ '&': [exprJson(e.left, c), r] }, jsonValue(e.type, e.right2, c, e.order)] };
      return { [e.op]: [exprJson(e.left, c), r] };
    }
    case 'concat': return { concat: e.parts.map((p) => exprJson(p, c)) };
    case 'map': return { map: { key: exprJson(e.key, c), data: setRefJson(e.set, c, e.key) } };
    case 'xfrm': return { ipsec: { key: e.key, ...(e.family ? { family: e.family } : {}), dir: e.dir, spnum: e.spnum } };
    case 'osf': return { osf: { key: e.key, ...(e.ttl ? { ttl: e.ttl } : {}) } };
    case 'const': return jsonValue(hint?.type, e.value, c, hint?.order);
    case 'raw': return e.text;
  }
}

function elementJson(info: SetInfo, c: ValueContext): unknown[] {
  // Reuse the text printer's interval and concatenation reconstruction, then type each part.
  return elementTexts(info, c).map((s) => textElementToJson(s, info));
}

/** A flag expression (`fin | psh | ack`) as libnftables nests it: left-associative "|" binops. */
function flagTree(names: string[]): unknown {
  return names.slice(1).reduce<unknown>((l, r) => ({ '|': [l, r] }), names[0]);
}

function atomJson(s: string, type: string): unknown {
  if (type === 'tcp_flag' && s.includes(' | ')) return flagTree(s.split(' | '));
  const pre = s.match(/^(\S+)\/(\d+)$/);
  if (pre && (type === 'ipv4_addr' || type === 'ipv6_addr')) return { prefix: { addr: pre[1], len: Number(pre[2]) } };
  if ((SYMBOLS[type] || FLAGS[type]) && /^[a-z][a-z0-9-]*$/.test(s)) return s;
  // A symbolic type's unnamed value (dscp 0x3f) is a plain number in JSON, as jsonValue has it.
  if (SYMBOLS[type] && /^0x[0-9a-f]+$/.test(s)) return Number(s);
  const rng = s.match(/^([^-\s]+)-([^-\s]+)$/);
  if (rng && type !== 'ipv6_addr') return { range: [atomJson(rng[1]!, type), atomJson(rng[2]!, type)] };
  if (/^"/.test(s)) return s.replace(/^"|"$/g, '');
  if (type === 'time' && /^(\d+(ms|d|h|m|s))+$/.test(s)) return seconds(s);
  // Beyond 2^53 nft -j keeps the hex text (as jsonValue does).
  if (NUMERIC.has(type) && /^(0x[0-9a-f]+|\d+)$/.test(s)) return BigInt(s) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
  if (/^\d+$/.test(s) && type !== 'ipv4_addr') return Number(s);
  return s;
}

function verdictJson(s: string): unknown {
  const [v, chain] = s.split(' ');
  return chain ? { [v!]: { target: chain } } : { [v!]: null };
}

function textElementToJson(s: string, info: SetInfo): unknown {
  const [keyPart, dataPart] = s.split(' : ');
  const extras = keyPart!.match(/^(.*?)( timeout .*| expires .*| counter .*| comment .*)?$/)!;
  const keyText = extras[1]!;
  const parts = keyText.split(' . ');
  let key: unknown = parts.length > 1 ? { concat: parts.map((p, i) => atomJson(p, info.keyTypes[i] ?? 'integer')) } : atomJson(keyText, info.keyTypes[0] ?? 'integer');
  if (extras[2]) {
    const el: Record<string, unknown> = { val: key };
    const t = extras[2].match(/ timeout (\S+)/); if (t) el.timeout = seconds(t[1]!);
    const x = extras[2].match(/ expires (\S+)/); if (x) el.expires = seconds(x[1]!);
    const k = extras[2].match(/ counter packets (\d+) bytes (\d+)/); if (k) el.counter = { packets: Number(k[1]), bytes: Number(k[2]) };
    const m = extras[2].match(/ comment "(.*)"/); if (m) el.comment = m[1];
    key = { elem: el };
  }
  if (dataPart === undefined) return key;
  const dTypes = (info.dataType ?? 'integer').split(' . ');
  const dParts = dataPart.split(' . ');
  const data = info.dataType === 'verdict' ? verdictJson(dataPart)
    : dTypes.length > 1 && dParts.length === dTypes.length ? { concat: dParts.map((p, i) => atomJson(p, dTypes[i]!)) }
      : atomJson(dataPart, info.dataType ?? 'integer');
  return [key, data];
}

function seconds(t: string): number {
  let ms = 0;
  for (const [, n, u] of t.matchAll(/(\d+)(ms|d|h|m|s)/g)) ms += Number(n) * ({ d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1 } as Record<string, number>)[u!]!;
  return Math.floor(ms / 1000);
}

function setRefJson(name: string, c: Ctx, key?: NExpr): unknown {
  const info = c.sets.get(name);
  // A bitfield key (mptcp subtype, dscp) holds its elements shifted: read them as the text printer does.
  if (info && info.flags & SET_ANONYMOUS) return { set: elementJson(keyedBy(info, key as { shift?: number }), c) };
  return `@${name}`;
}

function rhsJson(left: NExpr, r: Rhs, c: Ctx): unknown {
  switch (r.v) {
    case 'value': return jsonValue(left.type, r.bytes, c, left.order);
    case 'prefix': {
      const full = new Uint8Array(left.type === 'ipv6_addr' ? 16 : 4);
      full.set(r.bytes.subarray(0, full.length));
      if (left.type === 'mark') return { prefix: { addr: jsonValue('mark', full, c, left.order), len: r.len } };
      return { prefix: { addr: valueText(left.type ?? 'ipv4_addr', full, c), len: r.len } };
    }
    // Unlike the text listing, nft -j keeps symbols in ranges: range_expr_json sets only
    // NFT_CTX_OUTPUT_NUMERIC_PROTO, so protocols are numbers and every other symbol stays.
    case 'range': {
      const t = left.type === 'inet_proto' ? 'integer' : left.type;
      return { range: [jsonValue(t, r.from, c, left.order), jsonValue(t, r.to, c, left.order)] };
    }
    case 'set': return setRefJson(r.set, c, left);
    case 'flags': return jsonValue(left.type, r.mask, c, left.order);
    case 'masked': return jsonValue(left.type, r.value, c, left.order);
    case 'bool': return r.exists;
  }
}

function natJson(st: Extract<Stmt, { s: 'nat' }>, c: Ctx): unknown {
  const famNum = (st as { familyNum?: number }).familyNum;
  const hint = { type: famNum === 10 || c.family === 'ip6' ? 'ipv6_addr' : 'ipv4_addr', order: 'big' } as NExpr;
  const port = { type: 'inet_service', order: 'big' } as NExpr;
  const o: Record<string, unknown> = {};
  if (st.family) o.family = st.family;
  const m = st.addr?.t === 'map' ? c.sets.get(st.addr.set) : undefined;
  if (m && st.addr) {
    // From a map of address . port or of ranges: the family is named and the port is the map's (as in text).
    const concat = !!m.dataType?.includes(' . ');
    const prefix = st.flags.includes('netmap');
    if (concat || prefix || (m.dataLen ?? 0) > (famNum === 10 ? 16 : 4)) {
      o.family = st.family ?? (famNum === 10 ? 'ip6' : 'ip');
      o.addr = exprJson(st.addr, c, hint);
      if (st.flags.length) o.flags = st.flags.length === 1 ? st.flags[0] : st.flags;
      if (prefix) o.type_flags = 'prefix';
      return { [st.kind]: o };
    }
  }
  const lo = st.addr?.t === 'const' ? st.addr.value : undefined, hi = st.addrMax?.t === 'const' ? st.addrMax.value : undefined;
  const plen = lo && hi && lo.length === hi.length && !st.proto ? prefixLen(lo, hi) : undefined;
  if (st.addr && plen !== undefined) o.addr = { prefix: { addr: exprJson(st.addr, c, hint), len: plen } };
  else if (st.addr) o.addr = st.addrMax ? { range: [exprJson(st.addr, c, hint), exprJson(st.addrMax, c, hint)] } : exprJson(st.addr, c, hint);
  if (st.proto) o.port = st.protoMax ? { range: [exprJson(st.proto, c, port), exprJson(st.protoMax, c, port)] } : exprJson(st.proto, c, port);
  if (st.flags.length) o.flags = st.flags.length === 1 ? st.flags[0] : st.flags;
  return { [st.kind]: Object.keys(o).length ? o : null };
}

const LEVEL_DEFAULT = 'warn';

function plainJson(st: Extract<Stmt, { s: 'plain' }>, fam: Family): unknown {
  if (st.json !== undefined) return st.json;
  const t = st.text;
  if (st.kind === 'synproxy') {
    // synproxy [mss N] [wscale N] [timestamp] [sack-perm]: null when bare, flags always a list.
    const o: Record<string, unknown> = {};
    const m = t.match(/ mss (\d+)/); if (m) o.mss = Number(m[1]);
    const w = t.match(/ wscale (\d+)/); if (w) o.wscale = Number(w[1]);
    const f = [...t.matchAll(/ (timestamp|sack-perm)/g)].map((x) => x[1]!);
    if (f.length) o.flags = f;
    return { synproxy: Object.keys(o).length ? o : null };
  }
  switch (st.kind) {
    case 'notrack': return { notrack: null };
    case 'log': {
      if (t === 'log') return { log: null };
      const o: Record<string, unknown> = {};
      const p = t.match(/ prefix "(.*?)"/); if (p) o.prefix = p[1];
      const g = t.match(/ group (\d+)/); if (g) o.group = Number(g[1]);
      const s = t.match(/ snaplen (\d+)/); if (s) o.snaplen = Number(s[1]);
      const q = t.match(/ queue-threshold (\d+)/); if (q) o['queue-threshold'] = Number(q[1]);
      const l = t.match(/ level (\S+)/); if (l && l[1] !== LEVEL_DEFAULT) o.level = l[1];
      const f = [...t.matchAll(/ flags (tcp sequence,options|tcp sequence|tcp options|ip options|skuid|ether|all)/g)].map((m) => m[1]!);
      // Every flag is the string "all" (log_stmt_json); any other set is a list.
      if (f.length) o.flags = f.length === 1 && f[0] === 'all' ? 'all' : f.flatMap((x) => (x === 'tcp sequence,options' ? ['tcp sequence', 'tcp options'] : [x]));
      return { log: o };
    }
    case 'limit': {
      const m = t.match(/^limit rate (over )?(\d+)(?: (\S*bytes))?\/(\S+)(?: burst (\d+) (packets|\S*bytes))?/);
      if (!m) return { limit: t };
      const o: Record<string, unknown> = { rate: Number(m[2]), burst: Number(m[5] ?? (m[3] ? 0 : 5)), per: m[4] };
      if (m[1]) o.inv = true;
      if (m[3]) { o.rate_unit = m[3]; o.burst_unit = m[6] && m[6] !== 'packets' ? m[6] : 'bytes'; }
      return { limit: o };
    }
    case 'quota': {
      const m = t.match(/^quota (over )?(\d+) (\S+)(?: used (\d+) (\S+))?/);
      if (!m) return { quota: t };
      const o: Record<string, unknown> = { val: Number(m[2]), val_unit: m[3] };
      if (m[4]) { o.used = Number(m[4]); o.used_unit = m[5]; }
      if (m[1]) o.inv = true;
      return { quota: o };
    }
    case 'reject': {
      // JSON names the default the text leaves out.
      if (t === 'reject') return { reject: { type: fam === 'ip' ? 'icmp' : fam === 'ip6' ? 'icmpv6' : 'icmpx', expr: 'port-unreachable' } };
      if (t === 'reject with tcp reset') return { reject: { type: 'tcp reset' } };
      const m = t.match(/^reject with (icmpx|icmpv6|icmp) (\S+)/);
      return { reject: m ? { type: m[1], expr: m[2] } : t };
    }
    case 'connlimit': { const m = t.match(/ct count (over )?(\d+)/)!; return { 'ct count': { val: Number(m[2]), ...(m[1] ? { inv: true } : {}) } }; }
    case 'flow': return { flow: { op: 'add', flowtable: t.replace('flow add ', '') } };
    default: return { [st.kind]: t };
  }
}

export function stmtJson(st: Stmt, c: Ctx): unknown {
  switch (st.s) {
    case 'match': {
      const flagsOp = st.right.v === 'flags' || (st.right.v === 'masked' && st.right.value.length);
      const op = flagsOp ? 'in' : st.op === '' ? '==' : st.op;
      const left = st.right.v === 'masked' && st.right.value.length ? { '&': [exprJson(st.left, c), jsonValue(st.left.type, st.right.mask, c, st.left.order)] } : exprJson(st.left, c);
      // `tcp flags ! fin,rst` (data & flags == 0) is op "!" on the flags; `!= syn / fin,syn` keeps its !=.
      if (st.right.v === 'masked' && !st.right.value.length) return { match: { op: '!', left, right: jsonValue(st.left.type, st.right.mask, c, st.left.order) } };
      return { match: { op: st.right.v === 'masked' && st.right.value.length ? (st.op || '==') : op, left, right: rhsJson(st.left, st.right, c) } };
    }
    case 'vmap': return { vmap: { key: exprJson(st.key, c), data: setRefJson(st.set, c, st.key) } };
    case 'mangle': return { mangle: { key: exprJson(st.target, c), value: exprJson(st.value, c, st.target) } };
    case 'verdict': return st.chain !== undefined ? { [st.verdict]: { target: st.chain } } : { [st.verdict]: null };
    case 'counter': return { counter: { packets: Number(st.packets), bytes: Number(st.bytes) } };
    case 'nat': return natJson(st, c);
    case 'tproxy': {
      const o: Record<string, unknown> = {};
      if (st.family) o.family = st.family;
      if (st.addr) o.addr = exprJson(st.addr, c, { type: st.family === 'ip6' || c.family === 'ip6' ? 'ipv6_addr' : 'ipv4_addr', order: 'big' } as NExpr);
      if (st.port) o.port = exprJson(st.port, c, { type: 'inet_service', order: 'big' } as NExpr);
      return { tproxy: o };
    }
    case 'dup': case 'fwd': {
      const dev = st.dev ? exprJson(st.dev, c, { type: 'iface_index', order: 'host' } as NExpr) : undefined;
      if (!st.addr) return st.s === 'dup' ? { dup: { addr: dev } } : { fwd: { dev } };
      const addr = exprJson(st.addr, c, { type: c.family === 'ip6' || st.family === 'ip6' ? 'ipv6_addr' : 'ipv4_addr', order: 'big' } as NExpr);
      return { [st.s]: { ...(dev !== undefined && st.s === 'fwd' ? { dev } : {}), ...(st.family ? { family: st.family } : {}), addr, ...(dev !== undefined && st.s === 'dup' ? { dev } : {}) } };
    }
    case 'objref': {
      if (st.map) {
        const info = c.sets.get(st.map.set);
        return { [OBJECT_KINDS[info?.objType ?? 1] ?? 'counter']: { map: { key: exprJson(st.map.key, c), data: setRefJson(st.map.set, c) } } };
      }
      return { [st.kind]: st.name };
    }
    case 'dynset': {
      const info = c.sets.get(st.set);
      if (info && info.flags & SET_EVAL && st.stmts.length === 1 && !st.data) {
        // A meter, as the text listing prints it: key (with its timeout), the bare statement, size, name.
        const key = exprJson(st.key, c);
        const x = st.stmts[0]!;
        return { meter: { key: st.timeout ? { elem: { val: key, timeout: Number(st.timeout / 1000n) } } : key, stmt: x.s === 'counter' ? { counter: null } : stmtJson(x, c), size: Number(info.raw.attrs.desc?.size ?? 0), name: st.set } };
      }
      let elem = exprJson(st.key, c);
      if (st.timeout || st.stmts.length) {
        const e: Record<string, unknown> = { val: elem };
        if (st.timeout) e.timeout = Number(st.timeout / 1000n);
        if (st.stmts.length) e.stmt = st.stmts.map((x) => stmtJson(x, c));
        elem = { elem: e };
      }
      return { set: { op: st.op, elem, ...(st.data ? { data: exprJson(st.data, c) } : {}), set: `@${st.set}` } };
    }
    case 'xt': return { xt: { type: st.kind, name: st.name } };
    case 'plain': return plainJson(st, c.family);
  }
}

const commentOf = (ud: unknown, type: number): string | undefined => {
  if (!(ud instanceof Uint8Array)) return undefined;
  const c = (parseUdata(ud) ?? []).find((x) => x.type === type);
  if (!c) return undefined;
  const z = c.value.indexOf(0);
  return new TextDecoder().decode(z >= 0 ? c.value.subarray(0, z) : c.value);
};

function ruleJson(r: RawRule, c: Ctx): unknown {
  const comment = commentOf(r.attrs.userdata, 0);
  return {
    rule: {
      family: r.family, table: r.attrs.table, chain: r.attrs.chain, handle: Number(r.attrs.handle),
      ...(comment !== undefined ? { comment } : {}),
      expr: ruleStatements(r, c.sets).map((s) => stmtJson(s, c)),
    },
  };
}

function setFlags(flags: number): string[] {
  const out: string[] = [];
  if (flags & SET_CONSTANT) out.push('constant');
  if (flags & SET_INTERVAL) out.push('interval');
  if (flags & SET_TIMEOUT) out.push('timeout');
  return out;
}

function setJson(info: SetInfo, t: RawTable, c: Ctx): unknown {
  const a = info.raw.attrs;
  const isMap = !!(info.flags & (SET_MAP | SET_OBJECT));
  const o: Record<string, unknown> = {
    family: t.family, name: info.name, table: t.attrs.name,
    type: info.keyTypes.length > 1 ? info.keyTypes.map(typeName) : typeName(info.keyTypes[0]!), handle: Number(a.handle),
  };
  if (info.flags & SET_MAP && info.dataType) o.map = info.dataType;
  if (info.flags & SET_OBJECT && info.objType !== undefined) o.map = OBJECT_KINDS[info.objType];
  if (Number(a.policy ?? 0) === 1) o.policy = 'memory';
  if (a.desc?.size) o.size = Number(a.desc.size);
  const comment = commentOf(a.userdata, 7);
  if (comment !== undefined) o.comment = comment;
  const f = setFlags(info.flags);
  if (f.length) o.flags = f;
  if (a.timeout) o.timeout = Number(BigInt(a.timeout) / 1000n);
  if (a['gc-interval']) o['gc-interval'] = Math.floor(Number(a['gc-interval']) / 1000);
  if (info.raw.elements.length) o.elem = elementJson(info, c);
  const exprs = ((a.expressions?.elem ?? a.expr ?? []) as Rec[]);
  const list = (Array.isArray(exprs) ? exprs : [exprs]).filter((x) => x.name);
  if (list.length) o.stmt = list.map((x) => ({ [x.name]: null }));
  return { [isMap ? 'map' : 'set']: o };
}

function objJson(o: RawTable['objects'][number], t: RawTable): unknown {
  const type = Number(o.attrs.type);
  const kind = OBJECT_KINDS[type] ?? `object ${type}`;
  const d = o.data;
  const base = { family: t.family, name: o.attrs.name, table: t.attrs.name, handle: Number(o.attrs.handle) };
  const L3 = (n: number): string => (n === 2 ? 'ip' : n === 10 ? 'ip6' : String(n));
  const L4 = (n: number): string => SYMBOLS.inet_proto!.get(n) ?? String(n);
  switch (type) {
    case 1: return { counter: { ...base, packets: Number(d.packets ?? 0), bytes: Number(d.bytes ?? 0) } };
    case 2: return { quota: { ...base, bytes: Number(d.bytes ?? 0), used: Number(d.consumed ?? 0), inv: (Number(d.flags ?? 0) & 1) === 1 } };
    case 4: {
      const bytes = Number(d.type ?? 0) === 1;
      const units: Record<number, string> = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day', 604800: 'week' };
      const [rate, unit] = bytes ? byteUnit(BigInt(d.rate ?? 0)) : [BigInt(d.rate ?? 0), ''];
      const l: Record<string, unknown> = { ...base, rate: Number(rate), per: units[Number(d.unit ?? 1)] ?? Number(d.unit) };
      if (Number(d.flags ?? 0) & 1) l.inv = true;
      if (bytes) { const [b, bu] = byteUnit(BigInt(d.burst ?? 0)); l.rate_unit = unit; l.burst = Number(b); l.burst_unit = bu; } else l.burst = Number(d.burst ?? 0);
      return { limit: l };
    }
    case 3: return { 'ct helper': { ...base, type: d.name, protocol: L4(Number(d.l4proto)), l3proto: L3(Number(d.l3proto)) } };
    case 7: {
      const policy = Object.fromEntries(timeoutPolicyPairs(Number(d.l4proto), d.data));
      return { 'ct timeout': { ...base, protocol: L4(Number(d.l4proto)), l3proto: L3(Number(d.l3proto)), ...(Object.keys(policy).length ? { policy } : {}) } };
    }
    case 9: return { 'ct expectation': { ...base, protocol: L4(Number(d.l4proto)), dport: Number(d.dport), timeout: Number(d.timeout), size: Number(d.size), l3proto: L3(Number(d.l3proto)) } };
    default: return { [kind]: base };
  }
}

/** The whole ruleset as `nft -j list ruleset`'s array (metainfo first). */
export function rulesetToJson(rs: RawRuleset, opts: ValueContext = {}): unknown[] {
  const out: unknown[] = [{ metainfo: { json_schema_version: 1, generator: 'netlinkts', generation: rs.generation } }];
  for (const t of rs.tables) {
    const c: Ctx = { ...opts, sets: tableSets(t), family: t.family };
    const comment = commentOf(t.attrs.userdata, 0);
    const flags = Number(t.attrs.flags ?? 0);
    // nft 1.0.6 leaves the table comment out of its JSON.
    void comment;
    out.push({ table: { family: t.family, name: t.attrs.name, handle: Number(t.attrs.handle), ...(flags & 1 ? { flags: ['dormant'] } : {}) } });
    for (const o of t.objects) out.push(objJson(o, t));
    for (const s of t.sets) { const info = c.sets.get(String(s.attrs.name))!; if (!(info.flags & SET_ANONYMOUS)) out.push(setJson(info, t, c)); }
    for (const f of t.flowtables) out.push({ flowtable: { family: t.family, name: f.name, table: t.attrs.name, handle: Number(f.handle), hook: 'ingress', prio: Number(f.hook?.priority ?? 0), dev: f.hook?.devs?.name ?? [] } });
    for (const ch of t.chains) {
      const a = ch.attrs;
      const o: Record<string, unknown> = { family: t.family, table: t.attrs.name, name: a.name, handle: Number(a.handle) };
      const comment = commentOf(a.userdata, 0);
      if (comment !== undefined) o.comment = comment;
      if (a.hook && a.type) {
        const hooks = t.family === 'netdev' ? ['ingress', 'egress'] : t.family === 'arp' ? ['input', 'output', 'forward'] : ['prerouting', 'input', 'forward', 'output', 'postrouting'];
        o.type = a.type;
        o.hook = hooks[Number(a.hook.num)] ?? Number(a.hook.num);
        // nft 1.0.6 leaves a base chain's device(s) out of its JSON.
        o.prio = Number(a.hook.priority) | 0;
        o.policy = Number(a.policy ?? 1) === 0 ? 'drop' : 'accept';
      }
      out.push({ chain: o });
    }
    for (const ch of t.chains) for (const r of ch.rules) out.push(ruleJson(r, c));
  }
  return out;
}

void priorityText;
