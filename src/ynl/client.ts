// A generic client for every declared family, as the kernel's tools/net/ynl offers: name the
// family and the operation, give the attributes as an object with the spec's names, get the
// decoded replies. Generic netlink families are resolved by name first; everything is encoded
// (and so checked) before anything is sent.
import { NETLINK_GENERIC } from '../netlink/constants.js';
import { NetlinkSocket, type NamespaceTarget } from '../netlink/socket.js';
import type { DecodedMessage, Mode } from '../netlink/spec/family.js';
import { resolveGenlFamily } from '../genl/resolve.js';
import { NETNS_RUN_DIR } from '../netlink/namespace.js';
import { loadFamily } from './registry.js';

export interface YnlRequest {
  /** A declared family: rt-link, rt-route, nftables, ethtool, netdev, nlctrl, mptcp_pm, ... */
  family: string;
  /** Operation name from the spec (linkinfo-get, getlink, getfamily, dev-get...). */
  op: string;
  /** 'do' (default): one request and its reply; 'dump': every object. */
  mode?: Mode;
  /** Attributes by the spec's names. */
  attrs?: Record<string, unknown>;
  /** The fixed header's fields (ifinfomsg, rtmsg, nfgenmsg...), where the family has one. */
  header?: Record<string, unknown>;
  /** Extra nlmsg_flags (e.g. NLM_F_CREATE | NLM_F_EXCL for a new object). */
  flags?: number;
  /** Run in this namespace (a name under /run/netns, a path, or an fd). */
  netns?: NamespaceTarget;
  /** Use this socket (of the family's protocol) instead of opening one. */
  socket?: NetlinkSocket;
  signal?: AbortSignal;
}

/** Sends one request of a declared family and returns the decoded replies. */
export async function ynl(req: YnlRequest): Promise<DecodedMessage[]> {
  const family = await loadFamily(req.family);
  const mode = req.mode ?? 'do';
  // Encode once before opening anything, so bad input fails without a syscall.
  const probe = () => family.encode({ op: req.op, mode, attrs: req.attrs, header: req.header, flags: req.flags, familyId: family.generic ? 0 : undefined });
  probe();
  const protocol = family.generic ? NETLINK_GENERIC : family.decl.protonum ?? 0;
  // A bare name is an `ip netns` name; paths and fds are used as they are.
  const netns = typeof req.netns === 'string' && !req.netns.includes('/') ? `${NETNS_RUN_DIR}/${req.netns}` : req.netns;
  const sock = req.socket ?? new NetlinkSocket({ protocol, netns, name: `ynl ${family.decl.name}` });
  try {
    let familyId: number | undefined;
    if (family.generic) familyId = (await resolveGenlFamily(sock, family.decl.name)).id;
    const message = family.encode({ op: req.op, mode, attrs: req.attrs, header: req.header, flags: req.flags, familyId });
    const opts = { operation: `${family.decl.name} ${req.op} ${mode}`, headerSize: family.headerSize(family.op(req.op)), signal: req.signal,
      describeAttribute: (path: number[]) => family.describeAttribute(req.op, path) };
    const out: DecodedMessage[] = [];
    if (mode === 'dump') {
      for await (const m of sock.dump(message, opts)) out.push(family.decode(m));
    } else {
      for (const m of await sock.request(message, opts)) out.push(family.decode(m));
    }
    return out;
  } finally {
    if (!req.socket) sock.close();
  }
}
