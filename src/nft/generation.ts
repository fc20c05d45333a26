// The ruleset generation: a counter the kernel bumps on every committed batch. Reading it
// before and after a dump tells whether the dump is consistent; passing it with a batch
// (NFNL_BATCH_GENID) makes the commit conditional on nobody having changed the ruleset.
import { MessageWriter } from '../netlink/writer.js';
import { NLM_F_REQUEST } from '../netlink/constants.js';
import { NetlinkDecodeError } from '../netlink/errors.js';
import type { MessageRef } from '../netlink/message.js';
import { NFPROTO_UNSPEC, NFTA_GEN_ID, NFTA_GEN_PROC_NAME, NFTA_GEN_PROC_PID, NFT_MSG_GETGEN, NFT_MSG_NEWGEN } from './constants.js';
import { beginNftMessage, messageAttributes, nftType } from './codec.js';

export function getGenerationMessage(): Uint8Array {
  const w = new MessageWriter(32);
  const start = beginNftMessage(w, nftType(NFT_MSG_GETGEN), NLM_F_REQUEST, NFPROTO_UNSPEC, 0);
  w.end(start);
  return w.copy();
}

export interface Generation {
  id: number;
  /** The process that committed it, when the kernel says. */
  pid?: number;
  process?: string;
}

export function decodeGenerationMessage(m: MessageRef): Generation {
  const a = messageAttributes(m);
  const id = a.be32(NFTA_GEN_ID);
  if (id === undefined) throw new NetlinkDecodeError('NFT_MSG_NEWGEN without NFTA_GEN_ID', m.payloadStart);
  const g: Generation = { id };
  const pid = a.be32(NFTA_GEN_PROC_PID), name = a.str(NFTA_GEN_PROC_NAME);
  if (pid !== undefined) g.pid = pid;
  if (name !== undefined) g.process = name;
  return g;
}

/** The generation id from the replies to a GETGEN request. */
export function decodeGeneration(replies: MessageRef[]): number {
  const m = replies.find((r) => r.type === nftType(NFT_MSG_NEWGEN));
  if (!m) throw new NetlinkDecodeError('no NFT_MSG_NEWGEN in the reply to NFT_MSG_GETGEN', 0);
  return decodeGenerationMessage(m).id;
}
