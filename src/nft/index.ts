// nftables over netlink: objects, expressions, the batch builder, listing, and helpers.
export * from './constants.js';
export { FAMILIES, familyNumber, familyName, nftTypeName, type Family } from './codec.js';
export { type Verdict, type VerdictCode, type NftData } from './data.js';
export {
  CODECS, EXPRESSION_TYPES, encodeExpression, encodeExpressions, decodeExpression, decodeExpressions, formatExpression,
  expressionName, META_KEYS, CT_KEYS,
  type Expression, type ExpressionType, type UnknownExpr, type PayloadExpr, type MetaExpr, type CmpExpr, type BitwiseExpr,
  type BitwiseMaskXor, type BitwiseShift, type ImmediateExpr, type VerdictExpr, type CounterExpr, type CtExpr, type MasqExpr,
  type NatExpr, type LookupExpr, type RangeExpr, type ExprCodec, type MetaKey, type CtKey, type PayloadBase, type CmpOp,
} from './expr/index.js';
export { encodeTable, decodeTable, type Table } from './table.js';
export {
  encodeChain, decodeChain, hooksOf, hookNumber, priorityValue,
  type Chain, type ChainType, type HookName, type ChainPolicy, type PriorityName,
} from './chain.js';
export { encodeRule, decodeRule, formatRule, type Rule } from './rule.js';
export { encodeSet, decodeSet, SET_TYPES, type NftSet, type SetKeyType } from './set.js';
export {
  encodeSetElements, decodeSetElements, encodeElementValue, decodeElementValue,
  type SetElement, type SetElements, type ElementValue,
} from './set-element.js';
export {
  NftBatch, commitBatch, NftCommitError, GenerationMismatchError,
  type BatchOperation, type BatchFailure, type CommitOptions, type CommitResult, type CreatedObject, type EncodeOptions,
  type EncodedBatch, type EncodedMessage, type ElementsInput, type TableRef, type ChainRef, type RuleRef, type SetRef, type Verb,
} from './batch.js';
export {
  listTables, listChains, listRules, iterateRules, listSets, listElements, getSet, getTable, getGeneration, getRuleset,
  type ListOptions, type ListedElement, type Ruleset, type RulesetTable, type RulesetChain, type RulesetSet,
} from './ruleset.js';
export { getGenerationMessage, decodeGeneration, decodeGenerationMessage, type Generation } from './generation.js';
export { canonicalExpression, expressionsEquivalent } from './compare.js';
export { describeOffset } from './describe.js';
export { expressionsText, ruleToText, ruleToTextWithSets, rulesetToText, elementText, priorityText, timeText, type SetResolver } from './text.js';
export {
  match, verdict, stmt, rule, ruleText,
  type RulePart, type BuildContext, type RuleLocation, type RuleOptions, type MatchOptions, type CtState, type NatFlags,
  type NatOptions, type MasqueradeOptions as MasqueradeStatementOptions,
} from './vocabulary.js';
export { masquerade, masqueradePlan, type MasqueradeOptions, type MasqueradeResult } from './masquerade.js';
export { Nftables, type NftablesOptions } from './client.js';
export {
  monitorNft, nftMonitorSource, type NftMonitorOptions, type NftEvent, type NftKind, type TableEvent, type ChainEvent,
  type RuleEvent, type SetEvent, type ElementEvent, type ObjectEvent, type FlowtableEvent, type GenerationEvent,
  type ElementChange, type NamedNftObject,
} from './monitor.js';
// Issue 20 (building side): libnftables JSON statements and documents in, big element lists.
export { compileStatements, statementPart, type Statement } from './build/statements.js';
export { batchFromJson } from './build/json.js';
export { ATTRIBUTE_LIMIT } from './batch-elements.js';
export * from './text/index.js';
export * from './json/index.js';
