// The nftables family as the reading side needs it: the generated kernel spec (src/nft/spec.gen.ts)
// plus the expression and object attribute spaces that spec does not declare yet (log, limit,
// exthdr, dynset, ...; numbers from include/uapi/linux/netfilter/nf_tables.h). Everything is
// run through the one generic codec (src/netlink/spec); nothing here reads bytes by hand.
//
// The generated table is numbered from nf_tables.h (scripts/nft-numbering.mjs), so nothing
// here renumbers it. Two adjustments to the generated tables, both facts of the wire format
// rather than taste: every nftables integer wider than a byte is big-endian (the YAML leaves some unmarked), and
// enum names are dropped so the folding code sees kernel numbers (nft's vocabulary differs from
// the spec's names: "l4proto" vs "l4-proto").
import { CompiledFamily } from '../../netlink/spec/compile.js';
import type { AttrDecl, FamilyDecl, SubMessageFormat } from '../../netlink/spec/types.js';
import { nftablesSpec } from '../spec.gen.js';

type A = AttrDecl;
const be = (name: string, value: number, type: A['type'] = 'u32'): A => ({ name, value, type, byteOrder: 'big-endian' });
const str = (name: string, value: number): A => ({ name, value, type: 'string' });
const bin = (name: string, value: number): A => ({ name, value, type: 'binary' });
const u8 = (name: string, value: number): A => ({ name, value, type: 'u8' });
const nest = (name: string, value: number, nested: string, multi = false): A => ({ name, value, type: 'nest', nested, ...(multi ? { multi } : {}) });

/**
 * Attributes nf_tables.h has but the YAML does not declare (scripts/nft-numbering.mjs reports
 * them when generating; their types come from nf_tables_api.c).
 */
const EXTRA_ATTRS: Record<string, readonly A[]> = {
  'table-attrs': [be('owner', 7)],
};

/** Expression spaces missing from the kernel's YAML (nf_tables.h NFTA_<EXPR>_*). */
const EXTRA_SETS: Record<string, readonly A[]> = {
  'expr-range-attrs': [be('sreg', 1), be('op', 2), nest('from-data', 3, 'data-attrs'), nest('to-data', 4, 'data-attrs')],
  'expr-byteorder-attrs': [be('sreg', 1), be('dreg', 2), be('op', 3), be('len', 4), be('size', 5)],
  'expr-log-attrs': [be('group', 1, 'u16'), str('prefix', 2), be('snaplen', 3), be('qthreshold', 4, 'u16'), be('level', 5), be('flags', 6)],
  'expr-limit-attrs': [be('rate', 1, 'u64'), be('unit', 2, 'u64'), be('burst', 3), be('type', 4), be('flags', 5), { name: 'pad', value: 6, type: 'pad' }],
  'expr-exthdr-attrs': [be('dreg', 1), u8('type', 2), be('offset', 3), be('len', 4), be('flags', 5), be('op', 6), be('sreg', 7)],
  'expr-dynset-attrs': [
    str('set-name', 1), be('set-id', 2), be('op', 3), be('sreg-key', 4), be('sreg-data', 5), be('timeout', 6, 'u64'),
    nest('expr', 7, 'expr-attrs'), { name: 'pad', value: 8, type: 'pad' }, be('flags', 9), nest('expressions', 10, 'expr-list-attrs'),
  ],
  'expr-masq-attrs': [be('flags', 1), be('reg-proto-min', 2), be('reg-proto-max', 3)],
  'expr-redir-attrs': [be('reg-proto-min', 1), be('reg-proto-max', 2), be('flags', 3)],
  'expr-dup-attrs': [be('sreg-addr', 1), be('sreg-dev', 2)],
  'expr-fwd-attrs': [be('sreg-dev', 1), be('sreg-addr', 2), be('nfproto', 3)],
  'expr-numgen-attrs': [be('dreg', 1), be('modulus', 2), be('type', 3), be('offset', 4)],
  'expr-hash-attrs': [be('sreg', 1), be('dreg', 2), be('len', 3), be('modulus', 4), be('seed', 5), be('offset', 6), be('type', 7), str('set-name', 8), be('set-id', 9)],
  'expr-rt-attrs': [be('dreg', 1), be('key', 2)],
  'expr-socket-attrs': [be('key', 1), be('dreg', 2), be('level', 3)],
  'expr-synproxy-attrs': [be('mss', 1, 'u16'), u8('wscale', 2), be('flags', 3)],
  'expr-connlimit-attrs': [be('count', 1), be('flags', 2)],
  'expr-queue-attrs': [be('num', 1, 'u16'), be('total', 2, 'u16'), be('flags', 3, 'u16'), be('sreg-qnum', 4)],
  'expr-last-attrs': [be('set', 1), be('msecs', 2, 'u64'), { name: 'pad', value: 3, type: 'pad' }],
  'expr-secmark-attrs': [str('ctx', 1)],
  'expr-notrack-attrs': [],
  'expr-match-attrs': [str('name', 1), be('rev', 2), bin('info', 3)],
  'expr-xfrm-attrs': [be('dreg', 1), be('key', 2), u8('dir', 3), be('spnum', 4)],
  'expr-osf-attrs': [be('dreg', 1), u8('ttl', 2), be('flags', 3)],
  // Stateful objects (NFTA_OBJ_DATA by NFTA_OBJ_TYPE).
  'obj-ct-helper-attrs': [str('name', 1), be('l3proto', 2, 'u16'), u8('l4proto', 3)],
  'obj-ct-timeout-attrs': [be('l3proto', 1, 'u16'), u8('l4proto', 2), { name: 'data', value: 3, type: 'binary' }],
  'obj-ct-expect-attrs': [be('l3proto', 1, 'u16'), u8('l4proto', 2), be('dport', 3, 'u16'), { name: 'timeout', value: 4, type: 'u32', byteOrder: 'little-endian' }, u8('size', 5)],
  'obj-synproxy-attrs': [be('mss', 1, 'u16'), u8('wscale', 2), be('flags', 3)],
  'set-elem-flags-attrs': [],
};

const EXTRA_EXPRS: Record<string, string> = {
  range: 'expr-range-attrs', byteorder: 'expr-byteorder-attrs', log: 'expr-log-attrs', limit: 'expr-limit-attrs',
  exthdr: 'expr-exthdr-attrs', dynset: 'expr-dynset-attrs', masq: 'expr-masq-attrs', redir: 'expr-redir-attrs',
  dup: 'expr-dup-attrs', fwd: 'expr-fwd-attrs', numgen: 'expr-numgen-attrs', hash: 'expr-hash-attrs', rt: 'expr-rt-attrs',
  socket: 'expr-socket-attrs', synproxy: 'expr-synproxy-attrs', connlimit: 'expr-connlimit-attrs', queue: 'expr-queue-attrs',
  last: 'expr-last-attrs', secmark: 'expr-secmark-attrs', notrack: 'expr-notrack-attrs', match: 'expr-match-attrs',
  xfrm: 'expr-xfrm-attrs', osf: 'expr-osf-attrs',
};

/** NFT_OBJECT_* numbers to their data spaces (counter 1, quota 2, ct helper 3, limit 4, ...). */
const OBJ_SETS: Record<number, string> = {
  1: 'counter-attrs', 2: 'quota-attrs', 3: 'obj-ct-helper-attrs', 4: 'expr-limit-attrs', 5: 'expr-connlimit-attrs',
  6: 'obj-synproxy-attrs', 7: 'obj-ct-timeout-attrs', 8: 'expr-secmark-attrs', 9: 'obj-ct-expect-attrs', 10: 'obj-synproxy-attrs',
};

function plain(a: A): A {
  const { enum: _e, flags: _f, ...rest } = a;
  const wide = rest.type === 'u16' || rest.type === 'u32' || rest.type === 'u64' || rest.type === 's32' || rest.type === 's64' || rest.type === 's16';
  return wide && !rest.byteOrder ? { ...rest, byteOrder: 'big-endian' } : rest;
}

function buildDecl(): FamilyDecl {
  const base = nftablesSpec as unknown as FamilyDecl;
  const sets: Record<string, readonly A[]> = {};
  for (const [name, attrs] of Object.entries({ ...base.attributeSets, ...EXTRA_SETS })) {
    sets[name] = [...attrs, ...(EXTRA_ATTRS[name] ?? [])].map(plain);
  }
  // The object type selector is numeric once enums are dropped.
  sets['obj-attrs'] = sets['obj-attrs']!.map((a) => (a.name === 'data' ? bin('data', 4) : a));
  // The chain hook priority and flowtable hook priority are signed.
  sets['flowtable-hook-attrs'] = sets['flowtable-hook-attrs']!.map((a) => (a.name === 'priority' ? be('priority', 2, 's32') : a));
  const exprOps: SubMessageFormat[] = [...(base.subMessages?.['expr-ops'] ?? [])];
  for (const [value, attributeSet] of Object.entries(EXTRA_EXPRS)) {
    if (!exprOps.some((f) => f.value === value)) exprOps.push({ value, attributeSet } as SubMessageFormat);
  }
  return { ...base, attributeSets: sets, subMessages: { ...base.subMessages, 'expr-ops': exprOps } } as FamilyDecl;
}

export const nftRead = new CompiledFamily(buildDecl());

/** The attribute space of an object's NFTA_OBJ_DATA. */
export function objectDataSet(type: number): string | undefined {
  return OBJ_SETS[type];
}
