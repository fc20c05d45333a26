// WireGuard devices over the wireguard generic netlink family: read a device with its peers,
// configure it (keys, port, fwmark, peers with endpoints and allowed IPs), and make keys with
// Node's own X25519. Keys are base64 text, as `wg` reads and prints them.
//
// A device's configuration can exceed one netlink message: the kernel then takes several
// set-device messages in a row (the first with the device's own settings, the rest with the
// name and more peers; a peer whose allowed IPs do not fit goes on in the next message with
// only its public key and the rest of its allowed IPs), and a get-device dump comes back split
// the same way. Both directions are handled here, as `wg` does.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { formatIP, parsePrefix, parseIP } from '../netlink/address.js';
import { ValidationError } from '../netlink/errors.js';
import { checkStringLimit } from '../netlink/string-limits.js';
import { NetlinkFamily } from '../netlink/spec/family.js';
import { MessageWriter } from '../netlink/writer.js';
import type { GenlClient } from './client.js';
import { wireguardSpec } from './spec/wireguard.gen.js';

/** `wg` writes every peer and allowed IP of a list with attribute type 0. */
export const wireguardFamily = new NetlinkFamily(wireguardSpec, { arrayIndex: () => 0 });

const AF_INET = 2;
const AF_INET6 = 10;
/** What `wg` fits in one message: its socket buffer, a page (at most 8 KiB). */
export const WG_MESSAGE_LIMIT = 4096;

// ---------------------------------------------------------------------------------------------
// Keys

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

function keyBytes(key: string, what: string): Buffer {
  const b = Buffer.from(key, 'base64');
  if (b.length !== 32 || b.toString('base64') !== key) throw new ValidationError(what, 'expected a 32-byte key in base64 (44 characters, as wg prints it)');
  return b;
}

/** A new private key (as `wg genkey`). */
export function generatePrivateKey(): string {
  const { privateKey } = generateKeyPairSync('x25519');
  return Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('base64');
}

/** The public key of a private key (as `wg pubkey`). */
export function publicKey(privateKey: string): string {
  const der = Buffer.concat([PKCS8_X25519, keyBytes(privateKey, 'privateKey')]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  return Buffer.from(pub.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
}

/** A new preshared key (as `wg genpsk`): 32 random bytes. */
export function generatePresharedKey(): string {
  return generatePrivateKey();
}

// ---------------------------------------------------------------------------------------------
// Configuration and its encoding

export interface PeerConfig {
  publicKey: string;
  presharedKey?: string;
  /** "203.0.113.1:51820" or "[2001:db8::1]:51820". */
  endpoint?: string;
  persistentKeepalive?: number;
  /** Prefixes routed to this peer: "10.0.0.0/24", "::/0". */
  allowedIps?: readonly string[];
  /** Drop this peer's allowed IPs before adding these (as `wg set ... allowed-ips` does). */
  replaceAllowedIps?: boolean;
  /** Remove the peer. */
  remove?: boolean;
  /** Only update an existing peer; never create one. */
  updateOnly?: boolean;
}

export interface DeviceConfig {
  ifname: string;
  privateKey?: string;
  listenPort?: number;
  fwmark?: number;
  /** Remove every peer not listed here (as `wg setconf` does). */
  replacePeers?: boolean;
  peers?: readonly PeerConfig[];
}

function sockaddr(endpoint: string): Uint8Array {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(endpoint) ?? /^([^:]+):(\d+)$/.exec(endpoint);
  const ip = m ? parseIP(m[1]!) : undefined;
  const port = m ? Number(m[2]) : NaN;
  if (!ip || !(port >= 1 && port <= 65535)) throw new ValidationError('endpoint', `${JSON.stringify(endpoint)} is not ADDRESS:PORT (IPv6 in brackets)`);
  const b = new Uint8Array(ip.length === 4 ? 16 : 28);
  const v = new DataView(b.buffer);
  v.setUint16(0, ip.length === 4 ? AF_INET : AF_INET6, true);
  v.setUint16(2, port, false);
  b.set(ip, ip.length === 4 ? 4 : 8);
  return b;
}

function endpointText(b: Uint8Array): string | undefined {
  if (b.length < 16) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const family = v.getUint16(0, true);
  const port = v.getUint16(2, false);
  if (family === AF_INET) return `${formatIP(b, 4, 4)}:${port}`;
  if (family === AF_INET6 && b.length >= 24) return `[${formatIP(b, 8, 16)}]:${port}`;
  return undefined;
}

function allowedIp(prefix: string): Record<string, unknown> {
  const p = parsePrefix(prefix);
  if (!p) throw new ValidationError('allowedIps', `${JSON.stringify(prefix)} is not an address/prefix`);
  const bytes = p.address;
  // A bare address is a host route (/32 or /128), as wg reads it.
  return { family: bytes.length === 4 ? AF_INET : AF_INET6, ipaddr: bytes, 'cidr-mask': p.length ?? bytes.length * 8 };
}

/** A peer's attributes in the order `wg` writes them (byte-equal requests). */
function peerAttrs(p: PeerConfig, first: boolean, ips: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = { 'public-key': keyBytes(p.publicKey, 'peers.publicKey') };
  const flags: string[] = [];
  if (p.remove) flags.push('remove-me');
  // Continuation parts of a split peer carry only its key and more allowed IPs.
  if (first) {
    if (p.replaceAllowedIps) flags.push('replace-allowedips');
    if (p.updateOnly) flags.push('update-only');
    if (p.presharedKey !== undefined) out['preshared-key'] = keyBytes(p.presharedKey, 'peers.presharedKey');
    if (p.endpoint !== undefined) out.endpoint = sockaddr(p.endpoint);
    if (p.persistentKeepalive !== undefined) out['persistent-keepalive-interval'] = p.persistentKeepalive;
  }
  if (flags.length) out.flags = flags;
  if (ips.length) out.allowedips = ips;
  return out;
}

function deviceAttrs(c: DeviceConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ifname: c.ifname };
  if (c.privateKey !== undefined) out['private-key'] = keyBytes(c.privateKey, 'privateKey');
  if (c.listenPort !== undefined) out['listen-port'] = c.listenPort;
  if (c.fwmark !== undefined) out.fwmark = c.fwmark;
  if (c.replacePeers) out.flags = ['replace-peers'];
  return out;
}

function size(fn: (w: MessageWriter) => void): number {
  const w = new MessageWriter(256);
  fn(w);
  return w.pos;
}

/**
 * The set-device messages for a configuration, each within `limit` bytes, in the order the
 * kernel must apply them. Everything is validated (keys, endpoints, prefixes) before any
 * message is built.
 */
export function encodeSetDevice(c: DeviceConfig, familyId: number, limit = WG_MESSAGE_LIMIT): Uint8Array[] {
  if (!c.ifname) throw new ValidationError('ifname', 'a device name of 1 to 15 bytes');
  checkStringLimit('ifname', c.ifname, 'ifname');
  const peers = (c.peers ?? []).map((p) => ({ p, ips: (p.allowedIps ?? []).map(allowedIp) }));
  const peerSet = wireguardFamily.set('wgpeer');
  const ipSet = wireguardFamily.set('wgallowedip');
  const messages: Uint8Array[] = [];
  const start = (first: boolean): Record<string, unknown> => (first ? deviceAttrs(c) : { ifname: c.ifname });
  const emit = (attrs: Record<string, unknown>): void => {
    const m = wireguardFamily.encode({ op: 'set-device', familyId, attrs });
    if (m.length > limit) throw new ValidationError('peers', `one peer's fixed part does not fit in ${limit} bytes`);
    messages.push(m);
  };
  const base = (attrs: Record<string, unknown>): number => size((w) => { w.begin(0, 0); w.zeros(4); wireguardFamily.set('wgdevice').encode(w, attrs); });
  let attrs = start(true);
  let list: Record<string, unknown>[] = [];
  // Bytes used so far: the message without its peers, the peers nest's header, the peers.
  let used = base(attrs) + 4;
  const flush = (): void => {
    if (list.length) attrs.peers = list;
    emit(attrs);
    attrs = start(false);
    list = [];
    used = base(attrs) + 4;
  };
  for (const { p, ips } of peers) {
    let first = true;
    let rest = ips;
    for (;;) {
      const fixed = size((w) => { const s = w.nestStart(0); peerSet.encode(w, peerAttrs(p, first, [])); w.nestEnd(s); }) + (rest.length ? 4 : 0);
      if (used + fixed > limit && list.length) { flush(); continue; }
      let take = 0;
      let room = limit - used - fixed;
      while (take < rest.length) {
        const one = size((w) => { const s = w.nestStart(0); ipSet.encode(w, rest[take]!); w.nestEnd(s); });
        if (one > room) break;
        room -= one;
        take++;
      }
      if (take === 0 && rest.length && list.length) { flush(); continue; }
      if (take === 0 && rest.length) throw new ValidationError('peers', `a peer does not fit in ${limit} bytes`);
      const part = peerAttrs(p, first, rest.slice(0, take));
      list.push(part);
      used += size((w) => { const s = w.nestStart(0); peerSet.encode(w, part); w.nestEnd(s); });
      rest = rest.slice(take);
      first = false;
      if (rest.length === 0) break;
      flush();
    }
  }
  flush();
  return messages;
}

/** Applies a configuration (several messages when it is large, as the kernel expects). */
export async function setDevice(client: GenlClient, c: DeviceConfig): Promise<void> {
  const info = await client.family('wireguard');
  const messages = encodeSetDevice(c, info.id);
  for (const m of messages) {
    await client.socket.request(m, { operation: `configure WireGuard device ${c.ifname}`, headerSize: 4, describeAttribute: (path) => wireguardFamily.describeAttribute('set-device', path) });
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a device back

export interface Peer {
  publicKey: string;
  presharedKey?: string;
  endpoint?: string;
  persistentKeepalive: number;
  allowedIps: string[];
  /** Milliseconds since the epoch, or 0 when no handshake happened yet. */
  lastHandshake: number;
  rxBytes: bigint;
  txBytes: bigint;
  protocolVersion?: number;
}

export interface Device {
  ifname: string;
  ifindex: number;
  privateKey?: string;
  publicKey?: string;
  listenPort: number;
  fwmark: number;
  peers: Peer[];
}

const b64 = (b: unknown): string | undefined => (typeof b === 'string' ? Buffer.from(b, 'hex').toString('base64') : undefined);
const ZERO_KEY = 'A'.repeat(43) + '=';

/** Joins the parts of a get-device dump into one device (peers split across messages merged). */
export function mergeDevice(parts: readonly Record<string, unknown>[]): Device {
  const d: Device = { ifname: '', ifindex: 0, listenPort: 0, fwmark: 0, peers: [] };
  for (const a of parts) {
    if (a.ifname !== undefined) d.ifname = a.ifname as string;
    if (a.ifindex !== undefined) d.ifindex = a.ifindex as number;
    const priv = b64(a['private-key']);
    if (priv !== undefined && priv !== ZERO_KEY) d.privateKey = priv;
    const pub = b64(a['public-key']);
    if (pub !== undefined && pub !== ZERO_KEY) d.publicKey = pub;
    if (a['listen-port'] !== undefined) d.listenPort = a['listen-port'] as number;
    if (a.fwmark !== undefined) d.fwmark = a.fwmark as number;
    for (const p of (a.peers as Record<string, unknown>[] | undefined) ?? []) {
      const key = b64(p['public-key'])!;
      let peer = d.peers.at(-1);
      if (!peer || peer.publicKey !== key) {
        peer = { publicKey: key, persistentKeepalive: 0, allowedIps: [], lastHandshake: 0, rxBytes: 0n, txBytes: 0n };
        d.peers.push(peer);
      }
      const psk = b64(p['preshared-key']);
      if (psk !== undefined && psk !== ZERO_KEY) peer.presharedKey = psk;
      if (p.endpoint instanceof Uint8Array) peer.endpoint = endpointText(p.endpoint);
      if (p['persistent-keepalive-interval'] !== undefined) peer.persistentKeepalive = p['persistent-keepalive-interval'] as number;
      const hs = p['last-handshake-time'] as { sec?: bigint; nsec?: bigint } | undefined;
      if (hs?.sec !== undefined) peer.lastHandshake = Number(hs.sec) * 1000 + Math.floor(Number(hs.nsec ?? 0n) / 1e6);
      if (p['rx-bytes'] !== undefined) peer.rxBytes = p['rx-bytes'] as bigint;
      if (p['tx-bytes'] !== undefined) peer.txBytes = p['tx-bytes'] as bigint;
      if (p['protocol-version'] !== undefined) peer.protocolVersion = p['protocol-version'] as number;
      for (const ip of (p.allowedips as { ipaddr?: string; 'cidr-mask'?: number }[] | undefined) ?? []) {
        if (ip.ipaddr !== undefined) peer.allowedIps.push(`${ip.ipaddr}/${ip['cidr-mask'] ?? 0}`);
      }
    }
  }
  return d;
}

/** A device with its peers (as `wg show DEV dump` lists them). */
export async function getDevice(client: GenlClient, ifname: string): Promise<Device> {
  const replies = await client.request(wireguardFamily, { op: 'get-device', mode: 'dump', attrs: { ifname }, operation: `read WireGuard device ${ifname}` });
  return mergeDevice(replies.map((r) => r.attrs));
}

// ---------------------------------------------------------------------------------------------
// Configuration files

/**
 * A configuration in `wg setconf`'s file format, with its meaning: every peer not listed is
 * removed, each listed peer's allowed IPs are replaced, and a private key, port or fwmark
 * not given is cleared (an all-zero key, 0). (wg-quick's extra keys, such as
 * Address or DNS, are not part of it and are refused, as `wg` refuses them.)
 */
export function parseWgConfig(text: string, ifname: string): DeviceConfig {
  const c: DeviceConfig & { peers: PeerConfig[] } = { ifname, privateKey: ZERO_KEY, listenPort: 0, fwmark: 0, replacePeers: true, peers: [] };
  let section: 'interface' | 'peer' | undefined;
  let peer: (PeerConfig & { allowedIps: string[] }) | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const where = `line ${i + 1}`;
    const sec = /^\[(\w+)\]$/.exec(line);
    if (sec) {
      const name = sec[1]!.toLowerCase();
      if (name !== 'interface' && name !== 'peer') throw new ValidationError(where, `unknown section [${sec[1]}]`);
      section = name;
      if (name === 'peer') c.peers.push((peer = { publicKey: '', allowedIps: [], replaceAllowedIps: true }));
      return;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(line);
    if (!kv || !section) throw new ValidationError(where, `expected KEY = VALUE inside [Interface] or [Peer]`);
    const key = kv[1]!.toLowerCase();
    const value = kv[2]!.trim();
    const int = (max: number): number => {
      const n = value === 'off' ? 0 : Number(value);
      if (!Number.isInteger(n) || n < 0 || n > max) throw new ValidationError(`${where} ${kv[1]}`, `${JSON.stringify(value)} is not a number from 0 to ${max}`);
      return n;
    };
    if (section === 'interface') {
      if (key === 'privatekey') c.privateKey = (keyBytes(value, `${where} PrivateKey`), value);
      else if (key === 'listenport') c.listenPort = int(65535);
      else if (key === 'fwmark') c.fwmark = int(0xffffffff);
      else throw new ValidationError(where, `unknown key ${kv[1]} in [Interface]`);
    } else {
      const p = peer!;
      if (key === 'publickey') p.publicKey = (keyBytes(value, `${where} PublicKey`), value);
      else if (key === 'presharedkey') p.presharedKey = (keyBytes(value, `${where} PresharedKey`), value);
      else if (key === 'endpoint') p.endpoint = (sockaddr(value), value);
      else if (key === 'allowedips') p.allowedIps.push(...value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (allowedIp(s), s)));
      else if (key === 'persistentkeepalive') p.persistentKeepalive = int(65535);
      else throw new ValidationError(where, `unknown key ${kv[1]} in [Peer]`);
    }
  });
  for (const [i, p] of c.peers.entries()) if (!p.publicKey) throw new ValidationError(`peer ${i + 1}`, 'has no PublicKey');
  return c;
}
