// Every expression kind against nft itself, one row per statement family. nft -f loads the
// rule (traced with strace: the bytes it sends are the oracle); the library decodes nft's
// NEWRULE message, must know every expression in it (no raw "unknown"), and re-encodes it to
// exactly nft's bytes (attribute order and content). Then the decoded rule is committed by
// the library into a twin table, and `nft list ruleset` shows it as the original.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageWriter } from '../src/netlink/writer.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { walkMessages, type MessageRef } from '../src/netlink/message.js';
import { NftBatch, decodeExpressions, encodeExpressions, type Expression } from '../src/nft/index.js';
import { decodeRule } from '../src/nft/rule.js';
import { nftType } from '../src/nft/codec.js';
import { NFT_MSG_NEWRULE, NFTA_RULE_EXPRESSIONS } from '../src/nft/constants.js';
import { NFT, listText, withNft } from './fixtures/nft/netns.js';
import { sentDatagrams } from './helpers/strace.js';
import { tryRun } from './helpers/env.js';

interface Row {
  /** The expression kinds the row must exercise. */
  kinds: string[];
  family?: string;
  /** Chain declaration (without rules). */
  chain?: string;
  /** Declarations besides the chain, made in both tables (sets, objects, flowtables). */
  decl?: string;
  rule: string;
}

const FILTER = 'type filter hook input priority 0; policy accept;';
const PRE = 'type filter hook prerouting priority -150; policy accept;';
const NATPRE = 'type nat hook prerouting priority dstnat; policy accept;';
const NATPOST = 'type nat hook postrouting priority srcnat; policy accept;';

const ROWS: Row[] = [
  { kinds: ['limit'], rule: 'tcp dport 22 limit rate 5/second burst 10 packets accept' },
  { kinds: ['limit'], rule: 'limit rate over 1 mbytes/second drop' },
  { kinds: ['log'], rule: 'log prefix "in: " level warn flags tcp sequence' },
  { kinds: ['log'], rule: 'log group 2 snaplen 64 queue-threshold 10' },
  { kinds: ['reject'], rule: 'meta l4proto tcp reject with tcp reset' },
  { kinds: ['reject'], rule: 'reject with icmp host-unreachable' },
  { kinds: ['quota'], rule: 'quota over 25 mbytes drop' },
  { kinds: ['notrack'], chain: 'type filter hook prerouting priority raw; policy accept;', rule: 'notrack' },
  { kinds: ['queue'], rule: 'queue num 3 bypass' },
  { kinds: ['queue'], rule: 'queue num 2-3 fanout' },
  { kinds: ['redir'], chain: NATPRE, rule: 'tcp dport 80 redirect to :8080' },
  { kinds: ['masq'], chain: NATPOST, rule: 'meta l4proto tcp masquerade to :1024-2048 random' },
  { kinds: ['nat'], chain: NATPRE, rule: 'tcp dport 80 dnat to 192.0.2.1:8080' },
  { kinds: ['nat'], chain: NATPOST, rule: 'snat to 192.0.2.1-192.0.2.10' },
  { kinds: ['numgen'], rule: 'meta mark set numgen inc mod 2' },
  { kinds: ['numgen'], rule: 'meta mark set numgen random mod 10 offset 100' },
  { kinds: ['hash'], rule: 'meta mark set jhash ip saddr mod 2 seed 0xdeadbeef' },
  { kinds: ['hash'], rule: 'meta mark set symhash mod 2' },
  { kinds: ['fib'], chain: PRE, rule: 'fib daddr type local accept' },
  { kinds: ['fib'], chain: PRE, rule: 'fib saddr . iif oif missing drop' },
  { kinds: ['rt'], rule: 'rt classid 10 accept' },
  { kinds: ['exthdr', 'rt'], chain: 'type filter hook forward priority 0; policy accept;', rule: 'tcp flags syn tcp option maxseg size set rt mtu' },
  { kinds: ['exthdr'], rule: 'tcp option maxseg size 1400 accept' },
  { kinds: ['exthdr'], rule: 'tcp option sack-perm exists drop' },
  { kinds: ['socket'], chain: PRE, rule: 'socket transparent 1 accept' },
  { kinds: ['tproxy'], chain: PRE, rule: 'meta l4proto tcp tproxy to 127.0.0.1:8080' },
  { kinds: ['synproxy'], rule: 'tcp flags syn synproxy mss 1460 wscale 7 timestamp sack-perm' },
  { kinds: ['connlimit'], rule: 'ct count over 10 drop' },
  { kinds: ['dup'], rule: 'dup to 192.0.2.1' },
  { kinds: ['fwd'], family: 'netdev', chain: 'type filter hook ingress device "lo" priority 0; policy accept;', rule: 'fwd to "lo"' },
  { kinds: ['objref'], decl: 'counter c1 { }', rule: 'counter name "c1"' },
  { kinds: ['objref'], decl: 'quota q1 { over 10 mbytes }', rule: 'quota name "q1" drop' },
  { kinds: ['objref'], decl: 'limit l1 { rate 10/second }', rule: 'limit name "l1" accept' },
  { kinds: ['dynset'], decl: 'set s { type ipv4_addr; flags dynamic,timeout; }', rule: 'add @s { ip saddr timeout 10s }' },
  { kinds: ['dynset', 'counter'], decl: 'set m { type ipv4_addr; flags dynamic; }', rule: 'update @m { ip saddr counter }' },
  { kinds: ['flow_offload'], chain: 'type filter hook forward priority 0; policy accept;', decl: 'flowtable ft { hook ingress priority 0; devices = { lo }; }', rule: 'meta l4proto tcp flow add @ft' },
  { kinds: ['byteorder'], rule: 'meta mark 16-32 accept' },
  { kinds: ['ct'], rule: 'ct state established,related accept' },
  { kinds: ['ct'], rule: 'ct mark set meta mark' },
  { kinds: ['range'], rule: 'tcp dport != 1000-2000 drop' },
  { kinds: ['bitwise', 'cmp'], rule: 'ip saddr 10.16.0.0/12 counter' },
];

const NEWRULE = nftType(NFT_MSG_NEWRULE);

/** The NEWRULE messages of nft's batch, decoded, with their NFTA_RULE_EXPRESSIONS bytes. */
function rulesSent(datagrams: Uint8Array[]): { expressions: Expression[]; bytes: Uint8Array }[] {
  const out: { expressions: Expression[]; bytes: Uint8Array }[] = [];
  for (const d of datagrams) {
    walkMessages(new NetlinkBuffer(d), (m: MessageRef) => {
      if (m.type !== NEWRULE) return;
      const r = decodeRule(m);
      // Find NFTA_RULE_EXPRESSIONS' payload in the message.
      const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
      for (let p = m.payloadStart + 4; p + 4 <= m.end; p += (v.getUint16(p, true) + 3) & ~3) {
        if ((v.getUint16(p + 2, true) & 0x3fff) === NFTA_RULE_EXPRESSIONS) out.push({ expressions: r.expressions, bytes: d.slice(p + 4, p + v.getUint16(p, true)) });
      }
    });
  }
  return out;
}

function tableText(family: string, name: string, row: Row, withRule: boolean): string {
  return [`table ${family} ${name} {`, ...(row.decl ? [`  ${row.decl}`] : []), '  chain c {', `    ${row.chain ?? FILTER}`, ...(withRule ? [`    ${row.rule}`] : []), '  }', '}'].join('\n');
}

function body(text: string, family: string, table: string): string {
  const lines = text.slice(text.indexOf(`table ${family} ${table} {`)).split('\n');
  return lines.slice(1, lines.indexOf('}')).join('\n');
}

for (const row of ROWS) {
  const family = row.family ?? 'ip';
  test.serial(`${row.kinds.join('+')}: ${row.rule}: bytes equal nft's, committed back it lists the same`, async (t) => {
    await withNft('nbx', async (nft, ns) => {
      if (family === 'netdev') tryRun('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      const dir = mkdtempSync(join(tmpdir(), 'nbx-'));
      try {
        const file = join(dir, 'r.nft');
        writeFileSync(file, `${tableText(family, 'orig', row, true)}\n${tableText(family, 'copy', row, false)}\n`);
        const r = sentDatagrams([NFT, '-f', file], ns);
        if (r.status !== 0) {
          // What this kernel cannot do is skipped with its own words, never failed or faked.
          const reason = r.stderr.split('\n').find((l) => l.startsWith('Error:')) ?? r.stderr.trim().split('\n')[0];
          if (/Operation not supported|No such file or directory|Could not process rule/.test(r.stderr)) {
            t.log(`skipped: this kernel refuses it: ${reason}`);
            t.pass();
            return;
          }
          t.fail(`nft -f failed: ${r.stderr}`);
          return;
        }
        const sent = rulesSent(r.datagrams);
        t.is(sent.length, 1, 'nft sent one rule');
        const { expressions, bytes } = sent[0]!;
        const flatten = (l: Expression[]): Expression[] => l.flatMap((e) => [e, ...flatten((e as { expressions?: Expression[] }).expressions ?? [])]);
        const kinds = flatten(expressions).map((e) => e.type);
        t.false(kinds.includes('unknown'), `every expression decoded: ${kinds.join(', ')}`);
        for (const k of row.kinds) t.true(kinds.includes(k as Expression['type']), `${k} in ${kinds.join(', ')}`);
        // Re-encoded, the expressions are nft's bytes.
        const w = new MessageWriter();
        encodeExpressions(w, expressions);
        t.is(Buffer.from(w.copy()).toString('hex'), Buffer.from(bytes).toString('hex'));
        // And decode(encode(x)) is x.
        const again = w.copy();
        t.deepEqual(decodeExpressions(new NetlinkBuffer(again), 0, again.length, 0), expressions);
        // Committed by the library into the twin table, nft lists it as it listed the original.
        await nft.commit(new NftBatch().addRule({ family: family as 'ip', table: 'copy', chain: 'c', expressions }));
        const text = listText(ns);
        t.is(body(text, family, 'copy'), body(text, family, 'orig'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
