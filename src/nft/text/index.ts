// Reading rulesets made by anyone (nft, iptables-nft, firewalld...) and printing them as
// `nft list ruleset` does: snapshot -> folded statements -> text.
export { readRuleset as readNftRuleset, decodeMessage as decodeNftMessage, type RawRuleset, type RawTable, type RawChain, type RawRule, type RawSet, type RawObj, type RawExpr } from './snapshot.js';
export { foldRule as foldExpressions } from './registers.js';
export { rulesetToNftText, tableText as nftTableText, ruleStatements as nftRuleStatements, warningLine as nftWarningLine, type TextOptions as NftTextOptions } from './print.js';
export type { NExpr as NftExpression, Stmt as NftStatement, Rhs as NftRelationRhs } from './model.js';
export { nftRead } from './spec.js';
