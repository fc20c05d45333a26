// The socket's public vocabulary: how a socket is opened and what each kind of request takes.
// Kept apart from the machinery so the option types read as the socket's documentation.

/** A network namespace: an open fd of /proc/PID/ns/net or /run/netns/NAME, or such a path. */
export type NamespaceTarget = number | string;

export interface SocketOptions {
  /** Netlink protocol (NETLINK_ROUTE, NETLINK_NETFILTER, ...). Default NETLINK_ROUTE. */
  protocol?: number;
  /** Open the socket inside this namespace (done on a helper thread; the socket stays bound to it). */
  netns?: NamespaceTarget;
  /** Multicast groups bitmask for bind() (legacy groups 1..32). */
  groups?: number;
  /** Receive buffer in bytes (SO_RCVBUFFORCE as root, else SO_RCVBUF, capped by rmem_max). Default 4 MiB. */
  receiveBufferSize?: number;
  /** Send buffer; a batch must fit in one datagram (nftables). Default 4 MiB. */
  sendBufferSize?: number;
  /** Ask for extended ACKs (kernel error text). Default true. */
  extendedAck?: boolean;
  /** NETLINK_GET_STRICT_CHK, so dumps are filtered by the kernel. Default true for NETLINK_ROUTE. */
  strictChecking?: boolean;
  /** Requests sent and not yet answered, at most. The rest waits, so ACKs never overflow the receive queue. */
  maxInFlight?: number;
  /** Largest datagram the socket builds when it coalesces requests. Default 64 KiB. */
  maxDatagram?: number;
  /** Name used in logs. */
  name?: string;
  /**
   * Send requests to this port id instead of the kernel (0). For tests: a user-space peer on
   * NETLINK_USERSOCK can then play the kernel and answer with any bytes, even malformed ones.
   */
  peerPortId?: number;
  /** Include hex dumps in DEBUG logs. Also enabled by NETLINKTS_HEXDUMP=1. */
  hexdump?: boolean;
  /** Name a message type for logs and errors (e.g. 16 -> RTM_NEWLINK). */
  typeName?: (type: number) => string | undefined;
  /**
   * NETLINK_LISTEN_ALL_NSID: also receive the groups' notifications from every namespace that
   * has an id (nsid) in this socket's one; onNotification then gets the sender's nsid.
   */
  listenAllNsid?: boolean;
}

export interface RequestOptions {
  /** What the request does, for errors: "create link veth0". */
  operation?: string;
  signal?: AbortSignal;
  /** Size of the family header after nlmsghdr, to locate the extended-ACK offset among attributes. */
  headerSize?: number;
  /** Names the attribute the kernel pointed at (types from the outermost). */
  describeAttribute?: (path: number[]) => string | undefined;
  /** Do not add NLM_F_ACK (the request's own reply ends it; use only for requests that always reply). */
  noAck?: boolean;
}

export interface BulkOptions {
  /** Names request i in its error ("add route 10.0.0.1/32 table 100"). Default: the message type. */
  describe?: (index: number) => string;
  /** Size of the family header after nlmsghdr (for the attribute an extended ACK points at). */
  headerSize?: number;
  describeAttribute?: (path: number[]) => string | undefined;
  /**
   * Requests per sendmsg() at most. Default: as many failures as the receive queue surely
   * holds (about 1 KiB of queue per error), between 32 and 4,096.
   */
  chunk?: number;
  /** Stop sending further chunks; what was sent stays applied. */
  signal?: AbortSignal;
}

/** One request of a bulk() that failed: its index in the input and why. */
export interface BulkFailure {
  index: number;
  error: Error;
}

export interface DumpOptions extends RequestOptions {
  /** Retries on NLM_F_DUMP_INTR for dumpAll() (the iterator cannot un-yield, so it always throws). */
  retries?: number;
}
