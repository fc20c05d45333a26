// `netlinkts dump-conntrack`: the connection-tracking table as `conntrack -L` prints it
// (-o extended with --extended), or expectations (`conntrack -L expect`), counts (-C) and
// per-CPU statistics (-S); --json gives the entries' fields and their NAT view.
import { parseArgs } from 'node:util';
import { Conntrack, type ConntrackFilter } from '../../conntrack/client.js';
import { UsageError } from '../errors.js';
import { entryJson, formatEntry, formatExpectation, formatStats, summaryLine } from '../../conntrack/format.js';

type Values = Record<string, string | boolean | undefined>;

function filterOf(values: Values): ConntrackFilter {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const filter: ConntrackFilter = {};
  const proto = str('proto');
  if (proto !== undefined) filter.proto = /^\d+$/.test(proto) ? Number(proto) : proto;
  if (str('src') !== undefined) filter.src = str('src');
  if (str('dst') !== undefined) filter.dst = str('dst');
  if (str('sport') !== undefined) filter.sport = num(str('sport'));
  if (str('dport') !== undefined) filter.dport = num(str('dport'));
  const mark = str('mark');
  if (mark !== undefined) {
    const [v, m] = mark.split('/');
    filter.mark = m === undefined ? Number(v) : { value: Number(v), mask: Number(m) };
  }
  if (str('zone') !== undefined) filter.zone = num(str('zone'));
  const family = str('family');
  if (family !== undefined) filter.family = family === 'ipv6' ? 'ipv6' : 'ipv4';
  if (str('nat') !== undefined) filter.nat = str('nat') as ConntrackFilter['nat'];
  return filter;
}

/**
 * --all-netns: every network namespace on the host (netns-scan), each table listed under a
 * "netns: NAME" line, or in --json each entry with "netns" (null: the current one) and, for a
 * container's namespace, "netns_container".
 */
async function allNetns(values: Values, write: (text: string) => void): Promise<number> {
  const { scanNamespaces, openScanned } = await import('../../netlink/netns-scan/index.js');
  const { skippedNote } = await import('../all-netns.js');
  const scan = scanNamespaces();
  const note = skippedNote(scan.skipped);
  if (note) process.stderr.write(`${note}\n`);
  const filter = filterOf(values);
  const json: unknown[] = [];
  let n = 0;
  for (const e of scan.namespaces) {
    const h = e.current ? undefined : openScanned(e);
    if (!e.current && !h) continue; // gone since the scan
    const label = e.current ? null : e.label;
    let ct: Conntrack;
    try {
      ct = new Conntrack(h ? { netns: h.fd } : {});
    } catch (err) {
      h?.close();
      const errno = (err as { errno?: number }).errno;
      if (errno !== 1 && errno !== 13) throw err;
      process.stderr.write(`netlinkts: --all-netns: not allowed to enter ${e.label}: skipped\n`);
      continue;
    }
    try {
      if (!values.json) write(`netns: ${label ?? '(current)'}\n`);
      for await (const entry of ct.list(filter)) {
        n++;
        if (values.json) json.push({ ...entryJson(entry), netns: label, ...(e.container && !e.current ? { netns_container: e.container.id } : {}) });
        else write(`${formatEntry(entry, { extended: values.extended === true })}\n`);
      }
    } finally {
      ct.close();
      h?.close();
    }
  }
  if (values.json) write(`${JSON.stringify(json)}\n`);
  else process.stderr.write(`${summaryLine(n)}\n`);
  return 0;
}

export async function dumpConntrackCommand(argv: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' }, netns: { type: 'string' }, 'all-netns': { type: 'boolean' }, extended: { type: 'boolean' },
      proto: { type: 'string', short: 'p' }, src: { type: 'string', short: 's' }, dst: { type: 'string', short: 'd' },
      sport: { type: 'string' }, dport: { type: 'string' }, mark: { type: 'string', short: 'm' }, zone: { type: 'string', short: 'w' },
      family: { type: 'string', short: 'f' }, nat: { type: 'string' }, count: { type: 'boolean', short: 'C' }, stats: { type: 'boolean', short: 'S' },
    },
  });
  if (values['all-netns']) {
    if (values.netns !== undefined) throw new UsageError('--netns and --all-netns cannot be used together', 'dump-conntrack');
    if (values.count || values.stats || positionals[0] === 'expect') throw new UsageError('--all-netns lists entries only (not with -C, -S or expect)', 'dump-conntrack');
    return allNetns(values, write);
  }
  const ct = new Conntrack({ netns: values.netns });
  try {
    if (values.count) {
      write(`${await ct.count()}\n`);
      return 0;
    }
    if (values.stats) {
      const rows = await ct.stats();
      write(values.json ? `${JSON.stringify(rows)}\n` : formatStats(rows).map((l) => `${l}\n`).join(''));
      return 0;
    }
    if (positionals[0] === 'expect') {
      let n = 0;
      for await (const x of ct.expectations()) { write(`${formatExpectation(x)}\n`); n++; }
      process.stderr.write(`conntrack v1.4.7 (conntrack-tools): ${n} expectations have been shown.\n`);
      return 0;
    }
    const filter = filterOf(values);
    const json: unknown[] = [];
    let n = 0;
    const extended = values.extended;
    for await (const batch of ct.listBatches(filter)) {
      n += batch.length;
      if (values.json) for (const e of batch) json.push(entryJson(e));
      else {
        let text = '';
        for (const e of batch) text += `${formatEntry(e, { extended })}\n`;
        write(text);
      }
    }
    if (values.json) write(`${JSON.stringify(json)}\n`);
    // conntrack writes its count line to stderr; so does this, so stdout matches line for line.
    else process.stderr.write(`${summaryLine(n)}\n`);
    return 0;
  } finally {
    ct.close();
  }
}
