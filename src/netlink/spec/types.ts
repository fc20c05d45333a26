// The declarative form of a netlink family: what the kernel's YNL specs say, with numbering
// made explicit. Generated tables (src/**/spec*.gen.ts, scripts/gen-specs.mjs) and hand-written
// declarations for what has no spec yet (nexthop objects, bridge VLANs) use it alike; the one
// generic codec (codec.ts) compiles any of them. TypeScript types of decoded values are
// inferred from a declaration (Decoded<F, S> below), so a table is all a family needs.
import type { RawAttribute } from '../reader.js';

export type IntType = 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64';
/** Attribute types of YNL. `uint`/`sint` are 4 or 8 bytes on the wire (NLA_UINT). */
export type AttrType =
  | IntType | 'uint' | 'sint' | 'flag' | 'string' | 'binary' | 'nest' | 'indexed-array'
  | 'nest-type-value' | 'sub-message' | 'bitfield32' | 'pad';
export type DisplayHint = 'ipv4' | 'ipv6' | 'ipv4-or-v6' | 'mac' | 'hex' | 'uuid';

export interface Checks {
  readonly min?: number;
  readonly max?: number;
  readonly minLen?: number;
  readonly maxLen?: number;
  readonly exactLen?: number;
  readonly unterminatedOk?: boolean;
}

export interface AttrDecl {
  readonly name: string;
  readonly value: number;
  readonly type: AttrType;
  readonly byteOrder?: 'big-endian' | 'little-endian';
  /** Attribute set of a nest, indexed-array (sub-type nest) or nest-type-value. */
  readonly nested?: string;
  /** Sub-message chosen by the value of the sibling attribute `selector`. */
  readonly subMessage?: string;
  readonly selector?: string;
  /** A binary attribute holding a fixed struct of the definitions. */
  readonly struct?: string;
  readonly enum?: string;
  /** The enum is a set of flags (a bit mask). */
  readonly flags?: boolean;
  readonly hint?: DisplayHint;
  /** The attribute may repeat at one level: decoded as an array. */
  readonly multi?: boolean;
  /** Element type of an indexed-array or of a binary array of integers. */
  readonly subType?: string;
  /** nest-type-value: the names of the levels whose attribute types are values (ids). */
  readonly typeValue?: readonly string[];
  readonly checks?: Checks;
}

export interface MemberDecl {
  readonly name: string;
  readonly type: IntType | 'binary' | 'pad' | 'string';
  readonly len?: number;
  readonly byteOrder?: 'big-endian' | 'little-endian';
  readonly enum?: string;
  readonly flags?: boolean;
  readonly hint?: DisplayHint;
  readonly struct?: string;
}

export interface StructDecl { readonly type: 'struct'; readonly members: readonly MemberDecl[] }
export interface EnumDecl { readonly type: 'enum' | 'flags'; readonly entries: readonly (readonly [string, number])[] }
export interface ConstDecl { readonly type: 'const'; readonly value?: number }
export type Definition = StructDecl | EnumDecl | ConstDecl;

export interface SubMessageFormat { readonly value: string; readonly attributeSet?: string; readonly fixedHeader?: string }

export interface OpSide { readonly value?: number; readonly attributes: readonly string[] }
export interface OpPart { readonly request?: OpSide; readonly reply?: OpSide }
export interface OperationDecl {
  readonly name: string;
  /** Unified numbering (genetlink): the command. Directional (rtnetlink): per side. */
  readonly value?: number;
  readonly attributeSet?: string;
  readonly fixedHeader?: string;
  readonly do?: OpPart;
  readonly dump?: OpPart;
  readonly notify?: string;
  readonly event?: { readonly attributes: readonly string[] };
  readonly mcgrp?: string;
}

export interface FamilyDecl {
  readonly name: string;
  readonly protocol: 'netlink-raw' | 'genetlink' | 'genetlink-legacy' | 'genetlink-c';
  /** Netlink protocol number (netlink-raw); genetlink families are NETLINK_GENERIC (16). */
  readonly protonum?: number;
  readonly version?: number;
  /** Where the table came from (spec file and kernel revision), for humans. */
  readonly source: string;
  readonly definitions: Readonly<Record<string, Definition>>;
  readonly attributeSets: Readonly<Record<string, readonly AttrDecl[]>>;
  readonly subMessages?: Readonly<Record<string, readonly SubMessageFormat[]>>;
  readonly operations: { readonly model: string; readonly list: readonly OperationDecl[] };
  readonly mcastGroups?: readonly { readonly name: string; readonly value?: number }[];
}

// ---------------------------------------------------------------------------------------------
// Types inferred from a declaration.

type Defs<F extends FamilyDecl> = F['definitions'];
type SetNames<F extends FamilyDecl> = keyof F['attributeSets'] & string;

type IntValue<T> = T extends 'u64' | 's64' ? bigint : number;

/** A struct's decoded fields. */
export type StructValue<F extends FamilyDecl, N> = N extends keyof Defs<F>
  ? Defs<F>[N] extends { type: 'struct'; members: infer M extends readonly MemberDecl[] }
    ? { -readonly [K in M[number] as K['type'] extends 'pad' ? never : K['name']]: MemberValue<F, K> }
    : Record<string, unknown>
  : Record<string, unknown>;

type Hinted<H, Fallback> = H extends 'ipv4' | 'ipv6' | 'ipv4-or-v6' | 'mac' | 'hex' | 'uuid' ? string : Fallback;
type Enumerated<F extends FamilyDecl, D extends { enum?: string; flags?: boolean }, Fallback> = D['enum'] extends string
  ? D['flags'] extends true ? string[] : string | number
  : Fallback;

type MemberValue<F extends FamilyDecl, M extends MemberDecl> = M['struct'] extends string
  ? StructValue<F, M['struct']>
  : M['type'] extends 'binary' ? Hinted<M['hint'], Uint8Array>
  : M['type'] extends 'string' ? string
  : Enumerated<F, M, Hinted<M['hint'], IntValue<M['type']>>>;

type SubMessageValue<F extends FamilyDecl, N> = F['subMessages'] extends Readonly<Record<string, readonly SubMessageFormat[]>>
  ? N extends keyof F['subMessages']
    ? F['subMessages'][N][number] extends infer Fmt
      ? Fmt extends { attributeSet: infer S extends string } ? Decoded<F, S>
      : Fmt extends { fixedHeader: infer H extends string } ? StructValue<F, H>
      : never
      : never
    : unknown
  : unknown;

/** The decoded value of one attribute of a declaration. */
export type AttrValue<F extends FamilyDecl, A extends AttrDecl> =
  A['type'] extends 'nest' ? (A['nested'] extends string ? Decoded<F, A['nested']> : Uint8Array)
  : A['type'] extends 'indexed-array'
    ? (A['subType'] extends 'nest' ? (A['nested'] extends string ? Decoded<F, A['nested']>[] : unknown[]) : A['subType'] extends 'binary' ? Uint8Array[] : number[])
  : A['type'] extends 'nest-type-value' ? Record<number, unknown>
  : A['type'] extends 'sub-message' ? SubMessageValue<F, A['subMessage']>
  : A['type'] extends 'flag' ? true
  : A['type'] extends 'string' ? string
  : A['type'] extends 'bitfield32' ? { value: number; selector: number }
  : A['type'] extends 'binary'
    ? (A['struct'] extends string ? StructValue<F, A['struct']> : A['subType'] extends IntType ? number[] : Hinted<A['hint'], Uint8Array>)
  : A['type'] extends 'u64' | 's64' ? Enumerated<F, A, Hinted<A['hint'], bigint>>
  : Enumerated<F, A, Hinted<A['hint'], number>>;

/** The decoded attributes of set S of family F: an object keyed by the spec's attribute names. */
export type Decoded<F extends FamilyDecl, S extends string> = S extends SetNames<F>
  ? {
    -readonly [A in F['attributeSets'][S][number] as A['type'] extends 'pad' ? never : A['name']]?:
      A['multi'] extends true ? AttrValue<F, A>[] : AttrValue<F, A>;
  } & { $raw?: RawAttribute[] }
  : Record<string, unknown>;
