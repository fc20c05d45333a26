// `netlinkts dump-conntrack`: the connection-tracking table as `conntrack -L` prints it
// (-o extended with --extended), or expectations (`conntrack -L expect`), counts (-C) and
// per-CPU statistics (-S); --json gives the entries' fields and their NAT view.
import { parseArgs } from 'node:util';
import { Conntrack, type ConntrackFilter } from '../../conntrack/client.js';
import { entryJson, formatEntry, formatExpectation, formatStats, summaryLine } from '../../conntrack/format.js';

export async function dumpConntrackCommand(argv: string[], write: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' }, netns: { type: 'string' }, extended: { type: 'boolean' },
      proto: { type: 'string', short: 'p' }, src: { type: 'string', short: 's' }, dst: { type: 'string', short: 'd' },
      sport: { type: 'string' }, dport: { type: 'string' }, mark: { type: 'string', short: 'm' }, zone: { type: 'string', short: 'w' },
      family: { type: 'string', short: 'f' }, nat: { type: 'string' }, count: { type: 'boolean', short: 'C' }, stats: { type: 'boolean', short: 'S' },
    },
  });
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
    const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
    const filter: ConntrackFilter = {};
    if (values.proto !== undefined) filter.proto = /^\d+$/.test(values.proto) ? Number(values.proto) : values.proto;
    if (values.src !== undefined) filter.src = values.src;
    if (values.dst !== undefined) filter.dst = values.dst;
    if (values.sport !== undefined) filter.sport = num(values.sport);
    if (values.dport !== undefined) filter.dport = num(values.dport);
    if (values.mark !== undefined) {
      const [v, m] = values.mark.split('/');
      filter.mark = m === undefined ? Number(v) : { value: Number(v), mask: Number(m) };
    }
    if (values.zone !== undefined) filter.zone = num(values.zone);
    if (values.family !== undefined) filter.family = values.family === 'ipv6' ? 'ipv6' : 'ipv4';
    if (values.nat !== undefined) filter.nat = values.nat as ConntrackFilter['nat'];
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
