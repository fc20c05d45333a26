// Input validation for nftables operations (zod v3 API, loaded only by code that changes
// the ruleset). Everything a user passes is checked here before a byte is sent, and the
// first problem becomes a ValidationError naming the field ("chain.hook", "rule.expressions.2.data").
import { z } from 'zod/v3';
import { ValidationError } from '../netlink/errors.js';
import { validate } from '../netlink/validate.js';
import { parsePrefix } from '../netlink/address.js';
import { NFT_DATA_VALUE_MAXLEN } from './constants.js';
import { stringLimitProblem, type StringLimitName } from '../netlink/string-limits.js';
import { FAMILIES, type Family } from './codec.js';
import { hooksOf, priorityValue, type HookName, type PriorityName } from './chain.js';
import { SET_TYPES } from './set.js';
import { checkRule } from './rule-check.js';
import type { BatchOperation } from './batch.js';


const family = z.custom<Family>((v) => typeof v === 'string' && (FAMILIES as readonly string[]).includes(v), {
  message: `unknown family: one of ${FAMILIES.join(', ')}`,
});

/** Names of tables, chains and sets: NUL-terminated in at most NFT_NAME_MAXLEN bytes. */
const name = z.string({ invalid_type_error: 'must be a string' })
  .min(1, 'must not be empty')
  .superRefine((s, ctx) => { const p = stringLimitProblem('nftName', s); if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, message: p }); })
  .refine((s) => !s.includes('\0'), { message: 'must not contain NUL' });

const u32 = z.number().int().min(0).max(0xffffffff);
const handle = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const bytes = z.instanceof(Uint8Array, { message: 'must be a Uint8Array' });
const limited = <T extends z.ZodType<string | Uint8Array>>(base: T, which: StringLimitName): z.ZodEffects<T> =>
  base.superRefine((v, ctx) => { const p = stringLimitProblem(which, v); if (p) ctx.addIssue({ code: z.ZodIssueCode.custom, message: p }); });
const comment = limited(z.string(), 'nftComment');
const userdata = limited(bytes, 'nftUserdata');
const ifname = limited(z.string().min(1), 'nftIfname');

const value = bytes.refine((b) => b.length >= 1 && b.length <= NFT_DATA_VALUE_MAXLEN, { message: `must hold 1 to ${NFT_DATA_VALUE_MAXLEN} bytes (NFT_DATA_VALUE_MAXLEN)` });

export const tableSchema = z.object({
  family, name, flags: u32.optional(), comment: comment.optional(), userdata: userdata.optional(),
  handle: handle.optional(), use: z.number().optional(), owner: z.number().optional(),
});

const tableRefSchema = z.object({ family, name: name.optional(), handle: handle.optional() })
  .refine((t) => t.name !== undefined || t.handle !== undefined, { message: 'give the table name or handle', path: ['name'] });

const hookName = z.enum(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);
const priorityName = z.enum(['raw', 'mangle', 'dstnat', 'filter', 'security', 'srcnat', 'out']);

export const chainSchema = z.object({
  family, table: name, name,
  type: z.enum(['filter', 'nat', 'route']).optional(),
  hook: hookName.optional(),
  priority: z.union([z.number().int().min(-0x80000000).max(0x7fffffff), priorityName]).optional(),
  policy: z.enum(['accept', 'drop']).optional(),
  device: ifname.optional(),
  devices: z.array(ifname).optional(),
  flags: u32.optional(),
  comment: comment.optional(), userdata: userdata.optional(),
  handle: handle.optional(), use: z.number().optional(), counters: z.any().optional(),
}).superRefine((c, ctx) => {
  const base = c.type !== undefined || c.priority !== undefined || c.policy !== undefined || c.device !== undefined || c.devices !== undefined;
  if (c.hook === undefined) {
    if (base) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['hook'], message: 'a base chain (one with type, priority, policy or device) needs a hook, e.g. hook: "postrouting"' });
    return;
  }
  if (!hooksOf(c.family as Family).includes(c.hook as HookName)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['hook'], message: `family ${c.family} has no hook ${c.hook}: one of ${hooksOf(c.family as Family).join(', ')}` });
  }
  if (c.priority !== undefined && priorityValue(c.family as Family, c.priority as number | PriorityName) === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['priority'], message: `family ${c.family} has no priority named ${String(c.priority)}` });
  }
  if (c.family === 'netdev' && c.device === undefined && !c.devices?.length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['device'], message: 'a netdev base chain needs the device it hooks' });
  }
});

const chainRefSchema = z.object({ family, table: name, name: name.optional(), handle: handle.optional() })
  .refine((c) => c.name !== undefined || c.handle !== undefined, { message: 'give the chain name or handle', path: ['name'] });

const ruleRefSchema = z.object({ family, table: name, chain: name.optional(), handle });

const setType = z.union([z.enum(Object.keys(SET_TYPES) as [keyof typeof SET_TYPES]), u32], { errorMap: () => ({ message: `unknown type: one of ${Object.keys(SET_TYPES).join(', ')} or a number` }) });

export const setSchema = z.object({
  family, table: name, name,
  keyType: setType,
  keyLen: z.number().int().min(1).max(NFT_DATA_VALUE_MAXLEN).optional(),
  dataType: setType.optional(), dataLen: z.number().int().min(1).max(NFT_DATA_VALUE_MAXLEN).optional(),
  flags: u32.optional(), policy: z.enum(['performance', 'memory']).optional(), size: u32.optional(),
  timeout: z.number().int().min(0).optional(), gcInterval: u32.optional(),
  comment: comment.optional(), userdata: userdata.optional(), id: u32.optional(), handle: handle.optional(),
}).refine((s) => typeof s.keyType === 'string' || s.keyLen !== undefined, { message: 'a numeric key type needs keyLen', path: ['keyLen'] });

const setRefSchema = z.object({ family, table: name, name: name.optional(), handle: handle.optional() })
  .refine((s) => s.name !== undefined || s.handle !== undefined, { message: 'give the set name or handle', path: ['name'] });

const elementSchema = z.union([
  z.string(), z.number(),
  z.object({
    key: value, keyEnd: value.optional(), data: value.optional(), verdict: z.any().optional(), flags: u32.optional(),
    timeout: z.number().int().min(0).optional(), expiration: z.number().optional(), comment: comment.optional(), userdata: userdata.optional(),
  }).strict(),
], { errorMap: () => ({ message: 'an element is a value of the set type (string or number) or { key: Uint8Array, ... }' }) });

// Elements may number millions and come from a generator (read once): the list is checked
// here only for being iterable; each value is checked as it is encoded (batch-elements.ts).
const elementList = z.custom<Iterable<unknown>>((v) => v !== null && typeof v === 'object' && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function' && typeof v !== 'string',
  { message: 'must be an array (or iterable) of elements' });

export const elementsSchema = z.object({
  family, table: name, set: name, elements: elementList, keyType: setType.optional(), setId: u32.optional(),
});

/** One element, as the schema of a list small enough to check with zod (JSON input). */
export { elementSchema };

const rulesetSchema = z.object({ family: family.optional() });

/** Validate one queued operation; `index` is its place in the batch (for the message). */
export function validateOperation(op: BatchOperation, index: number): void {
  const root = op.object === 'element' ? 'elements' : op.object;
  let schema: z.ZodTypeAny;
  switch (op.object) {
    case 'table': schema = op.verb === 'add' || op.verb === 'create' ? tableSchema : tableRefSchema; break;
    case 'chain': schema = op.verb === 'add' || op.verb === 'create' ? chainSchema : chainRefSchema; break;
    case 'rule':
      if (op.verb === 'delete' || op.verb === 'destroy') { schema = ruleRefSchema; break; }
      // Rules are most of a big batch: checked by hand, ~50x faster than the equivalent zod schema.
      try {
        checkRule(op.input);
      } catch (err) {
        if (err instanceof ValidationError) throw withOperation(err, op, index);
        throw err;
      }
      return;
    case 'set': schema = op.verb === 'add' || op.verb === 'create' ? setSchema : setRefSchema; break;
    case 'element': schema = elementsSchema; break;
    case 'ruleset': schema = rulesetSchema; break;
    default: throw new ValidationError('operation', `unknown object ${String(op.object)}`);
  }
  try {
    validate(schema, op.input, root);
  } catch (err) {
    if (err instanceof ValidationError) throw withOperation(err, op, index);
    throw err;
  }
}

function withOperation(err: ValidationError, op: BatchOperation, index: number): ValidationError {
  const what = op.description.length > 60 ? `${op.description.slice(0, 57)}...` : op.description;
  return new ValidationError(err.field, `${err.problem} (operation ${index + 1}: ${what})`);
}

// ---- the masquerade helper's input ----

export const masqueradeSchema = z.object({
  from: z.string({ invalid_type_error: 'must be a string such as 192.168.0.0/16' })
    .refine((s) => !!parsePrefix(s), { message: 'must be an IPv4 or IPv6 address or prefix such as 192.168.0.0/16' }),
  outInterface: ifname.optional(),
  table: name.optional(),
  chain: name.optional(),
  comment: comment.optional(),
}).strict();

export type MasqueradeInput = z.infer<typeof masqueradeSchema>;
