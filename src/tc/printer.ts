// One printer for tc's two outputs, as iproute2 has it (lib/json_print.c): each field is
// written once with its JSON key and its text format, and the printer keeps the one its mode
// wants. JSON keeps keys in order and allows repeats (u32 prints every "match" under the same
// key), so it is written as text here, not through JSON.stringify of an object: straight into the
// output as fields arrive (building a tree of pairs first cost more than the decode, in GC).

type JsonValue = string | number | bigint | boolean | null;

export class TcPrinter {
  private text = '';
  /** JSON written so far, inside the top-level array. */
  private out = '';
  /** drain() has handed out the opening bracket already. */
  private drained = false;
  /** Per open container (the top-level array first): is it an array, has it a member yet. */
  private arrays: boolean[] = [true];
  private filled: boolean[] = [false];

  constructor(readonly json: boolean) {}

  private sep(key: string | null): void {
    const d = this.filled.length - 1;
    if (this.filled[d]) this.out += ',';
    else this.filled[d] = true;
    if (!this.arrays[d]) this.out += quotedKey(key ?? '');
  }

  private put(key: string | null, v: JsonValue): void {
    this.sep(key);
    this.out += scalar(v);
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
    return this.arrays.length > 1 && this.arrays[this.arrays.length - 1]!;
  }

  open(key: string | null): this {
    if (!this.json) return this;
    this.sep(key);
    this.out += '{';
    this.arrays.push(false);
    this.filled.push(false);
    return this;
  }

  openArray(key: string | null): this {
    if (!this.json) return this;
    this.sep(key);
    this.out += '[';
    this.arrays.push(true);
    this.filled.push(false);
    return this;
  }

  /**
   * Runs a kind's printer; a message too short for what it reads (a truncated struct from a
   * fuzzer or a newer kernel) prints tc's own complaint instead of failing the whole listing.
   */
  guard(what: string, fn: () => void): void {
    const depth = this.arrays.length;
    const filled = this.filled[depth - 1]!;
    const len = this.text.length;
    const outLen = this.out.length;
    try {
      fn();
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      this.arrays.length = depth;
      this.filled.length = depth;
      this.filled[depth - 1] = filled;
      this.text = this.text.slice(0, len);
      this.out = this.out.slice(0, outLen);
      this.any('malformed', `[cannot parse ${what}] `, true);
    }
  }

  close(): this {
    if (!this.json || this.arrays.length === 1) return this;
    this.out += this.arrays.pop() ? ']' : '}';
    this.filled.pop();
    return this;
  }

  /**
   * The output so far, forgotten here (a listing streams it out object by object); call it
   * between top-level objects. toString() then gives the rest.
   */
  drain(): string {
    if (!this.json) { const t = this.text; this.text = ''; return t; }
    if (this.arrays.length !== 1) throw new Error('TcPrinter.drain() inside an open object');
    const t = this.drained ? this.out : `[${this.out}`;
    this.drained = true;
    this.out = '';
    return t;
  }

  /** The output: tc's JSON array (one line, as `tc -j` prints it) or the text. */
  toString(): string {
    if (!this.json) return this.text;
    let tail = '';
    for (let d = this.arrays.length - 1; d > 0; d--) tail += this.arrays[d] ? ']' : '}';
    return `${this.drained ? '' : '['}${this.out}${tail}]\n`;
  }
}

// The keys are a few dozen constants: each is quoted once, not once per field.
const KEYS = new Map<string, string>();
function quotedKey(k: string): string {
  let q = KEYS.get(k);
  if (q === undefined) { q = `${JSON.stringify(k)}:`; if (KEYS.size < 1024) KEYS.set(k, q); }
  return q;
}

function scalar(v: JsonValue): string {
  // A field a malformed message lacks (a fuzzer's input) prints as null rather than failing.
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
