// FDB entries as `bridge -j [-s] fdb show` and `bridge fdb show` print them (print_fdb in
// bridge/fdb.c). Listed with a device filter, bridge leaves the device out: pass showDev false.
import type { FdbEntry } from '../fdb.js';

export function fdbJson(e: FdbEntry, opts: { stats?: boolean; showDev?: boolean } = {}): Record<string, unknown> {
  return {
    deleted: e.msg === 'delneigh' ? true : undefined,
    mac: e.mac, ifname: opts.showDev === false ? undefined : e.ifname, dst: e.dst, vlan: e.vlan, port: e.port, vni: e.vni,
    src_vni: e.src_vni, viaIfIndex: e.viaIfIndex, viaIf: e.viaIf, nhid: e.nhid, linkNetNsId: e.linkNetNsId,
    used: opts.stats ? e.used : undefined, updated: opts.stats ? e.updated : undefined,
    flags: e.flags, master: e.master, state: e.state,
  };
}

export function fdbText(e: FdbEntry, opts: { stats?: boolean; showDev?: boolean } = {}): string {
  let s = e.msg === 'delneigh' ? 'Deleted ' : '';
  if (e.mac) s += `${e.mac} `;
  if (opts.showDev !== false && e.ifname) s += `dev ${e.ifname} `;
  if (e.dst) s += `dst ${e.dst} `;
  if (e.vlan) s += `vlan ${e.vlan} `;
  if (e.port !== undefined) s += `port ${e.port} `;
  if (e.vni !== undefined) s += `vni ${e.vni} `;
  if (e.src_vni !== undefined) s += `src_vni ${e.src_vni} `;
  if (e.viaIfIndex !== undefined) s += `via ifindex ${e.viaIfIndex} `;
  if (e.viaIf) s += `via ${e.viaIf} `;
  if (e.nhid !== undefined) s += `nhid ${e.nhid} `;
  if (e.linkNetNsId !== undefined) s += `link-netnsid ${e.linkNetNsId} `;
  if (opts.stats && e.used !== undefined) s += `used ${e.used}/${e.updated} `;
  for (const f of e.flags) s += `${f} `;
  if (e.master) s += `master ${e.master} `;
  return `${s}${e.state}\n`;
}
