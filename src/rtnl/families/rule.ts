// rt-rule compiled (its sets on first use). One module per family, so that importing the rule
// code loads the rule table only, not every rtnetlink table (start-up cost of `netlinkts`).
import { NetlinkFamily } from '../../netlink/spec/family.js';
import { rtRuleSpec } from '../spec/rt-rule.gen.js';

export const rtRule = new NetlinkFamily(rtRuleSpec, { nestedFlag: false });
