// Links (RTM_NEWLINK/DELLINK/GETLINK/SETLINK): struct ifinfomsg plus IFLA_* attributes. Pure
// functions over bytes, no sockets; the operations are in link-read.ts (reading) and
// link-ops.ts (changes). The pieces: link-types.ts (the decoded form, as `ip -j -d link show`
// prints it), link-format.ts (ip's value formats), link-decode-spec.ts (the rt-link tables the
// decoder runs), link-decode.ts and link-kind-decode.ts (that form from them; per-kind
// IFLA_INFO_DATA), link-attrs-encode.ts, link-kind-encode.ts and link-encode.ts (requests:
// common attributes, kind options, whole messages, attribute names for errors).
export * from './link-types.js';
export * from './link-format.js';
export * from './link-decode.js';
export * from './link-kind-decode.js';
export * from './link-attrs-encode.js';
export * from './link-kind-encode.js';
export * from './link-encode.js';
