// Names nft prints for device groups and routing realms: like nft (rt_symbol_table_init in
// nftables' src/rt.c and datatype.c), they come from iproute2's tables on this host,
// /etc/iproute2/group ("0 default") and /etc/iproute2/rt_realms ("0 cosmos"), one
// "NUMBER NAME" a line, "#" comments, numbers decimal or 0x hex. A missing file means numbers.
import { readFileSync } from 'node:fs';

export type NameTable = ReadonlyMap<number, string>;

/** Parses an iproute2 name table (number -> first name given for it). */
export function parseNameTable(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(0x[0-9a-f]+|\d+)\s+(\S+)/i.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    if (Number.isSafeInteger(n) && !out.has(n)) out.set(n, m[2]!);
  }
  return out;
}

const cache = new Map<string, NameTable>();

function load(path: string): NameTable {
  let t = cache.get(path);
  if (!t) {
    try {
      t = parseNameTable(readFileSync(path, 'utf8'));
    } catch {
      t = new Map();
    }
    cache.set(path, t);
  }
  return t;
}

/** The host's tables, read once per process (nft reads them once per run). */
export const hostNameTables = {
  get devgroup(): NameTable { return load('/etc/iproute2/group'); },
  get realm(): NameTable { return load('/etc/iproute2/rt_realms'); },
};
