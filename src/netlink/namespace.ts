// Network namespaces as handles: an open fd of the namespace, compared by identity (the nsfs
// device and inode, as `ip netns identify` does), with sockets, files and processes opened
// inside it. Named namespaces live in /run/netns exactly as `ip netns` keeps them, so both
// see the same set. Nothing here ever switches the JS thread's namespace: sockets and files
// are opened by the native shim on a short-lived helper thread, processes are started by the
// netlinkts-nsexec helper (setns + exec in the child).
import { spawn as spawnChild, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import { closeSync, constants as fsConstants, fstatSync, openSync, readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs';
import { HandleClosedError, NotANamespaceError, ValidationError, systemError } from './errors.js';
import { loadNative, nsexecPath } from './native.js';
import { NETLINK_ROUTE } from './constants.js';
import { NetlinkSocket, type SocketOptions } from './socket.js';

/** Where named namespaces are bound, as iproute2 keeps them. */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * Anything that designates a network namespace:
 * - a NetworkNamespace handle;
 * - a string: a name in /run/netns ("ns0") or, when it contains '/', a path
 *   ("/proc/1234/ns/net", "/run/netns/ns0");
 * - { name } / { path } / { pid } (its /proc/PID/ns/net);
 * - any object with a numeric `fd` (an open namespace fd: used, never closed here);
 * - a number: an open namespace fd (not taken over).
 */
export type NamespaceRef = NetworkNamespace | string | number | { name: string } | { path: string } | { pid: number } | { readonly fd: number };

export interface NamespaceOptions {
  /** Directory of named namespaces (default /run/netns). */
  dir?: string;
}

/** Result of NetworkNamespace.exec. */
export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * iproute2's rule for namespace names (ip/ipnetns.c is_valid_netns_name): one path
 * component, not "." or "..", shorter than NAME_MAX.
 */
export function validateNamespaceName(name: unknown, field = 'netns'): string {
  if (typeof name !== 'string') throw new ValidationError(field, `a namespace name must be a string, got ${typeof name}`);
  if (name.length === 0) throw new ValidationError(field, 'a namespace name must not be empty');
  if (Buffer.byteLength(name) >= 255) throw new ValidationError(field, `namespace name "${name.slice(0, 20)}..." is longer than 254 bytes`);
  if (name.includes('/')) throw new ValidationError(field, `namespace name "${name}" must not contain '/'`);
  if (name === '.' || name === '..') throw new ValidationError(field, `"${name}" is not a valid namespace name`);
  if (name.includes('\0')) throw new ValidationError(field, 'a namespace name must not contain NUL');
  return name;
}

/** statfs f_type of nsfs (linux/magic.h NSFS_MAGIC). */
export const NSFS_MAGIC = 0x6e736673;

/**
 * What an open fd is, as far as namespaces go: 'net' for a network namespace, another
 * namespace type ('mnt', 'pid'...), or a description of what else it is. Plain Node, no
 * native help (the same answer ioctl(NS_GET_NSTYPE) gives, without growing the shim):
 * statfs through /proc/self/fd/N reaches the file itself, and nsfs has its own magic; the type
 * is in the name nsfs gives its files, "net:[INODE]", which the fd link reads back as is for
 * /proc/PID/ns/net. A bind-mounted one reads back as its mount point instead, and then the
 * fd's mount (fdinfo's mnt_id) is looked up in mountinfo, whose root field is that name.
 */
export function namespaceKindOfFd(fd: number): { kind: 'net' } | { kind: 'other'; found: string } {
  const link = `/proc/self/fd/${fd}`;
  let type: number;
  try {
    type = Number(statfsSync(link).type);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EBADF' || e.code === 'ENOENT') return { kind: 'other', found: `not an open file descriptor (fd ${fd})` };
    throw systemError({ errno: -(e.errno ?? -5), syscall: 'statfs' }, `identify fd ${fd}`);
  }
  const target = readlinkSync(link);
  if (type !== NSFS_MAGIC) return { kind: 'other', found: describeFile(fd, target, type) };
  const name = NSFS_NAME.test(target) ? target : mountRootOf(fd);
  const m = name === undefined ? null : NSFS_NAME.exec(name);
  if (!m) return { kind: 'other', found: `an nsfs file of unknown type (${target})` };
  if (m[1] === 'net') return { kind: 'net' };
  return { kind: 'other', found: `a ${m[1]} namespace` };
}

/** nsfs names its files "TYPE:[INODE]". */
const NSFS_NAME = /^([a-z_]+):\[\d+\]$/;

/** The root field of the mountinfo line of the mount fd lives on. */
function mountRootOf(fd: number): string | undefined {
  const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  const id = /^mnt_id:\s*(\d+)$/m.exec(info)?.[1];
  if (id === undefined) return undefined;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ', 5);
    if (f[0] === id) return f[3];
  }
  return undefined;
}

function describeFile(fd: number, target: string, fsType: number): string {
  // Pipes and sockets read back as "pipe:[N]" / "socket:[N]".
  if (!target.startsWith('/')) return target ? `"${target}"` : 'an unknown file';
  let what = 'a file';
  try {
    const st = fstatSync(fd);
    what = st.isDirectory() ? 'a directory' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device'
      : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a regular file';
  } catch (err) {
    // The fd closed meanwhile: the generic word will do.
    if ((err as NodeJS.ErrnoException).code !== 'EBADF') throw err;
  }
  return `${what}, filesystem type 0x${fsType.toString(16)}, not nsfs`;
}

/** Throws NotANamespaceError (naming `path`) unless fd is a network namespace. */
export function assertNetNamespaceFd(fd: number, path: string, field = 'netns'): void {
  const k = namespaceKindOfFd(fd);
  if (k.kind !== 'net') throw new NotANamespaceError(field, path, k.found);
}

function flagsOf(flags: number | 'r' | 'w' | 'r+'): number {
  if (typeof flags === 'number') return flags;
  switch (flags) {
    case 'r': return fsConstants.O_RDONLY;
    case 'w': return fsConstants.O_WRONLY;
    case 'r+': return fsConstants.O_RDWR;
    default: throw new ValidationError('flags', `unknown open flags "${String(flags)}"`);
  }
}

/** An open network namespace. Close it (or `using ns = ...`) when done: it holds an fd. */
export class NetworkNamespace implements Disposable {
  /** nsfs device and inode: two handles to the same namespace have equal ones. */
  readonly dev: number;
  readonly ino: number;
  private closedFlag = false;

  /**
   * @param fd an open fd of the namespace; the handle owns it unless `owned` is false.
   * @param name the /run/netns name, when known.
   * @param path the path it was opened from, when any.
   */
  constructor(private readonly fdValue: number, readonly name?: string, readonly path?: string, private readonly owned = true) {
    try {
      [this.dev, this.ino] = loadNative().nsIdentity(fdValue);
    } catch (err) {
      throw systemError(err, `identify network namespace${name ? ` ${name}` : ''}`);
    }
  }

  get fd(): number {
    if (this.closedFlag) throw new HandleClosedError(this.label(), 'netns');
    return this.fdValue;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** How errors name this handle: its /run/netns name, else its path, else its fd. */
  label(): string {
    return this.name ?? this.path ?? `fd ${this.fdValue}`;
  }

  /** "dev:ino", stable for the namespace's life: usable as a Map key. */
  get id(): string {
    return `${this.dev}:${this.ino}`;
  }

  /** Same namespace (not the same handle). */
  equals(other: NetworkNamespace | { dev: number; ino: number }): boolean {
    return this.dev === other.dev && this.ino === other.ino;
  }

  /** Is this the namespace the calling (JS) thread is in? */
  isCurrent(): boolean {
    const [dev, ino] = loadNative().nsIdentity(-1);
    return dev === this.dev && ino === this.ino;
  }

  /** A netlink socket bound to this namespace for its whole life (default NETLINK_ROUTE). */
  openSocket(protocolOrOptions: number | SocketOptions = NETLINK_ROUTE): NetlinkSocket {
    const opts: SocketOptions = typeof protocolOrOptions === 'number' ? { protocol: protocolOrOptions } : { ...protocolOrOptions };
    opts.netns = this.fd;
    opts.name ??= `${this.name ?? this.id}:netlink${opts.protocol ?? NETLINK_ROUTE}`;
    return new NetlinkSocket(opts);
  }

  /**
   * open(path) from inside this namespace; returns the fd (close it with fs.closeSync).
   * /proc/sys/net/... files opened this way keep showing this namespace's values.
   */
  openFile(path: string, flags: number | 'r' | 'w' | 'r+' = 'r'): number {
    const fl = flagsOf(flags);
    try {
      return loadNative().openIn(this.fd, path, fl);
    } catch (err) {
      throw systemError(err, `open ${path} in namespace ${this.describe()}`);
    }
  }

  /**
   * Start a program inside this namespace (child_process.spawn of netlinkts-nsexec, which
   * does setns then exec in the child). `sys: true` also gives it a /sys of this namespace,
   * as `ip netns exec` does. Options are child_process.spawn's.
   */
  spawn(command: string, args: readonly string[] = [], options: SpawnOptions & { sys?: boolean } = {}): ChildProcess {
    const { sys, ...rest } = options;
    const stdio = normalizeStdio(rest.stdio);
    // The namespace fd rides along as the child's fd N; the helper setns()es to it.
    const index = stdio.length;
    stdio.push(this.fd);
    const helperArgs = [...(sys ? ['--sys'] : []), String(index), '--', command, ...args];
    return spawnChild(nsexecPath, helperArgs, { ...rest, stdio });
  }

  /** Run a program inside this namespace to completion, collecting its output. */
  exec(command: string, args: readonly string[] = [], options: SpawnOptions & { sys?: boolean; input?: string } = {}): Promise<ExecResult> {
    const { input, ...rest } = options;
    return new Promise((resolve, reject) => {
      const child = this.spawn(command, args, { ...rest, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
      // A program that exits without reading its input must not turn into an EPIPE crash.
      child.stdin!.on('error', () => {});
      if (input !== undefined) child.stdin!.end(input);
      else child.stdin!.end();
    });
  }

  private describe(): string {
    return this.name ?? this.path ?? `fd ${this.fdValue}`;
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    if (this.owned) closeSync(this.fdValue);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toString(): string {
    return `NetworkNamespace(${this.name ? `${this.name}, ` : ''}${this.id})`;
  }
}

function normalizeStdio(stdio: StdioOptions | undefined): Array<Exclude<StdioOptions, string>[number]> {
  if (stdio === undefined) return ['pipe', 'pipe', 'pipe'];
  if (typeof stdio === 'string') return [stdio, stdio, stdio] as never;
  const out = [...stdio];
  while (out.length < 3) out.push('pipe');
  return out;
}

function openPath(path: string, name: string | undefined, field: string): NetworkNamespace {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') {
      throw new ValidationError(field, name !== undefined ? `network namespace "${name}" does not exist (no ${path})` : `no such namespace path ${path}`);
    }
    throw systemError({ errno: -(e.errno ?? -5), syscall: 'open' }, `open network namespace ${path}`);
  }
  try {
    assertNetNamespaceFd(fd, path, field);
    return new NetworkNamespace(fd, name, path);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Open a namespace handle. Names are looked up in /run/netns; a missing one is a
 * ValidationError naming `field` (so callers can say which input was wrong).
 */
export function openNamespace(ref: NamespaceRef, opts: NamespaceOptions & { field?: string } = {}): NetworkNamespace {
  const field = opts.field ?? 'netns';
  const dir = opts.dir ?? NETNS_RUN_DIR;
  if (ref instanceof NetworkNamespace) {
    // A second, independent handle on the same namespace.
    return new NetworkNamespace(dupFd(ref.fd), ref.name, ref.path);
  }
  if (typeof ref === 'number') return fromFd(ref, field);
  if (typeof ref === 'string') {
    // Only an absolute path is a path; anything else is an `ip netns` name, so "../../etc"
    // cannot walk out of /run/netns.
    if (ref.startsWith('/')) return openPath(ref, undefined, field);
    return openPath(`${dir}/${validateNamespaceName(ref, field)}`, ref, field);
  }
  if (ref && typeof ref === 'object') {
    if ('name' in ref) return openPath(`${dir}/${validateNamespaceName(ref.name, field)}`, ref.name, field);
    if ('path' in ref) {
      if (typeof ref.path !== 'string' || !ref.path) throw new ValidationError(`${field}.path`, 'must be a non-empty string');
      if (!ref.path.startsWith('/')) throw new ValidationError(`${field}.path`, `must be an absolute path, got "${ref.path}" (a name in ${dir} is given as { name })`);
      return openPath(ref.path, undefined, field);
    }
    if ('pid' in ref) {
      if (!Number.isInteger(ref.pid) || ref.pid <= 0) throw new ValidationError(`${field}.pid`, `must be a positive integer, got ${String(ref.pid)}`);
      try {
        return openPath(`/proc/${ref.pid}/ns/net`, undefined, field);
      } catch (err) {
        if (err instanceof ValidationError) throw new ValidationError(`${field}.pid`, `no process ${ref.pid}`);
        throw err;
      }
    }
    if ('fd' in ref) return fromFd(ref.fd, field);
  }
  throw new ValidationError(field, `expected a namespace name, path, { pid }, { fd } or NetworkNamespace, got ${String(ref)}`);
}

function fromFd(fd: number, field: string): NetworkNamespace {
  if (!Number.isInteger(fd) || fd < 0) throw new ValidationError(`${field}.fd`, `must be a non-negative integer, got ${String(fd)}`);
  assertNetNamespaceFd(fd, `fd ${fd}`, `${field}.fd`);
  return new NetworkNamespace(fd, undefined, undefined, false);
}

function dupFd(fd: number): number {
  // /proc/self/fd/N re-opens the same nsfs inode: a dup that Node can do without native help.
  return openSync(`/proc/self/fd/${fd}`, fsConstants.O_RDONLY);
}

/** The namespace the JS thread is in (where sockets without a netns option are opened). */
export function currentNamespace(): NetworkNamespace {
  return openPath('/proc/thread-self/ns/net', undefined, 'netns');
}

/**
 * `ip netns add NAME`: create a namespace and bind it at /run/netns/NAME (same algorithm as
 * iproute2, so `ip netns` sees it). Returns an open handle. EEXIST if the name is taken.
 */
export async function addNamespace(name: string, opts: NamespaceOptions = {}): Promise<NetworkNamespace> {
  validateNamespaceName(name, 'name');
  const dir = opts.dir ?? NETNS_RUN_DIR;
  try {
    loadNative().netnsAdd(dir, name);
  } catch (err) {
    throw systemError(err, `add network namespace ${name}`);
  }
  return openPath(`${dir}/${name}`, name, 'name');
}

/**
 * `ip netns delete NAME`: unbind the name. The namespace itself lives on while processes,
 * sockets or handles use it; its links disappear when the last user goes.
 */
export async function deleteNamespace(name: string, opts: NamespaceOptions = {}): Promise<void> {
  validateNamespaceName(name, 'name');
  try {
    loadNative().netnsDelete(opts.dir ?? NETNS_RUN_DIR, name);
  } catch (err) {
    throw systemError(err, `delete network namespace ${name}`);
  }
}

/** Names in /run/netns (`ip netns list`, without ids: see nsid-ops for those), sorted. */
export async function listNamespaces(opts: NamespaceOptions = {}): Promise<string[]> {
  try {
    return readdirSync(opts.dir ?? NETNS_RUN_DIR).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Whether /run/netns/NAME exists. */
export async function namespaceExists(name: string, opts: NamespaceOptions = {}): Promise<boolean> {
  return (await listNamespaces(opts)).includes(validateNamespaceName(name, 'name'));
}

/**
 * Run fn with an fd for ref, opened for the call and closed after it (handles and fds the
 * caller passed are used as they are, not closed).
 */
export async function withNamespaceFd<T>(ref: NamespaceRef, field: string, fn: (fd: number) => Promise<T>, opts: NamespaceOptions = {}): Promise<T> {
  if (ref instanceof NetworkNamespace) {
    if (ref.closed) throw new HandleClosedError(ref.label(), field);
    return fn(ref.fd);
  }
  if (typeof ref === 'number') return fn(fromFd(ref, field).fd);
  if (ref && typeof ref === 'object' && 'fd' in ref) return fn(fromFd(ref.fd, field).fd);
  const ns = openNamespace(ref, { ...opts, field });
  try {
    return await fn(ns.fd);
  } finally {
    ns.close();
  }
}
