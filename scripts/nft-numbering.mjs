// Numbers the nftables attribute sets from the kernel's UAPI header instead of trusting the
// YAML's implicit counting. The 6.14 nftables.yaml leaves out every NFTA_*_PAD entry of
// table, chain, rule and set-element attributes (so each later attribute came out one low)
// and swaps the lookup expression's set-id/sreg/dreg. nf_tables.h is what the kernel was
// compiled from, so it is the authority: every attribute of a mapped set must be found in
// its header enum (a name that is not there fails the generation), its value is taken from
// the header, and the header's PAD entries are added (type pad, never read or written).
//
// Shared by the generator (scripts/gen-specs.mjs) and the test that checks the generated
// table against the header (test/nft-spec-numbering.test.ts).
import { readFileSync } from 'node:fs';

export const NFT_HEADERS = [
  '/usr/include/linux/netfilter/nf_tables.h',
  '/usr/include/linux/netfilter/nf_tables_compat.h',
  '/usr/include/linux/netfilter/nfnetlink.h',
];

/**
 * Attribute set -> [C enum, constant prefix]. empty-attrs (a placeholder for operations
 * without attributes) has no enum. The list-of-elements sets all share nft_list_attributes.
 */
export const NFT_SET_ENUMS = {
  'batch-attrs': ['nfnl_batch_attributes', 'NFNL_BATCH_'],
  'table-attrs': ['nft_table_attributes', 'NFTA_TABLE_'],
  'chain-attrs': ['nft_chain_attributes', 'NFTA_CHAIN_'],
  'counter-attrs': ['nft_counter_attributes', 'NFTA_COUNTER_'],
  'nft-hook-attrs': ['nft_hook_attributes', 'NFTA_HOOK_'],
  'hook-dev-attrs': ['nft_devices_attributes', 'NFTA_DEVICE_'],
  'nft-counter-attrs': ['nft_counter_attributes', 'NFTA_COUNTER_'],
  'rule-attrs': ['nft_rule_attributes', 'NFTA_RULE_'],
  'expr-list-attrs': ['nft_list_attributes', 'NFTA_LIST_'],
  'expr-attrs': ['nft_expr_attributes', 'NFTA_EXPR_'],
  'rule-compat-attrs': ['nft_rule_compat_attributes', 'NFTA_RULE_COMPAT_'],
  'set-attrs': ['nft_set_attributes', 'NFTA_SET_'],
  'set-desc-attrs': ['nft_set_desc_attributes', 'NFTA_SET_DESC_'],
  'set-desc-concat-attrs': ['nft_list_attributes', 'NFTA_LIST_'],
  'set-field-attrs': ['nft_set_field_attributes', 'NFTA_SET_FIELD_'],
  'set-list-attrs': ['nft_list_attributes', 'NFTA_LIST_'],
  'setelem-attrs': ['nft_set_elem_attributes', 'NFTA_SET_ELEM_'],
  'setelem-list-elem-attrs': ['nft_list_attributes', 'NFTA_LIST_'],
  'setelem-list-attrs': ['nft_set_elem_list_attributes', 'NFTA_SET_ELEM_LIST_'],
  'gen-attrs': ['nft_gen_attributes', 'NFTA_GEN_'],
  'obj-attrs': ['nft_object_attributes', 'NFTA_OBJ_'],
  'quota-attrs': ['nft_quota_attributes', 'NFTA_QUOTA_'],
  'flowtable-attrs': ['nft_flowtable_attributes', 'NFTA_FLOWTABLE_'],
  'flowtable-hook-attrs': ['nft_flowtable_hook_attributes', 'NFTA_FLOWTABLE_HOOK_'],
  'expr-bitwise-attrs': ['nft_bitwise_attributes', 'NFTA_BITWISE_'],
  'expr-cmp-attrs': ['nft_cmp_attributes', 'NFTA_CMP_'],
  'data-attrs': ['nft_data_attributes', 'NFTA_DATA_'],
  'verdict-attrs': ['nft_verdict_attributes', 'NFTA_VERDICT_'],
  'expr-counter-attrs': ['nft_counter_attributes', 'NFTA_COUNTER_'],
  'expr-fib-attrs': ['nft_fib_attributes', 'NFTA_FIB_'],
  'expr-ct-attrs': ['nft_ct_attributes', 'NFTA_CT_'],
  'expr-flow-offload-attrs': ['nft_offload_attributes', 'NFTA_FLOW_'],
  'expr-immediate-attrs': ['nft_immediate_attributes', 'NFTA_IMMEDIATE_'],
  'expr-lookup-attrs': ['nft_lookup_attributes', 'NFTA_LOOKUP_'],
  'expr-meta-attrs': ['nft_meta_attributes', 'NFTA_META_'],
  'expr-nat-attrs': ['nft_nat_attributes', 'NFTA_NAT_'],
  'expr-payload-attrs': ['nft_payload_attributes', 'NFTA_PAYLOAD_'],
  'expr-reject-attrs': ['nft_reject_attributes', 'NFTA_REJECT_'],
  'expr-target-attrs': ['nft_target_attributes', 'NFTA_TARGET_'],
  'expr-tproxy-attrs': ['nft_tproxy_attributes', 'NFTA_TPROXY_'],
  'expr-objref-attrs': ['nft_objref_attributes', 'NFTA_OBJREF_'],
};

/** YAML names whose header constant is not the upper-cased name. */
const ALIASES = {
  'expr-flow-offload-attrs': { name: 'TABLE_NAME' },
  'nft-hook-attrs': { num: 'HOOKNUM' },
};

/** Sets the numbering pass leaves alone (no header enum). */
export const NFT_UNNUMBERED = new Set(['empty-attrs']);

/**
 * Parses the `enum name { A, B = 3, ... }` blocks of C headers into name -> Map(constant ->
 * value), following C's rule (a constant without a value is the previous one plus one).
 * Values that are not plain numbers or earlier constants of the same enum are skipped.
 */
export function parseEnums(texts) {
  const out = new Map();
  for (const raw of texts) {
    const text = raw.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/^\s*#.*$/gm, '');
    for (const m of text.matchAll(/enum\s+(\w+)\s*\{([^}]*)\}/g)) {
      const entries = new Map();
      let next = 0;
      for (const part of m[2].split(',')) {
        const e = part.trim();
        if (!e) continue;
        const [, name, expr] = e.match(/^(\w+)\s*(?:=\s*(.+))?$/s) ?? [];
        if (!name) continue;
        let value = next;
        if (expr !== undefined) {
          const x = expr.trim().replace(/^\((.*)\)$/s, '$1').trim();
          if (/^-?(0x[0-9a-f]+|\d+)[uUlL]*$/i.test(x)) value = Number(x.replace(/[uUlL]+$/, ''));
          else if (/^\(?1U?\s*<<\s*(\d+)\)?$/.test(x)) value = 2 ** Number(x.match(/<<\s*(\d+)/)[1]);
          else if (entries.has(x)) value = entries.get(x);
          else continue;
        }
        entries.set(name, value);
        next = value + 1;
      }
      out.set(m[1], entries);
    }
  }
  return out;
}

export function readNftEnums(paths = NFT_HEADERS) {
  return parseEnums(paths.map((p) => readFileSync(p, 'utf8')));
}

/** The header constant an attribute of a set is numbered by. */
export function nftConstant(set, name) {
  const [, prefix] = NFT_SET_ENUMS[set];
  const alias = ALIASES[set]?.[name];
  return prefix + (alias ?? name.toUpperCase().replace(/[- ]/g, '_'));
}

/**
 * Renumbers `sets` (set name -> attribute declarations, as the generator flattens them) from
 * the header enums, in place, and adds the header's PAD entries. Returns the header
 * constants of mapped sets that the spec does not declare (reported, not invented: their
 * types are not in the header).
 */
export function numberNftSets(sets, enums) {
  const missing = [];
  for (const [set, attrs] of Object.entries(sets)) {
    if (NFT_UNNUMBERED.has(set)) continue;
    const map = NFT_SET_ENUMS[set];
    if (!map) throw new Error(`nftables: attribute set ${set} has no header enum in scripts/nft-numbering.mjs`);
    const [enumName, prefix] = map;
    const entries = enums.get(enumName);
    if (!entries) throw new Error(`nftables: enum ${enumName} (for ${set}) not in the headers`);
    const seen = new Set();
    for (const a of attrs) {
      const c = nftConstant(set, a.name);
      if (!entries.has(c)) throw new Error(`nftables: ${set}.${a.name}: ${c} is not in enum ${enumName}`);
      a.value = entries.get(c);
      seen.add(c);
    }
    for (const [c, value] of entries) {
      if (seen.has(c) || c.endsWith('_UNSPEC') || c.startsWith('__') || !c.startsWith(prefix)) continue;
      if (c === `${prefix}PAD`) attrs.push({ name: 'pad', value, type: 'pad' });
      else missing.push(`${set}: ${c} = ${value}`);
    }
    attrs.sort((x, y) => x.value - y.value);
  }
  return missing;
}
