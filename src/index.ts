// netlinkts: the fluent API plus the typed errors; the layers below are
// 'netlinkts/netlink', 'netlinkts/rtnl' and 'netlinkts/nft'.
export * from './api/index.js';
export {
  NetlinkTsError, NetlinkError, ValidationError, DumpInterruptedError, OverrunError, NetlinkDecodeError,
  SocketClosedError, SystemError,
} from './netlink/errors.js';
export { NotANamespaceError } from './netlink/errors.js';
export type { NamespaceInfo, AllNamespaces } from './api/netns-scan.js';
export { HandleClosedError, MessageTooLargeError } from './netlink/errors.js';
export { NetworkNamespace } from './netlink/namespace.js';
export type { Link, Address, Route, Neighbour } from './rtnl/index.js';
export { NftBatch, match, verdict, stmt, rule } from './nft/index.js';
