// Presentation: entries as `conntrack -L` (and `-o extended`) prints them, and JSON with the
// same fields. A function of the typed entries only. Field order and spelling follow
// conntrack-tools 1.4.7 / libnetfilter_conntrack's default output as observed on this machine:
//   ipv4     2 tcp      6 119 TIME_WAIT src=.. dst=.. sport=.. dport=.. packets=4 bytes=216
//   src=.. dst=.. sport=.. dport=.. packets=4 bytes=218 [ASSURED] mark=0 delta-time=0 use=1
import type { ConntrackEntry, ConntrackExpectation, Counters, Tuple } from './entry.js';
import { protoName } from './entry.js';
import { natOf } from './nat.js';

/** TCP states by the names conntrack-tools prints (its index 9, SYN_SENT2, prints as LISTEN). */
const TCP_STATE_TEXT: Record<string, string> = {
  none: 'NONE', 'syn-sent': 'SYN_SENT', 'syn-recv': 'SYN_RECV', established: 'ESTABLISHED', 'fin-wait': 'FIN_WAIT',
  'close-wait': 'CLOSE_WAIT', 'last-ack': 'LAST_ACK', 'time-wait': 'TIME_WAIT', close: 'CLOSE', 'syn-sent2': 'LISTEN',
};
const SCTP_STATE_TEXT: Record<string, string> = {
  none: 'NONE', cloned: 'CLOSED', 'cookie-wait': 'COOKIE_WAIT', 'cookie-echoed': 'COOKIE_ECHOED', established: 'ESTABLISHED',
  'shutdown-sent': 'SHUTDOWN_SENT', 'shutdown-received': 'SHUTDOWN_RECD', 'shutdown-ack-sent': 'SHUTDOWN_ACK_SENT',
  'shutdown-heartbeat-sent': 'HEARTBEAT_SENT',
};

export interface FormatOptions {
  /** `-o extended`: the layer-3 name and number first. */
  extended?: boolean;
  /** `-o id`: the entry's id after use=. */
  id?: boolean;
  /** Seconds since the epoch for delta-time (default: now). */
  now?: number;
}

const pad8 = (s: string) => (s.length >= 8 ? s : s + ' '.repeat(8 - s.length));

function tupleText(t: Tuple): string {
  let s = `src=${t.src} dst=${t.dst} `;
  if (t.icmp) s += `type=${t.icmp.type} code=${t.icmp.code} id=${t.icmp.id} `;
  else if (t.sport !== undefined || t.dport !== undefined) s += `sport=${t.sport ?? 0} dport=${t.dport ?? 0} `;
  return s;
}
const countersText = (c: Counters | undefined) => (c ? `packets=${c.packets} bytes=${c.bytes} ` : '');

function stateText(e: ConntrackEntry): string | undefined {
  if (e.tcp) return TCP_STATE_TEXT[e.tcp.state] ?? e.tcp.state.toUpperCase();
  if (e.sctp) return SCTP_STATE_TEXT[e.sctp.state] ?? e.sctp.state.toUpperCase();
  return undefined;
}

/** One line of `conntrack -L` (without the newline). */
export function formatEntry(e: ConntrackEntry, opts: FormatOptions = {}): string {
  let s = '';
  if (opts.extended) s += `${pad8(e.family)} ${e.family === 'ipv6' ? 10 : 2} `;
  s += `${pad8(protoName(e.proto))} ${e.proto} `;
  if (e.timeout !== undefined) s += `${e.timeout} `;
  const st = stateText(e);
  if (st) s += `${st} `;
  s += tupleText(e.orig) + countersText(e.counters?.orig);
  if (!e.status.includes('seen-reply')) s += '[UNREPLIED] ';
  s += tupleText(e.reply) + countersText(e.counters?.reply);
  if (e.status.includes('assured')) s += '[ASSURED] ';
  if (e.status.includes('hw-offload')) s += '[HW_OFFLOAD] ';
  else if (e.status.includes('offload')) s += '[OFFLOAD] ';
  if (e.mark !== undefined) s += `mark=${e.mark} `;
  if (e.secmark !== undefined && e.secmark !== 0) s += `secmark=${e.secmark} `;
  if (e.secctx !== undefined) s += `secctx=${e.secctx} `;
  if (e.zone !== undefined) s += `zone=${e.zone} `;
  if (e.timestamp?.start !== undefined) {
    const start = Number(e.timestamp.start / 1_000_000_000n);
    const end = e.timestamp.stop !== undefined ? Number(e.timestamp.stop / 1_000_000_000n) : (opts.now ?? Math.floor(Date.now() / 1000));
    s += `delta-time=${Math.max(0, end - start)} `;
  }
  if (e.helper !== undefined) s += `helper=${e.helper} `;
  if (e.use !== undefined) s += `use=${e.use} `;
  if (opts.id && e.id !== undefined) s += `id=${e.id} `;
  return s.trimEnd();
}

/**
 * One line of `conntrack -E`: the event label right-aligned in 9 columns, the entry, and the
 * port of the program that caused it ([USERSPACE] portid=N) when it was not the kernel.
 * (conntrack also names that program when its pid is the port id and it still runs; not here.)
 */
export function formatEvent(type: 'new' | 'update' | 'destroy', e: ConntrackEntry, portId = 0, opts: FormatOptions = {}): string {
  const label = `[${type.toUpperCase()}]`.padStart(9);
  return `${label} ${formatEntry(e, opts)}${portId ? ` [USERSPACE] portid=${portId}` : ''}`;
}

/** The trailer `conntrack -L` writes to stderr. */
export function summaryLine(count: number): string {
  return `conntrack v1.4.7 (conntrack-tools): ${count} flow entries have been shown.`;
}

function tupleJson(t: Tuple): Record<string, unknown> {
  const o: Record<string, unknown> = { src: t.src, dst: t.dst };
  if (t.icmp) Object.assign(o, { type: t.icmp.type, code: t.icmp.code, id: t.icmp.id });
  else if (t.sport !== undefined || t.dport !== undefined) Object.assign(o, { sport: t.sport ?? 0, dport: t.dport ?? 0 });
  if (t.zone !== undefined) o.zone = t.zone;
  return o;
}
const countersJson = (c: Counters | undefined) => (c ? { packets: Number(c.packets), bytes: Number(c.bytes) } : {});

/**
 * The JSON form: the fields of the `conntrack -L -o extended` line under their printed names
 * (orig/reply hold src, dst, sport/dport or type/code/id, packets, bytes), plus the flags as
 * booleans, the status list, id and the derived nat view.
 */
export function entryJson(e: ConntrackEntry, opts: FormatOptions = {}): Record<string, unknown> {
  const o: Record<string, unknown> = { l3proto: e.family, l3protonum: e.family === 'ipv6' ? 10 : 2, proto: protoName(e.proto), protonum: e.proto };
  if (e.timeout !== undefined) o.timeout = e.timeout;
  const st = stateText(e);
  if (st) o.state = st;
  o.orig = { ...tupleJson(e.orig), ...countersJson(e.counters?.orig) };
  o.reply = { ...tupleJson(e.reply), ...countersJson(e.counters?.reply) };
  o.unreplied = !e.status.includes('seen-reply');
  o.assured = e.status.includes('assured');
  if (e.mark !== undefined) o.mark = e.mark;
  if (e.secmark !== undefined && e.secmark !== 0) o.secmark = e.secmark;
  if (e.secctx !== undefined) o.secctx = e.secctx;
  if (e.zone !== undefined) o.zone = e.zone;
  if (e.timestamp?.start !== undefined) {
    const start = Number(e.timestamp.start / 1_000_000_000n);
    const end = e.timestamp.stop !== undefined ? Number(e.timestamp.stop / 1_000_000_000n) : (opts.now ?? Math.floor(Date.now() / 1000));
    o['delta-time'] = Math.max(0, end - start);
  }
  if (e.helper !== undefined) o.helper = e.helper;
  if (e.use !== undefined) o.use = e.use;
  if (e.id !== undefined) o.id = e.id;
  if (e.labels?.length) o.labels = e.labels;
  o.status = e.status;
  const nat = natOf(e);
  if (nat) o.nat = nat.text;
  return o;
}

/** One line of `conntrack -L expect`. */
export function formatExpectation(x: ConntrackExpectation): string {
  let s = `${x.timeout ?? 0} `;
  const t = x.tuple;
  s += `proto=${t?.proto ?? 0} `;
  if (t) s += tupleText(t);
  if (x.mask) s += `mask-${tupleText(x.mask).trim().replace(/ /g, ' mask-')} `;
  if (x.master) s += `master-${tupleText(x.master).trim().replace(/ /g, ' master-')} `;
  if (x.helper) s += `helper=${x.helper} `;
  return s.trimEnd();
}

/** `conntrack -S` lines: "cpu=0   \tfound=0 invalid=0 ...". */
export function formatStats(rows: readonly CpuStats[]): string[] {
  return rows.map((r) => `cpu=${String(r.cpu).padEnd(4)}\tfound=${r.found} invalid=${r.invalid} insert=${r.insert} insert_failed=${r.insertFailed} drop=${r.drop} early_drop=${r.earlyDrop} error=${r.error} search_restart=${r.searchRestart} clash_resolve=${r.clashResolve} chaintoolong=${r.chainTooLong} `);
}

export interface CpuStats {
  cpu: number;
  found: number; invalid: number; insert: number; insertFailed: number; drop: number; earlyDrop: number;
  error: number; searchRestart: number; clashResolve: number; chainTooLong: number;
  searched?: number; new?: number; ignore?: number; delete?: number; deleteList?: number;
}
