// Message trees (attribute-tree.ts) as text: one line per header, attribute and nest, values
// decoded and unknown bytes in hex — what `netlinkts decode` and `--raw` print, and what a
// test or a log can print of a capture.
import type { AttrNode, MessageTree, SchemaLookup } from './attribute-tree.js';
import type { MessageRef } from './message.js';
import { hexdump } from './log.js';

function hexBytes(hex: string): string {
  let s = '';
  for (let i = 0; i < hex.length; i += 2) s += (i ? ' ' : '') + hex.slice(i, i + 2);
  return s;
}

function valueText(v: unknown, quote = true): string {
  if (typeof v === 'string') return quote ? JSON.stringify(v) : v;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k} ${valueText(x, false)}`).join(', ')}}`;
  return String(v);
}

function typeLabel(n: AttrNode): string {
  const flags = `${n.nested ? '|NESTED' : ''}${n.net_byteorder ? '|NET_BYTEORDER' : ''}`;
  if (n.type < 0) return n.name ?? 'struct';
  return n.name ? `${n.name} (${n.type}${flags})` : `type ${n.type}${flags ? ` (${flags.slice(1)})` : ''}`;
}

/** Attribute nodes as lines (pushed onto `lines`), nests indented by two spaces. */
export function renderAttributes(nodes: readonly AttrNode[], indent: string, lines: string[]): void {
  for (const n of nodes) {
    let line = `${indent}${typeLabel(n)} len ${n.length}`;
    if (n.value !== undefined) {
      line += `: ${valueText(n.value)}`;
      if (n.value_name !== undefined) line += ` (${n.value_name})`;
    }
    if (n.hex !== undefined) {
      if (n.hex.length <= 64) line += `${n.value !== undefined ? ' hex' : ':'} ${hexBytes(n.hex)}`;
      else {
        lines.push(line + (n.value !== undefined ? '' : ':'));
        const bytes = new Uint8Array(n.hex.length / 2);
        for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(n.hex.slice(i * 2, i * 2 + 2), 16);
        lines.push(hexdump(bytes, `${indent}  `));
        continue;
      }
    }
    if (n.children) line += n.children.length ? ':' : ' (empty)';
    lines.push(line);
    if (n.children) renderAttributes(n.children, `${indent}  `, lines);
  }
}

function headerLine(t: Pick<MessageTree, 'type' | 'type_name' | 'length' | 'flag_names' | 'seq' | 'port'>): string {
  const name = t.type_name ? `${t.type_name} (${t.type})` : `type ${t.type}`;
  return `${name} len ${t.length} flags ${t.flag_names.length ? t.flag_names.join(',') : '0'} seq ${t.seq} port ${t.port}`;
}

/** A message tree as lines: its header line, struct header, error/done/extack, attributes. */
export function renderMessage(t: MessageTree, indent = '', lines: string[] = []): string[] {
  lines.push(`${indent}${headerLine(t)}`);
  const inner = `${indent}  `;
  if (t.header) lines.push(`${inner}${t.header.name}: ${Object.entries(t.header.fields).map(([k, v]) => `${k} ${valueText(v, false)}`).join(' ')}`);
  if (t.error) {
    lines.push(t.error.errno === 0 ? `${inner}ack (error 0)` : `${inner}error -${t.error.errno} ${t.error.name ?? ''}`.trimEnd());
    const r = t.error.request;
    if ('flag_names' in r) {
      lines.push(`${inner}request:`);
      renderMessage(r, `${inner}  `, lines);
    } else {
      lines.push(`${inner}request: ${r.type_name ? `${r.type_name} (${r.type})` : `type ${r.type}`} len ${r.length} flags 0x${r.flags.toString(16)} seq ${r.seq} port ${r.port}`);
    }
  }
  if (t.done) lines.push(`${inner}status ${t.done.errno ? `-${t.done.errno} ${t.done.name ?? ''}` : 0}`.trimEnd());
  if (t.extack) {
    lines.push(`${inner}extack:`);
    renderAttributes(t.extack, `${inner}  `, lines);
  }
  if (t.attributes) renderAttributes(t.attributes, inner, lines);
  if (t.payload_hex) lines.push(`${inner}payload: ${hexBytes(t.payload_hex)}`);
  return lines;
}

/** JSON.stringify that writes Uint8Array as hex and bigint as decimal text. */
export function toJson(v: unknown, space?: number): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Uint8Array) return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex');
    if (typeof x === 'bigint') return x.toString();
    return x;
  }, space);
}

/** One reply message as hex, for `--hex`: its header facts and bytes (JSON) or a hexdump (text). */
export function messageHex(m: MessageRef, lookup: SchemaLookup): { type: number; type_name: string | undefined; length: number; hex: string } {
  const b = m.buf.bytes.subarray(m.offset, m.end);
  return { type: m.type, type_name: lookup(m.type)?.name, length: m.length, hex: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') };
}

export function messageHexText(m: MessageRef, lookup: SchemaLookup): string {
  return `${lookup(m.type)?.name ?? `type ${m.type}`} len ${m.length} seq ${m.seq}\n${hexdump(m.buf.bytes.subarray(m.offset, m.end))}\n`;
}
