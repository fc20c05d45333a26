// Action statements: the expressions that do something (verdicts, counters, log, limit, quota,
// reject, NAT, mangles, dynset, objref, ...). Those with register operands take them from the
// folding context; the others print straight from their attributes, in nft 1.0.6's words.
import type { Rec } from './snapshot.js';
import type { NExpr, Stmt } from './model.js';
import { get, touchLayers, exthdrExpr, maskRun, payloadExpr, type FoldContext } from './registers.js';
import { CT_KEYS, META_KEYS, TCP_OPTIONS } from './fields.js';
import { exprList } from './snapshot.js';
import { SYMBOLS, timeText } from './types.js';

const VERDICTS: Record<number, string> = { 0: 'drop', 1: 'accept', 3: 'queue', [-1]: 'continue', [-2]: 'break', [-3]: 'jump', [-4]: 'goto', [-5]: 'return' };

export function verdictText(v: Rec): { verdict: string; chain?: string } {
  const code = (Number(v.code) | 0);
  const verdict = VERDICTS[code] ?? `verdict ${code}`;
  return v.chain !== undefined ? { verdict, chain: String(v.chain) } : { verdict };
}

const UNITS: Record<number, string> = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day', 604800: 'week' };

/** Bytes with nft's unit scaling (get_rate): 1048576 -> [1, 'mbytes']. */
export function byteUnit(n: bigint): [bigint, string] {
  const units = ['bytes', 'kbytes', 'mbytes'];
  let i = 0;
  while (i < units.length - 1 && n !== 0n && n % 1024n === 0n) { n /= 1024n; i++; }
  return [n, units[i]!];
}

export function limitText(d: Rec): string {
  const rate = BigInt(d.rate ?? 0), unit = Number(d.unit ?? 1), burst = Number(d.burst ?? 0);
  const over = (Number(d.flags ?? 0) & 1) ? 'over ' : '';
  const u = UNITS[unit] ?? `${unit}s`;
  if (Number(d.type ?? 0) === 1) {
    const [r, ru] = byteUnit(rate);
    let s = `rate ${over}${r} ${ru}/${u}`;
    if (burst) { const [b, bu] = byteUnit(BigInt(burst)); s += ` burst ${b} ${bu}`; }
    return s;
  }
  return `rate ${over}${rate}/${u}${burst !== 5 && burst !== 0 ? ` burst ${burst} packets` : ''}`;
}

export function quotaText(d: Rec, object = false): string {
  const [n, u] = byteUnit(BigInt(d.bytes ?? 0));
  const over = (Number(d.flags ?? 0) & 1) ? 'over ' : '';
  const used = BigInt(d.consumed ?? 0);
  const usedText = used ? (() => { const [un, uu] = byteUnit(used); return ` used ${un} ${uu}`; })() : '';
  return `${object ? '' : 'quota '}${over}${n} ${u}${usedText}`;
}

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];

function logText(d: Rec): string {
  let s = 'log';
  if (d.prefix !== undefined) s += ` prefix "${d.prefix}"`;
  if (d.group !== undefined) s += ` group ${d.group}`;
  if (d.snaplen) s += ` snaplen ${d.snaplen}`;
  if (d.qthreshold) s += ` queue-threshold ${d.qthreshold}`;
  if (d.level !== undefined && d.level !== 4) s += ` level ${LEVELS[d.level] ?? d.level}`;
  const fl = Number(d.flags ?? 0);
  if (fl) {
    if ((fl & 0x2f) === 0x2f) s += ' flags all';
    else {
      const f: string[] = [];
      if (fl & 3) f.push(`tcp ${[(fl & 1) && 'sequence', (fl & 2) && 'options'].filter(Boolean).join(',')}`);
      if (fl & 4) f.push('ip options');
      if (fl & 8) f.push('skuid');
      if (fl & 0x20) f.push('ether');
      for (const x of f) s += ` flags ${x}`;
    }
  }
  return s;
}

function rejectText(ctx: FoldContext, d: Rec): string {
  const type = Number(d.type ?? 0), code = Number(d['icmp-code'] ?? 0);
  if (type === 1) {
    // In ip and ip6 tables nft drops the `meta l4proto tcp` it added for the reset (inet,
    // bridge and netdev listings keep it, as nft 1.0.6 does).
    const dep = ctx.family === 'ip' || ctx.family === 'ip6' ? ctx.deps.find((x) => x.layer === 'transport') : undefined;
    if (dep && ctx.l4 === 'tcp') { (ctx.stmts[dep.index] as { dropped?: boolean }).dropped = true; ctx.deps = ctx.deps.filter((x) => x !== dep); }
    return 'reject with tcp reset';
  }
  if (type === 2) return code === 1 ? 'reject' : `reject with icmpx ${SYMBOLS.icmpx_code!.get(code) ?? code}`;
  const inetLike = ctx.family !== 'ip' && ctx.family !== 'ip6';
  // icmp/icmpv6 by the family (or, in inet/bridge, the nfproto dependency that nft then drops).
  let l3 = ctx.family === 'ip6' ? 'ip6' : ctx.family === 'ip' ? 'ip' : ctx.l3;
  if (ctx.family !== 'ip' && ctx.family !== 'ip6') {
    const dep = ctx.deps.find((x) => x.layer === 'network');
    if (dep) { (ctx.stmts[dep.index] as { dropped?: boolean }).dropped = true; ctx.deps = ctx.deps.filter((x) => x !== dep); }
    l3 = ctx.l3;
  }
  // Only the family's own default (port unreachable) prints as a bare `reject`.
  if (l3 === 'ip6') return code === 4 && !inetLike ? 'reject' : `reject with icmpv6 ${SYMBOLS.icmpv6_code!.get(code) ?? code}`;
  return code === 3 && !inetLike ? 'reject' : `reject with icmp ${SYMBOLS.icmp_code!.get(code) ?? code}`;
}

function natFlags(fl: number): string[] {
  const out: string[] = [];
  if (fl & 4) out.push('random');
  if (fl & 16) out.push('fully-random');
  if (fl & 8) out.push('persistent');
  if (fl & 64) out.push('netmap');
  return out;
}

const reg = (ctx: FoldContext, r: unknown): NExpr | undefined => (r === undefined ? undefined : get(ctx, Number(r)));

/** A register operand that nft types by where it goes (a meta key, a field, an address). */
function operand(ctx: FoldContext, r: unknown): NExpr | undefined {
  const e = reg(ctx, r);
  touchLayers(ctx, e);
  return e;
}

function familyOf(n: unknown): string | undefined {
  return n === 2 ? 'ip' : n === 10 ? 'ip6' : undefined;
}

/** An action statement, or undefined for expressions that leave nothing to print. */
export function actionStatement(ctx: FoldContext, name: string, d: Rec): Stmt | undefined {
  switch (name) {
    case 'immediate': {
      if (d.data?.verdict) return { s: 'verdict', ...verdictText(d.data.verdict) };
      return undefined;
    }
    case 'counter': return { s: 'counter', packets: BigInt(d.packets ?? 0), bytes: BigInt(d.bytes ?? 0) };
    case 'log': return { s: 'plain', kind: 'log', text: logText(d) };
    case 'limit': return { s: 'plain', kind: 'limit', text: `limit ${limitText(d)}` };
    case 'quota': return { s: 'plain', kind: 'quota', text: quotaText(d) };
    case 'reject': return { s: 'plain', kind: 'reject', text: rejectText(ctx, d) };
    case 'notrack': return { s: 'plain', kind: 'notrack', text: 'notrack' };
    case 'connlimit': return { s: 'plain', kind: 'connlimit', text: `ct count ${(Number(d.flags ?? 0) & 1) ? 'over ' : ''}${d.count}` };
    case 'synproxy': {
      const fl = Number(d.flags ?? 0);
      // NF_SYNPROXY_OPT_MSS 1, WSCALE 2, SACK_PERM 4, TIMESTAMP 8.
      let s = 'synproxy';
      if (fl & 1) s += ` mss ${d.mss}`;
      if (fl & 2) s += ` wscale ${d.wscale}`;
      if (fl & 8) s += ' timestamp';
      if (fl & 4) s += ' sack-perm';
      return { s: 'plain', kind: 'synproxy', text: s };
    }
    case 'last': return { s: 'plain', kind: 'last', text: d.set ? `last used ${timeText(BigInt(d.msecs ?? 0))}` : 'last used never' };
    case 'queue': {
      const fl = Number(d.flags ?? 0);
      const f = [(fl & 1) && 'bypass', (fl & 2) && 'fanout'].filter(Boolean).join(',');
      const total = Number(d.total ?? 1);
      const num = d['sreg-qnum'] !== undefined ? '' : total > 1 ? `${d.num}-${Number(d.num) + total - 1}` : String(d.num ?? 0);
      return { s: 'plain', kind: 'queue', text: `queue${f ? ` flags ${f}` : ''} to ${num}` };
    }
    case 'nat': {
      const fl = Number(d.flags ?? 0);
      const st: Stmt = { s: 'nat', kind: d.type === 1 ? 'dnat' : 'snat', flags: natFlags(fl) };
      if (ctx.family === 'inet') st.family = familyOf(d.family);
      if (d['reg-addr-min'] !== undefined) st.addr = operand(ctx, d['reg-addr-min']);
      if (d['reg-addr-max'] !== undefined && d['reg-addr-max'] !== d['reg-addr-min']) st.addrMax = operand(ctx, d['reg-addr-max']);
      if (d['reg-proto-min'] !== undefined) st.proto = operand(ctx, d['reg-proto-min']);
      if (d['reg-proto-max'] !== undefined && d['reg-proto-max'] !== d['reg-proto-min']) st.protoMax = operand(ctx, d['reg-proto-max']);
      (st as { familyNum?: number }).familyNum = Number(d.family);
      return st;
    }
    case 'masq': case 'redir': {
      const st: Stmt = { s: 'nat', kind: name === 'masq' ? 'masquerade' : 'redirect', flags: natFlags(Number(d.flags ?? 0)) };
      if (d['reg-proto-min'] !== undefined) st.proto = operand(ctx, d['reg-proto-min']);
      if (d['reg-proto-max'] !== undefined && d['reg-proto-max'] !== d['reg-proto-min']) st.protoMax = operand(ctx, d['reg-proto-max']);
      return st;
    }
    case 'tproxy': {
      const st: Stmt = { s: 'tproxy' };
      if (ctx.family === 'inet') st.family = familyOf(d.family);
      if (d['reg-addr'] !== undefined) st.addr = operand(ctx, d['reg-addr']);
      if (d['reg-port'] !== undefined) st.port = operand(ctx, d['reg-port']);
      return st;
    }
    case 'dup': return { s: 'dup', addr: reg(ctx, d['sreg-addr']), dev: reg(ctx, d['sreg-dev']) };
    case 'fwd': return { s: 'fwd', addr: reg(ctx, d['sreg-addr']), dev: reg(ctx, d['sreg-dev']), family: familyOf(d.nfproto) };
    case 'objref': {
      const kinds: Record<number, string> = { 1: 'counter', 2: 'quota', 3: 'ct helper', 4: 'limit', 7: 'ct timeout', 8: 'secmark', 9: 'ct expectation', 10: 'synproxy' };
      if (d['set-name'] !== undefined) {
        const key = operand(ctx, d['set-sreg']);
        return key ? { s: 'objref', kind: 'map', map: { key, set: String(d['set-name']) } } : undefined;
      }
      return { s: 'objref', kind: kinds[d['imm-type']] ?? `object ${d['imm-type']}`, name: String(d['imm-name']) };
    }
    case 'dynset': {
      // The key spans as many registers as the set's key (a concatenation: ip saddr . ip daddr).
      const kr = d['sreg-key'] === undefined ? undefined : get(ctx, Number(d['sreg-key']), ctx.setKeyLen(String(d['set-name'])));
      touchLayers(ctx, kr);
      const key = kr ?? { t: 'raw', text: '?', type: 'integer', bytes: 4, order: 'big' };
      const data = d['sreg-data'] !== undefined ? reg(ctx, d['sreg-data']) : undefined;
      const inner: Stmt[] = [];
      const exprs = d.expressions ? exprList(d.expressions) : d.expr ? [{ name: String(d.expr.name), data: d.expr.data ?? {} }] : [];
      for (const e of exprs) { const st = actionStatement(ctx, e.name, e.data); if (st) inner.push(st); }
      const ops = ['add', 'update', 'delete'];
      return { s: 'dynset', op: ops[d.op] ?? 'add', set: String(d['set-name']), key, ...(data ? { data } : {}), ...(d.timeout ? { timeout: BigInt(d.timeout) } : {}), stmts: inner };
    }
    case 'payload': {
      if (d.sreg === undefined) return undefined;
      const value = reg(ctx, d.sreg);
      // The target is the field at the write's location; a masked rewrite (ip dscp set) carries the field in the value.
      const same = value?.t === 'binop' && value.left.t === 'payload' && sameLoc(value.left, d);
      if (value && value.t === 'binop' && value.left.t === 'payload' && (value.right2 || (same && (value.op === '&' || value.op === '|')))) {
        // (x & mask) ^ xor of the bytes written back: the bits outside the mask are the field.
        // The bitwise folder shortened the all-ones-field case to `| xor` and the zero case to `& mask`.
        const f = value.left;
        const keep = value.right2 ? value.right : value.op === '&' ? value.right : value.right.map((x) => ~x & 0xff);
        const mask = keep.map((m) => ~m & 0xff), xor = value.right2 ?? (value.op === '|' ? value.right : new Uint8Array(keep.length));
        const loc = (f as { _loc?: [number, number, number] })._loc;
        const target = loc ? bitfield(ctx, loc, Uint8Array.from(mask)) : f;
        const shift = target.t === 'payload' ? target.shift ?? 0 : 0;
        let v = 0;
        for (const b of xor) v = v * 256 + b;
        v >>>= shift;
        const out = new Uint8Array(target.bytes ?? 1);
        for (let i = out.length - 1, x = v; i >= 0; i--, x >>>= 8) out[i] = x & 0xff;
        touchLayers(ctx, target);
        return { s: 'mangle', target: { ...target, shift: undefined } as NExpr, value: { t: 'const', value: out } };
      }
      const target = fieldFor(ctx, d);
      touchLayers(ctx, target);
      return value ? { s: 'mangle', target, value } : undefined;
    }
    case 'meta': case 'ct': {
      if (d.sreg === undefined) return undefined;
      const def = (name === 'meta' ? META_KEYS : CT_KEYS)[d.key];
      const target: NExpr = name === 'meta'
        ? { t: 'meta', key: def?.name ?? String(d.key), bare: !!def?.bare, type: def?.type ?? 'integer', bytes: def?.bytes ?? 4, order: def?.order ?? 'host' }
        : { t: 'ct', key: def?.name ?? String(d.key), type: def?.type ?? 'integer', bytes: def?.bytes ?? 4, order: def?.order ?? 'host', ...(d.direction !== undefined ? { dir: d.direction === 0 ? 'original' : 'reply' } : {}) };
      const value = operand(ctx, d.sreg);
      return value ? { s: 'mangle', target, value } : undefined;
    }
    case 'exthdr': {
      if (d.sreg === undefined && d.dreg === undefined && Number(d.op) === 1) {
        // Neither loads nor stores: the kernel strips the option (nft's `reset tcp option`).
        const opt = TCP_OPTIONS[d.type];
        return { s: 'plain', kind: 'reset', text: `reset tcp option ${opt?.name ?? d.type}`, json: { reset: { 'tcp option': opt ? { name: opt.name } : { base: d.type, offset: 0, len: 0 } } } };
      }
      if (d.sreg === undefined) return undefined;
      const value = operand(ctx, d.sreg);
      const target = exthdrExpr(d);
      touchLayers(ctx, target);
      return value ? { s: 'mangle', target, value } : undefined;
    }
    case 'secmark': return { s: 'plain', kind: 'secmark', text: `meta secmark set "${d.ctx}"` };
    case 'flow_offload': return { s: 'plain', kind: 'flow', text: `flow add @${d.name}` };
    default:
      return { s: 'plain', kind: 'unknown', text: `[ ${name} ]` };
  }
}

/** Whether a payload load reads exactly the bytes a payload write stores to. */
function sameLoc(e: NExpr, d: Rec): boolean {
  const loc = (e as { _loc?: [number, number, number] })._loc;
  return !!loc && loc[0] === d.base && loc[1] === d.offset && loc[2] === d.len;
}

function fieldFor(ctx: FoldContext, d: Rec): NExpr {
  return payloadExpr(ctx, d.base, d.offset, d.len);
}

function bitfield(ctx: FoldContext, loc: [number, number, number], mask: Uint8Array): NExpr {
  const run = maskRun(mask);
  return run ? payloadExpr(ctx, loc[0], loc[1], loc[2], run) : payloadExpr(ctx, loc[0], loc[1], loc[2]);
}
