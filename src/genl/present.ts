// Generic netlink families as `genl ctrl list` prints them, and as JSON with the same facts.
import type { GenlFamilyInfo } from './resolve.js';

const CAPS: Array<[string, string]> = [
  ['admin-perm', 'requires admin permission; '],
  ['cmd-cap-do', 'can doit; '],
  ['cmd-cap-dump', 'can dumpit; '],
  ['cmd-cap-haspol', 'has policy'],
];
const BITS: Record<string, number> = { 'admin-perm': 1, 'cmd-cap-do': 2, 'cmd-cap-dump': 4, 'cmd-cap-haspol': 8, 'uns-admin-perm': 16 };

/**
 * One family's block of `genl ctrl list`. genl shows an operation's capabilities only for
 * families whose version is 2 or more (it reads them as a newer controller's feature).
 */
export function genlFamilyText(f: GenlFamilyInfo): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  let s = `\nName: ${f.name}\n\tID: ${hex(f.id)}  Version: ${hex(f.version)}  header size: ${f.hdrsize}  max attribs: ${f.maxattr} \n`;
  s += '\tcommands supported: \n';
  f.ops.forEach((op, i) => {
    s += `\t\t#${i + 1}:  ID-${hex(op.id)} \n`;
    if (f.version >= 2) {
      const bits = op.flags.reduce((n, name) => n | (BITS[name] ?? 0), 0);
      s += `\t\tCapabilities (${hex(bits)}):\n \t\t  ${CAPS.filter(([name]) => op.flags.includes(name)).map(([, text]) => text).join('')}\n\n`;
    }
  });
  s += '\n';
  if (f.mcastGroups.size) {
    s += '\tmulticast groups:\n';
    [...f.mcastGroups].forEach(([name, id], i) => { s += `\t\t#${i + 1}:  ID-${hex(id)}  name: ${name} \n`; });
    s += '\n';
  }
  return s;
}

export interface GenlFamilyJson {
  name: string;
  id: number;
  version: number;
  hdrsize: number;
  maxattr: number;
  ops: { id: number; flags: string[] }[];
  mcast_groups: { name: string; id: number }[];
}

export function genlFamilyJson(f: GenlFamilyInfo): GenlFamilyJson {
  return {
    name: f.name, id: f.id, version: f.version, hdrsize: f.hdrsize, maxattr: f.maxattr,
    ops: f.ops.map((o) => ({ id: o.id, flags: [...o.flags] })),
    mcast_groups: [...f.mcastGroups].map(([name, id]) => ({ name, id })),
  };
}
