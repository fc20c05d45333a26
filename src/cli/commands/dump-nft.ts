// `netlinkts dump-nft`: the nftables ruleset (`nft list ruleset`), a consistent snapshot taken
// by the nft layer (getRuleset). --json is shaped like `nft -j list ruleset` ({"nftables":
// [metainfo, table, chain, rule, set...]}), rules carrying the library's expressions and their
// nft text; --raw/--hex show the GETTABLE/GETCHAIN/GETRULE/GETSET replies themselves.
import { NETLINK_NETFILTER, NLM_F_DUMP, NLM_F_REQUEST } from '../../netlink/constants.js';
import { MessageWriter } from '../../netlink/writer.js';
import { beginNftMessage, nftType } from '../../nft/codec.js';
import { NFT_MSG_GETCHAIN, NFT_MSG_GETRULE, NFT_MSG_GETSET, NFT_MSG_GETTABLE } from '../../nft/constants.js';
import { getRuleset, type Ruleset, type RulesetChain } from '../../nft/ruleset.js';
import { ruleToText } from '../../nft/text.js';
import { readRuleset } from '../../nft/text/snapshot.js';
import { rulesetToNftText, warningLine } from '../../nft/text/print.js';
import { NETLINK_ROUTE } from '../../netlink/constants.js';
import { flag, type ParsedArgs } from '../args.js';
import { Output } from '../output.js';
import { toJson } from '../render.js';
import { closeTargets, openSocketIn, openTargets, targetTitle, type Target } from '../targets.js';

/** Interface names by index in the target's namespace (nft prints `iif "lo"`, `fwd to "eth0"`). */
async function interfaceNames(t: Target): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  let rt: Target | undefined;
  try {
    rt = openSocketIn(t.name, NETLINK_ROUTE);
    const { listLinks } = await import('../../rtnl/link-ops.js');
    for (const l of await listLinks(rt.sock)) names.set(l.ifindex, l.ifname);
  } catch {
    // Without names nft would print numbers too.
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

function rulesetJson(rs: Ruleset, netns: string | null | undefined): unknown[] {
  const ns = netns === undefined ? {} : { netns };
  const out: unknown[] = [{ metainfo: { json_schema_version: 1, generator: 'netlinkts', generation: rs.generation, ...ns } }];
  for (const t of rs.tables) {
    out.push({ table: { family: t.family, name: t.name, handle: t.handle, flags: t.flags, comment: t.comment, ...ns } });
  }
  for (const t of rs.tables) {
    for (const c of t.chains) {
      out.push({
        chain: {
          family: c.family, table: c.table, name: c.name, handle: c.handle, type: c.type, hook: c.hook,
          prio: c.priority, policy: c.type ? (c.policy ?? 'accept') : undefined, dev: c.device, comment: c.comment, ...ns,
        },
      });
    }
    for (const set of t.sets) {
      out.push({
        set: {
          family: set.family, name: set.name, table: set.table, type: set.keyType, handle: set.handle, flags: set.flags,
          elem: set.elements.length ? set.elements.map((e) => e.value ?? e.key) : undefined, ...ns,
        },
      });
    }
    for (const c of t.chains) {
      for (const r of c.rules) {
        out.push({
          rule: {
            family: r.family, table: r.table, chain: r.chain, handle: r.handle, comment: r.comment,
            text: ruleToText(r), expr: r.expressions, ...ns,
          },
        });
      }
    }
  }
  return out;
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
      if (json) {
        const rs = await getRuleset(t.sock);
        // No push(...spread): 150k rules overflow the call stack's argument limit.
        for (const item of rulesetJson(rs, many ? t.name : undefined)) all.push(item);
        continue;
      }
      if (many) out.write(`${targetTitle(t)}\n`);
      const raw = await readRuleset(t.sock);
      const names = await interfaceNames(t);
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
