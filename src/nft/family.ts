// The nftables family (nfnetlink subsystem NFNL_SUBSYS_NFTABLES), compiled from its generated
// table. libnftnl sets NLA_F_NESTED on every nest, and the kernel's nf_tables policies expect it.
import { NetlinkFamily } from '../netlink/spec/family.js';
import { nftablesSpec } from './spec.gen.js';

export const nftables = new NetlinkFamily(nftablesSpec, { nestedFlag: true });
