// The rtnetlink families, compiled from their generated tables (spec/*.gen.ts) on first use of
// each attribute set. rtnetlink's tools (iproute2) do not set NLA_F_NESTED on the nests they
// write, and the kernel does not ask for it here, so requests stay byte-equal to ip's.
import { NetlinkFamily } from '../netlink/spec/family.js';
import { rtAddrSpec } from './spec/rt-addr.gen.js';
import { rtLinkSpec } from './spec/rt-link.gen.js';
import { rtNeighSpec } from './spec/rt-neigh.gen.js';
import { rtRouteSpec } from './spec/rt-route.gen.js';
import { rtRuleSpec } from './spec/rt-rule.gen.js';

export const rtLink = new NetlinkFamily(rtLinkSpec, { nestedFlag: false });
export const rtAddr = new NetlinkFamily(rtAddrSpec, { nestedFlag: false });
export const rtRoute = new NetlinkFamily(rtRouteSpec, { nestedFlag: false });
export const rtNeigh = new NetlinkFamily(rtNeighSpec, { nestedFlag: false });
export const rtRule = new NetlinkFamily(rtRuleSpec, { nestedFlag: false });

// Nexthop objects have no kernel spec: the declaration is ours (spec/nexthop.ts). ip sets
// NLA_F_NESTED on NHA_RES_GROUP, and the kernel's nexthop policies parse nests strictly.
import { rtNexthopSpec } from './spec/nexthop.js';
export const rtNexthop = new NetlinkFamily(rtNexthopSpec, { nestedFlag: true });

// AF_BRIDGE links (`bridge link`, `bridge vlan`): bridge sets NLA_F_NESTED on IFLA_PROTINFO (the
// kernel tells the nest from the old single-byte form by it) and not on IFLA_AF_SPEC.
import { rtBridgeSpec } from './spec/bridge.js';
export const rtBridge = new NetlinkFamily(rtBridgeSpec, { nestedFlag: (_set, attr) => attr === 'protinfo' });
