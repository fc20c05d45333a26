// Committing a batch: all or nothing on a NETLINK_NETFILTER socket. No message asks for an
// ACK (the kernel answers a failing message of a batch anyway) unless echo wants replies; each
// failure is matched to its operation by sequence number and named ("add rule ip nat
// postrouting") with the kernel's errno and text, made precise where the kernel is vague.
import { NLMSG_ERROR } from '../netlink/constants.js';
import { NetlinkError, NetlinkTsError, ValidationError } from '../netlink/errors.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { attributePathAt, decodeError, type MessageRef } from '../netlink/message.js';
import { NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWTABLE } from './constants.js';
import { nftType, NFGENMSG_LEN } from './codec.js';
import { decodeTable, type Table } from './table.js';
import { decodeChain, type Chain } from './chain.js';
import { decodeRule, type Rule } from './rule.js';
import { decodeSet, type NftSet, type SetKeyType } from './set.js';
import { describeOffset, type ObjectKind } from './describe.js';
import { ruleToText } from './text.js';
import { decodeGeneration, getGenerationMessage } from './generation.js';
import { setKey, type BatchLayout, type BatchOperation, type NftBatch } from './batch.js';

// ---- commit ----

export interface CommitOptions {
  /** Optimistic concurrency: commit only if the ruleset is still at this generation (see Nftables.generation()). */
  generation?: number;
  /**
   * NLM_F_ECHO on every add: the kernel reports each new object back as committed, and
   * `created` holds them (a new rule's handle, a new chain's handle). Costs one message per object.
   */
  echo?: boolean;
}

/** An object the kernel reported back for an operation (with echo). */
export type CreatedObject =
  | { kind: 'table'; table: Table }
  | { kind: 'chain'; chain: Chain }
  | { kind: 'rule'; rule: Rule }
  | { kind: 'set'; set: NftSet };

export interface CommitResult {
  /** The ruleset generation after the commit. */
  generation: number;
  /** Operations committed. */
  operations: number;
  /** Netlink messages the operations took (more than operations when element lists were split). */
  messages?: number;
  /** With echo: per operation (same index), what the kernel created, when it reports one. */
  created?: (CreatedObject | undefined)[];
}

/** One operation the kernel refused. */
export interface BatchFailure {
  /** Index in the batch (0-based). */
  index: number;
  operation: BatchOperation;
  error: NetlinkError;
}

/**
 * The kernel refused the batch; nothing of it was applied. `message` is the first failing
 * operation's ("add rule ip nat postrouting: ENOENT (...): <kernel text> [expression #2 (cmp)]");
 * `failures` lists every operation the kernel reported.
 */
export class NftCommitError extends NetlinkTsError {
  override name = 'NftCommitError';
  readonly errno: number;
  readonly code: string;
  readonly operation: string;
  readonly kernelMessage: string | undefined;
  constructor(readonly failures: BatchFailure[], readonly error: NetlinkError) {
    const more = failures.slice(1, 4).map((f) => f.operation.description).join('; ') + (failures.length > 4 ? '; ...' : '');
    super(error.message + (failures.length > 1 ? ` (and ${failures.length - 1} more failing operation${failures.length > 2 ? 's' : ''}: ${more})` : ''));
    this.errno = error.errno;
    this.code = error.code;
    this.operation = error.operation ?? '';
    this.kernelMessage = error.kernelMessage;
  }
}

/** The ruleset changed since the generation the commit was conditioned on (ERESTART); nothing was applied. */
export class GenerationMismatchError extends NetlinkTsError {
  override name = 'GenerationMismatchError';
  readonly code = 'ERESTART';
  constructor(readonly expected: number, readonly current: number | undefined) {
    super(`commit nftables batch: the ruleset is at generation ${current ?? '?'}, not ${expected} as required: someone changed it meanwhile; re-read it and retry`);
  }
}

/** Bytes of receive buffer one ACK occupies (skb truesize, measured ~768 on x86-64) with headroom. */
const ACK_COST = 1024;

const bufferSizes = new WeakMap<NetlinkSocket, { rcv: number; snd: number }>();

/**
 * Grow the socket's buffers so the datagram fits and every ACK of it can queue at once.
 * Returns false when the receive buffer cannot be made that large (no CAP_NET_ADMIN for
 * SO_RCVBUFFORCE and rmem_max too small): the caller then asks for errors only.
 */
function sizeBuffers(socket: NetlinkSocket, datagram: number, messages: number, echo: boolean): boolean {
  const have = bufferSizes.get(socket) ?? { rcv: 0, snd: 0 };
  // Echoed objects cost about as much again as their ACKs.
  const rcv = (messages + 16) * ACK_COST * (echo ? 2 : 1) + (1 << 20);
  const snd = datagram + (1 << 16);
  // SO_*BUFFORCE (root, CAP_NET_ADMIN) passes rmem_max; otherwise the plain option takes what it allows.
  const SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33;
  const set = (force: number, plain: number, size: number): void => {
    // SO_RCVBUFFORCE needs CAP_NET_ADMIN (EPERM otherwise); the plain option is best effort.
    try { socket.setsockopt(SOL_SOCKET, force, size); } catch (err) {
      if (Math.abs((err as { errno?: number }).errno ?? 0) !== 1 && (err as { code?: string }).code !== 'EPERM') throw err;
      try { socket.setsockopt(SOL_SOCKET, plain, size); } catch (e) { if (!(e instanceof NetlinkTsError)) throw e; /* keep the current size */ }
    }
  };
  if (rcv > have.rcv && rcv > socket.receiveBufferSize / 2) { set(SO_RCVBUFFORCE, SO_RCVBUF, rcv); have.rcv = rcv; }
  if (snd > have.snd && snd > (4 << 20)) { set(SO_SNDBUFFORCE, SO_SNDBUF, snd); have.snd = snd; }
  bufferSizes.set(socket, have);
  // The kernel reports twice the size set (it counts its bookkeeping); compare like with like.
  return socket.receiveBufferSize / 2 >= rcv;
}

/**
 * Send the batch and wait until the kernel has answered every message of it, then a GETGEN
 * request acts as a barrier (its reply comes after all of the batch's). Resolves with the new
 * generation; rejects with NftCommitError naming the failing operation(s),
 * GenerationMismatchError, or ValidationError before anything is sent.
 *
 * Without echo, the operations go without NLM_F_ACK, as `nft -f` sends them: the kernel
 * answers a message of a batch only when it fails (with its sequence number, which names the
 * operation), so a 10,000-rule commit reads back only its errors instead of 10,000 ACKs
 * (10,000 datagrams, Buffers and promises). With echo, every operation is ACKed and its
 * echoed object collected.
 */
export async function commitBatch(socket: NetlinkSocket, batch: NftBatch, options: CommitOptions = {}): Promise<CommitResult> {
  await batch.validate();
  const keyTypes = new Map<string, SetKeyType | number>();
  const unresolved = batch.unresolvedSets();
  if (unresolved.length) {
    const { getSet } = await import('./ruleset.js');
    for (const u of unresolved) {
      const s = await getSet(socket, u.family, u.table, u.set);
      if (!s) throw new ValidationError(`elements.set`, `set ${u.family} ${u.table} ${u.set} does not exist (and is not created in this batch)`);
      keyTypes.set(setKey(u.family, u.table, u.set), s.keyType);
    }
  }
  // Element values are checked as they are encoded (each list is read once: it may be a
  // generator of a million keys), which happens before anything is sent.
  if (batch.length === 0) return { generation: await generationOf(socket), operations: 0 };
  return options.echo ? commitEchoed(socket, batch, options, keyTypes) : commitErrorsOnly(socket, batch, options, keyTypes);
}

const commitDescription = (n: number): string => `commit nftables batch (${n} operation${n === 1 ? '' : 's'})`;

/** Errors of one commit in flight: NLMSG_ERRORs whose sequence number falls in [first, last]. */
interface ErrorCollector {
  first: number;
  last: number;
  receive(m: MessageRef): void;
}

/**
 * Replies nobody waits for reach socket.onNotification; while commits are in flight it is
 * this dispatcher, which hands their NLMSG_ERRORs to them and everything else to whatever
 * handler was there before. (A handler assigned to the socket while a commit is in flight
 * would take that commit's errors: an Nftables socket is not a monitor's, which have their own.)
 */
interface Dispatch {
  collectors: Set<ErrorCollector>;
  previous: NetlinkSocket['onNotification'];
  handler: NonNullable<NetlinkSocket['onNotification']>;
}
const dispatchers = new WeakMap<NetlinkSocket, Dispatch>();

function addCollector(socket: NetlinkSocket, c: ErrorCollector): void {
  let d = dispatchers.get(socket);
  if (!d || socket.onNotification !== d.handler) {
    const collectors = new Set<ErrorCollector>();
    const previous = socket.onNotification;
    const handler: Dispatch['handler'] = (m, nsid) => {
      if (m.type === NLMSG_ERROR) {
        for (const x of collectors) {
          if (((m.seq - x.first) >>> 0) <= ((x.last - x.first) >>> 0)) { x.receive(m); return; }
        }
      }
      previous?.(m, nsid);
    };
    d = { collectors, previous, handler };
    dispatchers.set(socket, d);
    socket.onNotification = handler;
  }
  d.collectors.add(c);
}

function removeCollector(socket: NetlinkSocket, c: ErrorCollector): void {
  const d = dispatchers.get(socket);
  if (!d) return;
  d.collectors.delete(c);
  if (d.collectors.size === 0 && socket.onNotification === d.handler) {
    socket.onNotification = d.previous;
    dispatchers.delete(socket);
  }
}

/** The error the kernel reported for `message` (what the socket builds for a request it tracks). */
function kernelError(m: MessageRef, message: Uint8Array, operation: string): NetlinkError | undefined {
  const e = decodeError(m);
  if (e.errno === 0) return undefined;
  const attributePath = e.extack.offset !== undefined ? attributePathAt(message, NFGENMSG_LEN, e.extack.offset) : undefined;
  return new NetlinkError({
    errno: e.errno, extack: e.extack, seq: m.seq, attributePath, requestType: message[4]! | (message[5]! << 8), operation,
  });
}

async function commitErrorsOnly(socket: NetlinkSocket, batch: NftBatch, options: CommitOptions, keyTypes: Map<string, SetKeyType | number>): Promise<CommitResult> {
  // Encoded whole before the socket is touched: a bad element deep in a list (read once, while
  // encoding) is a ValidationError before any system call. Sequence numbers are then taken
  // from the socket and written into the headers.
  const encodedLayout = batch.encodeLayout({ seq: 0, generation: options.generation, keyTypes });
  // The receive buffer is sized as if every message could fail, so no error is lost to ENOBUFS.
  sizeBuffers(socket, encodedLayout.bytes.length, encodedLayout.seqs.length + 2, false);
  const layout = renumber(encodedLayout, () => socket.nextSeq());
  const ops = batch.operations();
  const { bytes, seqs, starts, ends, opIndex, firstElement } = layout;
  const n = seqs.length; // messages: one per operation, several for a big element list
  const commitOp = commitDescription(ops.length);

  // Errors of the batch as a whole (generation mismatch, a failing commit phase) answer BATCH_BEGIN.
  let batchError: NetlinkError | undefined;
  const failures: BatchFailure[] = [];
  const collector: ErrorCollector = {
    first: layout.beginSeq,
    last: layout.endSeq,
    receive(m) {
      let k = (m.seq - layout.beginSeq) >>> 0;
      if (k === 0 || m.seq === layout.endSeq) {
        const msg = k === 0 ? bytes.subarray(0, n ? starts[0] : bytes.length) : bytes.subarray(n ? ends[n - 1] : 0);
        batchError ??= kernelError(m, msg, commitOp);
        return;
      }
      k -= 1;
      if (k >= n || seqs[k] !== m.seq) k = seqs.indexOf(m.seq); // the sequence number wrapped inside the batch
      if (k < 0) return;
      const message = bytes.subarray(starts[k]!, ends[k]!);
      const op = ops[opIndex[k]!]!;
      const error = kernelError(m, message, op.description);
      if (error) failures.push({ index: opIndex[k]!, operation: op, error: refineError(error, op, message, firstElement[k]!) });
    },
  };

  addCollector(socket, collector);
  let generation: number | undefined;
  let barrierError: Error | undefined;
  try {
    socket.sendRaw(bytes, commitOp);
    // Barrier: the kernel handles the batch inside sendmsg(), so every error it will send is
    // already queued; the GETGEN reply comes after them and tells us they have all been read.
    try {
      generation = decodeGeneration(await socket.request(getGenerationMessage(), { operation: 'get nftables generation' }));
    } catch (err) {
      barrierError = err as Error;
    }
  } finally {
    removeCollector(socket, collector);
  }

  // Not a refusal by the kernel (an overrun, a closed socket): errors may be lost, the batch's fate is unknown.
  if (barrierError && !(barrierError instanceof NetlinkError)) throw barrierError;
  if (batchError) {
    if (batchError.code === 'ERESTART' && options.generation !== undefined) throw new GenerationMismatchError(options.generation, generation);
    throw batchError;
  }
  if (failures.length) {
    failures.sort((x, y) => x.index - y.index);
    throw new NftCommitError(failures, failures[0]!.error);
  }
  if (barrierError) throw barrierError;
  return { generation: generation!, operations: ops.length, messages: n };
}

/** The layout with sequence numbers from `next` written into every header (BATCH_BEGIN, messages, BATCH_END). */
function renumber(l: BatchLayout, next: () => number): BatchLayout {
  const view = new DataView(l.bytes.buffer, l.bytes.byteOffset, l.bytes.byteLength);
  const beginSeq = next();
  view.setUint32(8, beginSeq, true);
  const seqs = new Uint32Array(l.seqs.length);
  for (let i = 0; i < seqs.length; i++) {
    seqs[i] = next();
    view.setUint32(l.starts[i]! + 8, seqs[i]!, true);
  }
  const endAt = seqs.length ? l.ends[seqs.length - 1]! : view.getUint32(0, true);
  const endSeq = next();
  view.setUint32(((endAt + 3) & ~3) + 8, endSeq, true);
  return { ...l, beginSeq, endSeq, seqs };
}

/** Name where in the operation the kernel pointed, and the rule as nft would write it. */
function refineError(error: NetlinkError, operation: BatchOperation, message: Uint8Array, firstElement = 0): NetlinkError {
  if (error.extack.offset !== undefined && operation.object !== 'ruleset') {
    let where = describeOffset(message, operation.object as ObjectKind, error.extack.offset);
    // A big element list is split over messages: number the element within the whole list.
    if (where && firstElement) where = where.replace(/^element #(\d+)/, (_m, k: string) => `element #${firstElement + Number(k)}`);
    if (where) error.rename(where);
  }
  if (operation.object === 'rule' && operation.verb !== 'delete' && operation.verb !== 'destroy') {
    // Name the rule the way nft would write it: "add rule ip nat postrouting ip saddr 10.0.0.0/8 masquerade".
    const text = ruleToText(operation.input as Rule);
    if (text) error.rename(undefined, `${operation.description} ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`);
  }
  return error;
}

/** With echo: an ACK (and the echoed object) per operation, each awaited by its sequence number. */
async function commitEchoed(socket: NetlinkSocket, batch: NftBatch, options: CommitOptions, keyTypes: Map<string, SetKeyType | number>): Promise<CommitResult> {
  // One ACK per message when they all fit the receive buffer; otherwise errors only (the
  // kernel reports a failing message of a batch with or without NLM_F_ACK), so an
  // unprivileged caller with a small rmem_max never loses replies to ENOBUFS.
  batch.checkElements(keyTypes);
  const acks = sizeBuffers(socket, batch.encodedSizeHint(), batch.messageCountHint() + 2, true);
  const encoded = batch.encode({ ack: acks, nextSeq: () => socket.nextSeq(), generation: options.generation, keyTypes, echo: true });
  sizeBuffers(socket, encoded.bytes.length, acks ? encoded.messages.length : 0, true);

  type Outcome = { ok: true; replies: MessageRef[] } | { ok: false; error: Error };
  const outcomes: Promise<Outcome>[] = [];
  const cancels: (() => boolean)[] = [];
  const settle = (p: Promise<MessageRef[]>): Promise<Outcome> => p.then((replies) => ({ ok: true as const, replies }), (error: Error) => ({ ok: false as const, error }));

  // Errors of the batch as a whole (generation mismatch, a failing commit phase) answer BATCH_BEGIN.
  const commitOp = commitDescription(batch.length);
  const begin = socket.expectReply(encoded.beginSeq, encoded.bytes.subarray(0, 20), { operation: commitOp, headerSize: NFGENMSG_LEN });
  const beginOutcome = settle(begin.promise);
  cancels.push(begin.cancel);
  for (const m of encoded.messages) {
    const x = socket.expectReply(m.seq, m.bytes, { operation: m.operation.description, headerSize: NFGENMSG_LEN });
    outcomes.push(settle(x.promise));
    cancels.push(x.cancel);
  }

  try {
    socket.sendRaw(encoded.bytes, commitOp);
  } catch (err) {
    for (const c of cancels) c();
    throw err;
  }

  // Barrier: see commitErrorsOnly.
  let generation: number | undefined;
  let barrierError: Error | undefined;
  try {
    generation = decodeGeneration(await socket.request(getGenerationMessage(), { operation: 'get nftables generation' }));
  } catch (err) {
    barrierError = err as Error;
  }
  for (const c of cancels) c(); // ACK-less leftovers (BATCH_BEGIN when all went well)

  const beginResult = await beginOutcome;
  if (!beginResult.ok) {
    const e = beginResult.error;
    if (e instanceof NetlinkError && e.code === 'ERESTART' && options.generation !== undefined) throw new GenerationMismatchError(options.generation, generation);
    throw e;
  }
  const results = await Promise.all(outcomes);
  const failures: BatchFailure[] = [];
  results.forEach((r, index) => {
    if (r.ok) return;
    const m = encoded.messages[index]!;
    const error = r.error;
    if (error instanceof NetlinkError) {
      failures.push({ index: m.operationIndex, operation: m.operation, error: refineError(error, m.operation, m.bytes, m.firstElement) });
    } else {
      // Not the kernel's refusal of this message (an overrun, a closed socket): the batch's fate is unknown.
      throw error;
    }
  });
  if (failures.length) throw new NftCommitError(failures, failures[0]!.error);
  if (barrierError) throw barrierError;
  // created[] is per operation: the first message of each (an element list's later messages create nothing).
  const created: (CreatedObject | undefined)[] = new Array(batch.length).fill(undefined);
  results.forEach((r, i) => {
    const m = encoded.messages[i]!;
    if (r.ok && created[m.operationIndex] === undefined) created[m.operationIndex] = decodeCreated(r.replies);
  });
  return { generation: generation!, operations: batch.length, messages: encoded.messages.length, created };
}

function decodeCreated(replies: MessageRef[]): CreatedObject | undefined {
  for (const m of replies) {
    switch (m.type) {
      case nftType(NFT_MSG_NEWTABLE): return { kind: 'table', table: decodeTable(m) };
      case nftType(NFT_MSG_NEWCHAIN): return { kind: 'chain', chain: decodeChain(m) };
      case nftType(NFT_MSG_NEWRULE): return { kind: 'rule', rule: decodeRule(m) };
      case nftType(NFT_MSG_NEWSET): return { kind: 'set', set: decodeSet(m) };
      default: break;
    }
  }
  return undefined;
}

async function generationOf(socket: NetlinkSocket): Promise<number> {
  return decodeGeneration(await socket.request(getGenerationMessage(), { operation: 'get nftables generation' }));
}
