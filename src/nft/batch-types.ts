// The shapes a batch takes in (operations, references, element inputs) and gives out
// (encode() and encodeLayout()), kept apart from the builder itself.
import type { Family } from './codec.js';
import type { ObjectKind } from './describe.js';
import type { SetKeyType } from './set.js';
import type { ElementValue, SetElement } from './set-element.js';

export type Verb = 'add' | 'create' | 'insert' | 'replace' | 'delete' | 'destroy' | 'flush';

export interface TableRef { family: Family; name?: string; handle?: number }
export interface ChainRef { family: Family; table: string; name?: string; handle?: number }
export interface RuleRef { family: Family; table: string; chain?: string; handle: number }
export interface SetRef { family: Family; table: string; name?: string; handle?: number }

/** Elements given as values of the set's type ('192.0.2.1', 22) or as raw SetElement objects. */
export interface ElementsInput {
  family: Family;
  table: string;
  set: string;
  /**
   * Any number: an array, or any iterable (a generator), which is read once, while the batch
   * is encoded, and never held whole. Split across as many messages as needed.
   */
  elements: Iterable<ElementValue | SetElement>;
  /** Key type of the set when it is neither created in this batch nor to be looked up (commit() asks the kernel). */
  keyType?: SetKeyType;
}

/** One queued operation: what the user asked for, and how it goes on the wire. */
export interface BatchOperation {
  verb: Verb;
  object: ObjectKind | 'ruleset';
  /** "add rule ip nat postrouting": names the operation in errors. */
  description: string;
  /** The input as given (validated by validate(), encoded by encode()). */
  input: unknown;
}

/** An operation as queued: its message type, flags and family number. @internal */
export interface Op extends BatchOperation {
  msg: number;
  flags: number;
  family: number;
}



export interface EncodeOptions {
  /** First sequence number (BATCH_BEGIN); default 0. */
  seq?: number;
  /** Take each sequence number from here instead (socket.nextSeq). */
  nextSeq?: () => number;
  /** Set NLM_F_ECHO on adds (NEW* messages): the kernel reports the created objects back. */
  echo?: boolean;
  /** Set NLM_F_ACK on every operation. Default false (as nft does). */
  ack?: boolean;
  /** NFNL_BATCH_GENID: the kernel refuses the batch (ERESTART) unless the ruleset is at this generation. */
  generation?: number;
  /** Key types of sets the batch adds elements to but does not create, by `${family}\0${table}\0${set}`. */
  keyTypes?: Map<string, SetKeyType | number>;
}

export interface EncodedMessage {
  seq: number;
  /** Index of the operation this message belongs to (a big element list spans several messages). */
  operationIndex: number;
  /** For element messages: index (0-based) of the message's first element within the operation's list. */
  firstElement: number;
  start: number;
  end: number;
  bytes: Uint8Array;
  operation: BatchOperation;
}

export interface EncodedBatch {
  bytes: Uint8Array;
  beginSeq: number;
  endSeq: number;
  messages: EncodedMessage[];
}

/** encodeLayout(): operation i is bytes[starts[i], ends[i]) with sequence number seqs[i]. @internal */
export interface BatchLayout {
  bytes: Uint8Array;
  beginSeq: number;
  endSeq: number;
  seqs: Uint32Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Message i belongs to operation opIndex[i]. */
  opIndex: Int32Array;
  /** Element messages: index of message i's first element in its operation's list. */
  firstElement: Int32Array;
}
