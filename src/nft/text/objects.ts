// Stateful objects (counter, quota, limit, ct helper, ct timeout, ct expectation, secmark,
// synproxy) and flowtables, printed as nft 1.0.6 prints their declarations.
import type { RawObj, Rec } from './snapshot.js';
import { limitText, quotaText } from './statements.js';
import { SYMBOLS, timeText } from './types.js';
import { NetlinkBuffer } from '../../netlink/reader.js';
import { walkNested } from '../../netlink/reader.js';

const L3 = (n: number): string => (n === 2 ? 'ip' : n === 10 ? 'ip6' : n === 1 ? 'inet' : String(n));
const L4 = (n: number): string => SYMBOLS.inet_proto!.get(n) ?? String(n);

// Conntrack timeout policy names (CTA_TIMEOUT_<PROTO>_*), by attribute number.
const TCP_TIMEOUTS = ['', 'syn_sent', 'syn_recv', 'established', 'fin_wait', 'close_wait', 'last_ack', 'time_wait', 'close', 'syn_sent2', 'retrans', 'unacknowledged'];
const UDP_TIMEOUTS = ['', 'unreplied', 'replied'];
// The kernel's defaults (seconds): nft prints only what differs from them.
const TCP_DEFAULTS = [0, 120, 60, 432000, 120, 60, 30, 120, 10, 120, 300, 300];
const UDP_DEFAULTS = [0, 30, 120];

/** The policy entries that differ from the kernel's defaults, as [state, seconds]. */
export function timeoutPolicyPairs(l4: number, data: Uint8Array | undefined): [string, number][] {
  const out: [string, number][] = [];
  if (!data) return out;
  const names = l4 === 6 ? TCP_TIMEOUTS : l4 === 17 ? UDP_TIMEOUTS : [];
  const defaults = l4 === 6 ? TCP_DEFAULTS : l4 === 17 ? UDP_DEFAULTS : [];
  const buf = new NetlinkBuffer(data);
  walkNested(buf, 0, data.length, 0, (type, off) => {
    const v = buf.view.getUint32(off, false);
    if (names[type] && v !== defaults[type]) out.push([names[type]!, v]);
  });
  return out;
}

function timeoutPolicy(l4: number, data: Uint8Array | undefined): string {
  if (!data) return '';
  const names = l4 === 6 ? TCP_TIMEOUTS : l4 === 17 ? UDP_TIMEOUTS : [];
  const defaults = l4 === 6 ? TCP_DEFAULTS : l4 === 17 ? UDP_DEFAULTS : [];
  const out: string[] = [];
  const buf = new NetlinkBuffer(data);
  walkNested(buf, 0, data.length, 0, (type, off) => {
    const v = buf.view.getUint32(off, false);
    if (names[type] && v !== defaults[type]) out.push(`${names[type]} : ${v}`);
  });
  return out.length ? `\t\tpolicy = { ${out.join(', ')} }\n` : '';
}

export const OBJECT_KINDS: Record<number, string> = { 1: 'counter', 2: 'quota', 3: 'ct helper', 4: 'limit', 7: 'ct timeout', 8: 'secmark', 9: 'ct expectation', 10: 'synproxy' };

function body(type: number, d: Rec): string {
  switch (type) {
    case 1: return `\t\tpackets ${d.packets ?? 0n} bytes ${d.bytes ?? 0n}\n`;
    case 2: return `\t\t${quotaText(d, true)}\n`;
    case 4: return `\t\t${limitText(d)}\n`;
    case 3: return `\t\ttype "${d.name}" protocol ${L4(Number(d.l4proto))}\n\t\tl3proto ${L3(Number(d.l3proto))}\n`;
    case 7: return `\t\tprotocol ${L4(Number(d.l4proto))}\n\t\tl3proto ${L3(Number(d.l3proto))}\n${timeoutPolicy(Number(d.l4proto), d.data)}`;
    case 9: return `\t\tprotocol ${L4(Number(d.l4proto))}\n\t\tdport ${d.dport}\n\t\ttimeout ${timeText(BigInt(d.timeout ?? 0))}\n\t\tsize ${d.size}\n\t\tl3proto ${L3(Number(d.l3proto))}\n`;
    case 8: return `\t\t"${d.ctx}"\n`;
    case 10: {
      const fl = Number(d.flags ?? 0);
      return `\t\tmss ${d.mss}\n\t\twscale ${d.wscale}\n${fl & 3 ? `\t\t${[fl & 1 && 'timestamp', fl & 2 && 'sack-perm'].filter(Boolean).join(' ')}\n` : ''}`;
    }
    default: return '';
  }
}

export function objectDeclaration(o: RawObj, handles: boolean): string {
  const type = Number(o.attrs.type);
  const kind = OBJECT_KINDS[type] ?? `object ${type}`;
  return `\t${kind} ${o.attrs.name} {${handles ? ` # handle ${o.attrs.handle}` : ''}\n${body(type, o.data)}\t}\n`;
}

export function flowtableDeclaration(f: Rec, handles: boolean, prio: (p: number) => string): string {
  const hook = (f.hook ?? {}) as Rec;
  const devs = ((hook.devs?.name ?? []) as string[]);
  let s = `\tflowtable ${f.name} {${handles ? ` # handle ${f.handle}` : ''}\n`;
  s += `\t\thook ingress priority ${prio(Number(hook.priority ?? 0))}\n`;
  if (devs.length) s += `\t\tdevices = { ${devs.join(', ')} }\n`;
  if (Number(f.flags ?? 0) & 1) s += '\t\tflags offload\n';
  return `${s}\t}\n`;
}
