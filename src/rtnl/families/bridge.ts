// AF_BRIDGE links (`bridge link`, `bridge vlan`): bridge sets NLA_F_NESTED on IFLA_PROTINFO (the
// kernel tells the nest from the old single-byte form by it) and not on IFLA_AF_SPEC.
import { NetlinkFamily } from '../../netlink/spec/family.js';
import { rtBridgeSpec } from '../spec/bridge.js';

export const rtBridge = new NetlinkFamily(rtBridgeSpec, { nestedFlag: (_set, attr) => attr === 'protinfo' });
