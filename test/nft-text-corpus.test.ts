// Oracle corpus for the reading side: rulesets this library did not make, loaded by `nft -f`
// (hand-written files covering every statement family, and nftables' own tests/py rules as
// nft 1.0.6 and this kernel accept them) and by iptables-nft-restore (Docker, CNI
// bridge/portmap and kube-proxy shapes), listed by `nft list ruleset` and by the library in
// the same namespace, and compared whole. Lines of nft's listing the library does not yet
// print identically must each match a known gap below (with its reason): a new mismatch fails.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Nftables } from '../src/nft/index.js';
import { readNftRuleset, rulesetToNftText, nftWarningLine } from '../src/nft/text/index.js';
import { NFT, withNetns } from './fixtures/nft/netns.js';

const DIR = join(import.meta.dirname, 'fixtures', 'nft-corpus');
const PY = join(DIR, 'py');

function inNs(ns: string, cmd: string, args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, cmd, ...args], { input, encoding: 'utf8' });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

// Element expiry counts down between the two listings: compare without it.
const norm = (s: string): string => s.replace(/ expires [0-9a-z]+/g, '');

async function libraryText(ns: string, handles = false): Promise<{ text: string; warnings: string[] }> {
  const nft = Nftables.open({ netns: `/run/netns/${ns}` });
  try {
    const rs = await readNftRuleset(nft.socket);
    const names = new Map<number, string>([[1, 'lo']]);
    return {
      text: rulesetToNftText(rs, { handles, ifName: (i) => names.get(i) }),
      warnings: rs.tables.map(nftWarningLine).filter((w): w is string => !!w),
    };
  } finally {
    nft.close();
  }
}

/** Rule lines of a listing: statements inside chains (not the chain's own type/hook line). */
function ruleLines(text: string): string[] {
  const out: string[] = [];
  let inChain = false;
  for (const l of text.split('\n')) {
    if (/^\tchain /.test(l)) { inChain = true; continue; }
    if (l === '\t}') { inChain = false; continue; }
    if (inChain && l.startsWith('\t\t') && !/^\t\ttype \S+ hook /.test(l) && !/^\t\tcomment "/.test(l)) out.push(l);
  }
  return out;
}

const HAND = readdirSync(DIR).filter((f) => f.endsWith('.nft') || f.endsWith('.iptables')).sort();

for (const file of HAND) {
  test(`corpus ${file}: dump text equals nft list ruleset (and -a)`, async (t) => {
    await withNetns('ntc', async (ns) => {
      const src = readFileSync(join(DIR, file), 'utf8');
      const load = file.endsWith('.iptables') ? inNs(ns, 'iptables-nft-restore', [], src) : inNs(ns, NFT, ['-f', join(DIR, file)]);
      t.is(load.status, 0, load.stderr);
      const want = inNs(ns, NFT, ['list', 'ruleset']);
      const got = await libraryText(ns);
      t.true(ruleLines(want.stdout).length > 5);
      t.is(norm(got.text), norm(want.stdout));
      // nft writes the iptables-nft warnings to stderr, one per table that holds xt expressions.
      t.deepEqual(got.warnings, want.stderr.split('\n').filter((l) => l.startsWith('# Warning:')));
      const wantA = inNs(ns, NFT, ['-a', 'list', 'ruleset']);
      t.is(norm((await libraryText(ns, true)).text), norm(wantA.stdout));
      t.log(`${ruleLines(want.stdout).length} rules, all printed as nft does`);
    });
  });
}

/** What nft 1.0.6 prints that the reader does not yet match, by pattern, with the reason. */
const KNOWN_GAPS: [RegExp, string][] = [
  [/dnat to numgen .* map/, 'interval maps keyed by numgen (host-order key left in host order)'],
  [/^\t\ttcp dport 22( accept)?$|iifname "eth0" tcp dport 80-90 snat/, 'rules whose listing nft merges differently when several tests/py tables share one file'],
];

test('corpus from nftables tests/py: every rule prints as nft 1.0.6 does, or is a listed known gap', async (t) => {
  const files = readdirSync(PY).filter((f) => f.endsWith('.nft')).sort();
  t.true(files.length > 50);
  let rules = 0, same = 0;
  const unexplained: string[] = [];
  const gaps = new Map<string, number>();
  await withNetns('ntpy', async (ns) => {
    for (const f of files) {
      inNs(ns, NFT, ['flush', 'ruleset']);
      const load = inNs(ns, NFT, ['-f', join(PY, f)]);
      t.is(load.status, 0, `${f}: ${load.stderr}`);
      const want = norm(inNs(ns, NFT, ['list', 'ruleset']).stdout);
      const got = norm((await libraryText(ns)).text);
      const have = new Set(got.split('\n'));
      const wantRules = new Set(ruleLines(want));
      rules += ruleLines(want).length;
      for (const line of want.split('\n')) {
        if (have.has(line)) { if (wantRules.has(line)) same++; continue; }
        const gap = KNOWN_GAPS.find(([re]) => re.test(line));
        if (gap) gaps.set(gap[1], (gaps.get(gap[1]) ?? 0) + 1);
        else unexplained.push(`${f}: ${line}`);
      }
    }
  });
  t.log(`tests/py corpus: ${files.length} files, ${rules} rules, ${same} printed as nft does (${((100 * same) / rules).toFixed(1)}%)`);
  for (const [why, n] of gaps) t.log(`  known gap (${n} lines): ${why}`);
  t.deepEqual(unexplained, []);
  // Measured 1568 of 1570 when last raised: a drop is a regression.
  t.true(same >= 1568, `${same} of ${rules}`);
});
