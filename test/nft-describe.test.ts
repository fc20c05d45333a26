// Names of the attributes the kernel's extended ACK points at (src/nft/describe.ts): each level's
// own names, never a nested enum's that shares the prefix and the number. Pure: no kernel.
import test from 'ava';
import * as C from '../src/nft/constants.js';
import { attributeName } from '../src/nft/describe.js';

test('names at each level, nested enums left out', (t) => {
  t.is(attributeName('NFTA_RULE_', C.NFTA_RULE_TABLE), 'NFTA_RULE_TABLE'); // not NFTA_RULE_COMPAT_PROTO (also 1)
  t.is(attributeName('NFTA_RULE_', C.NFTA_RULE_COMPAT), 'NFTA_RULE_COMPAT');
  t.is(attributeName('NFTA_RULE_', C.NFTA_RULE_POSITION_ID), 'NFTA_RULE_POSITION_ID'); // POSITION is no enum of its own
  t.is(attributeName('NFTA_SET_', C.NFTA_SET_TABLE), 'NFTA_SET_TABLE'); // not NFTA_SET_ELEM_KEY / DESC_SIZE / FIELD_LEN
  t.is(attributeName('NFTA_SET_', C.NFTA_SET_KEY_TYPE), 'NFTA_SET_KEY_TYPE');
  t.is(attributeName('NFTA_SET_ELEM_LIST_', C.NFTA_SET_ELEM_LIST_ELEMENTS), 'NFTA_SET_ELEM_LIST_ELEMENTS');
  t.is(attributeName('NFTA_CHAIN_', C.NFTA_CHAIN_HOOK), 'NFTA_CHAIN_HOOK');
  t.is(attributeName('NFTA_RULE_', 999), 'NFTA_RULE_999');
});

test('every name returned has the number asked for and belongs to that level', (t) => {
  const all = C as unknown as Record<string, unknown>;
  for (const prefix of ['NFTA_TABLE_', 'NFTA_CHAIN_', 'NFTA_RULE_', 'NFTA_SET_', 'NFTA_SET_ELEM_LIST_', 'NFTA_GEN_', 'NFTA_CMP_', 'NFTA_PAYLOAD_']) {
    for (let v = 1; v < 24; v++) {
      const name = attributeName(prefix, v);
      if (name === `${prefix}${v}`) continue;
      t.is(all[name], v, name);
      const rest = name.slice(prefix.length);
      const cut = rest.indexOf('_');
      t.false(cut > 0 && `${prefix}${rest.slice(0, cut)}_UNSPEC` in all, `${name} is a nested enum's name`);
    }
  }
});
