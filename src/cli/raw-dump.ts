// --raw and --hex for every dump command: the kernel's messages as an attribute tree or as
// hex, streamed datagram by datagram (constant memory), optionally as JSON.
import type { SchemaLookup } from '../netlink/attribute-tree.js';
import { messageTree } from '../netlink/attribute-tree.js';
import type { MessageRef } from '../netlink/message.js';
import type { RequestOptions } from '../netlink/socket.js';
import { JsonArrayWriter, Output } from './output.js';
import { messageHex, messageHexText, renderMessage, toJson } from '../netlink/tree-text.js';
import { targetTitle, type Target } from './targets.js';

export type RawMode = 'raw' | 'hex';

/**
 * Run `request` (one dump or several, built fresh per target) in each target and print every reply
 * message raw. With json: one array of { netns, ...tree } (raw) or { netns, type, hex } (hex).
 */
export async function rawDump(
  targets: Target[], request: (t: Target) => Uint8Array | Uint8Array[] | Promise<Uint8Array | Uint8Array[]>, opts: RequestOptions,
  mode: RawMode, json: boolean, lookup: SchemaLookup,
  { out = new Output(), keep = () => true, ignore = () => false }: {
    out?: Output;
    keep?: (m: MessageRef) => boolean;
    /** Errors that mean "nothing here" for one target (e.g. a routing table that does not exist). */
    ignore?: (err: unknown) => boolean;
  } = {},
): Promise<void> {
  const arr = json ? new JsonArrayWriter(out) : undefined;
  const titled = targets.length > 1 || targets[0]?.name !== null;
  const print = (t: Target, m: MessageRef): Promise<void> | undefined => {
    if (mode === 'raw') {
      const tree = messageTree(m, lookup);
      return json ? arr!.item(toJson({ netns: t.name, ...tree })) : out.write(`${renderMessage(tree).join('\n')}\n`);
    }
    if (json) return arr!.item(JSON.stringify({ netns: t.name, ...messageHex(m, lookup) }));
    return out.write(messageHexText(m, lookup));
  };
  for (const t of targets) {
    if (!json && titled) {
      const p = out.write(`${targetTitle(t)}\n`);
      if (p) await p;
    }
    const reqs = await request(t);
    for (const req of Array.isArray(reqs) ? reqs : [reqs]) {
      try {
        for await (const batch of t.sock.dumpBatches(req, opts)) {
          for (const m of batch) {
            if (!keep(m)) continue;
            const p = print(t, m);
            if (p) await p;
          }
        }
      } catch (err) {
        if (!ignore(err)) throw err;
      }
    }
  }
  if (arr) arr.end();
  await out.end();
}
