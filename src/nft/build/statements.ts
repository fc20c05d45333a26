// Statements in libnftables JSON's vocabulary (what `nft -j` prints and `nft -j -f` reads),
// compiled to register-level expressions exactly as nft 1.0.6 does:
//   { match: { left: { payload: { protocol: 'tcp', field: 'dport' } }, op: '!=', right: 22 } }
//   { counter: null }, { log: { prefix: 'in: ' } }, { masquerade: { port: { range: [1024, 2048] } } }
// Matches and NAT go through the rule vocabulary (vocabulary.ts: payload loads with their
// protocol guards, prefixes, sets); the other statements map onto the declared expressions.
import { ValidationError } from '../../netlink/errors.js';
import { match, stmt, verdict, type RulePart, type BuildContext } from '../vocabulary.js';
import type { Family } from '../codec.js';
import type { Expression } from '../expr/index.js';

/** One statement of a rule, as libnftables JSON writes it. */
export type Statement = Record<string, unknown>;

type Right = unknown;

const PER: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };
const BYTE_UNITS: Record<string, number> = { bytes: 1, kbytes: 1024, mbytes: 1024 * 1024, gbytes: 1024 * 1024 * 1024 };
const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
const ICMP_CODES: Record<string, number> = {
  'net-unreachable': 0, 'host-unreachable': 1, 'prot-unreachable': 2, 'port-unreachable': 3,
  'net-prohibited': 9, 'host-prohibited': 10, 'admin-prohibited': 13,
};
const ICMPX_CODES: Record<string, number> = { 'no-route': 0, 'port-unreachable': 1, 'host-unreachable': 2, 'admin-prohibited': 3 };

function bad(where: string, problem: string): never {
  throw new ValidationError(where, problem);
}

/** A part that emits fixed expressions. */
function fixed(text: string, list: Expression[]): RulePart {
  return { text, build: () => list };
}

/** The right-hand side of an address match as the vocabulary takes it: "10.0.0.0/8", "@set". */
function addressText(r: Right, where: string): string {
  if (typeof r === 'string') return r;
  if (r && typeof r === 'object' && 'prefix' in r) {
    const p = (r as { prefix: { addr: string; len: number } }).prefix;
    return `${p.addr}/${p.len}`;
  }
  return bad(where, `expected an address, {prefix: {addr, len}} or "@set", got ${JSON.stringify(r)}`);
}

function portValue(r: Right, where: string): number | string | readonly [number, number] {
  if (typeof r === 'number' || typeof r === 'string') return r;
  if (r && typeof r === 'object' && 'range' in r) {
    const [a, b] = (r as { range: [number, number] }).range;
    return [a, b];
  }
  return bad(where, `expected a port, {range: [a, b]} or "@set", got ${JSON.stringify(r)}`);
}

function matchPart(m: Record<string, unknown>, where: string): RulePart {
  const op = (m.op ?? '==') as string;
  if (op !== '==' && op !== '!=' && op !== 'in') bad(`${where}.op`, `operator ${JSON.stringify(op)} is not supported by the builder (==, !=, in)`);
  const o = { not: op === '!=' };
  const left = m.left as Record<string, unknown> | undefined;
  const right = m.right;
  if (left && typeof left === 'object' && 'payload' in left) {
    const p = left.payload as { protocol?: string; field?: string };
    const key = `${p.protocol}.${p.field}`;
    switch (key) {
      case 'ip.saddr': return match.ip.saddr(addressText(right, `${where}.right`), o);
      case 'ip.daddr': return match.ip.daddr(addressText(right, `${where}.right`), o);
      case 'ip6.saddr': return match.ip6.saddr(addressText(right, `${where}.right`), o);
      case 'ip6.daddr': return match.ip6.daddr(addressText(right, `${where}.right`), o);
      case 'ip.protocol': return match.ip.protocol(right as string, o);
      case 'tcp.sport': return match.tcp.sport(portValue(right, `${where}.right`), o);
      case 'tcp.dport': return match.tcp.dport(portValue(right, `${where}.right`), o);
      case 'udp.sport': return match.udp.sport(portValue(right, `${where}.right`), o);
      case 'udp.dport': return match.udp.dport(portValue(right, `${where}.right`), o);
      default: return bad(`${where}.left.payload`, `${key} is not supported by the builder yet`);
    }
  }
  if (left && typeof left === 'object' && 'meta' in left) {
    const k = (left.meta as { key?: string }).key;
    switch (k) {
      case 'iifname': return match.iifname(right as string, o);
      case 'oifname': return match.oifname(right as string, o);
      case 'l4proto': return match.l4proto(right as string, o);
      case 'mark': return match.mark(right as number, o);
      default: return bad(`${where}.left.meta`, `meta ${String(k)} is not supported by the builder yet`);
    }
  }
  if (left && typeof left === 'object' && 'ct' in left) {
    const k = (left.ct as { key?: string }).key;
    if (k === 'state') {
      const states = Array.isArray(right) ? right : typeof right === 'string' ? [right] : bad(`${where}.right`, 'ct state takes a state or a list of states');
      return match.ct.state(states as never);
    }
    return bad(`${where}.left.ct`, `ct ${String(k)} is not supported by the builder yet`);
  }
  return bad(`${where}.left`, `left side ${JSON.stringify(left)} is not supported by the builder yet`);
}

function natPort(v: unknown): number | readonly [number, number] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'range' in v) return (v as { range: [number, number] }).range;
  return v as number;
}

function natFlagsOf(v: unknown): { random?: boolean; fullyRandom?: boolean; persistent?: boolean } {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return { random: list.includes('random') || undefined, fullyRandom: list.includes('fully-random') || undefined, persistent: list.includes('persistent') || undefined };
}

function limitExpr(l: Record<string, unknown>): Expression {
  const unit = PER[(l.per as string) ?? 'second'] ?? bad('limit.per', `unknown unit ${String(l.per)}`);
  const bytes = l.rate_unit !== undefined && l.rate_unit !== 'packets';
  const mult = bytes ? (BYTE_UNITS[l.rate_unit as string] ?? bad('limit.rate_unit', `unknown unit ${String(l.rate_unit)}`)) : 1;
  const burstMult = bytes ? (BYTE_UNITS[(l.burst_unit as string) ?? 'bytes'] ?? 1) : 1;
  // nft's default burst: 5 packets; a byte rate without one sends no NFTA_LIMIT_BURST at all.
  const burst = l.burst !== undefined ? (l.burst as number) * burstMult : bytes ? undefined : 5;
  const e: Record<string, unknown> = { type: 'limit', rate: (l.rate as number) * mult, unit };
  if (burst !== undefined) e.burst = burst;
  e.limitType = bytes ? 'pkt_bytes' : 'pkts';
  e.flags = l.inv ? 1 : 0;
  return e as unknown as Expression;
}

function logExpr(l: Record<string, unknown> | null): Expression {
  const e: Record<string, unknown> = { type: 'log' };
  if (!l) return e as unknown as Expression;
  if (l.prefix !== undefined) e.prefix = l.prefix;
  if (l.group !== undefined) e.group = l.group;
  if (l.snaplen !== undefined) e.snaplen = l.snaplen;
  if (l['queue-threshold'] !== undefined) e.qthreshold = l['queue-threshold'];
  if (l.level !== undefined) {
    const i = LOG_LEVELS.indexOf(l.level as string);
    if (i < 0) bad('log.level', `unknown level ${String(l.level)}`);
    e.level = l.level;
  }
  return e as unknown as Expression;
}

function rejectExpr(r: Record<string, unknown> | null, family: Family): Expression {
  const type = r?.type as string | undefined;
  // nft sends the (unused) code 0 with a TCP reset.
  if (type === 'tcp reset') return { type: 'reject', rejectType: 'tcp_rst', icmpCode: 0 } as Expression;
  const inet = family === 'inet' || family === 'bridge' || family === 'netdev';
  if (type === 'icmpx' || (type === undefined && inet)) {
    const code = r?.expr === undefined ? 1 : ICMPX_CODES[r.expr as string] ?? bad('reject.expr', `unknown icmpx code ${String(r.expr)}`);
    return { type: 'reject', rejectType: 'icmpx_unreach', icmpCode: code } as Expression;
  }
  const code = r?.expr === undefined ? 3 : ICMP_CODES[r.expr as string] ?? bad('reject.expr', `unknown icmp code ${String(r.expr)}`);
  return { type: 'reject', rejectType: 'icmp_unreach', icmpCode: code } as Expression;
}

/** One statement as a rule part. */
export function statementPart(s: Statement, family: Family, where = 'statement'): RulePart {
  if (!s || typeof s !== 'object') bad(where, 'must be a statement object');
  const keys = Object.keys(s);
  if (keys.length !== 1) bad(where, `a statement has exactly one key (match, counter, accept, ...), got ${keys.join(', ') || 'none'}`);
  const k = keys[0]!;
  const v = s[k] as Record<string, unknown> | null;
  switch (k) {
    case 'match': return matchPart(v as Record<string, unknown>, `${where}.match`);
    case 'counter':
      if (typeof v === 'string') return fixed(`counter name "${v}"`, [{ type: 'objref', objType: 'counter', name: v } as Expression]);
      return stmt.counter();
    case 'accept': return verdict.accept();
    case 'drop': return verdict.drop();
    case 'return': return verdict.return();
    case 'continue': return verdict.continue();
    case 'jump': return verdict.jump((v as { target: string }).target);
    case 'goto': return verdict.goto((v as { target: string }).target);
    case 'masquerade': return stmt.masquerade({ ports: natPort(v?.port), ...natFlagsOf(v?.flags) });
    case 'snat': case 'dnat': {
      const o = { to: v?.addr as string, ports: natPort(v?.port), ...natFlagsOf(v?.flags) };
      return k === 'snat' ? stmt.snat(o) : stmt.dnat(o);
    }
    case 'log': return fixed('log', [logExpr(v)]);
    case 'limit': return fixed('limit', [limitExpr(v ?? {})]);
    case 'reject': return fixed('reject', [rejectExpr(v, family)]);
    case 'notrack': return fixed('notrack', [{ type: 'notrack' } as Expression]);
    case 'quota': {
      if (typeof v === 'string') return fixed(`quota name "${v}"`, [{ type: 'objref', objType: 'quota', name: v } as Expression]);
      const mult = BYTE_UNITS[(v?.val_unit as string) ?? 'bytes'] ?? bad(`${where}.quota.val_unit`, `unknown unit ${String(v?.val_unit)}`);
      return fixed('quota', [{ type: 'quota', bytes: (v!.val as number) * mult, consumed: ((v!.used as number | undefined) ?? 0) * mult, flags: v!.inv ? 1 : 0 } as Expression]);
    }
    default: return bad(where, `statement ${JSON.stringify(k)} is not supported by the builder yet`);
  }
}

/** A rule's statements as its expressions (protocol guards emitted once per rule, as nft does). */
export function compileStatements(family: Family, statements: readonly Statement[]): Expression[] {
  const ctx: BuildContext = { family, deps: new Set() };
  const out: Expression[] = [];
  statements.forEach((s, i) => { for (const e of statementPart(s, family, `statements.${i}`).build(ctx)) out.push(e); });
  return out;
}
