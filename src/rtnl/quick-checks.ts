// Hand-written checks for the plain shapes bulk calls take (100k route specs, 1,000 veths):
// zod costs ~10-80 us a spec there. Each says only "certainly valid"; anything else goes to the
// zod schemas, which word the error. They accept nothing the schemas refuse.

/** An integer in 0..2^32-1 (a u32 attribute). */
export function isU32(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

let lastPlainName = '';

/**
 * A name dev_valid_name() accepts, when it is printable ASCII (1-15 bytes, no '/', ':' or
 * space, not '.' or '..'). Non-ASCII names go through the schema, which counts UTF-8 bytes.
 * Bulk specs name the same few links over and over: the last name that passed is remembered.
 */
export function isPlainLinkName(n: unknown): n is string {
  if (n === lastPlainName) return true;
  if (typeof n !== 'string' || n.length === 0 || n.length > 15 || n === '.' || n === '..') return false;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x2f || c === 0x3a) return false;
  }
  lastPlainName = n;
  return true;
}
