// What a failed request is called and the NetlinkError it gets: the operation's own words
// ("create link veth0") or the message type's name, the errno, the extended-ACK text, and the
// attribute the kernel pointed at, named by the family when it can.
import { NetlinkError } from './errors.js';
import { attributePathAt } from './message.js';
import type { RequestOptions } from './socket-options.js';

/** A request as errors need it: its bytes, sequence number and options. */
export interface RequestRecord {
  seq: number;
  message: Uint8Array;
  opts: RequestOptions;
}

export function describeRequest(message: Uint8Array, opts: RequestOptions, typeName: (type: number) => string | undefined): string {
  if (opts.operation) return opts.operation;
  const type = message[4]! | (message[5]! << 8);
  return typeName(type) ?? `netlink message type ${type}`;
}

export function kernelError(
  p: RequestRecord, errno: number, extack: NetlinkError['extack'], typeName: (type: number) => string | undefined,
): NetlinkError {
  let attributePath: number[] | undefined;
  if (extack.offset !== undefined && p.opts.headerSize !== undefined) {
    attributePath = attributePathAt(p.message, p.opts.headerSize, extack.offset);
  }
  const type = p.message.length >= 6 ? p.message[4]! | (p.message[5]! << 8) : undefined;
  const err = new NetlinkError({
    errno, extack, seq: p.seq, attributePath, requestType: type,
    operation: describeRequest(p.message, p.opts, typeName),
  });
  if (attributePath?.length && p.opts.describeAttribute) err.rename(p.opts.describeAttribute(attributePath));
  return err;
}
