// Helpers for the rtnetlink kernel tests: a throwaway named namespace per test (made with
// the library, so `ip -n NAME` can read it), a socket inside it, and field-by-field
// comparison against `ip -j` output.
import type { ExecutionContext } from 'ava';
import { addNamespace, deleteNamespace, type NetworkNamespace } from '../../src/netlink/namespace.js';
import type { NetlinkSocket } from '../../src/netlink/socket.js';
import { openRtnlSocket, linkUp } from '../../src/rtnl/index.js';
import { assertPrivate, run, uniqueName } from './env.js';

export interface NsContext {
  name: string;
  ns: NetworkNamespace;
  sock: NetlinkSocket;
}

/** A fresh namespace (lo up) with an rtnetlink socket in it; both are removed afterwards. */
export async function withNs<T>(prefix: string, fn: (ctx: NsContext) => Promise<T>): Promise<T> {
  assertPrivate();
  const name = uniqueName(prefix);
  const ns = await addNamespace(name);
  const sock = openRtnlSocket({ netns: ns.fd });
  try {
    await linkUp(sock, 'lo');
    return await fn({ name, ns, sock });
  } finally {
    sock.close();
    ns.close();
    await deleteNamespace(name).catch(() => {});
  }
}

/** Several namespaces at once. */
export async function withNamespaces<T>(prefixes: string[], fn: (ctxs: NsContext[]) => Promise<T>): Promise<T> {
  const open = async (i: number, acc: NsContext[]): Promise<T> =>
    i === prefixes.length ? fn(acc) : withNs(prefixes[i]!, (c) => open(i + 1, [...acc, c]));
  return open(0, []);
}

/** `ip -n NS -j ARGS`, parsed. */
export function ipj<T = any>(ns: string, args: string[]): T {
  const out = run('ip', ['-n', ns, '-j', ...args]).trim();
  return (out ? JSON.parse(out) : []) as T;
}

/** `ip -n NS ARGS` (throws with stderr on failure). */
export function ipn(ns: string, args: string[]): string {
  return run('ip', ['-n', ns, ...args]);
}

/** Keys whose values change between two reads (timers count down). */
const VOLATILE = /(_timer)$/;

/**
 * Every key ip printed must be in the library's object with the same value (the library may
 * have more keys: raw, msg, the "extra" fields). Timers are compared within 1 s. Returns the
 * number of fields compared.
 */
export function sameFields(t: ExecutionContext, ipObj: Record<string, unknown>, lib: Record<string, unknown>, where: string, ignore: string[] = []): number {
  let n = 0;
  for (const [k, v] of Object.entries(ipObj)) {
    if (ignore.includes(k)) continue;
    const got = lib[k];
    if (VOLATILE.test(k) && typeof v === 'number') {
      t.true(typeof got === 'number' && Math.abs(got - v) <= 1, `${where}.${k}: ip ${v}, library ${String(got)}`);
    } else if (v && typeof v === 'object' && !Array.isArray(v) && got && typeof got === 'object' && !Array.isArray(got)) {
      n += sameFields(t, v as Record<string, unknown>, got as Record<string, unknown>, `${where}.${k}`, ignore);
      continue;
    } else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object') && Array.isArray(got) && got.length === v.length) {
      // Arrays of objects (nexthops, metrics): element by element, the library may add keys.
      v.forEach((x, i) => {
        if (x && typeof x === 'object') n += sameFields(t, x as Record<string, unknown>, got[i] as Record<string, unknown>, `${where}.${k}[${i}]`, ignore);
        else t.deepEqual(got[i], x, `${where}.${k}[${i}]`);
      });
      continue;
    } else {
      t.deepEqual(got, v, `${where}.${k}: ip ${JSON.stringify(v)}, library ${JSON.stringify(got)}`);
    }
    n++;
  }
  return n;
}
