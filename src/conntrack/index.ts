// netlinkts/conntrack: the connection-tracking table (nfnetlink_conntrack) — list with kernel
// filters, get, create, update, delete, flush, count, per-CPU stats, expectations, events — on
// the declared ctnetlink family, with `conntrack -L` presentation and a NAT view.
export { Conntrack, type ConntrackOptions, type ConntrackFilter, type TupleInput, type CreateInput, type UpdateInput } from './client.js';
export { type ConntrackEvent, type EventOptions, eventFilter } from './events.js';
export { entryFrom, expectationFrom, tupleFrom, protoName, type ConntrackEntry, type ConntrackExpectation, type Tuple, type Counters, type TcpInfo } from './entry.js';
export { natOf, type NatView, type Endpoint } from './nat.js';
export { formatEntry, formatEvent, formatExpectation, formatStats, entryJson, summaryLine, type FormatOptions, type CpuStats } from './format.js';
export { conntrack as conntrackFamily, conntrackDecl } from './family.js';
