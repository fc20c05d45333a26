// A rule-building vocabulary in nft's own terms, so nobody writes registers by hand:
//
//   rule({ family: 'ip', table: 'nat', chain: 'postrouting' },
//        match.ip.saddr('192.168.0.0/16'), match.oifname('eth0'), stmt.masquerade())
//
// Each part knows its nft text ("ip saddr 192.168.0.0/16") and builds the expressions nft
// builds for it, byte for byte (the golden tests compare with what `nft -f` sends): the same
// protocol guards (`meta nfproto` in inet tables, `meta protocol` in bridge/netdev, `meta
// l4proto` before a port), each emitted once per rule, and the same prefix encodings.
//
// The parts live by family: vocabulary-core.ts (rule(), parts, encodings, guards),
// vocabulary-match.ts (matches), vocabulary-stmt.ts (verdicts and statements).
export { rule, ruleText, type BuildContext, type RulePart, type RuleLocation, type RuleOptions, type MatchOptions } from './vocabulary-core.js';
export { match, type CtState } from './vocabulary-match.js';
export { verdict, stmt, type NatFlags, type MasqueradeOptions, type NatOptions } from './vocabulary-stmt.js';
