// strace as the oracle for bytes on the wire: every netlink message a program sends, whole
// (strace -e write=all dumps each sendmsg/sendto buffer in hex), even when the kernel refuses it.
import { spawnSync } from 'node:child_process';
import { tool } from './tools.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STRACE = tool('strace');

/** Each traced call of `argv` (inside `ip netns exec NS` when ns is given) with the bytes strace dumped for it. */
function traceCalls(argv: string[], calls: string[], ns?: string): { calls: { send: boolean; bytes: Uint8Array }[]; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'netlinkts-strace-'));
  const log = join(dir, 'trace');
  const cmd = [STRACE, '-f', '-qq', '-e', `trace=${calls.join(',')}`, '-e', 'write=all', '-e', 'read=all', '-e', 'signal=none', '-o', log, ...argv];
  const r = ns ? spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' }) : spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
  let trace = '';
  try {
    trace = readFileSync(log, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const out: { send: boolean; bytes: Uint8Array }[] = [];
  let cur: { send: boolean; hex: number[] } | undefined;
  const finish = (): void => { if (cur) out.push({ send: cur.send, bytes: Uint8Array.from(cur.hex) }); };
  const callRe = new RegExp(`\\b(${calls.join('|')})\\(`);
  for (const line of trace.split('\n')) {
    const call = callRe.exec(line);
    if (call) {
      finish();
      cur = { send: call[1]!.startsWith('send'), hex: [] };
      continue;
    }
    // "| 00000  10 00 ..." (with "[pid N]" or "PID " before it under -f)
    const m = /^\s*(?:\[pid\s+\d+\]\s*)?(?:\d+\s+)?\| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2})+)/.exec(line);
    if (m && cur) for (const h of m[1]!.trim().split(/\s+/)) cur.hex.push(parseInt(h, 16));
  }
  finish();
  return { calls: out, status: r.status, stderr: r.stderr };
}

/** The messages `argv` sent (inside `ip netns exec NS` when ns is given), one Uint8Array per datagram. */
export function sentDatagrams(argv: string[], ns?: string): { datagrams: Uint8Array[]; status: number | null; stderr: string } {
  const r = traceCalls(argv, ['sendmsg', 'sendto'], ns);
  return { datagrams: r.calls.map((c) => c.bytes), status: r.status, stderr: r.stderr };
}

/**
 * Both directions of `argv`'s netlink conversation (inside `ip netns exec NS`), as the hex text
 * `netlinkts decode` reads: one "send" or "recv" line per datagram.
 */
export function conversationHex(argv: string[], ns: string): { hex: string; status: number | null; stderr: string } {
  const r = traceCalls(argv, ['sendmsg', 'sendto', 'recvmsg', 'recvfrom'], ns);
  const lines = r.calls.filter((c) => c.bytes.length).map((c) => `${c.send ? 'send' : 'recv'} ${Buffer.from(c.bytes).toString('hex').replace(/../g, '$& ').trim()}`);
  return { hex: `${lines.join('\n')}\n`, status: r.status, stderr: r.stderr };
}

/** Splits datagrams into netlink messages (by nlmsg_len). */
export function messagesOf(datagrams: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of datagrams) {
    let off = 0;
    while (off + 16 <= d.length) {
      const len = new DataView(d.buffer, d.byteOffset + off).getUint32(0, true);
      if (len < 16 || off + len > d.length) break;
      out.push(d.subarray(off, off + len));
      off += (len + 3) & ~3;
    }
  }
  return out;
}

/** A message with its sequence number and port id zeroed, as hex, for comparing requests. */
export function requestHex(m: Uint8Array): string {
  const c = Uint8Array.from(m);
  c.fill(0, 8, 16);
  return Buffer.from(c).toString('hex');
}
