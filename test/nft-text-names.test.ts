// Device group and realm names (iproute2's tables, read as nft reads them) and the local-time
// formats of meta time/hour. The corpus (test/nft-text-corpus.test.ts) checks them against
// nft on this host; these pin the parsing rules themselves. Pure: no kernel needed.
import test from 'ava';
import { parseNameTable } from '../src/nft/text/iproute2-names.js';
import { valueText } from '../src/nft/text/types.js';

test('iproute2 name tables: decimal and hex numbers, comments, first name wins', (t) => {
  const m = parseNameTable('# device group names\n0\tdefault\n0x10 ten # hex\n  3 three\n3 again\nbad line\n');
  t.deepEqual([...m], [[0, 'default'], [16, 'ten'], [3, 'three']]);
});

test('device groups and realms print by name when the table has one, else as numbers', (t) => {
  const names = { devgroup: new Map([[0, 'default']]), realm: new Map([[0, 'cosmos']]) };
  const le = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
  t.is(valueText('devgroup', le(0), { names }), '"default"');
  t.is(valueText('devgroup', le(11), { names }), '11');
  t.is(valueText('realm', le(0), { names }), '"cosmos"');
  t.is(valueText('realm', le(0), { names: { realm: new Map() } }), '0');
});

test('meta day is quoted; meta hour drops zero seconds', (t) => {
  t.is(valueText('day', new Uint8Array([6])), '"Saturday"');
  const off = -new Date().getTimezoneOffset() * 60;
  const le = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
  const utc = (s: number) => (((s - off) % 86400) + 86400) % 86400;
  t.is(valueText('hour', le(utc(17 * 3600))), '"17:00"');
  t.is(valueText('hour', le(utc(17 * 3600 + 1))), '"17:00:01"');
});
