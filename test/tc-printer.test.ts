// The tc printer's JSON is written as text while fields arrive: nesting, repeated keys (u32's
// "match"), key-less values inside arrays, and a kind's printer that fails half-way (guard)
// leaving no partial output in either mode.
import test from 'ava';
import { TcPrinter } from '../src/tc/printer.js';

function sample(p: TcPrinter): string {
  p.open(null).any('kind', 'qdisc tbf ', 'tbf').any('handle', '1: ', '1:').open('options');
  p.any('rate', 'rate 10Mbit ', 10_000_000).js('big', 2n ** 64n).nl();
  p.openArray('keys').any(null, 'k1 ', 'a').any(null, 'k2 ', 7).close();
  p.any('match', 'match 1 ', 'one').any('match', 'match 2 ', 'two');
  p.guard('tbf options', () => {
    p.open('inner').any('ok', 'ok ', true);
    throw new TypeError('short struct');
  });
  p.any('after', 'after ', null).close().close();
  p.open(null).any('kind', 'qdisc ingress', 'ingress').close();
  return p.toString();
}

test('JSON: nesting, repeated keys, arrays and a failed kind printer rolled back', (t) => {
  const s = sample(new TcPrinter(true));
  t.is(s, '[{"kind":"tbf","handle":"1:","options":{"rate":10000000,"big":18446744073709551616,"keys":["a",7],'
    + '"match":"one","match":"two","malformed":true,"after":null}},{"kind":"ingress"}]\n');
  t.notThrows(() => JSON.parse(s));
});

test('text: the same fields in text mode, the failed printer replaced by tc\'s complaint', (t) => {
  t.is(sample(new TcPrinter(false)), 'qdisc tbf 1: rate 10Mbit \nk1 k2 match 1 match 2 [cannot parse tbf options] after qdisc ingress');
});

test('JSON: an empty listing is an empty array; errors other than a short read propagate', (t) => {
  t.is(new TcPrinter(true).toString(), '[]\n');
  const p = new TcPrinter(true);
  t.throws(() => p.guard('x', () => { throw new RangeError('not ours'); }), { instanceOf: RangeError });
});
