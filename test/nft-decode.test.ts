// Decoding whole messages: every message of every fixture batch decodes back to what was
// encoded, and truncated or corrupted messages fail with NetlinkDecodeError only (fuzzed).
// Pure: no kernel needed.
import test from 'ava';
import fc from 'fast-check';
import { NetlinkDecodeError } from '../src/netlink/errors.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { walkMessages, type MessageRef } from '../src/netlink/message.js';
import {
  NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM, NFT_MSG_NEWTABLE, decodeChain, decodeRule,
  decodeSet, decodeSetElements, decodeTable, canonicalExpression, type Rule,
} from '../src/nft/index.js';
import { BUILDERS } from './fixtures/nft/builders.js';

function decodeAny(m: MessageRef): unknown {
  switch (m.type & 0xff) {
    case NFT_MSG_NEWTABLE: return decodeTable(m);
    case NFT_MSG_NEWCHAIN: return decodeChain(m);
    case NFT_MSG_NEWRULE: return decodeRule(m);
    case NFT_MSG_NEWSET: return decodeSet(m);
    case NFT_MSG_NEWSETELEM: return decodeSetElements(m);
    default: return undefined;
  }
}

function messages(bytes: Uint8Array): MessageRef[] {
  const out: MessageRef[] = [];
  walkMessages(new NetlinkBuffer(bytes), (m) => { out.push(m); });
  return out;
}

test('every message of every fixture batch decodes back to what was encoded', (t) => {
  for (const [name, build] of Object.entries(BUILDERS)) {
    const batch = build();
    const encoded = batch.encode();
    for (const m of encoded.messages) {
      const [ref] = messages(m.bytes);
      const decoded = decodeAny(ref!) as Record<string, unknown>;
      const input = m.operation.input as Record<string, unknown>;
      switch (m.operation.object) {
        case 'rule': {
          const r = input as unknown as Rule;
          const d = decoded as unknown as Rule;
          t.deepEqual(d.expressions.map(canonicalExpression), r.expressions.map(canonicalExpression), name);
          t.is(d.comment, r.comment);
          break;
        }
        case 'table': case 'chain': case 'set':
          for (const k of ['family', 'name', 'table', 'type', 'hook', 'policy', 'device', 'comment', 'keyType']) {
            if (input[k] !== undefined) t.deepEqual(decoded[k], input[k], `${name}: ${m.operation.description} ${k}`);
          }
          break;
        case 'element':
          t.is((decoded as { elements: unknown[] }).elements.length, (input as { elements: unknown[] }).elements.length);
          break;
      }
    }
  }
});

test('corrupted or truncated messages fail with NetlinkDecodeError only (fuzzed)', (t) => {
  const corpus = Object.values(BUILDERS).flatMap((b) => b().encode().messages.map((m) => m.bytes));
  fc.assert(fc.property(
    fc.integer({ min: 0, max: corpus.length - 1 }), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    (which, cutSeed, flips) => {
      const original = corpus[which]!;
      const bytes = original.slice(0, 20 + (cutSeed % (original.length - 19)));
      for (const [i, v] of flips) bytes[20 + (i % Math.max(1, bytes.length - 20))] = v;
      // The header's length must match what is left, or walkMessages refuses it first.
      new DataView(bytes.buffer).setUint32(0, bytes.length, true);
      try {
        for (const m of messages(bytes)) decodeAny(m);
      } catch (err) {
        if (!(err instanceof NetlinkDecodeError)) throw err;
      }
    },
  ), { numRuns: 5000 });
  t.pass();
});
