// net.* sysctls in any network namespace, through the /proc/sys file itself: a /proc/sys/net
// file resolves to the namespace of the thread that opens it and stays bound to it, so the
// native shim opens it on a helper thread inside the target namespace and the JS thread reads
// or writes the fd. No `sysctl` or `ip netns exec` process, no setns on the JS thread.
import { close, read, write } from 'node:fs';
import { constants as fsConstants } from 'node:fs';
import { SystemError, ValidationError, systemError } from '../netlink/errors.js';
import { loadNative } from '../netlink/native.js';
import { withNamespaceFd, type NamespaceRef } from '../netlink/namespace.js';

export interface SysctlOptions {
  /** The namespace (default: the JS thread's own). */
  netns?: NamespaceRef;
}

const PART = /^[A-Za-z0-9_\-/]+$/;

/**
 * The /proc/sys path for a net.* key, validated: "net.ipv4.ip_forward" ->
 * /proc/sys/net/ipv4/ip_forward. As in sysctl(8), '/' inside a part stands for a dot in
 * the file name (interface names with dots: "net.ipv4.conf.eth0/100.forwarding" is
 * /proc/sys/net/ipv4/conf/eth0.100/forwarding). The slash form of the whole key
 * ("net/ipv4/ip_forward") is accepted too.
 */
export function sysctlPath(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new ValidationError('key', 'a sysctl key must be a non-empty string');
  if (key.length > 512) throw new ValidationError('key', 'a sysctl key of more than 512 characters');
  // The slash form has no dots; the dotted form uses '/' for dots inside a part.
  const parts = !key.includes('.') && key.includes('/') ? key.split('/') : key.split('.').map((p) => p.replace(/\//g, '.'));
  if (parts[0] !== 'net') throw new ValidationError('key', `"${key}" is not a net.* sysctl (only network sysctls are per namespace)`);
  if (parts.length < 2) throw new ValidationError('key', `"${key}" names no sysctl below net`);
  for (const p of parts) {
    const check = p.replace(/\./g, '/');
    if (!p || !PART.test(check)) throw new ValidationError('key', `"${key}": part "${p}" must be letters, digits, '_', '-' (and '/' for a dot in an interface name)`);
    if (p === '.' || p === '..' || p.startsWith('.') || p.endsWith('.') || p.includes('..')) {
      throw new ValidationError('key', `"${key}": part "${p}" is not a file name`);
    }
  }
  return `/proc/sys/${parts.join('/')}`;
}

function openIn(nsFd: number, path: string, flags: number, key: string, verb: string): number {
  try {
    return loadNative().openIn(nsFd, path, flags);
  } catch (err) {
    const e = err as { errno?: number; syscall?: string };
    if (e.errno === 2) throw new SystemError(2, 'open', `${verb} sysctl ${key}`, `there is no ${path} in this namespace (a per-interface key needs the interface)`);
    throw systemError(err, `${verb} sysctl ${key} (${path})`);
  }
}

function readAll(fd: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const next = (): void => {
      const b = Buffer.alloc(4096);
      read(fd, b, 0, b.length, null, (err, n) => {
        if (err) return reject(err);
        if (n === 0) return resolve(Buffer.concat(chunks).toString('utf8'));
        chunks.push(b.subarray(0, n));
        next();
      });
    };
    next();
  });
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

async function inNamespace<T>(opts: SysctlOptions, fn: (nsFd: number) => Promise<T>): Promise<T> {
  if (opts.netns === undefined) return fn(-1);
  return withNamespaceFd(opts.netns, 'netns', fn);
}

/** The value of a net.* sysctl, as the file holds it minus the trailing newline ("1", "4096\t16384\t4194304"). */
export async function getSysctl(key: string, opts: SysctlOptions = {}): Promise<string> {
  const path = sysctlPath(key);
  return inNamespace(opts, async (nsFd) => {
    const fd = openIn(nsFd, path, fsConstants.O_RDONLY, key, 'read');
    try {
      return (await readAll(fd)).replace(/\n$/, '');
    } catch (err) {
      throw systemError({ errno: (err as NodeJS.ErrnoException).errno ?? 5, syscall: 'read' }, `read sysctl ${key}`);
    } finally {
      await closeFd(fd);
    }
  });
}

/**
 * Set a net.* sysctl (`sysctl -w key=value`). Numbers and booleans are written as decimal
 * (true -> 1); arrays as tab-separated values. The kernel's refusal (EINVAL for a value out
 * of range) comes back as a SystemError naming the key.
 */
export async function setSysctl(key: string, value: string | number | boolean | ReadonlyArray<string | number>, opts: SysctlOptions = {}): Promise<void> {
  const path = sysctlPath(key);
  const text = sysctlValue(value);
  await inNamespace(opts, async (nsFd) => {
    const fd = openIn(nsFd, path, fsConstants.O_WRONLY, key, 'write');
    try {
      await new Promise<void>((resolve, reject) => {
        const data = Buffer.from(`${text}\n`);
        write(fd, data, 0, data.length, null, (err, n) => {
          if (err) return reject(err);
          if (n !== data.length) return reject(Object.assign(new Error('short write'), { errno: -5 }));
          resolve();
        });
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw systemError({ errno: e.errno ?? 5, syscall: 'write' }, `write sysctl ${key}=${text}`);
    } finally {
      await closeFd(fd);
    }
  });
}

function sysctlValue(value: unknown): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isInteger(value)) throw new ValidationError('value', `sysctl values are integers, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return value.map((v) => sysctlValue(v)).join('\t');
  if (typeof value === 'string') {
    if (value.includes('\0') || value.includes('\n')) throw new ValidationError('value', 'a sysctl value must not contain NUL or newlines');
    return value;
  }
  throw new ValidationError('value', `expected a string, number, boolean or array, got ${typeof value}`);
}
