// The statement builder against nft: each row is a rule in libnftables JSON; `nft -j -f` loads
// it (traced: its NEWRULE bytes are the oracle) and compileStatements() must produce the same
// expressions byte for byte. The compiled rule, committed by the library into a twin chain,
// lists as nft's. One row per statement family.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageWriter } from '../src/netlink/writer.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { walkMessages, type MessageRef } from '../src/netlink/message.js';
import { ValidationError } from '../src/netlink/errors.js';
import { NftBatch, encodeExpressions } from '../src/nft/index.js';
import { compileStatements, type Statement } from '../src/nft/build/statements.js';
import { nftType } from '../src/nft/codec.js';
import { NFT_MSG_NEWRULE, NFTA_RULE_EXPRESSIONS } from '../src/nft/constants.js';
import { NFT, listText, withNft } from './fixtures/nft/netns.js';
import { sentDatagrams } from './helpers/strace.js';

interface Row { title: string; family?: 'ip' | 'inet' | 'ip6'; chain?: Record<string, unknown>; expr: Statement[] }

const NATPOST = { type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' };
const NATPRE = { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' };
const pl = (protocol: string, field: string) => ({ payload: { protocol, field } });

const ROWS: Row[] = [
  { title: 'tcp dport != 22 accept', expr: [{ match: { left: pl('tcp', 'dport'), op: '!=', right: 22 } }, { accept: null }] },
  { title: 'ip saddr prefix, counter, drop', expr: [{ match: { left: pl('ip', 'saddr'), op: '==', right: { prefix: { addr: '10.16.0.0', len: 12 } } } }, { counter: null }, { drop: null }] },
  { title: 'udp dport range', expr: [{ match: { left: pl('udp', 'dport'), op: '==', right: { range: [1000, 2000] } } }, { accept: null }] },
  { title: 'inet: tcp dport and ip daddr (guards)', family: 'inet', expr: [{ match: { left: pl('ip', 'daddr'), op: '==', right: '192.0.2.1' } }, { match: { left: pl('tcp', 'dport'), op: '==', right: 443 } }, { accept: null }] },
  { title: 'meta iifname, oifname', expr: [{ match: { left: { meta: { key: 'iifname' } }, op: '==', right: 'lo' } }, { match: { left: { meta: { key: 'oifname' } }, op: '!=', right: 'eth0' } }, { accept: null }] },
  { title: 'ct state established,related', expr: [{ match: { left: { ct: { key: 'state' } }, op: 'in', right: ['established', 'related'] } }, { accept: null }] },
  { title: 'log prefix level', expr: [{ log: { prefix: 'in: ', level: 'warn' } }] },
  { title: 'log group', expr: [{ log: { group: 2 } }] },
  { title: 'limit packets', expr: [{ limit: { rate: 5, per: 'second', burst: 10 } }, { accept: null }] },
  { title: 'limit bytes over', expr: [{ limit: { rate: 1, rate_unit: 'mbytes', per: 'second', inv: true } }, { drop: null }] },
  { title: 'reject icmp', expr: [{ reject: { type: 'icmp', expr: 'host-unreachable' } }] },
  { title: 'reject default (ip)', expr: [{ reject: null }] },
  { title: 'reject tcp reset', expr: [{ match: { left: { meta: { key: 'l4proto' } }, op: '==', right: 'tcp' } }, { reject: { type: 'tcp reset' } }] },
  { title: 'quota over', expr: [{ quota: { val: 25, val_unit: 'mbytes', inv: true } }, { drop: null }] },
  { title: 'masquerade with ports', chain: NATPOST, expr: [{ match: { left: { meta: { key: 'l4proto' } }, op: '==', right: 'tcp' } }, { masquerade: { port: { range: [1024, 2048] }, flags: 'random' } }] },
  { title: 'dnat to address:port', chain: NATPRE, expr: [{ match: { left: pl('tcp', 'dport'), op: '==', right: 80 } }, { dnat: { addr: '192.0.2.1', port: 8080 } }] },
  { title: 'snat to address', chain: NATPOST, expr: [{ snat: { addr: '192.0.2.1' } }] },
  { title: 'jump', expr: [{ match: { left: pl('tcp', 'dport'), op: '==', right: 22 } }, { jump: { target: 'other' } }] },
  { title: 'notrack', chain: { type: 'filter', hook: 'prerouting', prio: -300, policy: 'accept' }, expr: [{ notrack: null }] },
];

const NEWRULE = nftType(NFT_MSG_NEWRULE);
function ruleBytes(datagrams: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of datagrams) {
    walkMessages(new NetlinkBuffer(d), (m: MessageRef) => {
      if (m.type !== NEWRULE) return;
      const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
      for (let p = m.payloadStart + 4; p + 4 <= m.end; p += (v.getUint16(p, true) + 3) & ~3) {
        if ((v.getUint16(p + 2, true) & 0x3fff) === NFTA_RULE_EXPRESSIONS) out.push(d.slice(p + 4, p + v.getUint16(p, true)));
      }
    });
  }
  return out;
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

for (const row of ROWS) {
  const family = row.family ?? 'ip';
  test.serial(`${row.title}: compiled from JSON, the bytes nft -j -f sends; committed, listed as nft's`, async (t) => {
    await withNft('nbs', async (nft, ns) => {
      const chain = row.chain ?? { type: 'filter', hook: 'input', prio: 0, policy: 'accept' };
      const tables = ['orig', 'copy'];
      const doc = { nftables: [
        ...tables.flatMap((table) => [
          { table: { family, name: table } },
          { chain: { family, table, name: 'other' } },
          { chain: { family, table, name: 'c', ...chain } },
        ]),
        { rule: { family, table: 'orig', chain: 'c', expr: row.expr } },
      ] };
      const dir = mkdtempSync(join(tmpdir(), 'nbs-'));
      try {
        const file = join(dir, 'r.json');
        writeFileSync(file, JSON.stringify(doc));
        const r = sentDatagrams([NFT, '-j', '-f', file], ns);
        t.is(r.status, 0, r.stderr);
        const sent = ruleBytes(r.datagrams);
        t.is(sent.length, 1);
        const expressions = compileStatements(family, row.expr);
        const w = new MessageWriter();
        encodeExpressions(w, expressions);
        t.is(hexOf(w.copy()), hexOf(sent[0]!));
        await nft.commit(new NftBatch().addRule({ family, table: 'copy', chain: 'c', expressions }));
        const text = listText(ns);
        const body = (table: string): string => {
          const lines = text.slice(text.indexOf(`table ${family} ${table} {`)).split('\n');
          return lines.slice(1, lines.indexOf('}')).join('\n');
        };
        t.is(body('copy'), body('orig'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

test('statements the builder does not know are refused by name, before anything is built', (t) => {
  t.throws(() => compileStatements('ip', [{ match: { left: pl('sctp', 'vtag'), op: '==', right: 1 } }]), { instanceOf: ValidationError, message: /statements\.0\.match\.left\.payload: sctp\.vtag is not supported/ });
  t.throws(() => compileStatements('ip', [{ counter: null, accept: null }]), { instanceOf: ValidationError, message: /statements\.0: a statement has exactly one key/ });
  t.throws(() => compileStatements('ip', [{ log: { level: 'loud' } }]), { instanceOf: ValidationError, message: /log\.level: unknown level loud/ });
});
