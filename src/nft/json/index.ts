// libnftables JSON from the reader's folded model (`nft -j list ruleset`).
export { rulesetToJson, stmtJson as nftStatementJson, exprJson as nftExpressionJson } from './print.js';
