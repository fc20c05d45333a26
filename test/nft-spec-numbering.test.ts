// Every nftables attribute number we read or write is the kernel's: the generated table
// (src/nft/spec.gen.ts) and the reading side's hand-declared expression spaces
// (src/nft/text/spec.ts) are compared, attribute by attribute, with the enums of the UAPI
// headers installed here. The 6.14 YAML dropped the PAD entries of table/chain/rule/element
// attributes and swapped the lookup expression's registers; this keeps that from coming back.
// The header is parsed here on its own (not with the generator's parser), so one parsing
// mistake cannot hide itself. Pure: no kernel needed.
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import type { AttrDecl } from '../src/netlink/spec/types.js';
import { nftablesSpec } from '../src/nft/spec.gen.js';
import { nftRead } from '../src/nft/text/spec.js';
import { CT_KEYS, META_KEYS } from '../src/nft/text/fields.js';

const HEADERS = ['nf_tables.h', 'nf_tables_compat.h', 'nfnetlink.h'].map((h) => `/usr/include/linux/netfilter/${h}`);

/** Constant -> value over all enums of the headers (C's rule: unvalued = previous + 1). */
function headerConstants(): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of HEADERS) {
    // Comments and preprocessor lines out (nft_meta_keys holds a #define between its entries).
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*#.*$/gm, '');
    for (const [, body] of text.matchAll(/\benum\s+\w+\s*\{([^}]*)\}/g)) {
      let next = 0;
      for (const line of body!.split(',').map((s) => s.trim()).filter(Boolean)) {
        const m = /^(\w+)(?:\s*=\s*(\w+))?$/.exec(line);
        if (!m) continue;
        const v = m[2] === undefined ? next : /^\d+$/.test(m[2]) ? Number(m[2]) : out.get(m[2]);
        if (v === undefined) continue;
        out.set(m[1]!, v);
        next = v + 1;
      }
    }
  }
  return out;
}

/** Attribute set -> header constant prefix. Spaces sharing an enum share a prefix. */
const PREFIX: Record<string, string> = {
  'batch-attrs': 'NFNL_BATCH_', 'table-attrs': 'NFTA_TABLE_', 'chain-attrs': 'NFTA_CHAIN_', 'counter-attrs': 'NFTA_COUNTER_',
  'nft-hook-attrs': 'NFTA_HOOK_', 'hook-dev-attrs': 'NFTA_DEVICE_', 'nft-counter-attrs': 'NFTA_COUNTER_', 'rule-attrs': 'NFTA_RULE_',
  'expr-list-attrs': 'NFTA_LIST_', 'expr-attrs': 'NFTA_EXPR_', 'rule-compat-attrs': 'NFTA_RULE_COMPAT_', 'set-attrs': 'NFTA_SET_',
  'set-desc-attrs': 'NFTA_SET_DESC_', 'set-desc-concat-attrs': 'NFTA_LIST_', 'set-field-attrs': 'NFTA_SET_FIELD_',
  'set-list-attrs': 'NFTA_LIST_', 'setelem-attrs': 'NFTA_SET_ELEM_', 'setelem-list-elem-attrs': 'NFTA_LIST_',
  'setelem-list-attrs': 'NFTA_SET_ELEM_LIST_', 'gen-attrs': 'NFTA_GEN_', 'obj-attrs': 'NFTA_OBJ_', 'quota-attrs': 'NFTA_QUOTA_',
  'flowtable-attrs': 'NFTA_FLOWTABLE_', 'flowtable-hook-attrs': 'NFTA_FLOWTABLE_HOOK_', 'expr-bitwise-attrs': 'NFTA_BITWISE_',
  'expr-cmp-attrs': 'NFTA_CMP_', 'data-attrs': 'NFTA_DATA_', 'verdict-attrs': 'NFTA_VERDICT_', 'expr-counter-attrs': 'NFTA_COUNTER_',
  'expr-fib-attrs': 'NFTA_FIB_', 'expr-ct-attrs': 'NFTA_CT_', 'expr-flow-offload-attrs': 'NFTA_FLOW_',
  'expr-immediate-attrs': 'NFTA_IMMEDIATE_', 'expr-lookup-attrs': 'NFTA_LOOKUP_', 'expr-meta-attrs': 'NFTA_META_',
  'expr-nat-attrs': 'NFTA_NAT_', 'expr-payload-attrs': 'NFTA_PAYLOAD_', 'expr-reject-attrs': 'NFTA_REJECT_',
  'expr-target-attrs': 'NFTA_TARGET_', 'expr-tproxy-attrs': 'NFTA_TPROXY_', 'expr-objref-attrs': 'NFTA_OBJREF_',
  // Hand-declared by the reading side (src/nft/text/spec.ts).
  'expr-range-attrs': 'NFTA_RANGE_', 'expr-byteorder-attrs': 'NFTA_BYTEORDER_', 'expr-log-attrs': 'NFTA_LOG_',
  'expr-limit-attrs': 'NFTA_LIMIT_', 'expr-exthdr-attrs': 'NFTA_EXTHDR_', 'expr-dynset-attrs': 'NFTA_DYNSET_',
  'expr-masq-attrs': 'NFTA_MASQ_', 'expr-redir-attrs': 'NFTA_REDIR_', 'expr-dup-attrs': 'NFTA_DUP_', 'expr-fwd-attrs': 'NFTA_FWD_',
  'expr-numgen-attrs': 'NFTA_NG_', 'expr-hash-attrs': 'NFTA_HASH_', 'expr-rt-attrs': 'NFTA_RT_', 'expr-socket-attrs': 'NFTA_SOCKET_',
  'expr-synproxy-attrs': 'NFTA_SYNPROXY_', 'expr-connlimit-attrs': 'NFTA_CONNLIMIT_', 'expr-queue-attrs': 'NFTA_QUEUE_',
  'expr-last-attrs': 'NFTA_LAST_', 'expr-secmark-attrs': 'NFTA_SECMARK_', 'expr-match-attrs': 'NFTA_MATCH_',
  'obj-ct-helper-attrs': 'NFTA_CT_HELPER_', 'obj-ct-timeout-attrs': 'NFTA_CT_TIMEOUT_', 'obj-ct-expect-attrs': 'NFTA_CT_EXPECT_',
  'obj-synproxy-attrs': 'NFTA_SYNPROXY_', 'expr-xfrm-attrs': 'NFTA_XFRM_', 'expr-osf-attrs': 'NFTA_OSF_',
};
/** Spaces with no attributes (or a placeholder) have nothing to compare. */
const EMPTY = new Set(['empty-attrs', 'expr-notrack-attrs', 'set-elem-flags-attrs']);
/** Names the spec spells otherwise than the header. */
const ALIAS: Record<string, string> = { 'expr-flow-offload-attrs.name': 'NFTA_FLOW_TABLE_NAME', 'nft-hook-attrs.num': 'NFTA_HOOK_HOOKNUM' };

const constant = (set: string, name: string) => ALIAS[`${set}.${name}`] ?? PREFIX[set] + name.toUpperCase().replace(/[- ]/g, '_');

function mismatches(sets: Record<string, readonly AttrDecl[]>, header: Map<string, number>): string[] {
  const bad: string[] = [];
  for (const [set, attrs] of Object.entries(sets)) {
    if (EMPTY.has(set)) continue;
    if (!PREFIX[set]) { bad.push(`${set}: no header prefix known`); continue; }
    for (const a of attrs) {
      const c = constant(set, a.name);
      const v = header.get(c);
      if (v !== a.value) bad.push(`${set}.${a.name} = ${a.value}, but ${c} = ${v ?? 'absent'}`);
    }
    // A PAD the header has must be declared, or the numbers after it were counted without it.
    const pad = header.get(`${PREFIX[set]}PAD`);
    if (pad !== undefined && !attrs.some((a) => a.value === pad)) bad.push(`${set}: ${PREFIX[set]}PAD = ${pad} not declared`);
  }
  return bad;
}

const haveHeaders = HEADERS.every((h) => existsSync(h));

test('the header parser reads known values (guards the comparison itself)', (t) => {
  if (!haveHeaders) return t.pass('no UAPI headers installed');
  const h = headerConstants();
  t.is(h.get('NFTA_TABLE_PAD'), 5);
  t.is(h.get('NFTA_SET_ELEM_PAD'), 8);
  t.is(h.get('NFTA_LOOKUP_SREG'), 2);
  t.is(h.get('NFTA_LOOKUP_SET_ID'), 4);
  t.is(h.get('NFNL_BATCH_GENID'), 1);
  t.true(h.size > 500, `${h.size} constants`);
});

test('every generated nftables attribute number is the one of the UAPI header', (t) => {
  if (!haveHeaders) return t.pass('no UAPI headers installed');
  t.deepEqual(mismatches(nftablesSpec.attributeSets as unknown as Record<string, readonly AttrDecl[]>, headerConstants()), []);
});

test('the reading side\'s attribute numbers (generated plus hand-declared) are the header\'s', (t) => {
  if (!haveHeaders) return t.pass('no UAPI headers installed');
  t.deepEqual(mismatches(nftRead.decl.attributeSets, headerConstants()), []);
});

test('the comparison fails on a misnumbered attribute', (t) => {
  if (!haveHeaders) return t.pass('no UAPI headers installed');
  const wrong = { 'expr-lookup-attrs': [{ name: 'set', value: 1, type: 'string' }, { name: 'sreg', value: 3, type: 'u32' }] } as Record<string, AttrDecl[]>;
  t.deepEqual(mismatches(wrong, headerConstants()), ['expr-lookup-attrs.sreg = 3, but NFTA_LOOKUP_SREG = 2']);
  const noPad = { 'table-attrs': [{ name: 'name', value: 1, type: 'string' }] } as Record<string, AttrDecl[]>;
  t.deepEqual(mismatches(noPad, headerConstants()), ['table-attrs: NFTA_TABLE_PAD = 5 not declared']);
});

/** nft's names of ct and meta keys where they are not the header's (NFT_CT_*, NFT_META_*). */
const CT_NAMES: Record<string, string> = {
  l3proto: 'L3PROTOCOL', saddr: 'SRC', daddr: 'DST', label: 'LABELS', packets: 'PKTS', event: 'EVENTMASK',
  'ip saddr': 'SRC_IP', 'ip daddr': 'DST_IP', 'ip6 saddr': 'SRC_IP6', 'ip6 daddr': 'DST_IP6',
};
const META_NAMES: Record<string, string> = {
  length: 'LEN', iiftype: 'IFTYPE', ibrname: 'BRI_IIFNAME', obrname: 'BRI_OIFNAME', random: 'PRANDOM', ipsec: 'SECPATH',
  ibrpvid: 'BRI_IIFPVID', ibrvproto: 'BRI_IIFVPROTO', time: 'TIME_NS', day: 'TIME_DAY', hour: 'TIME_HOUR', broute: 'BRI_BROUTE',
};

test('the reader\'s ct and meta key numbers are the header\'s NFT_CT_* and NFT_META_*', (t) => {
  if (!haveHeaders) return t.pass('no UAPI headers installed');
  const h = headerConstants();
  const bad: string[] = [];
  const check = (prefix: string, names: Record<string, string>, keys: Record<number, { name: string }>) => {
    for (const [n, k] of Object.entries(keys)) {
      const c = prefix + (names[k.name] ?? k.name.toUpperCase().replace(/-/g, '_'));
      // Keys newer than the installed header (bri-broute) are skipped, not failed.
      if (h.has(c) && h.get(c) !== Number(n)) bad.push(`${k.name} = ${n}, but ${c} = ${h.get(c)}`);
      if (!h.has(c) && Number(n) < 35) bad.push(`${k.name}: ${c} not in the header`);
    }
  };
  check('NFT_CT_', CT_NAMES, CT_KEYS);
  check('NFT_META_', META_NAMES, META_KEYS);
  t.deepEqual(bad, []);
});
