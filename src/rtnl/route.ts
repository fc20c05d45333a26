// Routes (RTM_NEWROUTE/DELROUTE/GETROUTE): struct rtmsg plus RTA_* attributes, IPv4 and IPv6,
// tables beyond 255 (RTA_TABLE), metrics (RTA_METRICS), multipath (RTA_MULTIPATH). Pure
// functions over bytes; the operations are in route-ops.ts. The pieces: route-types.ts (the
// decoded form and ip's names for types, protocols, scopes, tables), route-decode.ts (the
// decoder, the hot path of big dumps), route-encode.ts (requests).
export * from './route-types.js';
export * from './route-decode.js';
export * from './route-encode.js';
