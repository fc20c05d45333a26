// One table of the kernel's string limits, each with what the kernel's own check counts.
// Two shapes occur: a fixed buffer that must hold the terminating NUL (IFNAMSIZ 16 holds a
// 15-byte name), and a length the kernel compares against the attribute as sent. Every
// validator asks this table (via stringLimitProblem), so a limit is fixed in one place.
// Bytes are UTF-8 bytes as they go on the wire, never JavaScript string lengths.
import { ValidationError } from './errors.js';

export interface StringLimit {
  /** The kernel constant the limit comes from, as named in its headers. */
  readonly constant: string;
  /** The constant's value. */
  readonly size: number;
  /** Longest accepted value in bytes, without a terminator. */
  readonly maxBytes: number;
  /** Why maxBytes is what it is (quoted in the error). */
  readonly rule: string;
}

function limit(constant: string, size: number, maxBytes: number, rule: string): StringLimit {
  return { constant, size, maxBytes, rule };
}

export const STRING_LIMITS = {
  /** dev_valid_name: strnlen(name, IFNAMSIZ) < IFNAMSIZ. */
  ifname: limit('IFNAMSIZ', 16, 15, 'IFNAMSIZ 16 with the terminating NUL'),
  /** IFLA_ALT_IFNAME policy: NLA_STRING .len = ALTIFNAMSIZ - 1. */
  altifname: limit('ALTIFNAMSIZ', 128, 127, 'ALTIFNAMSIZ 128 with the terminating NUL'),
  /**
   * dev_set_alias refuses len >= IFALIASZ where len is the attribute's length as sent; `ip`
   * sends the alias without a NUL, and so does this library, so 255 bytes are accepted.
   */
  ifalias: limit('IFALIASZ', 256, 255, 'IFALIASZ 256, sent without a NUL as ip does'),
  /** IFA_LABEL policy: NLA_STRING .len = IFNAMSIZ - 1. */
  addrLabel: limit('IFNAMSIZ', 16, 15, 'IFNAMSIZ 16 with the terminating NUL'),
  /** TCA_KIND policy: NLA_STRING .len = IFNAMSIZ. A kind is at most 15 bytes in practice. */
  tcKind: limit('IFNAMSIZ', 16, 15, 'IFNAMSIZ 16 with the terminating NUL'),
  /** NFTA_*_NAME policies: NLA_STRING .len = NFT_NAME_MAXLEN - 1. */
  nftName: limit('NFT_NAME_MAXLEN', 256, 255, 'NFT_NAME_MAXLEN 256 with the terminating NUL'),
  /** NFTA_*_USERDATA: NLA_BINARY .len = NFT_USERDATA_MAXLEN (raw bytes, no terminator). */
  nftUserdata: limit('NFT_USERDATA_MAXLEN', 256, 256, 'NFT_USERDATA_MAXLEN, raw bytes'),
  /** nft's parser: a comment longer than NFTNL_UDATA_COMMENT_MAXLEN is refused. */
  nftComment: limit('NFTNL_UDATA_COMMENT_MAXLEN', 128, 128, 'NFTNL_UDATA_COMMENT_MAXLEN, as nft checks it'),
  /** An interface name inside nft (meta iifname, a chain's device): IFNAMSIZ with the NUL. */
  nftIfname: limit('IFNAMSIZ', 16, 15, 'IFNAMSIZ 16 with the terminating NUL'),
  /** CTRL_ATTR_FAMILY_NAME: GENL_NAMSIZ with the NUL. */
  genlFamily: limit('GENL_NAMSIZ', 16, 15, 'GENL_NAMSIZ 16 with the terminating NUL'),
  /** CTA_HELP_NAME: NF_CT_HELPER_NAME_LEN with the NUL. */
  ctHelper: limit('NF_CT_HELPER_NAME_LEN', 16, 15, 'NF_CT_HELPER_NAME_LEN 16 with the terminating NUL'),
  /** A name under /run/netns: NAME_MAX 255 (iproute2 builds the path in a PATH_MAX buffer). */
  netnsName: limit('NAME_MAX', 255, 254, 'NAME_MAX 255, as the namespace helper checks it'),
} as const satisfies Record<string, StringLimit>;

export type StringLimitName = keyof typeof STRING_LIMITS;

const enc = new TextEncoder();

/** Bytes a value takes on the wire (UTF-8 for strings). */
export function wireBytes(value: string | Uint8Array): number {
  return typeof value === 'string' ? enc.encode(value).length : value.length;
}

/** Why `value` exceeds the named limit, or undefined when it fits. */
export function stringLimitProblem(name: StringLimitName, value: string | Uint8Array): string | undefined {
  const l: StringLimit = STRING_LIMITS[name];
  const n = wireBytes(value);
  if (n <= l.maxBytes) return undefined;
  return `is ${n} bytes long; at most ${l.maxBytes} bytes are allowed (${l.rule})`;
}

/** Throw ValidationError(field) when `value` exceeds the named limit. */
export function checkStringLimit(name: StringLimitName, value: string | Uint8Array, field: string): void {
  const p = stringLimitProblem(name, value);
  if (p) throw new ValidationError(field, p);
}
