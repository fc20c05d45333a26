#!/usr/bin/env node
// Generates the family tables (src/**/spec*.gen.ts) from the kernel's YNL netlink specs
// (Documentation/netlink/specs/*.yaml in the kernel tree). The specs are read from a directory
// given on the command line, fetched for development; they are not part of this repository.
// What is kept are facts: names, numbers, types, nesting, byte order, display hints, checks,
// operations and multicast groups. Documentation text is dropped.
//
//   node scripts/gen-specs.mjs SPEC_DIR KERNEL_REVISION [SPEC...]
//
// With SPEC names (e.g. nftables) only those tables are written.
//
// subset-of sets are flattened (each attribute gets its parent's number and type, with the
// subset's overrides), attribute and enum numbering is made explicit, so the runtime codec
// (src/netlink/spec/) never needs to know the YNL numbering rules.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { DEFINITION_FIXES, FIXES } from './spec-fixes.mjs';
import { numberNftSets, readNftEnums } from './nft-numbering.mjs';
import { render } from './spec-render.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [specDir, revision, ...only] = process.argv.slice(2);
if (!specDir || !revision) {
  console.error('usage: gen-specs.mjs SPEC_DIR KERNEL_REVISION');
  process.exit(2);
}

/** Spec file -> [generated module, exported constant]. */
const OUTPUTS = {
  'rt-link': ['src/rtnl/spec/rt-link.gen.ts', 'rtLinkSpec'],
  'rt-addr': ['src/rtnl/spec/rt-addr.gen.ts', 'rtAddrSpec'],
  'rt-route': ['src/rtnl/spec/rt-route.gen.ts', 'rtRouteSpec'],
  'rt-neigh': ['src/rtnl/spec/rt-neigh.gen.ts', 'rtNeighSpec'],
  'rt-rule': ['src/rtnl/spec/rt-rule.gen.ts', 'rtRuleSpec'],
  nftables: ['src/nft/spec.gen.ts', 'nftablesSpec'],
  conntrack: ['src/conntrack/spec.gen.ts', 'conntrackSpec'],
  tc: ['src/tc/spec.gen.ts', 'tcSpec'],
  nlctrl: ['src/genl/spec/nlctrl.gen.ts', 'nlctrlSpec'],
  ethtool: ['src/genl/spec/ethtool.gen.ts', 'ethtoolSpec'],
  netdev: ['src/genl/spec/netdev.gen.ts', 'netdevSpec'],
  'mptcp-pm': ['src/genl/spec/mptcp-pm.gen.ts', 'mptcpPmSpec'],
  'tcp-metrics': ['src/genl/spec/tcp-metrics.gen.ts', 'tcpMetricsSpec'],
  // Not in 6.14's tree: the spec came with a later kernel (torvalds/linux at 31a3ed49).
  wireguard: ['src/genl/spec/wireguard.gen.ts', 'wireguardSpec', 'torvalds/linux 31a3ed49'],
};

function num(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  return undefined;
}

/** Resolves `value` expressions that name consts of the spec (e.g. `value: ifla-max`). */
function constValue(consts, v) {
  const n = num(v);
  if (n !== undefined) return n;
  if (typeof v === 'string' && consts.has(v)) return consts.get(v);
  throw new Error(`cannot resolve value ${JSON.stringify(v)}`);
}

function definitions(spec) {
  const out = {};
  const consts = new Map();
  for (const d of spec.definitions ?? []) {
    if (d.type === 'const') {
      consts.set(d.name, num(d.value));
      out[d.name] = { type: 'const', value: num(d.value) };
    } else if (d.type === 'enum' || d.type === 'flags') {
      const start = num(d['value-start']) ?? 0;
      let next = start;
      const entries = [];
      for (const e of d.entries ?? []) {
        const name = typeof e === 'string' ? e : e.name;
        let value = typeof e === 'string' ? undefined : num(e.value);
        if (value === undefined) value = d.type === 'flags' ? 2 ** next : next;
        else if (d.type === 'flags') next = Math.log2(value);
        else next = value;
        next++;
        entries.push([name, value]);
      }
      out[d.name] = { type: d.type, entries };
    } else if (d.type === 'struct') {
      out[d.name] = {
        type: 'struct',
        members: (d.members ?? []).map((m) => clean({
          name: m.name, type: m.type, len: num(m.len), byteOrder: m['byte-order'], enum: m.enum,
          flags: m['enum-as-flags'] || undefined, hint: m['display-hint'], struct: m.struct,
        })),
      };
    } else {
      throw new Error(`${spec.name}: definition ${d.name} of type ${d.type}`);
    }
  }
  return { defs: out, consts };
}

function clean(o) {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === false) delete o[k];
  return o;
}

function checks(c, consts) {
  if (!c) return undefined;
  const out = {};
  const map = { min: 'min', max: 'max', 'min-len': 'minLen', 'max-len': 'maxLen', 'exact-len': 'exactLen' };
  for (const [k, v] of Object.entries(c)) {
    if (k === 'unterminated-ok') out.unterminatedOk = true;
    else if (map[k]) {
      // A check may name a const or a C expression (e.g. s32-min): keep numbers only.
      const n = num(v) ?? consts.get(v);
      if (n !== undefined) out[map[k]] = n;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function attrDecl(a, value, consts) {
  return clean({
    name: a.name, value, type: a.type, byteOrder: a['byte-order'], nested: a['nested-attributes'],
    subMessage: a['sub-message'], selector: a.selector, struct: a.struct, enum: a.enum,
    flags: a['enum-as-flags'] || undefined, hint: a['display-hint'], multi: a['multi-attr'] || undefined,
    subType: a['sub-type'], typeValue: a['type-value'], checks: checks(a.checks, consts),
  });
}

function attributeSets(spec, consts) {
  const raw = new Map((spec['attribute-sets'] ?? []).map((s) => [s.name, s]));
  const resolved = new Map();
  function resolve(name) {
    if (resolved.has(name)) return resolved.get(name);
    const s = raw.get(name);
    if (!s) throw new Error(`${spec.name}: unknown attribute set ${name}`);
    let out;
    if (s['subset-of']) {
      const parent = new Map(resolve(s['subset-of']).map((a) => [a.name, a]));
      out = s.attributes.map((a) => {
        const p = parent.get(a.name);
        if (!p) throw new Error(`${spec.name}: ${name}.${a.name} not in ${s['subset-of']}`);
        const over = attrDecl({ ...a, type: a.type ?? p.type }, p.value, consts);
        return clean({ ...p, ...over, value: p.value });
      });
    } else {
      let next = 1;
      out = [];
      for (const a of s.attributes) {
        const value = a.value !== undefined ? constValue(consts, a.value) : next;
        next = value + 1;
        if (a.type === 'unused') continue;
        out.push(attrDecl(a, value, consts));
      }
    }
    resolved.set(name, out);
    return out;
  }
  const sets = {};
  for (const name of raw.keys()) sets[name] = resolve(name);
  return sets;
}

function subMessages(spec) {
  const out = {};
  for (const sm of spec['sub-messages'] ?? []) {
    out[sm.name] = sm.formats.map((f) => clean({ value: String(f.value), attributeSet: f['attribute-set'], fixedHeader: f['fixed-header'] }));
  }
  return out;
}

function operations(spec) {
  const ops = spec.operations ?? {};
  const model = ops['enum-model'] ?? 'unified';
  const list = [];
  let next = 1;
  // Directional numbering, where a spec leaves values out (ethtool): messages to the kernel
  // and messages from it are counted separately, each from 1; an operation with a request
  // takes the next request value, one with a reply the next reply value; a notification or
  // event takes a reply value only. (Checked against ETHTOOL_MSG_* in the UAPI header.)
  let req = 1;
  let rsp = 1;
  for (const o of ops.list ?? []) {
    let value = num(o.value);
    let reqValue;
    let rspValue;
    if (model !== 'directional') {
      if (value === undefined) value = next;
      next = value + 1;
    } else if (o.notify || o.event) {
      if (value !== undefined) rsp = value;
      value = rsp++;
    } else {
      const mode = o.do ?? o.dump ?? {};
      if (num(mode.request?.value) !== undefined) req = num(mode.request.value);
      if (num(mode.reply?.value) !== undefined) rsp = num(mode.reply.value);
      reqValue = req++;
      if (mode.reply) rspValue = rsp++;
    }
    const part = (p) => {
      if (!p) return undefined;
      const side = (r, implicit) => (r ? clean({ value: num(r.value) ?? implicit, attributes: r.attributes ?? [] }) : undefined);
      return clean({ request: side(p.request, reqValue), reply: side(p.reply, rspValue) });
    };
    list.push(clean({
      name: o.name, value: model === 'directional' && !(o.notify || o.event) ? undefined : value, attributeSet: o['attribute-set'],
      fixedHeader: o['fixed-header'] ?? ops['fixed-header'], do: part(o.do), dump: part(o.dump),
      notify: o.notify, event: o.event ? clean({ attributes: o.event.attributes ?? [] }) : undefined,
      mcgrp: o.mcgrp,
    }));
  }
  return { model, list };
}

for (const [file, [out, constName, rev]] of Object.entries(OUTPUTS)) {
  if (only.length && !only.includes(file)) continue;
  const spec = parse(readFileSync(join(specDir, `${file}.yaml`), 'utf8'));
  const { defs, consts } = definitions(spec);
  const sets = attributeSets(spec, consts);
  if (file === 'nftables') {
    // The YAML's implicit numbers are wrong for nftables (PADs left out, lookup swapped):
    // the UAPI header numbers every set (scripts/nft-numbering.mjs).
    for (const m of numberNftSets(sets, readNftEnums())) console.log(`nftables: not in the spec: ${m}`);
  }
  for (const fix of FIXES.filter((f) => f.spec === file)) {
    for (const name of fix.attrs) {
      const a = sets[fix.set]?.find((x) => x.name === name);
      if (!a) throw new Error(`fix for ${file} ${fix.set}.${name} matches nothing: remove it`);
      Object.assign(a, fix.change);
    }
  }
  for (const fix of DEFINITION_FIXES.filter((f) => f.spec === file)) {
    if (defs[fix.definition]?.type !== 'struct') throw new Error(`fix for ${file} ${fix.definition} matches no struct: remove it`);
    defs[fix.definition] = { type: 'struct', members: fix.members };
  }
  const ops = operations(spec);
  const family = clean({
    name: spec.name,
    protocol: spec.protocol ?? 'genetlink',
    protonum: spec.protonum,
    version: spec.version,
    source: `${rev ?? `Linux ${revision}`} Documentation/netlink/specs/${file}.yaml`,
    definitions: defs,
    attributeSets: sets,
    subMessages: subMessages(spec),
    operations: ops,
    mcastGroups: (spec['mcast-groups']?.list ?? []).map((g) => clean({ name: g.name, value: num(g.value) })),
  });
  const rel = out.split('/').length - 2;
  const types = `${'../'.repeat(rel)}netlink/spec/types.js`;
  const text = [
    `// Generated by scripts/gen-specs.mjs from ${family.source}`,
    `// (SPDX: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause). Facts only; do not edit by hand.`,
    `import type { FamilyDecl } from '${types}';`,
    '',
    `export const ${constName} = ${render(family)} as const satisfies FamilyDecl;`,
    '',
  ].join('\n');
  mkdirSync(join(root, dirname(out)), { recursive: true });
  writeFileSync(join(root, out), text);
  console.log(`${out}: ${Object.keys(sets).length} attribute sets, ${ops.list.length} operations`);
}
