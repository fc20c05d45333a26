// Many addresses at once (a lab addressing hundreds of interfaces): every spec checked first,
// each device looked up once, then NetlinkSocket.bulk() (many requests per sendmsg(), the
// kernel answering only failures). Each failure keeps its own index and error.
import { ValidationError } from '../netlink/errors.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { optionsOf, validate } from '../netlink/validate.js';
import { MessageWriter } from '../netlink/writer.js';
import * as C from './constants.js';
import { describeAddressAttribute, encodeNewAddress } from './address.js';
import { addressAttrs, describeSpec, type AddressSpec } from './address-ops.js';
import { linkIndex, type LinkSelector } from './link-read.js';

export interface AddressBulkOptions {
  signal?: AbortSignal;
  /** Requests per sendmsg() at most (see NetlinkSocket.bulk). */
  chunk?: number;
}

/** An address of a bulk call that was not applied. */
export interface AddressBulkFailure {
  index: number;
  spec: AddressSpec;
  error: Error;
}

/**
 * `ip addr add` for many addresses: resolves with the ones that failed, in input order (empty
 * when all were added). Bad input anywhere is refused before anything is sent, with a
 * ValidationError naming the entry (`addresses[4].address`).
 */
export function addAddresses(sock: NetlinkSocket, specs: readonly AddressSpec[], opts: AddressBulkOptions = {}): Promise<AddressBulkFailure[]> {
  return writeAddresses(sock, specs, 'add', opts);
}

/** `ip addr replace` for many addresses. */
export function replaceAddresses(sock: NetlinkSocket, specs: readonly AddressSpec[], opts: AddressBulkOptions = {}): Promise<AddressBulkFailure[]> {
  return writeAddresses(sock, specs, 'replace', opts);
}

async function writeAddresses(sock: NetlinkSocket, specs: readonly AddressSpec[], mode: 'add' | 'replace', opts: AddressBulkOptions): Promise<AddressBulkFailure[]> {
  if (!Array.isArray(specs)) throw new ValidationError('addresses', 'expected an array of address specs');
  opts = optionsOf(opts);
  const s = await import('./schemas.js');
  const valid = specs.map((spec, i) => validate(s.addressSpecSchema, spec, `addresses[${i}]`) as AddressSpec);
  const devs = new Map<LinkSelector, number | Error>();
  for (const v of valid) {
    if (devs.has(v.dev)) continue;
    try {
      devs.set(v.dev, await linkIndex(sock, v.dev, `${mode} addresses: dev ${v.dev}`));
    } catch (err) {
      devs.set(v.dev, err as Error);
    }
  }
  const scratch = new MessageWriter(256);
  const failures = await sock.bulk(valid.length, (i, w) => {
    const v = valid[i]!;
    const index = devs.get(v.dev)!;
    if (index instanceof Error) throw index;
    w.raw(encodeNewAddress(addressAttrs(v, index), mode, scratch.reset()));
  }, {
    describe: (i) => `${mode} address ${describeSpec(valid[i]!)}`,
    headerSize: C.IFADDRMSG_LEN,
    describeAttribute: describeAddressAttribute,
    chunk: opts.chunk,
    signal: opts.signal,
  });
  return failures.map((f) => ({ index: f.index, spec: specs[f.index]!, error: f.error }));
}
