// A zod-free pass over a batch that only says "certainly valid" or "look closer". The common
// batch (add table, add chain, thousands of rules) then never loads zod (~20 ms of module
// loading here, more than checking 10,000 rules). Anything this pass is unsure of goes to the
// zod schemas in schemas.ts, which produce the error messages: this file never words one, so
// what a bad input is told stays exactly what it was. It must never accept what the schemas
// refuse, so it accepts only the plain shapes and leaves every rarer field to zod.
import { NFT_NAME_MAXLEN } from './constants.js';
import { FAMILIES, type Family } from './codec.js';
import { hooksOf, priorityValue, type HookName, type PriorityName } from './chain.js';
import { checkRule } from './rule-check.js';
import type { BatchOperation } from './batch.js';

const enc = new TextEncoder();
const goodNames = new Set<string>();

/** A table/chain/set name as the schemas' `name`: 1 to NFT_NAME_MAXLEN - 1 bytes, no NUL. */
function isName(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (goodNames.has(v)) return true;
  if (v.length === 0 || v.includes('\0') || enc.encode(v).length > NFT_NAME_MAXLEN - 1) return false;
  if (goodNames.size < 4096) goodNames.add(v);
  return true;
}

const isFamily = (v: unknown): v is Family => typeof v === 'string' && (FAMILIES as readonly string[]).includes(v);
const isU32 = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isComment = (v: unknown): boolean => typeof v === 'string' && (v.length <= 32 || enc.encode(v).length <= 128);

// Fields of the schemas this pass leaves to zod. Keys the schemas do not know are ignored, as
// the schemas ignore them (a chain built as { ...where, name } carries where's `chain`).
const TABLE_RARE = ['userdata', 'handle', 'use', 'owner'];
const CHAIN_RARE = ['device', 'devices', 'userdata', 'handle', 'use', 'counters'];
const CHAIN_TYPES = ['filter', 'nat', 'route'];
const HOOKS = ['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress'];
const PRIORITIES = ['raw', 'mangle', 'dstnat', 'filter', 'security', 'srcnat', 'out'];

function hasAny(o: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const k of keys) if (o[k] !== undefined) return true;
  return false;
}

function plainTable(t: Record<string, unknown>): boolean {
  return !hasAny(t, TABLE_RARE) && isFamily(t.family) && isName(t.name)
    && (t.flags === undefined || isU32(t.flags)) && (t.comment === undefined || isComment(t.comment));
}

function plainChain(c: Record<string, unknown>): boolean {
  if (hasAny(c, CHAIN_RARE) || !isFamily(c.family) || !isName(c.table) || !isName(c.name)) return false;
  if (c.flags !== undefined && !isU32(c.flags)) return false;
  if (c.comment !== undefined && !isComment(c.comment)) return false;
  if (c.type !== undefined && !CHAIN_TYPES.includes(c.type as string)) return false;
  if (c.policy !== undefined && c.policy !== 'accept' && c.policy !== 'drop') return false;
  const p = c.priority;
  if (p !== undefined && !(typeof p === 'number' && Number.isInteger(p) && p >= -0x80000000 && p <= 0x7fffffff) && !PRIORITIES.includes(p as string)) return false;
  if (c.hook === undefined) return c.type === undefined && p === undefined && c.policy === undefined; // a regular chain
  if (!HOOKS.includes(c.hook as string) || !hooksOf(c.family).includes(c.hook as HookName)) return false;
  if (p !== undefined && priorityValue(c.family, p as number | PriorityName) === undefined) return false;
  return c.family !== 'netdev'; // netdev base chains need a device: left to the schema
}

/** True when the operation's input is certainly valid; false means "validate it with the schemas". */
export function plainlyValid(op: BatchOperation): boolean {
  const input = op.input as Record<string, unknown>;
  if (!input || typeof input !== 'object') return false;
  if (op.verb !== 'add' && op.verb !== 'create' && !(op.object === 'rule' && (op.verb === 'insert' || op.verb === 'replace'))) return false;
  switch (op.object) {
    case 'table': return plainTable(input);
    case 'chain': return plainChain(input);
    case 'rule':
      try {
        checkRule(input);
        return true;
      } catch {
        return false;
      }
    default: return false;
  }
}
