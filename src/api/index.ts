// The fluent API: namespace handles, link chains, and facades over rtnl and nft.
export { netns } from './netns.js';
export { Namespace } from './namespace.js';
export { LinkChain, type CreateSpec, type ChainAddress } from './link-chain.js';
export { ChainStepError } from './chain-error.js';
export { LinkEthtool, type EthtoolSetting } from './link-ethtool.js';
export { Listing, LinkCollection, AddressCollection, RouteCollection, NeighbourCollection } from './collections.js';
export { RuleCollection, NexthopCollection, FdbCollection, BridgeAccess } from './routing.js';
export { SysctlAccess } from './sysctl.js';
export { NftAccess } from './nft.js';
export { ConntrackAccess } from './conntrack.js';
export { TcAccess, type BandwidthSpec, type BandwidthHandle, type BandwidthLimit } from './tc.js';
export { decodeCapture, parseHex, parseInput, guessProtocol, CaptureDecodeError, CAPTURE_PROTOCOLS, type Datagram, type DecodedDatagram, type DecodeCaptureOptions } from './capture.js';
