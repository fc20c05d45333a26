// Neighbour entries as `ip -j neigh show` and `ip neigh show` print them.
import type { Neighbour } from '../neighbour.js';

export function neighJson(n: Neighbour, netns?: string | null): Record<string, unknown> {
  return {
    dst: n.dst, dev: n.dev, lladdr: n.lladdr, router: n.router, proxy: n.proxy, managed: n.managed,
    extern_learn: n.extern_learn, offload: n.offload, state: n.state, protocol: n.protocol, netns,
  };
}

export function neighText(n: Neighbour): string {
  let s = n.dst ?? '';
  if (n.dev) s += ` dev ${n.dev}`;
  if (n.lladdr) s += ` lladdr ${n.lladdr}`;
  for (const f of ['router', 'proxy', 'managed', 'extern_learn', 'offload'] as const) if (n[f] === null) s += ` ${f}`;
  if (n.protocol) s += ` proto ${n.protocol}`;
  if (n.state) s += ` ${n.state.join(' ')}`;
  return `${s}\n`;
}
