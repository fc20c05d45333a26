// WireGuard: this kernel has no wireguard module, so `wg` itself is the oracle for the bytes.
// It runs with a pretend generic netlink kernel preloaded (test/fixtures/genl/fake-genl.c:
// it knows a "wireguard" family, acknowledges every request and logs it), and the library's
// messages for the same configuration must be byte-equal to what wg sent. Keys are checked
// against `wg pubkey`.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessages } from '../src/netlink/message.js';
import { tool } from './helpers/tools.js';
import { ValidationError } from '../src/netlink/errors.js';
import {
  encodeSetDevice, generatePresharedKey, generatePrivateKey, mergeDevice, parseWgConfig, publicKey, wireguardFamily,
} from '../src/genl/wireguard.js';

const WG = tool('wg');
const FAKE_SOURCE = fileURLToPath(new URL('./fixtures/genl/fake-genl.c', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'netlinkts-wg-'));
const FAKE = join(dir, 'fake-genl.so');

test.before(() => {
  execFileSync(tool('cc'), ['-shared', '-fPIC', '-O1', '-o', FAKE, FAKE_SOURCE, '-ldl', '-lpthread']);
});
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** The set-device messages `wg setconf DEV FILE` sends, as hex with seq and port zeroed. */
function wgSetconf(conf: string): string[] {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.conf`);
  const log = `${file}.log`;
  writeFileSync(file, conf);
  const r = spawnSync(WG, ['setconf', 'wg0', file], { env: { ...process.env, LD_PRELOAD: FAKE, FAKE_GENL_FAMILY: 'wireguard', FAKE_GENL_LOG: log }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wg setconf failed: ${r.stderr}`);
  return readFileSync(log, 'utf8').trim().split('\n')
    .map((h) => Buffer.from(h, 'hex'))
    .filter((b) => b.readUInt16LE(4) === 0x40) // the fake family's id; the first message is nlctrl's
    .map(zeroSeq);
}

function zeroSeq(b: Uint8Array): string {
  const c = Buffer.from(b);
  c.fill(0, 8, 16);
  return c.toString('hex');
}

const priv = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const peerA = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const peerB = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=';
const psk = 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=';

const CONF = `[Interface]
PrivateKey = ${priv}
ListenPort = 51820
FwMark = 0x1234

[Peer]
PublicKey = ${peerA}
PresharedKey = ${psk}
Endpoint = 192.0.2.1:51820
AllowedIPs = 10.0.0.0/24, 10.1.0.1/32
PersistentKeepalive = 25

[Peer]
PublicKey = ${peerB}
Endpoint = [2001:db8::1]:51821
AllowedIPs = ::/0, 198.51.100.7
`;

test('a configuration with keys, port, fwmark and IPv4/IPv6 peers is byte-equal to wg setconf', (t) => {
  const theirs = wgSetconf(CONF);
  const mine = encodeSetDevice(parseWgConfig(CONF, 'wg0'), 0x40).map(zeroSeq);
  t.is(theirs.length, 1);
  t.deepEqual(mine, theirs);
});

test('an interface without peers, and a peer with no allowed IPs, are byte-equal too', (t) => {
  for (const conf of [`[Interface]\nPrivateKey = ${priv}\n`, `[Interface]\nListenPort = 1\n[Peer]\nPublicKey = ${peerA}\n`]) {
    t.deepEqual(encodeSetDevice(parseWgConfig(conf, 'wg0'), 0x40).map(zeroSeq), wgSetconf(conf), conf);
  }
});

test('a configuration too big for one message is split as the kernel expects, and carries the same peers as wg sends', (t) => {
  const ips = Array.from({ length: 600 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
  const conf = `[Interface]\nPrivateKey = ${priv}\n[Peer]\nPublicKey = ${peerA}\nAllowedIPs = ${ips.join(', ')}\n[Peer]\nPublicKey = ${peerB}\nAllowedIPs = 192.0.2.0/24\n`;
  const theirs = wgSetconf(conf);
  const mine = encodeSetDevice(parseWgConfig(conf, 'wg0'), 0x40);
  t.true(mine.length > 1, `${mine.length} messages`);
  for (const m of mine) t.true(m.length <= 4096);
  // The split points may differ from wg's; what the kernel ends up with may not.
  const merged = (hex: string[]) => mergeDevice(hex.map((h) => wireguardFamily.decode(parseMessages(Buffer.from(h, 'hex'))[0]!, 'request').attrs));
  const a = merged(mine.map((m) => Buffer.from(m).toString('hex')));
  const b = merged(theirs);
  t.deepEqual(a, b);
  t.is(a.peers[0]!.allowedIps.length, 600);
  // Only the first part of a split peer carries its flags: the rest add allowed IPs.
  const second = wireguardFamily.decode(parseMessages(mine[1]!)[0]!, 'request').attrs;
  t.is(second['private-key'], undefined);
  t.is((second.peers as Record<string, unknown>[])[0]!.flags, undefined);
});

test('keys: generated keys are valid X25519 keys, and their public keys are what wg pubkey says', (t) => {
  for (const key of [priv, generatePrivateKey(), generatePrivateKey()]) {
    const pub = execFileSync(WG, ['pubkey'], { input: `${key}\n`, encoding: 'utf8' }).trim();
    t.is(publicKey(key), pub);
  }
  t.is(Buffer.from(generatePresharedKey(), 'base64').length, 32);
  t.throws(() => publicKey('short'), { instanceOf: ValidationError });
});

test('bad configurations are refused before anything is built, naming the line', (t) => {
  const bad: Array<[string, RegExp]> = [
    [`[Interface]\nAddress = 10.0.0.1/24\n`, /line 2.*unknown key Address/],
    [`[Interface]\nListenPort = 70000\n`, /ListenPort.*0 to 65535/],
    [`[Peer]\nPublicKey = nope\n`, /PublicKey.*32-byte key/],
    [`[Peer]\nPublicKey = ${peerA}\nEndpoint = 192.0.2.1\n`, /ADDRESS:PORT/],
    [`[Peer]\nPublicKey = ${peerA}\nAllowedIPs = 10.0.0.0/33\n`, /not an address\/prefix/],
    [`[Peer]\nEndpoint = 192.0.2.1:1\n`, /peer 1.*no PublicKey/],
  ];
  for (const [conf, re] of bad) t.throws(() => parseWgConfig(conf, 'wg0'), { instanceOf: ValidationError, message: re }, conf);
  t.throws(() => encodeSetDevice({ ifname: 'a-name-too-long-x' }, 1), { instanceOf: ValidationError, message: /ifname/ });
});
