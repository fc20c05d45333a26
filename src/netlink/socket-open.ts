// Opening a netlink socket, in this namespace or another: the fd is made on the addon's helper
// thread inside the target namespace (setns never runs on the JS thread) and stays bound to it
// for its whole life. Then bind, port id, and the options every netlinkts socket wants.
import { closeSync, openSync } from 'node:fs';
import {
  NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_LISTEN_ALL_NSID, NETLINK_ROUTE, SOL_NETLINK, SOL_SOCKET,
  SO_RCVBUF, SO_RCVBUFFORCE, SO_SNDBUF, SO_SNDBUFFORCE,
} from './constants.js';
import { systemError } from './errors.js';
import type { NativeBinding } from './native.js';
import type { NamespaceTarget, SocketOptions } from './socket-options.js';

function openNamespaceFd(target: NamespaceTarget, operation: string): { fd: number; owned: boolean } {
  if (typeof target === 'number') return { fd: target, owned: false };
  try {
    return { fd: openSync(target, 'r'), owned: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw systemError({ errno: -(e.errno ?? -2), syscall: `open ${target}` }, operation);
  }
}

/** setsockopt that may be refused by older kernels (optional) or must succeed. */
export function setOption(native: NativeBinding, fd: number, level: number, name: number, value: number, optional: boolean): void {
  try {
    native.setsockoptInt(fd, level, name, value);
  } catch (err) {
    if (!optional) throw err;
  }
}

/** Force the buffer size when privileged; otherwise ask for it and take what rmem_max allows. */
function setBufferSize(native: NativeBinding, fd: number, force: number, plain: number, size: number): void {
  try {
    native.setsockoptInt(fd, SOL_SOCKET, force, size);
  } catch (err) {
    if (Math.abs((err as { errno?: number }).errno ?? 0) !== 1) throw err; // only EPERM: unprivileged
    setOption(native, fd, SOL_SOCKET, plain, size, true);
  }
}

/**
 * socket() in options.netns (or here), bind(groups), getsockname() for the port id, then
 * extended ACKs, strict checking, buffer sizes and LISTEN_ALL_NSID as asked. The caller starts
 * polling; on any failure here the fd is closed and a SystemError names the step.
 */
export function openNetlinkFd(native: NativeBinding, protocol: number, options: SocketOptions): { fd: number; portId: number } {
  const operation = `open netlink socket (protocol ${protocol})`;
  let nsFd = -1;
  let owned = false;
  let fd: number;
  if (options.netns !== undefined) ({ fd: nsFd, owned } = openNamespaceFd(options.netns, operation));
  try {
    fd = native.socketOpen(protocol, nsFd);
  } catch (err) {
    throw systemError(err, options.netns !== undefined ? `${operation} in namespace ${String(options.netns)}` : operation);
  } finally {
    if (owned) closeSync(nsFd);
  }
  try {
    native.socketBind(fd, options.groups ?? 0);
    const portId = native.socketPortId(fd);
    if (options.extendedAck ?? true) setOption(native, fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, true);
    if (options.strictChecking ?? protocol === NETLINK_ROUTE) setOption(native, fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1, true);
    setBufferSize(native, fd, SO_RCVBUFFORCE, SO_RCVBUF, options.receiveBufferSize ?? 4 << 20);
    setBufferSize(native, fd, SO_SNDBUFFORCE, SO_SNDBUF, options.sendBufferSize ?? 4 << 20);
    if (options.listenAllNsid) setOption(native, fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1, false);
    return { fd, portId };
  } catch (err) {
    native.socketClose(fd);
    throw systemError(err, operation);
  }
}
