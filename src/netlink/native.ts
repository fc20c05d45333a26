// Typed loader for the native shim (native/netlinkts.c) and the path of the
// netlinkts-nsexec helper. The addon is loaded on first use, not at import, so
// that code which only encodes and decodes messages works without it.

import { NetlinkTsError } from './errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Errors thrown by the binding are plain `Error`s with `errno` (positive),
 * `syscall` (e.g. 'setns'), `code` for common errnos (e.g. 'ENOENT'), and the
 * message `"<syscall>: <strerror>"`. Wrap them with `systemError()` (errors.ts).
 */
export interface NativeError extends Error {
  errno: number;
  syscall: string;
  code?: string;
}

/** Opaque handle of a polling receiver (a uv_poll_t on the socket's fd). */
export type PollHandle = object & { readonly __netlinktsPoll?: never };

/**
 * Receive callback. `datagrams`: up to 64 whole datagrams, each in a Buffer of
 * exactly its size; `errno` 0. On a receive error `datagrams` is empty and
 * `errno` set: 105 (ENOBUFS) means the receive queue overflowed and messages
 * were lost; polling continues. After 9 (EBADF) or 88 (ENOTSOCK) polling has
 * stopped. `this` is the poll handle.
 */
export type PollCallback = (this: PollHandle, datagrams: Buffer[], errno: number, nsids?: Int32Array) => void;

export interface PollOptions {
  /**
   * Read with recvmsg and hand the callback a third argument: an Int32Array
   * parallel to `datagrams`, each datagram's sender namespace id (the cmsg the
   * kernel attaches on NETLINK_LISTEN_ALL_NSID sockets), -1 when there is none
   * (the socket's own namespace). Off: plain recv(), no third argument.
   */
  nsid?: boolean;
}

export interface NativeBinding {
  /**
   * socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC|SOCK_NONBLOCK, protocol). With
   * nsFd >= 0 the socket is created inside that network namespace (on a helper
   * thread; the calling thread never switches) and stays bound to it.
   */
  socketOpen(protocol: number, nsFd: number): number;
  /**
   * bind with nl_pid 0 (the kernel assigns the port id) and nl_groups = groups.
   * Once per socket: binding again with nl_pid 0 fails with EINVAL; join groups
   * later with setsockoptInt(fd, 270 SOL_NETLINK, 1 NETLINK_ADD_MEMBERSHIP, group).
   */
  socketBind(fd: number, groups: number): void;
  /** The port id (nl_pid) the socket is bound to; 0 before bind/first send. */
  socketPortId(fd: number): number;
  setsockoptInt(fd: number, level: number, name: number, value: number): void;
  getsockoptInt(fd: number, level: number, name: number): number;
  /** sendto the kernel (nl_pid 0). Returns bytes sent; throws on error, EAGAIN included. */
  socketSend(fd: number, data: ArrayBufferView | ArrayBuffer): number;
  /**
   * sendto another socket's port id and, with groups (a bitmask), to those
   * multicast groups too. User-to-user unicast never overruns the receiver
   * (the sender gets EAGAIN); multicast does (the receiver gets ENOBUFS).
   * NETLINK_USERSOCK has no kernel socket: multicast-only (portId 0) sends are
   * delivered and then fail with ECONNREFUSED.
   */
  socketSendTo(fd: number, data: ArrayBufferView | ArrayBuffer, portId: number, groups?: number): number;
  /**
   * sendto() on a libuv pool thread; cb(errno, bytes) on the JS thread. The kernel processes
   * netlink requests inside sendto(), so JS can prepare the next datagram meanwhile. `data`
   * must not change and the fd must stay open until cb runs.
   */
  socketSendAsync?(fd: number, data: ArrayBufferView | ArrayBuffer, portId: number, cb: (errno: number, bytes: number) => void): void;
  /** Stops any poll on fd, then closes it. */
  socketClose(fd: number): void;
  /**
   * Receive on the event loop. cb runs once per batch of datagrams. If cb
   * throws, polling stops and the exception goes to 'uncaughtException'.
   * The handle keeps the process alive while polling unless pollUnref'd.
   */
  pollStart(fd: number, cb: PollCallback, options?: PollOptions): PollHandle;
  /** Stops and closes the poll. Idempotent; fine from inside the callback. */
  pollStop(handle: PollHandle): void;
  pollRef(handle: PollHandle): void;
  pollUnref(handle: PollHandle): void;
  /**
   * open(path, flags|O_CLOEXEC) inside the network namespace nsFd (-1: the
   * current one), e.g. a /proc/sys/net file; the fd stays bound to that
   * namespace. For /proc/net files use /proc/thread-self/net/..., since
   * /proc/self is the thread-group leader, which is not in the namespace.
   */
  openIn(nsFd: number, path: string, flags: number): number;
  /** `ip netns add NAME` with dir as the runtime dir (normally /run/netns). EEXIST if taken. */
  netnsAdd(dir: string, name: string): void;
  /** `ip netns delete NAME`: umount2(MNT_DETACH) and unlink. ENOENT if missing. */
  netnsDelete(dir: string, name: string): void;
  /** [st_dev, st_ino] of a namespace fd; fd -1: the calling (JS) thread's network namespace. */
  nsIdentity(fd: number): [number, number];
}

function findPackageRoot(from: string): string {
  let first: string | undefined;
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      first ??= dir;
      // Skip stray package.json files (e.g. a {"type":"module"} one in dist/).
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'netlinkts') return dir;
      } catch (err) {
        // Unreadable or not JSON: keep walking. Anything else is a real failure.
        const code = (err as NodeJS.ErrnoException).code;
        if (!(err instanceof SyntaxError) && code !== 'EACCES' && code !== 'EISDIR' && code !== 'ENOENT') throw err;
      }
    }
    if (dirname(dir) === dir) {
      if (first) return first;
      throw new NetlinkTsError(`netlinkts: no package.json above ${from}`);
    }
  }
}

/** The directory holding netlinkts' package.json (works from src/ and dist/src/). */
export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findNsexec(): string {
  const candidates = [
    join(packageRoot, 'build', 'Release', 'netlinkts-nsexec'),
    join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'netlinkts-nsexec'),
  ];
  // If neither exists, spawning the first fails with ENOENT naming the path.
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** Absolute path of the netlinkts-nsexec helper executable. */
export const nsexecPath: string = findNsexec();

let binding: NativeBinding | undefined;

/** How loadAddon found the addon: the fixed build path, or node-gyp-build's search. */
export type AddonSource = 'build/Release' | 'node-gyp-build';

/**
 * Loads the addon of the package at `root`: build/Release/netlinkts.node first, by its fixed
 * path with process.dlopen (what node-gyp-build would pick there anyway, without its directory
 * scans: ~6% of a cold `netlinkts dump-links`), then node-gyp-build (prebuilds/, build/Debug,
 * ...) when that file is missing or does not load.
 */
export function loadAddon(root: string, require: NodeJS.Require = createRequire(import.meta.url)): { binding: NativeBinding; source: AddonSource } {
  const fixed = join(root, 'build', 'Release', 'netlinkts.node');
  // Only a missing build falls through to the prebuilds: a build that exists and does not load
  // (an ABI mismatch after a Node upgrade, a wrong architecture) is reported as itself.
  if (existsSync(fixed)) try {
    // What require() does with a .node file, without its path resolution (realpath of each
    // component, package.json scope lookups): ~3 ms of a cold CLI run.
    const module = { exports: {} as NativeBinding };
    process.dlopen(module, fixed);
    return { binding: module.exports, source: 'build/Release' };
  } catch (err) {
    throw new NetlinkTsError(`netlinkts: the native addon ${fixed} exists but does not load (${(err as Error).message}); rebuild it (npm rebuild netlinkts) for this Node.js`);
  }
  // Not built here (prebuilds only): node-gyp-build searches and reports.
  const load = require('node-gyp-build') as (dir: string) => unknown;
  return { binding: load(root) as NativeBinding, source: 'node-gyp-build' };
}

/** The addon if something has loaded it, without loading it. */
export function loadedNative(): NativeBinding | undefined {
  return binding;
}

/** Loads the addon (once): build/Release by its path, then node-gyp-build (prebuilds/). */
export function loadNative(): NativeBinding {
  binding ??= loadAddon(packageRoot).binding;
  return binding;
}

/** The binding, loaded on first property access. */
export const native: NativeBinding = new Proxy({} as NativeBinding, {
  get(_target, key) {
    return (loadNative() as unknown as Record<PropertyKey, unknown>)[key];
  },
});
