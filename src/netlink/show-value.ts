// Printing a value a caller passed, for an error message or a step label. Template literals
// throw on symbols and on objects without a prototype (no toString), which would turn bad
// input into a TypeError instead of the ValidationError that names it.

/** A short, never-throwing text for any value. */
export function showValue(v: unknown, max = 60): string {
  let s: string;
  switch (typeof v) {
    case 'string': s = v; break;
    case 'number': case 'boolean': case 'bigint': case 'undefined': s = String(v); break;
    case 'symbol': s = v.toString(); break;
    case 'function': s = '[function]'; break;
    default: s = v === null ? 'null' : showObject(v as object);
  }
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

function showObject(o: object): string {
  if (o instanceof Uint8Array) return `<${o.length} bytes>`;
  // JSON.stringify throws on bigints and cycles; both are rare enough for a plain tag.
  let json: string | undefined;
  try { json = JSON.stringify(o); } catch (err) { if (!(err instanceof TypeError)) throw err; }
  return json ?? Object.prototype.toString.call(o);
}
