// libnftables JSON in: what `nft -j list ruleset` prints (a list of objects: metainfo, table,
// chain, rule, set, map, element) and the command form `{"nftables": [{"add": {...}},
// {"delete": {...}}, {"flush": {...}}]}`, turned into one NftBatch: one atomic transaction.
// Rules go through the statement builder (statements.ts), so what nft -j printed comes back
// as the same expressions nft would send.
import { ValidationError } from '../../netlink/errors.js';
import { NftBatch } from '../batch.js';
import type { Family } from '../codec.js';
import type { Chain } from '../chain.js';
import type { NftSet, SetKeyType } from '../set.js';
import { SET_TYPES } from '../set.js';
import type { ElementValue } from '../set-element.js';
import { compileStatements, type Statement } from './statements.js';

type Obj = Record<string, unknown>;

// NFT_SET_* flags by the names nft -j prints.
const SET_FLAGS: Record<string, number> = { constant: 0x2, interval: 0x4, timeout: 0x10, dynamic: 0x20 };
const NFT_SET_MAP = 0x8;

function bad(where: string, problem: string): never {
  throw new ValidationError(where, problem);
}

function str(o: Obj, k: string, where: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !v) bad(`${where}.${k}`, 'must be a non-empty string');
  return v;
}

function chainOf(c: Obj, where: string): Chain {
  const out: Chain = { family: str(c, 'family', where) as Family, table: str(c, 'table', where), name: str(c, 'name', where) };
  if (c.hook !== undefined) {
    out.type = (c.type ?? 'filter') as Chain['type'];
    out.hook = c.hook as Chain['hook'];
    out.priority = (c.prio ?? 0) as number;
    if (c.policy !== undefined) out.policy = c.policy as Chain['policy'];
    if (typeof c.dev === 'string') out.device = c.dev;
    else if (Array.isArray(c.dev)) out.devices = c.dev as string[];
  }
  if (typeof c.comment === 'string') out.comment = c.comment;
  return out;
}

function keyTypeOf(t: unknown, where: string): SetKeyType {
  if (typeof t !== 'string' || !Object.prototype.hasOwnProperty.call(SET_TYPES, t)) {
    bad(where, `set type ${JSON.stringify(t)} is not supported by the JSON reader yet (${Object.keys(SET_TYPES).join(', ')})`);
  }
  return t as SetKeyType;
}

function setOf(s: Obj, where: string, map: boolean): NftSet {
  const out: NftSet = { family: str(s, 'family', where) as Family, table: str(s, 'table', where), name: str(s, 'name', where), keyType: keyTypeOf(s.type, `${where}.type`) };
  let flags = 0;
  const list = s.flags === undefined ? [] : Array.isArray(s.flags) ? s.flags : [s.flags];
  for (const f of list) flags |= SET_FLAGS[f as string] ?? bad(`${where}.flags`, `unknown set flag ${JSON.stringify(f)}`);
  if (map) {
    flags |= NFT_SET_MAP;
    out.dataType = keyTypeOf(s.map, `${where}.map`);
  }
  if (flags) out.flags = flags;
  if (typeof s.size === 'number') out.size = s.size;
  if (typeof s.timeout === 'number') out.timeout = s.timeout * 1000;
  if (s.policy === 'memory') out.policy = 'memory';
  if (typeof s.comment === 'string') out.comment = s.comment;
  return out;
}

function elementsOf(list: unknown, where: string): ElementValue[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) bad(where, 'must be a list of elements');
  return list.map((e, i) => {
    if (typeof e === 'string' || typeof e === 'number') return e;
    return bad(`${where}.${i}`, `element ${JSON.stringify(e)} is not supported by the JSON reader yet (plain values only)`);
  });
}

/** Queue one object (`{table: {...}}`, `{rule: {...}}`...) under a verb. */
function addObject(b: NftBatch, verb: 'add' | 'create' | 'delete' | 'flush', item: Obj, where: string): void {
  const keys = Object.keys(item);
  if (keys.length !== 1) bad(where, `an object has exactly one key (table, chain, rule, set, map, element), got ${keys.join(', ') || 'none'}`);
  const kind = keys[0]!;
  const o = item[kind] as Obj;
  const w = `${where}.${kind}`;
  if (!o || typeof o !== 'object') bad(w, 'must be an object');
  switch (kind) {
    case 'metainfo': return;
    case 'table': {
      const t = { family: str(o, 'family', w) as Family, name: str(o, 'name', w) };
      if (verb === 'delete') b.deleteTable(t);
      else if (verb === 'flush') b.flushTable(t);
      else if (verb === 'create') b.createTable(t);
      else b.addTable(typeof o.comment === 'string' ? { ...t, comment: o.comment } : t);
      return;
    }
    case 'chain': {
      const c = chainOf(o, w);
      if (verb === 'delete') b.deleteChain(c);
      else if (verb === 'flush') b.flushChain(c);
      else if (verb === 'create') b.createChain(c);
      else b.addChain(c);
      return;
    }
    case 'set': case 'map': {
      if (verb === 'delete') { b.deleteSet({ family: str(o, 'family', w) as Family, table: str(o, 'table', w), name: str(o, 'name', w) }); return; }
      if (verb === 'flush') { b.flushSet({ family: str(o, 'family', w) as Family, table: str(o, 'table', w), name: str(o, 'name', w) }); return; }
      if (kind === 'map') bad(w, 'maps are not supported by the JSON reader yet');
      const s = setOf(o, w, false);
      const elements = elementsOf(o.elem, `${w}.elem`);
      if (verb === 'create') b.createSet(s, elements); else b.addSet(s, elements);
      return;
    }
    case 'element': {
      const e = { family: str(o, 'family', w) as Family, table: str(o, 'table', w), set: str(o, 'name', w), elements: elementsOf(o.elem, `${w}.elem`) };
      if (verb === 'delete') b.deleteElements(e);
      else if (verb === 'create') b.createElements(e);
      else b.addElements(e);
      return;
    }
    case 'rule': {
      const family = str(o, 'family', w) as Family, table = str(o, 'table', w), chain = str(o, 'chain', w);
      if (verb === 'delete') {
        if (typeof o.handle !== 'number') bad(`${w}.handle`, 'deleting a rule needs its handle');
        b.deleteRule({ family, table, chain, handle: o.handle });
        return;
      }
      if (!Array.isArray(o.expr)) bad(`${w}.expr`, 'must be a list of statements');
      const expressions = compileStatements(family, o.expr as Statement[]);
      const r = { family, table, chain, expressions, ...(typeof o.comment === 'string' ? { comment: o.comment } : {}) };
      b.addRule(r);
      return;
    }
    case 'ruleset':
      if (verb === 'flush') { b.flushRuleset(); return; }
      return bad(w, 'only "flush ruleset" takes the ruleset');
    default:
      return bad(w, `${kind} is not supported by the JSON reader yet`);
  }
}

/**
 * A libnftables JSON document as one batch. Accepts the listing form (objects, as
 * `nft -j list ruleset` prints them: each is added) and the command form (`add`, `create`,
 * `delete`, `flush` wrapping objects), mixed as nft does. Tables and chains listed before
 * their rules, as nft prints them, so the batch applies in order.
 */
export function batchFromJson(doc: unknown, batch = new NftBatch()): NftBatch {
  const root = typeof doc === 'string' ? JSON.parse(doc) as unknown : doc;
  const list = (root as { nftables?: unknown })?.nftables;
  if (!Array.isArray(list)) bad('nftables', 'a libnftables JSON document is { "nftables": [ ... ] }');
  list.forEach((item: unknown, i: number) => {
    const where = `nftables.${i}`;
    if (!item || typeof item !== 'object') bad(where, 'must be an object');
    const o = item as Obj;
    const verb = Object.keys(o)[0];
    if (verb === 'add' || verb === 'create' || verb === 'delete' || verb === 'flush') {
      addObject(batch, verb, o[verb] as Obj, `${where}.${verb}`);
    } else if (verb === 'insert' || verb === 'replace' || verb === 'reset' || verb === 'list') {
      bad(where, `command ${verb} is not supported by the JSON reader yet`);
    } else {
      addObject(batch, 'add', o, where);
    }
  });
  return batch;
}
