// Messages of a declared family: which operation a message type (or a generic netlink command)
// is, its fixed header and its attribute set, decoded and encoded by the generic codec. For
// netlink-raw families (rtnetlink, nfnetlink) the message type says it all; for generic
// netlink the type is the family id the kernel assigned and genlmsghdr.cmd names the operation.
import { NLMSG_HDRLEN, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from '../constants.js';
import { NetlinkDecodeError, ValidationError } from '../errors.js';
import type { MessageRef } from '../message.js';
import { MessageWriter } from '../writer.js';
import { CompiledFamily, type CompileOptions } from './compile.js';
import type { FamilyDecl, OperationDecl } from './types.js';

export const GENL_HDRLEN = 4;

export type Direction = 'request' | 'reply';
export type Mode = 'do' | 'dump';

/** One message decoded by its family's declaration. */
export interface DecodedMessage {
  /** Operation name from the spec ("newlink", "getfamily"), or undefined for an unknown type. */
  op?: string;
  type: number;
  flags: number;
  seq: number;
  portId: number;
  /** Generic netlink: the command and version of genlmsghdr. */
  cmd?: number;
  version?: number;
  /** The family's fixed header (ifinfomsg, rtmsg, nfgenmsg...), decoded. */
  header?: Record<string, unknown>;
  attrs: Record<string, unknown>;
}

export interface Shape {
  op: OperationDecl;
  set?: string;
  header?: string;
}

export interface EncodeRequest {
  op: string;
  /** 'do' (default) or 'dump' (adds NLM_F_DUMP). */
  mode?: Mode;
  header?: Record<string, unknown>;
  attrs?: Record<string, unknown>;
  /** Extra nlmsg_flags (NLM_F_CREATE, NLM_F_EXCL...). NLM_F_REQUEST is always set, and NLM_F_ACK unless noAck. */
  flags?: number;
  noAck?: boolean;
  /** Generic netlink: the id the kernel gave the family (CTRL_CMD_GETFAMILY). */
  familyId?: number;
  seq?: number;
}

export class NetlinkFamily<F extends FamilyDecl = FamilyDecl> extends CompiledFamily<F> {
  readonly generic: boolean;
  /** Operations by name. */
  readonly ops = new Map<string, OperationDecl>();
  private readonly replies = new Map<number, Shape>();
  private readonly requests = new Map<number, Shape>();

  constructor(decl: F, opts: CompileOptions = {}) {
    super(decl, opts);
    this.generic = decl.protocol !== 'netlink-raw';
    for (const op of decl.operations.list) this.ops.set(op.name, op);
    for (const op of decl.operations.list) {
      // A notification (notify: OP) carries the attributes of the operation it names.
      const base = op.notify ? this.ops.get(op.notify) : undefined;
      const shape: Shape = { op, set: op.attributeSet ?? base?.attributeSet, header: op.fixedHeader ?? base?.fixedHeader };
      for (const part of [op.do, op.dump]) {
        if (!part) continue;
        const req = part.request?.value ?? op.value;
        const rep = part.reply?.value ?? (part.reply ? op.value : undefined);
        if (req !== undefined && !this.requests.has(req)) this.requests.set(req, shape);
        if (rep !== undefined && !this.replies.has(rep)) this.replies.set(rep, shape);
      }
      // Notifications (notify: OP, event) arrive with the operation's own value.
      if ((op.notify || op.event) && op.value !== undefined && !this.replies.has(op.value)) this.replies.set(op.value, shape);
    }
    // A message value that only appears as a request (e.g. RTM_DELLINK notifications) still decodes.
    for (const [v, s] of this.requests) if (!this.replies.has(v)) this.replies.set(v, s);
  }

  /** Size of everything between nlmsghdr and the attributes for this operation. */
  headerSize(op: OperationDecl | undefined): number {
    const fixed = op?.fixedHeader ? this.struct(op.fixedHeader).size : 0;
    return (this.generic ? GENL_HDRLEN : 0) + fixed;
  }

  private shapeOf(m: MessageRef, dir: Direction, cmd: number): Shape | undefined {
    return this.shapeFor(this.generic ? cmd : m.type, dir);
  }

  /**
   * What a message of this number carries (the command for genetlink, the message type
   * otherwise): its operation, attribute set and fixed header. `dir` picks the numbering
   * (directional families such as ethtool number requests and replies apart).
   */
  shapeFor(key: number, dir: Direction): Shape | undefined {
    return (dir === 'reply' ? this.replies : this.requests).get(key) ?? (dir === 'reply' ? this.requests : this.replies).get(key);
  }

  /** Decodes one message; `dir` says which side's numbering to read it with (kernel to user: 'reply'). */
  decode(m: MessageRef, dir: Direction = 'reply'): DecodedMessage {
    const { buf } = m;
    let off = m.payloadStart;
    let cmd: number | undefined;
    let version: number | undefined;
    if (this.generic) {
      if (m.end - off < GENL_HDRLEN) throw new NetlinkDecodeError(`generic netlink message of ${m.end - off} bytes has no genlmsghdr`, off);
      cmd = buf.u8(off);
      version = buf.u8(off + 1);
      off += GENL_HDRLEN;
    }
    const shape = this.shapeOf(m, dir, cmd ?? -1);
    const out: DecodedMessage = { op: shape?.op.name, type: m.type, flags: m.flags, seq: m.seq, portId: m.portId, attrs: {} };
    if (cmd !== undefined) { out.cmd = cmd; out.version = version; }
    if (shape?.header) {
      const s = this.struct(shape.header);
      if (m.end - off < s.size) throw new NetlinkDecodeError(`${shape.header} needs ${s.size} bytes, ${m.end - off} remain`, off);
      out.header = s.decode(buf, off, s.size);
      off += s.size;
    }
    if (shape?.set) out.attrs = this.set(shape.set).decode(buf, off, m.end, 0);
    else if (m.end > off) out.attrs = { $raw: [{ type: 0, data: buf.attrBytes(off, m.end - off) }] };
    return out;
  }

  /**
   * Names an attribute path of a request (types from the outermost, as extended ACKs give
   * them): "header.dev-name". Nests, arrays and sub-messages are followed where the
   * declaration says what they hold.
   */
  describeAttribute(opName: string, path: readonly number[]): string | undefined {
    const op = this.ops.get(opName);
    let setName = op?.attributeSet;
    const names: string[] = [];
    for (const t of path) {
      if (!setName) return undefined;
      const a = this.set(setName).byType(t);
      if (!a) { names.push(String(t)); setName = undefined; continue; }
      names.push(a.name);
      setName = a.decl.type === 'nest' || a.decl.type === 'indexed-array' ? a.decl.nested : undefined;
    }
    return names.length ? names.join('.') : undefined;
  }

  /** The operation named, or a ValidationError listing the family's operations. */
  op(name: string): OperationDecl {
    const op = this.ops.get(name);
    if (!op) throw new ValidationError('op', `${JSON.stringify(name)} is not an operation of ${this.decl.name} (operations: ${[...this.ops.keys()].join(', ')})`);
    return op;
  }

  /**
   * Writes one request. Everything is checked before a byte leaves: attribute names and types,
   * integer ranges, and that the operation supports the mode.
   */
  encode(req: EncodeRequest, w = new MessageWriter(256)): Uint8Array {
    const op = this.op(req.op);
    const mode = req.mode ?? 'do';
    const part = op[mode];
    if (!part) throw new ValidationError('mode', `${op.name} has no ${mode} (it has ${['do', 'dump'].filter((m) => op[m as Mode]).join(' and ') || 'neither'})`);
    // A dump whose spec lists no request of its own is asked with the do request's message.
    const value = part.request?.value ?? op.do?.request?.value ?? op.value;
    if (value === undefined) throw new ValidationError('op', `${op.name} ${mode} has no request message`);
    let type: number;
    if (this.generic) {
      if (req.familyId === undefined) throw new ValidationError('familyId', `${this.decl.name} is a generic netlink family: resolve its id first`);
      type = req.familyId;
    } else {
      type = value;
    }
    let flags = NLM_F_REQUEST | (req.noAck ? 0 : NLM_F_ACK) | (req.flags ?? 0);
    if (mode === 'dump') flags |= NLM_F_DUMP;
    const start = w.begin(type, flags, req.seq ?? 0);
    if (this.generic) w.u8(value).u8(this.decl.version ?? 1).u16(0);
    if (op.fixedHeader) this.struct(op.fixedHeader).encode(w, req.header ?? {}, op.fixedHeader);
    else if (req.header && Object.keys(req.header).length) throw new ValidationError('header', `${op.name} has no fixed header`);
    if (req.attrs) {
      if (!op.attributeSet) throw new ValidationError('attrs', `${op.name} takes no attributes`);
      this.set(op.attributeSet).encode(w, req.attrs, op.attributeSet);
    }
    w.end(start);
    return w.copy();
  }
}

export { NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_EXCL };
