// Families as data: the declaration form, the generic codec compiled from it, and messages.
export type {
  FamilyDecl, AttrDecl, AttrType, MemberDecl, StructDecl, EnumDecl, Definition, OperationDecl, SubMessageFormat,
  DisplayHint, Checks, Decoded, AttrValue, StructValue,
} from './types.js';
export { CompiledFamily, type CompiledSet, type CompiledAttr, type CompileOptions } from './compile.js';
export { NetlinkFamily, GENL_HDRLEN, type DecodedMessage, type EncodeRequest, type Direction, type Mode } from './family.js';
export type { CompiledStruct } from './values.js';
export { compileIndexer, type AttrIndex, type AttrIndexer, type IndexOptions } from './attr-index.js';
