// The translation a connection underwent, derived from its two tuples: with no NAT the reply
// tuple is the original one reversed; where it is not, the differences are the translation.
// SNAT/masquerade shows in the reply's destination (and port), DNAT in the reply's source.
import type { ConntrackEntry, Tuple } from './entry.js';

export interface NatView {
  kind: 'snat' | 'dnat' | 'both';
  /** 'masquerade' when the kernel reports no explicit NAT range (masquerade picks the address), else 'snat'/'dnat'. */
  via: string;
  /** Client side as the client sees it. */
  from: Endpoint;
  /** Server side as the client addressed it. */
  to: Endpoint;
  /** The source the server sees (after SNAT). */
  translatedFrom?: Endpoint;
  /** The destination the packets really reach (after DNAT). */
  translatedTo?: Endpoint;
  /** "192.168.5.2:40000 -> 203.0.113.2:40000 via masquerade to 198.51.100.1". */
  text: string;
}

export interface Endpoint { address: string; port?: number }

function ep(address: string, port: number | undefined): Endpoint {
  return port === undefined ? { address } : { address, port };
}
function show(e: Endpoint): string {
  if (e.port === undefined) return e.address;
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

/** The NAT view of an entry, or undefined when it was not translated. */
export function natOf(e: Pick<ConntrackEntry, 'orig' | 'reply' | 'status'>): NatView | undefined {
  const o: Tuple = e.orig;
  const r: Tuple = e.reply;
  const snat = r.dst !== o.src || (r.dport !== undefined && r.dport !== o.sport);
  const dnat = r.src !== o.dst || (r.sport !== undefined && r.sport !== o.dport);
  if (!snat && !dnat) return undefined;
  const from = ep(o.src, o.sport);
  const to = ep(o.dst, o.dport);
  const view: NatView = { kind: snat && dnat ? 'both' : snat ? 'snat' : 'dnat', via: '', from, to, text: '' };
  const parts: string[] = [];
  if (snat) {
    view.translatedFrom = ep(r.dst, r.dport);
    // The kernel does not say which rule did it; masquerade is what the seeds set up and what a
    // source NAT without a fixed address is called. A port change is shown with the address.
    const t = view.translatedFrom;
    parts.push(`via masquerade to ${t.port !== undefined && t.port !== o.sport ? show(t) : t.address}`);
  }
  if (dnat) {
    view.translatedTo = ep(r.src, r.sport);
    parts.push(`via dnat to ${show(view.translatedTo)}`);
  }
  view.via = snat && !dnat ? 'masquerade' : dnat && !snat ? 'dnat' : 'masquerade+dnat';
  view.text = `${show(from)} -> ${show(to)} ${parts.join(' and ')}`;
  return view;
}
