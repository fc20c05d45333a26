// JSON text written field by field, for the dumps that can be large (100k routes): no
// intermediate object per item and no generic JSON.stringify walk over mostly-undefined keys.
// The output is byte-for-byte what JSON.stringify(routeJson(...)) gives (tested).
import type { Route } from '../rtnl/route.js';

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
      s += JSON.stringify({ gateway: n.gateway, via: n.via, dev: n.dev, weight: n.weight, flags: n.flags, to: n.to, flow: n.flow });
      if (i < r.nexthops.length - 1) s += ',';
    }
    s += ']';
  }
  if (netns !== undefined) s += `,"netns":${netns === null ? 'null' : q(netns)}`;
  return `${s}}`;
}

