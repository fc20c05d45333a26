// Routes as `ip -d route show` prints them (routeText) and as `ip -j -d route show` does
// (routeJson: ip's keys in ip's order, the decoder's extra fields left out). routeJsonText is
// JSON.stringify(routeJson(...)) written field by field: a dump of 100k routes builds no
// intermediate object per route and no generic walk over mostly-undefined keys.
import type { Route, RouteNexthop } from '../route.js';
import { encapText } from '../route-encap.js';

// ip prints an encapsulation's keys inline after "encap" (lwt_print_encap), so its "dst",
// "src" and "tos" repeat the route's keys in ip's JSON text; parsed, the later value wins, and
// in these objects the encapsulation's values overwrite the route's the same way.
function nexthopJson(n: RouteNexthop): Record<string, unknown> {
  return { ...n.encap, gateway: n.gateway, via: n.via, dev: n.dev, weight: n.weight, flags: n.flags, to: n.to, flow: n.flow };
}

/** The encapsulation's keys as JSON text, each as ip writes it (",key":value...). */
function encapJsonText(e: object): string {
  let s = '';
  for (const [k, v] of Object.entries(e)) if (v !== undefined) s += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  return s;
}

/** `ip -j -d route show` keys and order; `table` only when every table is shown, as ip -d does. */
export function routeJson(r: Route, showTable: boolean, netns?: string | null): Record<string, unknown> {
  const o = routeJsonBase(r, showTable, netns);
  return r.encap ? Object.assign(o, r.encap, { tos: r.tos ?? (r.encap as { tos?: unknown }).tos }) : o;
}

function routeJsonBase(r: Route, showTable: boolean, netns?: string | null): Record<string, unknown> {
  return {
    type: r.type,
    dst: r.dst,
    from: r.from,
    src: r.src,
    nhid: r.nhid,
    to: r.to,
    tos: r.tos,
    gateway: r.gateway,
    via: r.via,
    dev: r.dev,
    table: showTable ? r.table : undefined,
    protocol: r.protocol,
    scope: r.scope,
    prefsrc: r.prefsrc,
    metric: r.metric,
    flags: r.flags,
    mark: r.mark,
    flow: r.flow,
    uid: r.uid,
    cache: r.cache,
    expires: r.expires,
    error: r.error,
    ipid: r.ipid,
    ts: r.ts,
    tsage: r.tsage,
    pref: r.pref,
    'ttl-propogate': r['ttl-propogate'],
    metrics: r.metrics,
    iif: r.iif,
    nexthops: r.nexthops?.map(nexthopJson),
    netns,
  };
}

export function routeText(r: Route, showTable: boolean): string {
  let s = r.type !== 'unicast' ? `${r.type} ${r.dst}` : r.dst;
  if (r.from) s += ` from ${r.from}`;
  if (r.tos) s += ` tos ${r.tos}`;
  if (r.nhid !== undefined) s += ` nhid ${r.nhid}`;
  // ip: "DST  encap ip id 42 ... dev" (the encapsulation opens with a space of its own).
  if (r.encap) s += `  ${encapText(r.encap)}`;
  if (r.gateway) s += ` via ${r.gateway}`;
  if (r.via) s += ` via ${r.via.family} ${r.via.host}`;
  if (r.dev) s += ` dev ${r.dev}`;
  if (showTable) s += ` table ${r.table}`;
  if (r.protocol && r.protocol !== 'boot') s += ` proto ${r.protocol}`;
  if (r.scope && r.scope !== 'global') s += ` scope ${r.scope}`;
  if (r.prefsrc) s += ` src ${r.prefsrc}`;
  if (r.metric !== undefined) s += ` metric ${r.metric}`;
  for (const f of r.flags) s += ` ${f}`;
  if (r.pref !== undefined) s += ` pref ${r.pref}`;
  if (r.metrics) for (const m of r.metrics) for (const [k, v] of Object.entries(m)) s += ` ${k} ${v}`;
  if (r.nexthops) {
    for (const n of r.nexthops) {
      s += '\n\tnexthop';
      if (n.encap) s += `  ${encapText(n.encap)}`;
      if (n.gateway) s += ` via ${n.gateway}`;
      if (n.dev) s += ` dev ${n.dev}`;
      s += ` weight ${n.weight}`;
      for (const f of n.flags) s += ` ${f}`;
    }
  }
  return `${s}\n`;
}

// Names (devices, protocols, scopes, tables) repeat: each is escaped once. Interface names may
// hold '"' or '\\' (the kernel refuses only '/', ':', whitespace), so they go through
// JSON.stringify; the memo is bounded in case a dump has very many distinct names.
const quoted = new Map<string, string>();
function q(s: string): string {
  let v = quoted.get(s);
  if (v === undefined) {
    v = JSON.stringify(s);
    if (quoted.size < 4096) quoted.set(s, v);
  }
  return v;
}
/** Addresses and prefixes as rtnl formats them ("default", digits, hex, '.', ':', '/'): nothing to escape. */
const a = (s: string): string => `"${s}"`;

function flagsText(f: readonly string[]): string {
  if (f.length === 0) return '[]';
  let s = '[';
  for (let i = 0; i < f.length; i++) s += (i ? ',' : '') + q(f[i]!);
  return `${s}]`;
}

/** JSON.stringify(routeJson(r, showTable, netns)) without building the object. */
export function routeJsonText(r: Route, showTable: boolean, netns?: string | null): string {
  let s = `{"type":${q(r.type)},"dst":${a(r.dst)}`;
  if (r.from !== undefined) s += `,"from":${a(r.from)}`;
  if (r.src !== undefined) s += `,"src":${a(r.src)}`;
  if (r.nhid !== undefined) s += `,"nhid":${r.nhid}`;
  if (r.encap !== undefined) s += encapJsonText(r.encap);
  if (r.to !== undefined) s += `,"to":${a(r.to)}`;
  if (r.tos !== undefined) s += `,"tos":${q(r.tos)}`;
  if (r.gateway !== undefined) s += `,"gateway":${a(r.gateway)}`;
  if (r.via !== undefined) s += `,"via":${JSON.stringify(r.via)}`;
  if (r.dev !== undefined) s += `,"dev":${q(r.dev)}`;
  if (showTable) s += `,"table":${q(r.table)}`;
  if (r.protocol !== undefined) s += `,"protocol":${q(r.protocol)}`;
  if (r.scope !== undefined) s += `,"scope":${q(r.scope)}`;
  if (r.prefsrc !== undefined) s += `,"prefsrc":${a(r.prefsrc)}`;
  if (r.metric !== undefined) s += `,"metric":${r.metric}`;
  s += `,"flags":${flagsText(r.flags)}`;
  // The rare fields: JSON.stringify keeps their shapes exactly as routeJson has them.
  if (r.mark !== undefined) s += `,"mark":${r.mark}`;
  if (r.flow !== undefined) s += `,"flow":${JSON.stringify(r.flow)}`;
  if (r.uid !== undefined) s += `,"uid":${r.uid}`;
  if (r.cache !== undefined) s += `,"cache":${JSON.stringify(r.cache)}`;
  if (r.expires !== undefined) s += `,"expires":${r.expires}`;
  if (r.error !== undefined) s += `,"error":${r.error}`;
  if (r.ipid !== undefined) s += `,"ipid":${q(r.ipid)}`;
  if (r.ts !== undefined) s += `,"ts":${q(r.ts)}`;
  if (r.tsage !== undefined) s += `,"tsage":${r.tsage}`;
  if (r.pref !== undefined) s += `,"pref":${JSON.stringify(r.pref)}`;
  if (r['ttl-propogate'] !== undefined) s += `,"ttl-propogate":${r['ttl-propogate']}`;
  if (r.metrics !== undefined) s += `,"metrics":${JSON.stringify(r.metrics)}`;
  if (r.iif !== undefined) s += `,"iif":${q(r.iif)}`;
  if (r.nexthops !== undefined) {
    s += ',"nexthops":[';
    for (let i = 0; i < r.nexthops.length; i++) {
      const n = r.nexthops[i]!;
      s += n.encap ? `{${encapJsonText(n.encap).slice(1)},${JSON.stringify({ gateway: n.gateway, via: n.via, dev: n.dev, weight: n.weight, flags: n.flags, to: n.to, flow: n.flow }).slice(1)}`
        : JSON.stringify({ gateway: n.gateway, via: n.via, dev: n.dev, weight: n.weight, flags: n.flags, to: n.to, flow: n.flow });
      if (i < r.nexthops.length - 1) s += ',';
    }
    s += ']';
  }
  if (netns !== undefined) s += `,"netns":${netns === null ? 'null' : q(netns)}`;
  return `${s}}`;
}

