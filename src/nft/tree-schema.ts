// Attribute schemas of nfnetlink / nftables (NETLINK_NETFILTER) for the generic tree. Message
// types are (subsystem << 8) | message; attributes are in network byte order.
import * as N from './constants.js';
import type { AttrSchema, AttrSpec, MessageSchema } from '../netlink/attribute-tree.js';
import { enumNames, enumSchema, structHeader, type SpecOverride } from '../netlink/tree-schema.js';

const mod = N as unknown as Record<string, unknown>;
const NFGENMSG = structHeader('nfgenmsg', [['family', 'u8'], ['version', 'u8'], ['res_id', 'be16']]);

const schemaOf = (prefix: string, formats: Record<string, SpecOverride> = {}, exclude: string[] = []): AttrSchema =>
  enumSchema(mod, prefix, formats, { exclude, fallback: 'auto-be' });

const VERDICT_CODES = new Map<number, string>([
  [0, 'drop'], [1, 'accept'], [2, 'stolen'], [3, 'queue'], [4, 'repeat'], [5, 'stop'],
  [0xffffffff, 'continue'], [0xfffffffe, 'break'], [0xfffffffd, 'jump'], [0xfffffffc, 'goto'], [0xfffffffb, 'return'],
]);
const VERDICT = schemaOf('NFTA_VERDICT_', { NFTA_VERDICT_CODE: { format: 'be32', values: VERDICT_CODES }, NFTA_VERDICT_CHAIN: 'string' });
const DATA = schemaOf('NFTA_DATA_', { NFTA_DATA_VALUE: 'binary', NFTA_DATA_VERDICT: { children: VERDICT } });
const data: SpecOverride = { children: DATA };

// Per-expression attribute names: NFTA_<NAME>_*; data-carrying attributes nest NFTA_DATA_*.
const EXPR_FORMATS: Record<string, SpecOverride> = {
  NFTA_CMP_DATA: data, NFTA_IMMEDIATE_DATA: data, NFTA_RANGE_FROM_DATA: data, NFTA_RANGE_TO_DATA: data,
  NFTA_BITWISE_MASK: data, NFTA_BITWISE_XOR: data, NFTA_BITWISE_DATA: data,
  NFTA_LOOKUP_SET: 'string', NFTA_DYNSET_SET_NAME: 'string', NFTA_OBJREF_IMM_NAME: 'string', NFTA_OBJREF_SET_NAME: 'string',
  NFTA_LOG_PREFIX: 'string', NFTA_CT_HELPER_NAME: 'string', NFTA_COUNTER_BYTES: 'be64', NFTA_COUNTER_PACKETS: 'be64',
  NFTA_LIMIT_RATE: 'be64', NFTA_LIMIT_UNIT: 'be64', NFTA_QUOTA_BYTES: 'be64', NFTA_QUOTA_CONSUMED: 'be64',
  NFTA_DYNSET_TIMEOUT: 'be64', NFTA_LAST_MSECS: 'be64',
};
const EXPR_EXCLUDE: Record<string, string[]> = {
  ct: ['NFTA_CT_EXPECT_', 'NFTA_CT_HELPER_', 'NFTA_CT_TIMEOUT_'],
  flow: ['NFTA_FLOW_TABLE_'],
};
const exprCache = new Map<string, AttrSchema>();
function exprData(name: string | undefined): AttrSchema | undefined {
  if (!name || !/^[a-z0-9_]+$/.test(name)) return undefined;
  let s = exprCache.get(name);
  if (!s) {
    s = schemaOf(`NFTA_${name.toUpperCase()}_`, EXPR_FORMATS, EXPR_EXCLUDE[name] ?? []);
    exprCache.set(name, s);
  }
  return s;
}
const EXPR = schemaOf('NFTA_EXPR_', {
  NFTA_EXPR_NAME: 'string',
  NFTA_EXPR_DATA: { format: 'nested', children: (ctx) => exprData(ctx.siblingString(N.NFTA_EXPR_NAME)) },
});
const list = (name: string, element: AttrSchema): SpecOverride => ({ children: { attrs: new Map(), any: { name, children: element } } });
const EXPRESSIONS = list('NFTA_LIST_ELEM', EXPR);

const HOOK = schemaOf('NFTA_HOOK_', {
  NFTA_HOOK_DEV: 'string', NFTA_HOOK_PRIORITY: 'be32',
  NFTA_HOOK_DEVS: { children: { attrs: new Map(), any: { name: 'NFTA_DEVICE_NAME', format: 'string' } } },
});
const COUNTERS = schemaOf('NFTA_COUNTER_', { NFTA_COUNTER_BYTES: 'be64', NFTA_COUNTER_PACKETS: 'be64' });

const TABLE = schemaOf('NFTA_TABLE_', { NFTA_TABLE_NAME: 'string', NFTA_TABLE_HANDLE: 'be64', NFTA_TABLE_USERDATA: 'binary' });
const CHAIN = schemaOf('NFTA_CHAIN_', {
  NFTA_CHAIN_TABLE: 'string', NFTA_CHAIN_NAME: 'string', NFTA_CHAIN_TYPE: 'string', NFTA_CHAIN_HANDLE: 'be64',
  NFTA_CHAIN_HOOK: { children: HOOK }, NFTA_CHAIN_COUNTERS: { children: COUNTERS }, NFTA_CHAIN_USERDATA: 'binary',
  NFTA_CHAIN_POLICY: { format: 'be32', values: VERDICT_CODES },
});
const RULE = schemaOf('NFTA_RULE_', {
  NFTA_RULE_TABLE: 'string', NFTA_RULE_CHAIN: 'string', NFTA_RULE_HANDLE: 'be64', NFTA_RULE_POSITION: 'be64',
  NFTA_RULE_EXPRESSIONS: EXPRESSIONS, NFTA_RULE_USERDATA: 'binary', NFTA_RULE_COMPAT: 'nested',
}, ['NFTA_RULE_COMPAT_']);
const SET_DESC = schemaOf('NFTA_SET_DESC_', { NFTA_SET_DESC_CONCAT: list('NFTA_LIST_ELEM', schemaOf('NFTA_SET_FIELD_')) });
const SET = schemaOf('NFTA_SET_', {
  NFTA_SET_TABLE: 'string', NFTA_SET_NAME: 'string', NFTA_SET_HANDLE: 'be64', NFTA_SET_TIMEOUT: 'be64',
  NFTA_SET_USERDATA: 'binary', NFTA_SET_DESC: { children: SET_DESC }, NFTA_SET_EXPR: { children: EXPR },
  NFTA_SET_EXPRESSIONS: EXPRESSIONS,
}, ['NFTA_SET_ELEM_', 'NFTA_SET_DESC_', 'NFTA_SET_FIELD_']);
const SET_ELEM = schemaOf('NFTA_SET_ELEM_', {
  NFTA_SET_ELEM_KEY: data, NFTA_SET_ELEM_KEY_END: data, NFTA_SET_ELEM_DATA: data, NFTA_SET_ELEM_TIMEOUT: 'be64',
  NFTA_SET_ELEM_EXPIRATION: 'be64', NFTA_SET_ELEM_USERDATA: 'binary', NFTA_SET_ELEM_EXPR: { children: EXPR },
  NFTA_SET_ELEM_OBJREF: 'string', NFTA_SET_ELEM_EXPRESSIONS: EXPRESSIONS,
}, ['NFTA_SET_ELEM_LIST_']);
const SET_ELEM_LIST = schemaOf('NFTA_SET_ELEM_LIST_', {
  NFTA_SET_ELEM_LIST_TABLE: 'string', NFTA_SET_ELEM_LIST_SET: 'string', NFTA_SET_ELEM_LIST_ELEMENTS: list('NFTA_LIST_ELEM', SET_ELEM),
});
const GEN = schemaOf('NFTA_GEN_', { NFTA_GEN_PROC_NAME: 'string' });
const OBJ = schemaOf('NFTA_OBJ_', { NFTA_OBJ_TABLE: 'string', NFTA_OBJ_NAME: 'string', NFTA_OBJ_HANDLE: 'be64', NFTA_OBJ_USERDATA: 'binary', NFTA_OBJ_DATA: 'nested' });
const FLOWTABLE = schemaOf('NFTA_FLOWTABLE_', {
  NFTA_FLOWTABLE_TABLE: 'string', NFTA_FLOWTABLE_NAME: 'string', NFTA_FLOWTABLE_HANDLE: 'be64',
  NFTA_FLOWTABLE_HOOK: { children: schemaOf('NFTA_FLOWTABLE_HOOK_', { NFTA_FLOWTABLE_HOOK_DEVS: { children: { attrs: new Map(), any: { name: 'NFTA_DEVICE_NAME', format: 'string' } } } }) },
}, ['NFTA_FLOWTABLE_HOOK_']);
const TRACE = schemaOf('NFTA_TRACE_', { NFTA_TRACE_TABLE: 'string', NFTA_TRACE_CHAIN: 'string', NFTA_TRACE_VERDICT: { children: VERDICT } });

const MSG_NAMES = enumNames(mod, 'NFT_MSG_', ['NFT_MSG_MAX']);

function attributesFor(msg: string): AttrSchema | undefined {
  if (msg.endsWith('SETELEM') || msg.endsWith('SETELEM_RESET')) return SET_ELEM_LIST;
  if (msg.endsWith('TABLE')) return TABLE;
  if (msg.endsWith('CHAIN')) return CHAIN;
  if (msg.endsWith('RULE') || msg.endsWith('RULE_RESET')) return RULE;
  if (msg.endsWith('SET')) return SET;
  if (msg.endsWith('GEN')) return GEN;
  if (msg.endsWith('OBJ') || msg.endsWith('OBJ_RESET')) return OBJ;
  if (msg.endsWith('FLOWTABLE')) return FLOWTABLE;
  if (msg.endsWith('TRACE')) return TRACE;
  return undefined;
}

const SUBSYS = new Map<number, string>([[0, 'NONE'], [1, 'CTNETLINK'], [2, 'CTNETLINK_EXP'], [3, 'QUEUE'], [4, 'ULOG'], [5, 'OSF'], [6, 'IPSET'], [7, 'ACCT'], [8, 'CTNETLINK_TIMEOUT'], [9, 'CTHELPER'], [10, 'NFTABLES'], [11, 'NFT_COMPAT'], [12, 'HOOK']]);

const cache = new Map<number, MessageSchema | undefined>();

/** The schema of an nfnetlink message type, or undefined below NLMSG_MIN_TYPE. */
export function nftSchema(type: number): MessageSchema | undefined {
  if (cache.has(type)) return cache.get(type);
  let schema: MessageSchema | undefined;
  if (type === N.NFNL_MSG_BATCH_BEGIN) schema = { name: 'NFNL_MSG_BATCH_BEGIN', header: NFGENMSG, op: 'other' };
  else if (type === N.NFNL_MSG_BATCH_END) schema = { name: 'NFNL_MSG_BATCH_END', header: NFGENMSG, op: 'other' };
  else if (type >= 0x100) {
    const subsys = type >> 8;
    const msg = type & 0xff;
    if (subsys === N.NFNL_SUBSYS_NFTABLES) {
      const name = MSG_NAMES.get(msg) ?? `NFT_MSG_${msg}`;
      const op = /^NFT_MSG_NEW/.test(name) ? 'new' : /^NFT_MSG_GET/.test(name) ? 'get' : /^NFT_MSG_(DEL|DESTROY)/.test(name) ? 'del' : 'other';
      const attributes = attributesFor(name);
      schema = { name, op, header: NFGENMSG, ...(attributes ? { attributes } : {}) };
    } else {
      schema = { name: `NFNL_SUBSYS_${SUBSYS.get(subsys) ?? subsys}/${msg}`, header: NFGENMSG };
    }
  }
  cache.set(type, schema);
  return schema;
}
export type { AttrSpec };
