// Typed errors. Every error a user can see says which operation failed and why, in the
// kernel's own words when the kernel gave any (extended ACK).
import { errnoMessage, errnoName } from './errno.js';

/** Base of every error thrown by netlinkts. */
export class NetlinkTsError extends Error {
  override name = 'NetlinkTsError';
}

/** Malformed bytes: thrown by decoders, always with the byte offset where decoding failed. */
export class NetlinkDecodeError extends NetlinkTsError {
  override name = 'NetlinkDecodeError';
  constructor(readonly reason: string, readonly offset: number) {
    super(`malformed netlink data at offset ${offset}: ${reason}`);
  }
}

/** Input refused before anything reached the kernel; `field` names the offending input. */
export class ValidationError extends NetlinkTsError {
  override name = 'ValidationError';
  constructor(readonly field: string, readonly problem: string) {
    super(`invalid ${field}: ${problem}`);
  }
}

export interface ExtAck {
  /** NLMSGERR_ATTR_MSG: the kernel's own explanation. */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request. */
  offset?: number;
  /** NLMSGERR_ATTR_MISS_TYPE: type of a missing required attribute. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest that lacked it. */
  missingNestOffset?: number;
  /** NLMSGERR_ATTR_COOKIE. */
  cookie?: Uint8Array;
  /** NLMSGERR_ATTR_POLICY, raw (a nested policy description). */
  policy?: Uint8Array;
}

export interface NetlinkErrorInit {
  errno: number;
  extack?: ExtAck;
  /** What was being done, e.g. "RTM_NEWLINK veth0" or "create link veth0". */
  operation?: string;
  seq?: number;
  /** Attribute types from the outermost to the one the kernel pointed at (extack offset). */
  attributePath?: number[];
  /** Human name for attributePath when the protocol layer knows one (e.g. IFLA_LINKINFO/IFLA_INFO_KIND). */
  attributeName?: string;
  /** Header of the request the kernel refused (type and flags), when known. */
  requestType?: number;
}

/**
 * Something to be sent does not fit netlink's framing: an attribute's length field is 16 bits
 * (65,535 bytes including its 4-byte header). Thrown while the request is being built, so
 * nothing has been sent. `attribute` is the attribute's type number, or a name when the layer
 * that built it knows one; layers that can split the work (nft set elements, bulk operations)
 * split it instead of throwing.
 */
export class MessageTooLargeError extends NetlinkTsError {
  override name = 'MessageTooLargeError';
  constructor(
    readonly attribute: string | number, readonly size: number, readonly limit: number, readonly operation?: string,
    /** Attribute types from the outermost nest to the oversized attribute, when the writer knew them. */
    readonly attributePath?: number[],
  ) {
    super('');
    this.message = this.describe();
  }

  private describe(): string {
    const a = typeof this.attribute === 'string' && /\battribute\b/.test(this.attribute) ? this.attribute : `attribute ${this.attribute}`;
    return `${this.operation ? `${this.operation}: ` : ''}${a} of ${this.size} bytes exceeds the netlink limit of ${this.limit} bytes; nothing was sent`;
  }

  /** Name the attribute and the operation (filled in by the layer that built the request). */
  rename(attribute: string | undefined, operation?: string): this {
    if (attribute) (this as { attribute: string | number }).attribute = attribute;
    if (operation && !this.operation) (this as { operation: string | undefined }).operation = operation;
    this.message = this.describe();
    return this;
  }
}

/**
 * Build a request with `build`; a MessageTooLargeError it throws is renamed with the family's
 * attribute names (`describeAttribute`, the same function that names extended-ACK paths) and
 * the operation, so the user reads "add route ...: attribute RTA_MULTIPATH of 80004 bytes...".
 */
export function encodeNamed<T>(opts: { operation?: string; describeAttribute?: (path: number[]) => string | undefined }, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof MessageTooLargeError) {
      const path = err.attributePath;
      throw err.rename(path && opts.describeAttribute ? opts.describeAttribute(path) : undefined, opts.operation);
    }
    throw err;
  }
}

/** The kernel refused a request: errno plus whatever it said about why. */
export class NetlinkError extends NetlinkTsError {
  override name = 'NetlinkError';
  readonly errno: number;
  readonly code: string;
  readonly extack: ExtAck;
  readonly operation: string | undefined;
  readonly seq: number | undefined;
  readonly attributePath: number[] | undefined;
  attributeName: string | undefined;
  readonly requestType: number | undefined;

  constructor(init: NetlinkErrorInit) {
    super('');
    this.errno = init.errno;
    this.code = errnoName(init.errno);
    this.extack = init.extack ?? {};
    this.operation = init.operation;
    this.seq = init.seq;
    this.attributePath = init.attributePath;
    this.attributeName = init.attributeName;
    this.requestType = init.requestType;
    this.message = this.describe();
  }

  /** The kernel's extended-ACK text, if any. */
  get kernelMessage(): string | undefined {
    return this.extack.message;
  }

  /** Recompute the message (after a layer above filled in names). */
  describe(): string {
    let s = this.operation ? `${this.operation}: ` : '';
    s += `${this.code} (${errnoMessage(this.errno)})`;
    if (this.extack.message) s += `: ${this.extack.message}`;
    if (this.attributeName) s += ` [attribute ${this.attributeName}]`;
    else if (this.attributePath && this.attributePath.length) s += ` [attribute path ${this.attributePath.join('/')}]`;
    if (this.extack.missingType !== undefined) s += ` [missing attribute type ${this.extack.missingType}]`;
    return s;
  }

  rename(attributeName: string | undefined, operation?: string): this {
    if (attributeName) this.attributeName = attributeName;
    if (operation) (this as { operation: string | undefined }).operation = operation;
    this.message = this.describe();
    return this;
  }
}

/** A dump was inconsistent (NLM_F_DUMP_INTR): the kernel's tables changed while it was being read. */
export class DumpInterruptedError extends NetlinkTsError {
  override name = 'DumpInterruptedError';
  constructor(readonly operation: string, readonly received: number, readonly partial?: unknown[]) {
    super(`${operation}: dump interrupted (NLM_F_DUMP_INTR): the kernel's table changed while it was dumped; ${received} messages arrived and may be inconsistent; retry the dump`);
  }
}

/** Messages were lost because the socket's receive queue overflowed (ENOBUFS). */
export class OverrunError extends NetlinkTsError {
  override name = 'OverrunError';
  readonly errno = 105;
  readonly code = 'ENOBUFS';
  constructor(readonly operation: string, readonly detail?: string) {
    super(`${operation}: ENOBUFS: the socket's receive queue overflowed and replies were lost; ${detail ?? 'enlarge the receive buffer (receiveBufferSize option) or send fewer requests at once'}`);
  }
}

/** The socket was closed while the operation was pending. */
export class SocketClosedError extends NetlinkTsError {
  override name = 'SocketClosedError';
  constructor(readonly operation: string) {
    super(`${operation}: the netlink socket was closed`);
  }
}

/**
 * A namespace handle (the current namespace's or a named one) was used after close(): it
 * does not reopen anything behind the caller's back. `handle` is its label ("ns0", "current").
 */
export class HandleClosedError extends NetlinkTsError {
  override name = 'HandleClosedError';
  constructor(readonly handle: string, readonly operation?: string) {
    super(`${operation ? `${operation}: ` : ''}namespace handle ${handle} is closed; open it again (netns.open/current)`);
  }
}

/** A system call made by the native shim failed (socket, setns, open, mount...). */
export class SystemError extends NetlinkTsError {
  override name = 'SystemError';
  readonly code: string;
  constructor(readonly errno: number, readonly syscall: string, readonly operation: string, hint?: string) {
    super('');
    this.code = errnoName(errno);
    this.message = `${operation}: ${syscall}: ${this.code} (${errnoMessage(errno)})${hint ? `; ${hint}` : ''}`;
  }
}

/** Wrap an error thrown by the native addon (it carries .errno and .syscall) into a SystemError. */
export function systemError(err: unknown, operation: string): Error {
  const e = err as { errno?: number; syscall?: string };
  if (e && typeof e.errno === 'number') {
    const hint = e.errno === 1 || e.errno === 13
      ? 'this needs CAP_NET_ADMIN (and CAP_SYS_ADMIN for namespaces): run as root, or inside `unshare -rn`'
      : undefined;
    return new SystemError(Math.abs(e.errno), e.syscall ?? 'syscall', operation, hint);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * A file given as a network namespace is not one (a regular file, /dev/null, a pipe, a mount or
 * pid namespace...): refused when it is opened, before any setns, with the path and what it is.
 */
export class NotANamespaceError extends ValidationError {
  override name = 'NotANamespaceError';
  constructor(field: string, readonly path: string, readonly found: string) {
    super(field, `${path} is not a network namespace (it is ${found})`);
  }
}
