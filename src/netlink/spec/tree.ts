// The generic attribute tree's schema (src/netlink/attribute-tree.ts) read off a declared
// family (src/netlink/spec): `decode --raw`-style output for any table, with the table's
// names, enums, structs and nesting, and no second description of the family.
import type { AttrFormat, AttrSchema, AttrSpec, TreeContext } from '../attribute-tree.js';
import type { CompiledFamily } from './compile.js';
import type { AttrDecl, IntType } from './types.js';

const BE: Partial<Record<IntType, AttrFormat>> = { u16: 'be16', u32: 'be32', u64: 'be64' };

/** The tree schema of one attribute set of `family` (built once per set, shared by its users). */
export function setSchema(family: CompiledFamily, setName: string, cache = new Map<string, AttrSchema>()): AttrSchema {
  const hit = cache.get(setName);
  if (hit) return hit;
  const attrs = new Map<number, AttrSpec>();
  const schema: AttrSchema = { attrs };
  cache.set(setName, schema); // before the attributes: sets may nest themselves
  for (const a of family.decl.attributeSets[setName] ?? []) {
    if (a.type === 'pad') { attrs.set(a.value, { name: a.name, format: 'binary' }); continue; }
    attrs.set(a.value, attrSpec(family, a, setName, cache));
  }
  return schema;
}

function attrSpec(family: CompiledFamily, a: AttrDecl, setName: string, cache: Map<string, AttrSchema>): AttrSpec {
  const name = a.name;
  switch (a.type) {
    case 'nest':
      return a.nested ? { name, children: setSchema(family, a.nested, cache) } : { name, format: 'nested' };
    case 'indexed-array': {
      // Every element's type is its index: one spec for any type.
      const element: AttrSpec = a.subType === 'nest' && a.nested
        ? { name: `${name}[]`, children: setSchema(family, a.nested, cache) }
        : { name: `${name}[]`, format: intFormat(a.subType) ?? 'binary' };
      return { name, children: { attrs: new Map(), any: element } };
    }
    case 'nest-type-value':
      return { name, format: 'nested', children: a.nested ? { attrs: new Map(), any: { name: `${name}[]`, children: setSchema(family, a.nested, cache) } } : undefined };
    case 'sub-message':
      return { name, children: (ctx) => subMessageSchema(family, a, setName, ctx, cache) };
    case 'string': return { name, format: 'string' };
    case 'flag': return { name, format: 'flag' };
    case 'bitfield32': return { name, format: 'binary', struct: (buf, off, len) => (len >= 8 ? { value: `0x${buf.u32(off).toString(16)}`, selector: `0x${buf.u32(off + 4).toString(16)}` } : {}) };
    case 'binary': {
      if (a.hint === 'ipv4' || a.hint === 'ipv6' || a.hint === 'ipv4-or-v6') return { name, format: 'ip' };
      if (a.hint === 'mac') return { name, format: 'mac' };
      if (a.struct) {
        const s = family.struct(a.struct);
        return { name, format: 'binary', struct: (buf, off, len) => s.decode(buf, off, len) };
      }
      return { name, format: 'binary' };
    }
    default: {
      // An address held in an integer (ctnetlink's IPv4 tuple members are be32).
      if (a.hint === 'ipv4' || a.hint === 'ipv6' || a.hint === 'ipv4-or-v6') return { name, format: 'ip' };
      const format = a.byteOrder === 'big-endian' ? BE[a.type as IntType] ?? intFormat(a.type)! : intFormat(a.type) ?? 'auto';
      const spec: AttrSpec = { name, format };
      if (a.enum && !a.flags) {
        const e = family.enumOf(a.enum);
        if (e && !e.flags) return { ...spec, values: e.name };
      }
      return spec;
    }
  }
}

function intFormat(t: string | undefined): AttrFormat | undefined {
  switch (t) {
    case 'u8': case 'u16': case 'u32': case 'u64': case 's8': case 's16': case 's32': case 's64': return t;
    case 'uint': return 'uint';
    case 'sint': return 'auto';
    default: return undefined;
  }
}

/** A sub-message's attribute set, chosen by the selector attribute beside it (e.g. a kind). */
function subMessageSchema(family: CompiledFamily, a: AttrDecl, setName: string, ctx: TreeContext, cache: Map<string, AttrSchema>): AttrSchema | undefined {
  if (!a.subMessage || !a.selector) return undefined;
  const sel = family.decl.attributeSets[setName]?.find((x) => x.name === a.selector);
  if (!sel) return undefined;
  const kind = ctx.siblingString(sel.value);
  const fmt = family.subMessage(a.subMessage).find((f) => f.value === kind);
  return fmt?.attributeSet ? setSchema(family, fmt.attributeSet, cache) : undefined;
}
