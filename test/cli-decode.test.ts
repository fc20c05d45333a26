// `netlinkts decode` on golden bytes captured from iproute2 (test/fixtures/netlink/*.hex) and
// on malformed input: decoded trees agree with the codec, malformed input ends in one line
// with the byte offset and exit status 1, and nothing hangs.
import test from 'ava';
import { fc } from '@fast-check/ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { datagramTree, type AttrNode, type MessageTree } from '../src/netlink/attribute-tree.js';
import { NetlinkDecodeError } from '../src/netlink/errors.js';
import { rtnlSchema } from '../src/rtnl/tree-schema.js';
import { nftSchema } from '../src/nft/tree-schema.js';
import { parseHex } from '../src/api/capture.js';
import { loadGolden } from './helpers/fixtures.js';

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/netlink/${name}.hex`, import.meta.url));

function cli(args: string[], input: string | Uint8Array) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, env: { ...process.env, DEBUG: '' }, timeout: 20_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test.before(() => {
  if (!existsSync(MAIN)) throw new Error('build first: npx tsc -p tsconfig.build.json (npm test does it)');
});

const find = (nodes: AttrNode[] | undefined, name: string) => nodes?.find((n) => n.name === name);

test('EEXIST from `ip addr add`: errno, the echoed request decoded, the extended-ACK text', (t) => {
  const r = cli(['decode', '--json'], readFileSync(fixture('ip-addr-add-exists')));
  t.is(r.status, 0, r.stderr);
  const msgs = JSON.parse(r.stdout) as Array<MessageTree & { datagram: number; direction: string }>;
  const sent = msgs.find((m) => m.direction === 'send')!;
  t.is(sent.type_name, 'RTM_NEWADDR');
  t.deepEqual(sent.flag_names, ['REQUEST', 'ACK', 'EXCL', 'CREATE']);
  t.deepEqual(sent.header!.fields, { family: 2, prefixlen: 16, flags: 0, scope: 0, index: 2 });
  t.is(find(sent.attributes, 'IFA_LOCAL')!.value, '192.168.0.1');
  const err = msgs.find((m) => m.type_name === 'NLMSG_ERROR')!;
  t.is(err.error!.errno, 17);
  t.is(err.error!.name, 'EEXIST');
  t.is((err.error!.request as MessageTree).type_name, 'RTM_NEWADDR');
  t.is(find(err.extack, 'NLMSGERR_ATTR_MSG')!.value, 'ipv4: Address already assigned');
  // The text form says the same.
  const text = cli(['decode'], readFileSync(fixture('ip-addr-add-exists')));
  t.is(text.status, 0);
  t.regex(text.stdout, /error -17 EEXIST/);
  t.regex(text.stdout, /NLMSGERR_ATTR_MSG \(1\) len 35: "ipv4: Address already assigned"/);
});

test('unknown link kind: EOPNOTSUPP, the nested IFLA_LINKINFO/IFLA_INFO_KIND of the request', (t) => {
  const r = cli(['decode'], readFileSync(fixture('ip-link-add-unknown-kind')));
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /RTM_NEWLINK \(16\) len 64 flags REQUEST,ACK,EXCL,CREATE/);
  t.regex(r.stdout, /IFLA_LINKINFO \(18\) len 24:\n\s+IFLA_INFO_KIND \(1\) len 19: "nonexistentkind"/);
  t.regex(r.stdout, /error -95 EOPNOTSUPP/);
  t.regex(r.stdout, /"Unknown device type"/);
});

test('RTM_NEWLINK of lo: the tree agrees with the golden bytes, unknown attributes keep their bytes', (t) => {
  const r = cli(['decode', '--json'], readFileSync(fixture('ip-link-show-lo')));
  t.is(r.status, 0, r.stderr);
  const msgs = JSON.parse(r.stdout) as MessageTree[];
  const link = msgs.find((m) => m.type_name === 'RTM_NEWLINK' && m.attributes && find(m.attributes, 'IFLA_IFNAME'))!;
  t.is(find(link.attributes, 'IFLA_IFNAME')!.value, 'lo');
  t.is(find(link.attributes, 'IFLA_MTU')!.value, 65536);
  t.is(find(link.attributes, 'IFLA_OPERSTATE')!.value_name, 'UNKNOWN');
  t.is(find(link.attributes, 'IFLA_ADDRESS')!.value, '00:00:00:00:00:00');
  t.is(link.header!.fields.index, 1);
  // every attribute's bytes are accounted for: lengths add up to the message
  const sum = link.attributes!.reduce((s, a) => s + ((a.length + 3) & ~3), 0);
  t.is(16 + 16 + sum, (link.length + 3) & ~3);
  // nothing is dropped: every attribute has a value, children or hex
  const walk = (nodes: AttrNode[]): void => {
    for (const n of nodes) {
      t.true(n.value !== undefined || n.children !== undefined || n.hex !== undefined, `attribute ${n.type} shows its payload`);
      if (n.children) walk(n.children);
    }
  };
  walk(link.attributes!);
  const spec = find(link.attributes, 'IFLA_AF_SPEC')!;
  const inet6 = spec.children!.find((c) => c.name === 'AF_INET6')!;
  t.is(find(inet6.children, 'IFLA_INET6_ADDR_GEN_MODE')!.value_name, 'eui64');
});

test('a route dump decodes to NLMSG_DONE with names for tables and addresses', (t) => {
  const r = cli(['decode', '--json'], readFileSync(fixture('ip-route-show')));
  t.is(r.status, 0, r.stderr);
  const msgs = JSON.parse(r.stdout) as MessageTree[];
  const routes = msgs.filter((m) => m.type_name === 'RTM_NEWROUTE');
  t.is(routes.length, 4);
  t.deepEqual(routes.map((m) => find(m.attributes, 'RTA_DST')!.value), ['127.0.0.0', '127.0.0.1', '127.255.255.255', '192.168.0.1']);
  t.is(find(routes[0]!.attributes, 'RTA_TABLE')!.value_name, 'local');
  t.truthy(find(routes[0]!.attributes, 'RTA_OIF'));
  t.is(msgs.at(-1)!.type_name, 'NLMSG_DONE');
  t.deepEqual(msgs.at(-1)!.done, { errno: 0 });
});

test('raw binary input decodes like its hex', (t) => {
  const bytes = loadGolden('ip-route-show').map((d) => d.bytes);
  const bin = Buffer.concat(bytes);
  const hex = bin.toString('hex').replace(/(.{32})/g, '$1\n');
  const a = cli(['decode', '--json'], bin);
  const b = cli(['decode', '--json'], hex);
  t.is(a.status, 0, a.stderr);
  t.is(b.status, 0, b.stderr);
  t.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout));
});

test('hex with comments, 0x prefixes and whitespace anywhere', (t) => {
  const input = '# one NLMSG_DONE\n0x14 00 00 00  03 00 02 00\n 01000000 00000000\n00 00 00 00 # status\n';
  const r = cli(['decode', '--json'], input);
  t.is(r.status, 0, r.stderr);
  const [m] = JSON.parse(r.stdout) as MessageTree[];
  t.is(m!.type_name, 'NLMSG_DONE');
  t.is(m!.seq, 1);
});

test('nftables messages are recognised by their subsystem and named', (t) => {
  // NFT_MSG_NEWTABLE (0x0a00) with nfgenmsg AF_INET and NFTA_TABLE_NAME "filter", NFTA_TABLE_FLAGS 0
  const hex = '28000000000a0104000000000000000002000000' + '0b000100' + '66696c746572000008000200' + '00000000';
  const r = cli(['decode', '--json'], hex);
  t.is(r.status, 0, r.stderr);
  const [m] = JSON.parse(r.stdout) as MessageTree[];
  t.is(m!.type_name, 'NFT_MSG_NEWTABLE');
  t.is(m!.header!.name, 'nfgenmsg');
  t.is(find(m!.attributes, 'NFTA_TABLE_NAME')!.value, 'filter');
  t.is(find(m!.attributes, 'NFTA_TABLE_FLAGS')!.value, 0);
});

const malformed: Array<[string, string, RegExp]> = [
  ['a header cut short', '3c000000180022', /at offset 0: 7 bytes left, too few for a 16-byte message header/],
  ['nlmsg_len past the end', 'ff000000180022000000000000000000', /at offset 0: message claims 255 bytes, only 16 remain/],
  ['nlmsg_len below the header', '08000000180022000000000000000000', /at offset 0: message length 8 is below the 16-byte header/],
  ['a family header cut short', '1400000018002200000000000000000008000100', /at offset 16: RTM_NEWROUTE: rtmsg needs 12 bytes/],
  ['an attribute longer than its message',
    '24000000100000000000000000000000' + '00000000000000000000000000000000' + '20000300', /at offset 32: attribute type 3 claims 32 bytes, only 4 remain/],
  ['an attribute length below its header',
    '24000000100000000000000000000000' + '00000000000000000000000000000000' + '02000300', /at offset 32: attribute length 2 is below the 4-byte header/],
  ['a nested attribute overflowing its parent',
    '2c000000100000000000000000000000' + '00000000000000000000000000000000' + '0c001200' + '10000100616263640000000000', /at offset 36: attribute type 1 claims 16 bytes, only 8 remain/],
  ['the second datagram bad', 'recv 1400000003000200010000000000000000000000\nrecv 1400000003', /at offset 20 \(datagram 1, byte 0 of it\)/],
  ['not hex', 'hello', /"h" at offset 0 of the text/],
  ['an odd digit', '14000000030', /odd number of hex digits/],
];
for (const [what, input, re] of malformed) {
  test(`malformed input, ${what}: one line with the offset, exit 1`, (t) => {
    const r = cli(['decode'], input);
    t.is(r.status, 1, r.stdout);
    t.regex(r.stderr, re);
    t.regex(r.stderr, /offset \d+/);
    t.is(r.stderr.trim().split('\n').length, 1);
    t.notRegex(r.stderr, /\n\s+at /);
    t.is(r.stdout, '');
  });
}

test('nesting deeper than the codec allows is refused with an offset, not a stack overflow', (t) => {
  // 40 nested IFLA_LINKINFO-like nests with the NLA_F_NESTED bit inside an RTM_NEWLINK.
  const depth = 40;
  const parts: number[] = [];
  for (let i = 0; i < depth; i++) {
    const len = 4 * (depth - i);
    parts.push(len & 0xff, len >> 8, 0x01, 0x80);
  }
  const total = 32 + parts.length;
  const hdr = Buffer.alloc(32);
  hdr.writeUInt32LE(total, 0);
  hdr.writeUInt16LE(16, 4);
  const bytes = Buffer.concat([hdr, Buffer.from(parts)]);
  const r = cli(['decode'], bytes.toString('hex'));
  t.is(r.status, 1, r.stdout.slice(0, 200));
  t.regex(r.stderr, /nested deeper than 32 levels/);
  t.regex(r.stderr, /offset \d+/);
});

test('empty stdin is an error, not a hang', (t) => {
  const r = cli(['decode'], '');
  t.is(r.status, 1);
  t.regex(r.stderr, /stdin is empty/);
});

// The tree walker behind decode and --raw, on arbitrary bytes: it returns or throws a
// NetlinkDecodeError naming an offset inside the input, nothing else.
for (const [name, lookup] of [['rtnl', rtnlSchema], ['nft', nftSchema]] as const) {
  test(`arbitrary bytes through the ${name} tree: a tree or a NetlinkDecodeError within bounds`, (t) => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 16, max: 0xa30 }), (tail, type) => {
      // A valid header around random payload, so the walk reaches the attribute code.
      const b = new Uint8Array(16 + tail.length);
      new DataView(b.buffer).setUint32(0, b.length, true);
      new DataView(b.buffer).setUint16(4, type, true);
      b.set(tail, 16);
      for (const input of [b, tail]) {
        try {
          datagramTree(input, lookup);
        } catch (err) {
          if (!(err instanceof NetlinkDecodeError)) throw err;
          if (err.offset < 0 || err.offset > input.length) throw new Error(`offset ${err.offset} outside ${input.length} bytes`);
        }
      }
    }), { numRuns: 3000 });
    t.pass();
  });
}

test('a few random inputs through the process: exit 0 or 1, never a crash or a hang', (t) => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (bytes) => {
    const r = cli(['decode', '--input', 'binary'], bytes);
    if (r.signal) throw new Error(`killed by ${r.signal}`);
    if (r.status !== 0 && r.status !== 1) throw new Error(`exit ${r.status}: ${r.stderr}`);
    if (r.status === 1 && (r.stderr.trim().split('\n').length !== 1 || !/offset \d+/.test(r.stderr))) throw new Error(`bad error: ${r.stderr}`);
  }), { numRuns: 12 });
  t.pass();
});

test('parseHex: send/recv lines become datagrams with their offsets', (t) => {
  const d = parseHex('send 01 02\nrecv 0304 05\n');
  t.deepEqual(d.map((x) => [x.direction, [...x.bytes], x.base]), [['send', [1, 2], 0], ['recv', [3, 4, 5], 2]]);
});
