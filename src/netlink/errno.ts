// errno numbers on Linux (asm-generic/errno-base.h, asm-generic/errno.h) and their names.
// Kept as a table, not os.constants lookups at call time, so decoding an error costs nothing.

const NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC',
  9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 15: 'ENOTBLK',
  16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
  23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE',
  30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM', 34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG',
  37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 43: 'EIDRM', 61: 'ENODATA',
  62: 'ETIME', 71: 'EPROTO', 85: 'ERESTART', 74: 'EBADMSG', 75: 'EOVERFLOW', 84: 'EILSEQ', 90: 'EMSGSIZE',
  92: 'ENOPROTOOPT', 93: 'EPROTONOSUPPORT', 94: 'ESOCKTNOSUPPORT', 95: 'EOPNOTSUPP',
  96: 'EPFNOSUPPORT', 97: 'EAFNOSUPPORT', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 100: 'ENETDOWN',
  101: 'ENETUNREACH', 102: 'ENETRESET', 103: 'ECONNABORTED', 104: 'ECONNRESET', 105: 'ENOBUFS',
  106: 'EISCONN', 107: 'ENOTCONN', 110: 'ETIMEDOUT', 111: 'ECONNREFUSED', 112: 'EHOSTDOWN',
  113: 'EHOSTUNREACH', 114: 'EALREADY', 115: 'EINPROGRESS', 116: 'ESTALE', 122: 'EDQUOT',
  125: 'ECANCELED', 130: 'EOWNERDEAD', 131: 'ENOTRECOVERABLE', 132: 'ERFKILL', 133: 'EHWPOISON',
  // Kernel-internal codes that netlink can leak to user space (include/linux/errno.h).
  512: 'ERESTARTSYS', 524: 'ENOTSUPP', 525: 'ETOOSMALL',
};

const MESSAGES: Record<string, string> = {
  EPERM: 'operation not permitted', ENOENT: 'no such file or directory', ESRCH: 'no such process',
  EINVAL: 'invalid argument', EEXIST: 'file exists', ENODEV: 'no such device', EBUSY: 'device or resource busy',
  ENOMEM: 'out of memory', EACCES: 'permission denied', EAGAIN: 'resource temporarily unavailable',
  EOPNOTSUPP: 'operation not supported', ENOBUFS: 'no buffer space available (receive queue overrun)',
  ENETUNREACH: 'network is unreachable', EHOSTUNREACH: 'no route to host', ERANGE: 'result out of range',
  EADDRNOTAVAIL: 'cannot assign requested address', EAFNOSUPPORT: 'address family not supported',
  EPROTONOSUPPORT: 'protocol not supported', EMSGSIZE: 'message too long', ENOTSUP: 'operation not supported',
  ENOSPC: 'no space left on device', ENFILE: 'too many open files in system', EMFILE: 'too many open files',
  ENOTDIR: 'not a directory', ENAMETOOLONG: 'file name too long', EBADF: 'bad file descriptor',
  ELOOP: 'too many levels of symbolic links', ENOTEMPTY: 'directory not empty', EINTR: 'interrupted',
  ENOTSUPP: 'operation not supported', EPROTO: 'protocol error', ENODATA: 'no data available',
  ECANCELED: 'operation canceled', ETIMEDOUT: 'timed out', ECONNREFUSED: 'connection refused',
  EOVERFLOW: 'value too large for defined data type', EBADMSG: 'bad message',
  ERESTART: 'interrupted system call should be restarted',
};

export function errnoName(errno: number): string {
  return NAMES[errno] ?? `E${errno}`;
}

export function errnoMessage(errno: number): string {
  const name = errnoName(errno);
  return MESSAGES[name] ?? name.toLowerCase();
}

export function errnoNumber(name: string): number | undefined {
  for (const [num, n] of Object.entries(NAMES)) if (n === name) return Number(num);
  return undefined;
}
