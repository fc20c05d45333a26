// netlinkts/tc: traffic control (qdiscs, classes, filters, actions) on the declared tc family,
// with tc's units, handles and rate tables, and `tc` / `tc -j -s` presentation.
export { TrafficControl, eventsOn, type TcOptions, type ListOptions, type FilterListOptions, type BulkFilterFailure, type TcEvent } from './client.js';
export { tc as tcFamily, tcDecl, TcFamily, RTNLGRP_TC } from './family.js';
export type { QdiscOptions, ClassOptions, TbfOptions, HtbOptions, HtbClassOptions, FifoOptions, PrioOptions, SfqOptions, NetemOptions, FqCodelOptions, FqOptions, CakeOptions, RedOptions } from './qdisc-options.js';
export type { FilterOptions, U32Options, FlowerOptions, MatchallOptions, BasicOptions, FwOptions, BpfOptions } from './filter-options.js';
export type { ActionInput, Control, GactAction, MirredAction, PoliceAction, SkbeditAction, VlanAction, PeditAction, CsumAction, TunnelKeyAction, NatAction, ActionRef } from './actions.js';
export type { U32Match } from './u32.js';
export { type QdiscRequest, type ClassRequest, type FilterRequest, type FilterSelector, type Mode, encodeQdisc, encodeClass, encodeFilter, encodeActions } from './requests.js';
export { qdiscFrom, classFrom, filterFrom, actionsFrom, tcObjectFrom, type Qdisc, type TcClass, type Filter, type Action, type TcObject, type TcStats } from './objects.js';
export { present, printObject, printQdisc, printClass, printFilter, protocolName, type PresentOptions } from './present.js';
export { TcPrinter } from './printer.js';
export { parseRate, parseSize, parseTime, formatRate, formatSize, formatTime } from './units.js';
export { parseQdiscHandle, parseClassId, parseFilterParent, formatClassId, formatQdiscHandle, formatU32Handle, parseU32Handle } from './handle.js';
export { psched, pschedFrom, rateTable, xmittime, xmitsize } from './core.js';
