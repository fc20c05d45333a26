// ethtool's generic netlink family, compiled from its generated table.
import { NetlinkFamily } from '../../netlink/spec/family.js';
import { ethtoolSpec } from '../spec/ethtool.gen.js';

export const ethtoolFamily = new NetlinkFamily(ethtoolSpec);

/** The request header every ethtool message starts with: the device, by name or index. */
export function header(dev: string | number): Record<string, unknown> {
  return typeof dev === 'number' ? { 'dev-index': dev } : { 'dev-name': dev };
}
