// Round trip over every attribute set of every declared family: values built from the
// declarations themselves (fuzz/lib/spec-arbitrary.ts) encode and decode back unchanged. This
// is the generic codec's main property: a table is all a family needs to be spoken correctly.
import test from 'ava';
import fc from 'fast-check';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { MessageWriter } from '../src/netlink/writer.js';
import { FAMILY_NAMES, loadFamily } from '../src/ynl/registry.js';
import { setArb } from '../fuzz/lib/spec-arbitrary.js';

for (const name of FAMILY_NAMES) {
  test(`${name}: every attribute set round-trips values built from its declaration`, async (t) => {
    const family = await loadFamily(name);
    let sets = 0;
    for (const setName of Object.keys(family.decl.attributeSets)) {
      const set = family.set(setName);
      fc.assert(fc.property(setArb(fc, family, setName), (value) => {
        const w = new MessageWriter(256);
        set.encode(w, value);
        const bytes = w.copy();
        const back = set.decode(new NetlinkBuffer(bytes), 0, bytes.length);
        t.deepEqual(back, value, `${name} ${setName}`);
      }), { numRuns: 25, seed: 1 });
      sets++;
    }
    t.true(sets > 0);
  });
}
