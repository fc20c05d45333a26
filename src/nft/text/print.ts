// The text printer: folded statements and the ruleset's tables, chains, sets, objects and
// flowtables as `nft list ruleset` (nftables 1.0.6) prints them, `-a` handles included on
// request. A function of the snapshot (./snapshot.ts) and the folding (./registers.ts) only.
import type { RawChain, RawRule, RawRuleset, RawTable, Rec } from './snapshot.js';
import type { NExpr, Rhs, Stmt } from './model.js';
import { foldRule } from './registers.js';
import { FLAGS, rangeType, toNum, valueText, type ByteOrder, type ValueContext } from './types.js';
import { anonymousSetText, flagExprText, keyedBy, prefixLen, SET_ANONYMOUS, SET_EVAL, setDeclaration, setInfo, type SetInfo } from './sets.js';
import { flowtableDeclaration, objectDeclaration, OBJECT_KINDS } from './objects.js';
import { parseUdata } from '../codec.js';
import type { Family } from '../codec.js';

export interface TextOptions extends ValueContext {
  /** `nft -a`: print handles. */
  handles?: boolean;
  /** Print nft's "# Warning: table ... is managed by iptables-nft" lines (nft writes them to stderr). */
  warnings?: boolean;
}

interface PrintCtx extends TextOptions {
  sets: Map<string, SetInfo>;
  family: Family;
}

function typed(type: string | undefined, order: ByteOrder | undefined, b: Uint8Array, c: PrintCtx): string {
  return valueText(type ?? 'integer', b, c, b.length * 8, order);
}

function setRef(name: string, c: PrintCtx, key?: NExpr): string {
  const info = c.sets.get(name);
  if (info && info.flags & SET_ANONYMOUS) return anonymousSetText(keyedBy(info, key as { shift?: number }), c);
  return `@${name}`;
}

export function exprText(e: NExpr, c: PrintCtx, hint?: NExpr): string {
  switch (e.t) {
    case 'payload': return e.raw ?? `${e.proto} ${e.field}`;
    case 'meta': return e.bare ? e.key : `meta ${e.key}`;
    case 'ct': return `ct ${e.dir ? `${e.dir} ` : ''}${e.key}`;
    case 'rt': return `rt ${e.key}`;
    case 'socket': return `socket ${e.key}${e.level !== undefined && e.key === 'cgroupv2' ? ` level ${e.level}` : ''}`;
    case 'fib': return `fib ${e.flags.filter((f) => f !== 'present').join(' . ')} ${e.result}`;
    case 'numgen': return `numgen ${e.mode} mod ${e.mod}${e.offset ? ` offset ${e.offset}` : ''}`;
    case 'hash': return e.kind === 'jhash'
      ? `jhash ${e.of ? exprText(e.of, c) : ''} mod ${e.mod}${e.seed !== undefined ? ` seed 0x${e.seed.toString(16)}` : ''}${e.offset ? ` offset ${e.offset}` : ''}`
      : `symhash mod ${e.mod}${e.offset ? ` offset ${e.offset}` : ''}`;
    case 'exthdr': return e.field ? `${e.desc} ${e.field}` : e.desc;
    case 'binop': {
      const l = e.left.t === 'binop' ? `(${exprText(e.left, c)})` : exprText(e.left, c);
      if (e.op === '<<' || e.op === '>>') return `${l} ${e.op} ${toNum(e.right, 'host')}`;
      // A tcp flags mask is a flag expression: `tcp flags & (fin | syn) == { ... }`.
      const r = e.type === 'tcp_flag' && e.right.length === 1 && !e.right2 ? parenFlags(e.right[0]!) : typed(e.type, e.order, e.right, c);
      if (e.right2) return `(${l} & ${r}) ^ ${typed(e.type, e.order, e.right2, c)}`;
      return `${l} ${e.op} ${r}`;
    }
    case 'concat': return e.parts.map((p) => exprText(p, c)).join(' . ');
    case 'map': return `${exprText(e.key, c)} map ${setRef(e.set, c, e.key)}`;
    case 'xfrm': return `ipsec ${e.dir}${e.spnum ? ` spnum ${e.spnum}` : ''}${e.family ? ` ${e.family}` : ''} ${e.key}`;
    case 'osf': return `osf ${e.ttl ? `ttl ${e.ttl} ` : ''}${e.key}`;
    case 'const': return typed(hint?.type, hint?.order, e.value, c);
    case 'raw': return e.text;
  }
}

function parenFlags(v: number): string {
  const t = flagExprText('tcp_flag', v);
  return t.includes(' | ') ? `(${t})` : t;
}

function flagList(type: string, b: Uint8Array, order: ByteOrder | undefined): string {
  const v = toNum(b, order ?? 'host');
  const names = (FLAGS[type] ?? []).filter(([bit]) => v & bit).map(([, n]) => n);
  return names.join(',');
}

function rhsText(left: NExpr, r: Rhs, c: PrintCtx): string {
  switch (r.v) {
    case 'value': return typed(left.type, left.order, r.bytes, c);
    case 'prefix': {
      const full = new Uint8Array(left.type === 'ipv6_addr' ? 16 : 4);
      full.set(r.bytes.subarray(0, full.length));
      return `${typed(left.type, left.type === 'mark' ? left.order : 'big', full, c)}/${r.len}`;
    }
    case 'range': {
      // Ranges print numerically (meta l4proto 33-45, ct expiration 60s-3600s).
      const t = rangeType(left.type);
      return `${typed(t, left.order, r.from, c)}-${typed(t, left.order, r.to, c)}`;
    }
    case 'set': return setRef(r.set, c, left);
    case 'flags': return left.type === 'ct_label' ? typed(left.type, left.order, r.mask, c) : flagList(left.type ?? '', r.mask, left.order);
    case 'masked': return r.value.length ? `${flagList(left.type ?? '', r.value, left.order)} / ${flagList(left.type ?? '', r.mask, left.order)}` : `! ${flagList(left.type ?? '', r.mask, left.order)}`;
    case 'bool': return r.exists ? 'exists' : 'missing';
  }
}

function natText(st: Extract<Stmt, { s: 'nat' }>, c: PrintCtx): string {
  const famNum0 = (st as { familyNum?: number }).familyNum;
  const m = st.addr?.t === 'map' ? c.sets.get(st.addr.set) : undefined;
  if (m && st.addr?.t === 'map') {
    // From a map: nft names the family when the data is a concatenation (address . port),
    // a range, or a prefix (netmap), and the port then comes from the map too.
    const concat = !!m.dataType?.includes(' . ');
    const addrLen = famNum0 === 10 ? 16 : 4;
    const ranged = !concat && (m.dataLen ?? 0) > addrLen;
    const prefix = st.flags.includes('netmap');
    if (concat || ranged || prefix) {
      let s = `${st.kind} ${st.family ?? (famNum0 === 10 ? 'ip6' : 'ip')}${prefix ? ' prefix' : ''} to ${exprText(st.addr, c)}`;
      const flags = st.flags.filter((f) => f !== 'netmap');
      if (flags.length) s += ` ${flags.join(',')}`;
      return s;
    }
  }
  let s = st.kind + (st.family ? ` ${st.family}` : '');
  const famNum = (st as { familyNum?: number }).familyNum;
  const addrType = famNum === 10 || c.family === 'ip6' ? 'ipv6_addr' : 'ipv4_addr';
  const hint = { type: addrType, order: 'big' } as NExpr;
  const portHint = { type: 'inet_service', order: 'big' } as NExpr;
  let addr = st.addr ? exprText(st.addr, c, hint) : '';
  let port = st.proto ? exprText(st.proto, c, portHint) : '';
  if (st.protoMax) port += `-${exprText(st.protoMax, c, portHint)}`;
  const v6Port = !!port && addrType === 'ipv6_addr' && st.addr?.t === 'const';
  if (v6Port) addr = `[${addr}]`;
  if (st.addrMax) {
    // An address range that is a prefix prints as one (nft's range_expr_to_prefix); with
    // ports, each IPv6 end is bracketed on its own.
    const lo = st.addr?.t === 'const' ? st.addr.value : undefined, hi = st.addrMax.t === 'const' ? st.addrMax.value : undefined;
    const p = lo && hi && lo.length === hi.length ? prefixLen(lo, hi) : undefined;
    if (p !== undefined && !port) addr += `/${p}`;
    else addr += `-${v6Port ? `[${exprText(st.addrMax, c, hint)}]` : exprText(st.addrMax, c, hint)}`;
  }
  if (addr || port) s += ` to ${addr}${port ? `:${port}` : ''}`;
  if (st.flags.length) s += ` ${st.flags.join(',')}`;
  return s;
}

export function stmtText(st: Stmt, c: PrintCtx): string {
  switch (st.s) {
    case 'match': {
      const l = exprText(st.left, c);
      const r = rhsText(st.left, st.right, c);
      return `${l} ${st.op ? `${st.op} ` : ''}${r}`;
    }
    case 'vmap': return `${exprText(st.key, c)} vmap ${setRef(st.set, c, st.key)}`;
    case 'mangle': return `${exprText(st.target, c)} set ${exprText(st.value, c, st.target)}`;
    case 'verdict': return st.chain !== undefined ? `${st.verdict} ${st.chain}` : st.verdict;
    case 'counter': return `counter packets ${st.packets} bytes ${st.bytes}`;
    case 'nat': return natText(st, c);
    case 'tproxy': {
      const hint = { type: st.family === 'ip6' || c.family === 'ip6' ? 'ipv6_addr' : 'ipv4_addr', order: 'big' } as NExpr;
      const a = st.addr ? exprText(st.addr, c, hint) : '';
      const p = st.port ? `:${exprText(st.port, c, { type: 'inet_service', order: 'big' } as NExpr)}` : '';
      const v6 = hint.type === 'ipv6_addr' && a;
      return `tproxy${st.family ? ` ${st.family}` : ''} to ${v6 ? `[${a}]` : a}${p}`;
    }
    case 'dup': case 'fwd': {
      const dev = st.dev ? exprText(st.dev, c, { type: 'iface_index', order: 'host' } as NExpr) : '';
      if (!st.addr) return `${st.s} to ${dev}`;
      const fam = st.s === 'fwd' && st.family ? ` ${st.family}` : '';
      const hint = { type: st.family === 'ip6' || c.family === 'ip6' ? 'ipv6_addr' : 'ipv4_addr', order: 'big' } as NExpr;
      return `${st.s}${fam} to ${exprText(st.addr, c, hint)}${dev ? ` device ${dev}` : ''}`;
    }
    case 'objref': {
      if (st.map) {
        const info = c.sets.get(st.map.set);
        const kind = OBJECT_KINDS[info?.objType ?? 1] ?? 'counter';
        return `${kind} name ${exprText(st.map.key, c)} map ${setRef(st.map.set, c)}`;
      }
      const setStyle = st.kind === 'ct helper' || st.kind === 'ct timeout' || st.kind === 'ct expectation';
      if (setStyle) return `${st.kind} set "${st.name}"`;
      if (st.kind === 'secmark') return `meta secmark set "${st.name}"`;
      return `${st.kind} name "${st.name}"`;
    }
    case 'dynset': {
      const info = c.sets.get(st.set);
      if (info && info.flags & SET_EVAL && st.stmts.length && !st.data) {
        // A meter (nft 1.0.6): a dynamic set with a per-element statement, printed with its
        // size and the statement's bare name (its counter values live in the elements).
        let m = `meter ${st.set}${info.raw.attrs.desc?.size ? ` size ${info.raw.attrs.desc.size}` : ''} { ${exprText(st.key, c)}`;
        if (st.timeout) m += ` timeout ${valueText('time', u64(st.timeout))}`;
        for (const x of st.stmts) m += ` ${x.s === 'counter' ? 'counter' : stmtText(x, c)}`;
        return `${m} }`;
      }
      let s = `${st.op} @${st.set} { ${exprText(st.key, c)}`;
      if (st.timeout) s += ` timeout ${valueText('time', u64(st.timeout))}`;
      for (const x of st.stmts) s += ` ${stmtText(x, c)}`;
      if (st.data) s += ` : ${exprText(st.data, c)}`;
      return `${s} }`;
    }
    case 'xt': return st.text;
    case 'plain': return st.text;
  }
}

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

const commentOf = (ud: unknown, type: number): string | undefined => {
  if (!(ud instanceof Uint8Array)) return undefined;
  const c = (parseUdata(ud) ?? []).find((x) => x.type === type);
  if (!c) return undefined;
  const z = c.value.indexOf(0);
  return new TextDecoder().decode(z >= 0 ? c.value.subarray(0, z) : c.value);
};

function compatProto(r: RawRule): number {
  const p = r.attrs.compat?.proto as Uint8Array | undefined;
  return p && p.length >= 4 ? new DataView(p.buffer, p.byteOffset, 4).getUint32(0, false) : 0;
}

/** Statements of one rule, folded. */
export function ruleStatements(r: RawRule, sets: Map<string, SetInfo>): Stmt[] {
  return foldRule(r.family, r.exprs, (n) => sets.get(n)?.keyLen, compatProto(r));
}

export function ruleText(r: RawRule, c: PrintCtx): string {
  const parts = ruleStatements(r, c.sets).map((s) => stmtText(s, c));
  const comment = commentOf(r.attrs.userdata, 0);
  if (comment !== undefined) parts.push(`comment "${comment}"`);
  let s = parts.join(' ');
  if (c.handles) s += ` # handle ${r.attrs.handle}`;
  return s;
}

const HOOKS: Record<string, string[]> = {
  ip: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  arp: ['input', 'output', 'forward'],
  netdev: ['ingress', 'egress'],
};

function hookName(family: Family, n: number): string {
  return (HOOKS[family] ?? HOOKS.ip!)[n] ?? String(n);
}

interface StdPrio { name: string; value: number; hooks?: string[] }
const INET_PRIOS: StdPrio[] = [
  { name: 'raw', value: -300 }, { name: 'mangle', value: -150 }, { name: 'dstnat', value: -100, hooks: ['prerouting'] },
  { name: 'filter', value: 0 }, { name: 'security', value: 50 }, { name: 'srcnat', value: 100, hooks: ['postrouting'] },
];
const BRIDGE_PRIOS: StdPrio[] = [
  { name: 'dstnat', value: -300, hooks: ['prerouting'] }, { name: 'filter', value: -200 }, { name: 'out', value: 100, hooks: ['output'] },
  { name: 'srcnat', value: 300, hooks: ['postrouting'] },
];

/** Hook priorities by name (`filter`, `srcnat + 5`), as nft 1.0.6 names them. */
export function priorityText(family: Family, hook: string, p: number): string {
  const table = family === 'bridge' ? BRIDGE_PRIOS : family === 'netdev' || family === 'arp' ? [{ name: 'filter', value: 0 }] : INET_PRIOS;
  for (const s of table) {
    if (s.hooks && !s.hooks.includes(hook)) continue;
    const off = p - s.value;
    if (off === 0) return s.name;
    if (off > 0 && off <= 10) return `${s.name} + ${off}`;
    if (off < 0 && off >= -10) return `${s.name} - ${-off}`;
  }
  return String(p);
}

function chainText(ch: RawChain, c: PrintCtx): string {
  const a = ch.attrs;
  let s = `\tchain ${a.name} {${c.handles ? ` # handle ${a.handle}` : ''}\n`;
  const comment = commentOf(a.userdata, 0);
  if (comment !== undefined) s += `\t\tcomment "${comment}"\n`;
  if (a.hook && a.type) {
    const hook = hookName(ch.family, Number(a.hook.num));
    const devs = (a.hook.devs?.name ?? []) as string[];
    const dev = a.hook.dev !== undefined ? ` device "${a.hook.dev}"` : devs.length === 1 ? ` device "${devs[0]}"` : devs.length ? ` devices = { ${devs.join(', ')} }` : '';
    s += `\t\ttype ${a.type} hook ${hook}${dev} priority ${priorityText(ch.family, hook, Number(a.hook.priority) | 0)}; policy ${Number(a.policy ?? 1) === 0 ? 'drop' : 'accept'};\n`;
  }
  for (const r of ch.rules) s += `\t\t${ruleText(r, c)}\n`;
  return `${s}\t}\n`;
}

function hasXt(t: RawTable): boolean {
  return t.chains.some((ch) => ch.rules.some((r) => r.exprs.some((e) => e.name === 'match' || e.name === 'target')));
}

export function warningLine(t: RawTable): string | undefined {
  return hasXt(t) ? `# Warning: table ${t.family} ${t.attrs.name} is managed by iptables-nft, do not touch!` : undefined;
}

export function tableSets(t: RawTable): Map<string, SetInfo> {
  return new Map(t.sets.map((s) => [String(s.attrs.name), setInfo(s)]));
}

export function tableText(t: RawTable, opts: TextOptions = {}): string {
  const c: PrintCtx = { ...opts, sets: tableSets(t), family: t.family };
  let s = '';
  const warn = opts.warnings ? warningLine(t) : undefined;
  if (warn) s += `${warn}\n`;
  s += `table ${t.family} ${t.attrs.name} {${opts.handles ? ` # handle ${t.attrs.handle}` : ''}\n`;
  const fl = Number(t.attrs.flags ?? 0);
  if (fl & 1) s += '\tflags dormant\n';
  const comment = commentOf(t.attrs.userdata, 0);
  if (comment !== undefined) s += `\tcomment "${comment}"\n`;
  const blocks: string[] = [];
  for (const o of t.objects) blocks.push(objectDeclaration(o, !!opts.handles));
  for (const set of t.sets) {
    const info = c.sets.get(String(set.attrs.name))!;
    if (info.flags & SET_ANONYMOUS) continue;
    blocks.push(setDeclaration(info, c, !!opts.handles));
  }
  for (const f of t.flowtables) blocks.push(flowtableDeclaration(f, !!opts.handles, (p) => priorityText(t.family, 'ingress', p)));
  for (const ch of t.chains) blocks.push(chainText(ch, c));
  s += blocks.join('\n');
  return `${s}}\n`;
}

/** The whole ruleset as `nft list ruleset` prints it. */
export function rulesetToNftText(rs: RawRuleset, opts: TextOptions = {}): string {
  return rs.tables.map((t) => tableText(t, opts)).join('');
}

export type { Rec };
