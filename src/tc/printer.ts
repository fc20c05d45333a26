// One printer for tc's two outputs, as iproute2 has it (lib/json_print.c): each field is
// written once with its JSON key and its text format, and the printer keeps the one its mode
// wants. JSON keeps keys in order and allows repeats (u32 prints every "match" under the same
// key), so it is written as text here, not through JSON.stringify of an object.

type JsonValue = string | number | bigint | boolean | null | JsonObject | JsonValue[];
interface JsonObject { pairs: [string, JsonValue][] }

export class TcPrinter {
  private text = '';
  private readonly stack: (JsonObject | JsonValue[])[] = [];
  private readonly top: JsonValue[] = [];

  constructor(readonly json: boolean) {}

  private put(key: string | null, v: JsonValue): void {
    const cur = this.stack[this.stack.length - 1];
    if (!cur) { this.top.push(v); return; }
    if (Array.isArray(cur)) cur.push(v);
    else cur.pairs.push([key ?? '', v]);
  }

  /** A field in both outputs (PRINT_ANY): `text` in text mode, key: value in JSON. */
  any(key: string | null, text: string, value: JsonValue): this {
    if (this.json) { if (key !== null || this.inArray()) this.put(key, value); } else this.text += text;
    return this;
  }

  /** Text only (PRINT_FP). */
  fp(text: string): this {
    if (!this.json) this.text += text;
    return this;
  }

  /** JSON only (PRINT_JSON). */
  js(key: string, value: JsonValue): this {
    if (this.json) this.put(key, value);
    return this;
  }

  /** print_nl: a newline in text. */
  nl(): this {
    return this.fp('\n');
  }

  private inArray(): boolean {
    return Array.isArray(this.stack[this.stack.length - 1]);
  }

  open(key: string | null): this {
    if (!this.json) return this;
    const o: JsonObject = { pairs: [] };
    this.put(key, o);
    this.stack.push(o);
    return this;
  }

  openArray(key: string | null): this {
    if (!this.json) return this;
    const a: JsonValue[] = [];
    this.put(key, a);
    this.stack.push(a);
    return this;
  }

  /**
   * Runs a kind's printer; a message too short for what it reads (a truncated struct from a
   * fuzzer or a newer kernel) prints tc's own complaint instead of failing the whole listing.
   */
  guard(what: string, fn: () => void): void {
    const depth = this.stack.length;
    const len = this.text.length;
    try {
      fn();
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      this.stack.length = depth;
      this.text = this.text.slice(0, len);
      this.any('malformed', `[cannot parse ${what}] `, true);
    }
  }

  close(): this {
    if (this.json) this.stack.pop();
    return this;
  }

  /** The output: tc's JSON array (one line, as `tc -j` prints it) or the text. */
  toString(): string {
    return this.json ? `${serialize(this.top)}\n` : this.text;
  }
}

function serialize(v: JsonValue): string {
  // A field a malformed message lacks (a fuzzer's input) prints as null rather than failing.
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  return `{${v.pairs.map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(',')}}`;
}
