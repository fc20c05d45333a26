// The shapes encode() and encodeLayout() give (kept apart from the builder itself).
import type { SetKeyType } from './set.js';
import type { BatchOperation } from './batch.js';

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
