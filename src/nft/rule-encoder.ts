// Encoding the rules of a batch (placeholder, replaced below).
import type { MessageWriter } from '../netlink/writer.js';
import { encodeRule, type Rule } from './rule.js';
import type { Expression } from './expr/index.js';

export class RuleEncoder {
  encode(w: MessageWriter, r: Rule, expressions: readonly Expression[]): void {
    encodeRule(w, r, expressions);
  }
}
