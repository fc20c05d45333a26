// `netlinkts/ynl`: any declared family spoken generically (tools/net/ynl's model).
export { ynl, type YnlRequest } from './client.js';
export { loadFamily, FAMILY_NAMES } from './registry.js';
export { resolveGenlFamily, listGenlFamilies, forgetGenlFamily, GENL_ID_CTRL, type GenlFamilyInfo } from '../genl/resolve.js';
export * from '../netlink/spec/index.js';
export { ynlJson } from './json.js';
