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
import { flag, type ParsedArgs } from '../args.js';
import { Output } from '../output.js';
import { toJson } from '../render.js';
import { closeTargets, openTargets, targetTitle } from '../targets.js';

function dumpRequest(msg: number): Uint8Array {
  const w = new MessageWriter(64);
  const start = beginNftMessage(w, nftType(msg), NLM_F_REQUEST | NLM_F_DUMP, 0, 0);
  w.end(start);
  return w.copy();
}

// nft prints standard priorities by name (for ip, ip6 and inet; bridge and others differ).
const PRIO_NAMES: Record<number, string> = { [-300]: 'raw', [-150]: 'mangle', [-100]: 'dstnat', 0: 'filter', 50: 'security', 100: 'srcnat' };

function priorityText(c: RulesetChain): string {
  const p = c.priority;
  if (typeof p !== 'number') return String(p);
  const inetLike = c.family === 'ip' || c.family === 'ip6' || c.family === 'inet';
  return (inetLike && PRIO_NAMES[p]) || String(p);
}

function rulesetText(rs: Ruleset): string {
  let s = '';
  for (const t of rs.tables) {
    s += `table ${t.family} ${t.name} {\n`;
    let first = true;
    for (const set of t.sets) {
      if (!first) s += '\n';
      first = false;
      s += `\tset ${set.name} {\n\t\ttype ${set.keyType}\n`;
      if (set.elements.length) s += `\t\telements = { ${set.elements.map((e) => (e.value !== undefined ? String(e.value) : Buffer.from(e.key).toString('hex'))).join(', ')} }\n`;
      s += '\t}\n';
    }
    for (const c of t.chains) {
      if (!first) s += '\n';
      first = false;
      s += `\tchain ${c.name} {\n`;
      if (c.type && c.hook) {
        s += `\t\ttype ${c.type} hook ${c.hook}${c.device ? ` device "${c.device}"` : ''} priority ${priorityText(c)}; policy ${c.policy ?? 'accept'};\n`;
      }
      for (const r of c.rules) s += `\t\t${ruleToText(r)}\n`;
      s += '\t}\n';
    }
    s += '}\n';
  }
  return s;
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
      const rs = await getRuleset(t.sock);
      // No push(...spread): 150k rules overflow the call stack's argument limit.
      if (json) for (const item of rulesetJson(rs, many ? t.name : undefined)) all.push(item);
      else {
        if (many) out.write(`${targetTitle(t)}\n`);
        out.write(rulesetText(rs));
      }
    }
    if (json) out.write(`${toJson({ nftables: all })}\n`);
    await out.end();
    return 0;
  } finally {
    closeTargets(targets);
  }
}
