// `netlinkts/genl`: generic netlink — families resolved by name, and the families the library
// speaks in friendly terms: ethtool, MPTCP, WireGuard. Any other declared family: netlinkts/ynl.
export { GenlClient, type GenlClientOptions, type GenlRequest } from './client.js';
export { resolveGenlFamily, listGenlFamilies, forgetGenlFamily, GENL_ID_CTRL, nlctrl, type GenlFamilyInfo } from './resolve.js';
export { genlFamilyText, genlFamilyJson, type GenlFamilyJson } from './present.js';
export * as ethtool from './ethtool/index.js';
export { Ethtool } from './ethtool/index.js';
export * as mptcp from './mptcp.js';
export * as wireguard from './wireguard.js';
