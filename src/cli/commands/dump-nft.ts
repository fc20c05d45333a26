// `netlinkts dump-nft`: the nftables ruleset (`nft list ruleset`), a consistent snapshot taken
// by the reader (src/nft/text/snapshot.ts), printed as nft 1.0.6 prints it; --json is `nft -j list ruleset` ({"nftables":
// [metainfo, table, objects, sets, chains, rules]}); --raw/--hex show the GETTABLE/GETCHAIN/GETRULE/GETSET
// replies themselves.
import { NETLINK_NETFILTER, NLM_F_DUMP, NLM_F_REQUEST } from '../../netlink/constants.js';
import { MessageWriter } from '../../netlink/writer.js';
import { beginNftMessage, nftType } from '../../nft/codec.js';
import { NFT_MSG_GETCHAIN, NFT_MSG_GETRULE, NFT_MSG_GETSET, NFT_MSG_GETTABLE } from '../../nft/constants.js';
import { readRuleset } from '../../nft/text/snapshot.js';
import { rulesetToNftText, warningLine } from '../../nft/text/print.js';
import { rulesetToJson } from '../../nft/json/print.js';
import { NETLINK_ROUTE } from '../../netlink/constants.js';
import { flag, type ParsedArgs } from '../args.js';
import { Output } from '../output.js';
import { toJson } from '../../netlink/tree-text.js';
import { closeTargets, openSocketIn, openTargets, targetTitle, type Target } from '../targets.js';
import { NetlinkTsError } from '../../netlink/errors.js';

/** Interface names by index in the target's namespace (nft prints `iif "lo"`, `fwd to "eth0"`). */
async function interfaceNames(t: Target): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  let rt: Target | undefined;
  try {
    rt = openSocketIn(t.name, NETLINK_ROUTE);
    const { listLinks } = await import('../../rtnl/link-read.js');
    for (const l of await listLinks(rt.sock)) names.set(l.ifindex, l.ifname);
  } catch (err) {
    // Without names (no such namespace to ask, no permission) nft would print numbers too.
    if (!(err instanceof NetlinkTsError)) throw err;
  } finally {
    rt?.sock.close();
  }
  return names;
}

function dumpRequest(msg: number): Uint8Array {
  const w = new MessageWriter(64);
  const start = beginNftMessage(w, nftType(msg), NLM_F_REQUEST | NLM_F_DUMP, 0, 0);
  w.end(start);
  return w.copy();
}

export async function run(args: ParsedArgs): Promise<number> {
  const json = flag(args, 'json');
  const targets = await openTargets(args, NETLINK_NETFILTER);
  const many = targets.length > 1;
  try {
    const mode = flag(args, 'raw') ? 'raw' : flag(args, 'hex') ? 'hex' : undefined;
    if (mode) {
      const [{ rawDump }, { nftSchema }] = await Promise.all([import('../raw-dump.js'), import('../../nft/tree-schema.js')]);
      const requests = [NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETSET, NFT_MSG_GETRULE].map(dumpRequest);
      // A fresh copy per dump: the socket writes the sequence number into the request.
      await rawDump(targets, () => requests.map((r) => r.slice()), { operation: 'list nftables objects' }, mode, json, nftSchema);
      return 0;
    }
    const out = new Output();
    const all: unknown[] = [];
    for (const t of targets) {
      const raw = await readRuleset(t.sock);
      const names = await interfaceNames(t);
      if (json) {
        // `nft -j list ruleset`'s objects; with several namespaces each names its own.
        const items = rulesetToJson(raw, { ifName: (i) => names.get(i) });
        // No push(...spread): 150k rules overflow the call stack's argument limit.
        for (const item of items) {
          if (many) for (const v of Object.values(item as Record<string, Record<string, unknown>>)) v.netns = t.name;
          all.push(item);
        }
        continue;
      }
      if (many) out.write(`${targetTitle(t)}\n`);
      // As nft: the iptables-nft warnings go to stderr, the ruleset to stdout.
      for (const tb of raw.tables) {
        const w = warningLine(tb);
        if (w) process.stderr.write(`${w}\n`);
      }
      out.write(rulesetToNftText(raw, { handles: flag(args, 'handles') || flag(args, 'a'), ifName: (i) => names.get(i) }));
    }
    if (json) out.write(`${toJson({ nftables: all })}\n`);
    await out.end();
    return 0;
  } finally {
    closeTargets(targets);
  }
}
