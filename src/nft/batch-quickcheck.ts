// A batch of plain operations (tables and sets named in ASCII, element lists, rules) is checked
// here without the schemas: loading zod costs more than committing 100,000 set elements in
// the kernel. quickCheck() only says "certainly valid"; whatever it is unsure of (any other
// field, any odd value) goes to the full zod schemas, which give the precise error.
import { FAMILIES } from './codec.js';
import { SET_TYPES } from './set.js';
import { checkRule } from './rule-check.js';
import type { BatchOperation } from './batch.js';
import { NetlinkTsError } from '../netlink/errors.js';

const PLAIN_NAME = /^[A-Za-z0-9_.\-]{1,64}$/;
const isName = (v: unknown): boolean => typeof v === 'string' && PLAIN_NAME.test(v);
const isFamily = (v: unknown): boolean => typeof v === 'string' && (FAMILIES as readonly string[]).includes(v);
const isU32 = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const isIterable = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';

/** Every key of o is one of `allowed`. */
function only(o: object, allowed: ReadonlySet<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

const TABLE_KEYS = new Set(['family', 'name']);
const SET_KEYS = new Set(['family', 'table', 'name', 'keyType', 'size', 'flags']);
const ELEMENT_KEYS = new Set(['family', 'table', 'set', 'elements', 'keyType']);

/** True when the operation is certainly valid; false means "ask the schemas" (not "invalid"). */
export function quickCheck(op: BatchOperation): boolean {
  const i = op.input;
  if (i === null || typeof i !== 'object') return false;
  const o = i as Record<string, unknown>;
  switch (op.object) {
    case 'table':
      return (op.verb === 'add' || op.verb === 'create') && only(o, TABLE_KEYS) && isFamily(o.family) && isName(o.name);
    case 'set':
      return (op.verb === 'add' || op.verb === 'create') && only(o, SET_KEYS) && isFamily(o.family) && isName(o.table) && isName(o.name)
        && typeof o.keyType === 'string' && Object.prototype.hasOwnProperty.call(SET_TYPES, o.keyType)
        && (o.size === undefined || isU32(o.size)) && (o.flags === undefined || isU32(o.flags));
    case 'element':
      // The values themselves are checked as they are encoded, in every case.
      return only(o, ELEMENT_KEYS) && isFamily(o.family) && isName(o.table) && isName(o.set) && isIterable(o.elements)
        && (o.keyType === undefined || (typeof o.keyType === 'string' && Object.prototype.hasOwnProperty.call(SET_TYPES, o.keyType)));
    case 'rule':
      if (op.verb === 'delete' || op.verb === 'destroy') return false;
      // The same hand-written check the schemas run for rules; its error is re-raised by them, worded with the operation.
      try {
        checkRule(i);
        return true;
      } catch (err) {
        // A refusal sends the batch down the schemas' path, which words it; anything else is a bug.
        if (err instanceof NetlinkTsError) return false;
        throw err;
      }
    default:
      return false;
  }
}
