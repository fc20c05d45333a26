// The netlink layer: codec (pure functions over bytes) and socket. Knows nothing of routes or tables.
export * from './constants.js';
export * from './errors.js';
export { errnoName, errnoMessage, errnoNumber } from './errno.js';
export * from './address.js';
export { MessageWriter } from './writer.js';
export {
  NetlinkBuffer, walkAttributes, walkNested, attributeTable, rawAttribute, MAX_NESTING_DEPTH,
  type AttributeTable, type AttributeVisitor, type RawAttribute,
} from './reader.js';
export {
  readHeader, walkMessages, parseMessages, decodeError, decodeDone, decodeExtAck, controlTypeName,
  attributePathAt, chunkMessages, type MessageHeader, type MessageRef, type MessageChunk, type ErrorMessage,
} from './message.js';
export {
  NetlinkSocket, type SocketOptions, type RequestOptions, type DumpOptions, type NamespaceTarget, type BulkOptions, type BulkFailure,
} from './socket.js';
export { hexdump } from './log.js';
export { renderMessage, renderAttributes, toJson, messageHex, messageHexText } from './tree-text.js';
export { datagramTree, type MessageTree, type AttrNode, type SchemaLookup } from './attribute-tree.js';
export {
  Subscription, subscribe, messageState, type ChangeEvent, type ChangeType, type OverrunEvent, type SyncedEvent,
  type SubscriptionEvent, type Decoded, type DumpFunction, type SubscriptionSource, type SubscriptionOptions,
} from './subscription.js';
export {
  NetworkNamespace, openNamespace, currentNamespace, addNamespace, deleteNamespace, listNamespaces, namespaceExists,
  withNamespaceFd, validateNamespaceName, NETNS_RUN_DIR, type NamespaceRef, type NamespaceOptions, type ExecResult,
} from './namespace.js';
