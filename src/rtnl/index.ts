// rtnetlink: links, addresses, routes, neighbours, namespace ids and net.* sysctls, typed.
// Codecs (pure, bytes <-> objects in `ip -j -d`'s vocabulary) and operations over a
// NetlinkSocket. Zod schemas load lazily, on the first call that changes something.
import { NETLINK_ROUTE } from '../netlink/constants.js';
import type { MessageRef } from '../netlink/message.js';
import { NetlinkSocket, type SocketOptions } from '../netlink/socket.js';
import * as C from './constants.js';
import { decodeAddress, type Address } from './address.js';
import { decodeLink, type Link } from './link.js';
import { decodeNeighbour, type Neighbour } from './neighbour.js';
import { decodeNsid, type NsidEntry } from './nsid.js';
import { decodeRoute, type Route } from './route.js';

export * as constants from './constants.js';
export {
  decodeLink, decodeLinkAt, decodeIfInfoMsg, resolveLinkNames, referencedIndexes, linkFlagNames, describeLinkAttribute,
  linkAttributeName, encodeLinkDump, encodeGetLink, encodeNewLink, encodeSetLink, encodeDelLink, encodeLinkAltNames, TYPED_KINDS,
  type Link, type LinkInfo, type BridgeInfoData, type BridgePortInfoData, type VxlanInfoData, type MacvlanInfoData,
  type VlanInfoData, type RawInfoData, type LinkStats64, type BridgeOptions, type BridgePortOptions, type VxlanOptions,
  type MacvlanOptions, type TypedKind, type LinkRef, type DecodeLinkOptions, type IfInfoMsg,
} from './link.js';
export {
  decodeAddress, encodeAddressDump, encodeNewAddress, encodeDelAddress, computeBroadcast, describeAddressAttribute,
  familyName, scopeName, type Address, type AddressAttrs,
} from './address.js';
export {
  decodeRoute, encodeRouteDump, encodeNewRoute, encodeDelRoute, encodeGetRoute, describeRouteAttribute, routeFlagNames,
  writeNewRoute, writeDelRoute, tableName, type Route, type RouteNexthop, type RouteAttrs, type NexthopAttrs, type RouteDumpFilter, type IfNameResolver,
} from './route.js';
export {
  decodeNeighbour, encodeNeighbourDump, encodeNewNeighbour, encodeDelNeighbour, neighbourStateNames, type Neighbour,
} from './neighbour.js';
export { decodeNsid, encodeGetNsid, encodeNewNsid, encodeNsidDump, type NsidEntry, type NsidTarget } from './nsid.js';

export {
  listLinks, dumpLinks, getLink, findLink, linkIndex, linkNameMap, createLink, setLink, moveLink, deleteLink,
  deleteLinkGroup, linkUp, linkDown, addAltNames, deleteAltNames, type LinkSelector, type ListLinksOptions, type LinkSpec, type LinkCommonSpec,
  type VethSpec, type VethPeerSpec, type BridgeSpec, type MacvlanSpec, type VxlanSpec, type VlanSpec, type BondSpec,
  type BondMode, type VrfSpec, type SimpleKindSpec, type GenericLinkSpec, type LinkSettings,
} from './link-ops.js';
export {
  listAddresses, addAddress, replaceAddress, deleteAddress, flushAddresses, type AddressSpec, type ListAddressesOptions,
} from './address-ops.js';
export {
  listRoutes, iterateRoutes, routeBatches, addRoute, replaceRoute, appendRoute, deleteRoute, getRoute, type RouteSpec, type NexthopSpec,
  type RouteMetrics, type ListRoutesOptions, type RouteQuery,
} from './route-ops.js';
export { addAddresses, replaceAddresses, type AddressBulkOptions, type AddressBulkFailure } from './address-bulk.js';
export { createLinks, type LinkBulkOptions, type LinkBulkFailure } from './link-bulk.js';
export { addRoutes, replaceRoutes, deleteRoutes, type RouteBulkOptions, type RouteBulkFailure } from './route-bulk.js';
export {
  listNeighbours, addNeighbour, replaceNeighbour, deleteNeighbour, type NeighbourSpec, type ListNeighboursOptions,
} from './neighbour-ops.js';
export { findLinkPeers, type LinkPeers, type LinkView, type PeerFound, type PeerScope } from './link-peers.js';
export { getNsid, setNsid, ensureNsid, listNsids, listNamespacesWithIds, namespaceOfNsid, linkPeerNamespace } from './nsid-ops.js';
export { getSysctl, setSysctl, sysctlPath, type SysctlOptions } from './sysctl.js';
export {
  monitorRtnl, rtnlMonitorSource, RTNL_MONITOR_GROUPS, type RtnlMonitorOptions, type RtnlEvent, type RtnlKind,
  type RtnlGroupName, type RtnlGroupSelector, type LinkEvent, type BridgePortEvent, type AddressEvent, type RouteEvent,
  type NeighbourEvent, type NsidEvent,
} from './monitor.js';

/** RTM_* name of a message type (for logs): 16 -> "RTM_NEWLINK". */
export function rtnlTypeName(type: number): string | undefined {
  return C.constantName('RTM_', type, ['RTM_F_', 'RTM_BASE']);
}

/** A NETLINK_ROUTE socket (strict checking and extended ACKs on) that names RTM_* types in logs. */
export function openRtnlSocket(opts: Omit<SocketOptions, 'protocol'> = {}): NetlinkSocket {
  return new NetlinkSocket({ typeName: rtnlTypeName, name: 'rtnl', ...opts, protocol: NETLINK_ROUTE });
}

/** Any rtnetlink message this package decodes, discriminated by `msg`. */
export type RtnlMessage = Link | Address | Route | Neighbour | NsidEntry | { msg: 'unknown'; type: number };

/** Decode any rtnetlink message (multicast notifications, replies): switch on `msg`. */
export function decodeRtnlMessage(m: MessageRef, resolve?: (ifindex: number) => string | undefined): RtnlMessage {
  switch (m.type) {
    case C.RTM_NEWLINK: case C.RTM_DELLINK: return decodeLink(m);
    case C.RTM_NEWADDR: case C.RTM_DELADDR: return decodeAddress(m, resolve);
    case C.RTM_NEWROUTE: case C.RTM_DELROUTE: return decodeRoute(m, resolve);
    case C.RTM_NEWNEIGH: case C.RTM_DELNEIGH: return decodeNeighbour(m, resolve);
    case C.RTM_NEWNSID: case C.RTM_DELNSID: return decodeNsid(m);
    default: return { msg: 'unknown', type: m.type };
  }
}
export { linkJson, linkInfoJson, linkText, type PeerInfo } from './print/link.js';
export { routeJson, routeJsonText, routeText } from './print/route.js';
export { addrInfoJson, addrLinkJson, addrText } from './print/address.js';
export { neighJson, neighText } from './print/neighbour.js';

// Policy rules (`ip rule`).
export {
  decodeRule, encodeRuleDump, encodeNewRule, encodeDelRule, describeRuleAttribute, FR_ACT, type Rule, type RuleAction,
  type RuleAttrs, type RuleMessage,
} from './rule.js';
export { listRules, addRule, deleteRule, deleteListedRule, flushRules, ruleMessage, type RuleSpec, type ListRulesOptions } from './rule-ops.js';
export { ruleJson, ruleText } from './print/rule.js';

// Nexthop objects (`ip nexthop`).
export {
  decodeNexthop, decodeNexthopBucket, decodeGroup, encodeGroup, encodeNewNexthop, encodeDelNexthop, encodeGetNexthop, encodeNexthopDump,
  encodeNexthopBucketDump, describeNexthopAttribute, type Nexthop, type NexthopBucket, type NexthopGroupMember, type ResilientArgs,
  type NexthopMessage, type NexthopDumpFilter,
} from './nexthop.js';
export {
  listNexthops, getNexthop, listNexthopBuckets, addNexthop, replaceNexthop, deleteNexthop, flushNexthops, nexthopMessage,
  type NexthopObjectSpec, type ListNexthopsOptions,
} from './nexthop-ops.js';
export { nexthopJson, nexthopText, nexthopBucketJson } from './print/nexthop.js';

// Bridge FDB (`bridge fdb`).
export { decodeFdb, encodeNewFdb, encodeDelFdb, encodeFdbDump, encodeFdbFlush, describeFdbAttribute, fdbStateName, type FdbEntry, type FdbMessage } from './fdb.js';
export {
  listFdb, addFdb, appendFdb, replaceFdb, deleteFdb, flushFdb, fdbMessage, fdbFlushSelectors, type FdbSpec, type FdbFlushSpec, type ListFdbOptions,
} from './fdb-ops.js';
export { fdbJson, fdbText } from './print/fdb.js';

// Bridge ports and VLANs (`bridge link`, `bridge vlan`).
export {
  decodeBridgePort, encodeBridgePortSet, encodeBridgePortDump, bridgeLinkFlags, type BridgePort, type BridgePortSettings,
} from './bridge-port.js';
export { encodeBridgeVlan, bridgeVlanAfSpec, type BridgeVlanSpec } from './bridge-vlan.js';
export { listBridgePorts, setBridgePort, addBridgeVlan, deleteBridgeVlan, type ListBridgePortsOptions } from './bridge-ops.js';
export { bridgePortJson } from './print/bridge.js';
export { listBridgeVlans, type ListBridgeVlansOptions } from './bridge-ops.js';
export { decodeBridgeVlans, encodeBridgeVlanDump, type BridgeVlan, type BridgeVlanPort } from './bridge-vlan.js';
export { consistentDump, type ConsistencyOptions, type DumpList } from '../netlink/consistent.js';
export { KIND_SETS, DATALESS_KINDS, decodeKindInfoData, encodeKindNewLink, kindInfoData, kindSet, rtLinkKinds, type KindInfoData } from './link-kinds.js';
