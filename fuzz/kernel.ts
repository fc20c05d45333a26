// `npm run fuzz:kernel -- [--seconds N] [--requests N] [--seed S] [--every N] [--no-nft] [--known KIND,...] [--no-write] [--verbose]`
// `npm run fuzz:kernel -- --repro fuzz/findings/FILE.json`  (replay a finding's requests)
//
// The kernel-facing harness. Valid rtnetlink requests and nftables batches, built with the
// library's own encoders, get structure-aware mutations (fuzz/lib/mutate.ts) and go to the
// real kernel through NetlinkSocket, inside a throwaway network namespace. Checked:
//   - every request settles: resolves, or rejects with a typed error (NetlinkError,
//     NetlinkDecodeError, ValidationError); nothing else, and never silence;
//   - sequence numbers never desync: after every N mutated requests a known-good request
//     (RTM_GETLINK lo / NFT_MSG_GETGEN) must get its own answer, promptly;
//   - the kernel's extended-ACK text reaches the error (compared with the raw NLMSG_ERROR,
//     read by a receive tap and parsed independently of the library);
//   - replies decode with the library's decoders;
//   - no file descriptor leaks (/proc/self/fd before, during and after).
// Anything odd goes to fuzz/findings/<timestamp>-<kind>.json with the bytes (hex) to replay.
//
// Safety: run through `npm run fuzz:kernel` (scripts/in-private-netns.mjs), so the process
// is already in a private network namespace; assertPrivate() checks that. The harness then
// re-executes itself in a fresh *user* namespace (unshare --user --map-root-user --net
// --mount): mutated requests that name other namespaces (IFLA_NET_NS_PID 1, NETNSID...)
// hit EPERM there, whatever the mutation, because this process holds no capability over any
// namespace it did not create. Requests that would move links across namespaces or load
// link-kind modules (whose init can create devices in the initial namespace) are also
// filtered out before sending.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readlinkSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MessageWriter, NetlinkSocket, NetlinkError, NetlinkDecodeError, ValidationError, NETLINK_NETFILTER, NETLINK_ROUTE,
  NLMSG_ERROR, NLM_F_CAPPED, NLM_F_ACK_TLVS, walkMessages, NetlinkBuffer, type MessageRef,
} from '../src/netlink/index.js';
import {
  encodeNewLink, encodeSetLink, encodeDelLink, encodeGetLink, encodeLinkDump, encodeNewAddress, encodeDelAddress,
  encodeAddressDump, encodeNewRoute, encodeDelRoute, encodeGetRoute, encodeRouteDump, encodeNewNeighbour,
  encodeDelNeighbour, encodeNeighbourDump, decodeLink, decodeAddress, decodeRoute, decodeNeighbour,
} from '../src/rtnl/index.js';
import {
  NftBatch, getGenerationMessage, decodeGeneration, decodeTable, decodeChain, decodeRule, decodeSet,
  type Expression,
} from '../src/nft/index.js';
import { assertPrivate } from '../test/helpers/env.js';
import { mutate, prng, randomOp, OP_KINDS, type Op, type OpKind } from './lib/mutate.js';
import { familyHeaderSize, parseDatagram, toHex, type AttrNode } from './lib/wire.js';
import { writeFinding } from './lib/files.js';
import { tapReceive } from './lib/tap.js';

// ---------------------------------------------------------------------------------------------
// arguments and the sandbox

interface Args {
  seconds: number; seed: number; every: number; nft: boolean; verbose: boolean; maxFindings: number; repro?: string;
  /** Stop after this many mutated requests (a fixed workload for CI, whatever the machine's speed). */
  requests?: number;
  /** Finding kinds already reported: still counted and printed, but they do not fail the run. */
  known: Set<string>;
  /** Do not write finding files (CI smoke runs). */
  write: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seconds: 30, seed: (Date.now() ^ process.pid) >>> 0, every: 8, nft: true, verbose: false, maxFindings: 5, known: new Set(), write: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${k} needs a positive number`);
      return n;
    };
    if (k === '--seconds') a.seconds = v();
    else if (k === '--requests') a.requests = Math.floor(v());
    else if (k === '--seed') a.seed = v() >>> 0;
    else if (k === '--every') a.every = Math.floor(v());
    else if (k === '--max-findings') a.maxFindings = Math.floor(v());
    else if (k === '--no-nft') a.nft = false;
    else if (k === '--verbose') a.verbose = true;
    else if (k === '--repro') a.repro = argv[++i];
    else if (k === '--known') for (const x of (argv[++i] ?? '').split(',')) a.known.add(x);
    else if (k === '--no-write') a.write = false;
    else throw new Error(`unknown argument ${k}; usage: npm run fuzz:kernel -- [--seconds N] [--requests N] [--seed S] [--every N] [--no-nft] [--known KIND,...] [--no-write] [--verbose] | --repro fuzz/findings/FILE.json`);
  }
  return a;
}

const SANDBOX = 'NETLINKTS_FUZZ_SANDBOX';

/** Outside the sandbox: check the private namespace, then run this file again in a new user namespace. */
function enterSandbox(): never {
  assertPrivate();
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--net', '--mount', '--propagation', 'private', '--',
    process.execPath, ...process.execArgv, self, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [SANDBOX]: '1', NETLINKTS_FUZZ_OUTER_NETNS: readlinkSync('/proc/self/ns/net') },
  });
  if (r.error) throw new Error(`cannot create the fuzzing user namespace with unshare: ${r.error.message}`);
  process.exit(r.status ?? 1);
}

/** Inside: prove we are in a user namespace of our own and a network namespace other than the runner's. */
function assertSandbox(): void {
  const uidMap = readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/);
  if (uidMap[0] === '0' && uidMap[1] === '0' && uidMap[2] === '4294967295') throw new Error('refusing to fuzz: not inside a user namespace of our own');
  if (readlinkSync('/proc/self/ns/net') === process.env.NETLINKTS_FUZZ_OUTER_NETNS) throw new Error('refusing to fuzz: still in the runner\'s network namespace');
}

// ---------------------------------------------------------------------------------------------
// a throwaway namespace per epoch

async function throwawayNamespace(): Promise<{ fd: number; close: () => void }> {
  // A child unshares a network namespace (owned by our user namespace); we keep an fd of it
  // and let the child go: the namespace lives while that fd and the sockets opened in it do.
  const child = spawn('unshare', ['--net', 'sleep', '3600'], { stdio: 'ignore' });
  const mine = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 200; i++) {
    try {
      if (child.pid && readlinkSync(`/proc/${child.pid}/ns/net`) !== mine) {
        const fd = openSync(`/proc/${child.pid}/ns/net`, 'r');
        child.kill('SIGKILL');
        return { fd, close: () => closeSync(fd) };
      }
    } catch { /* not started yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error('the namespace holder did not start');
}

// ---------------------------------------------------------------------------------------------
// raw replies, parsed without the library (the differential side of the extack check)

interface RawError { errno: number; message?: string; offset?: number }

function rawErrors(datagram: Uint8Array, into: Map<number, RawError[]>): void {
  const v = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  let pos = 0;
  while (datagram.length - pos >= 16) {
    const len = v.getUint32(pos, true);
    if (len < 16 || len > datagram.length - pos) return;
    if (v.getUint16(pos + 4, true) === NLMSG_ERROR && len >= 36) {
      const flags = v.getUint16(pos + 6, true);
      const e: RawError = { errno: -v.getInt32(pos + 16, true) };
      const reqLen = v.getUint32(pos + 20, true);
      let t = pos + 20 + (flags & NLM_F_CAPPED ? 16 : Math.min(reqLen, len - 20) + ((4 - (Math.min(reqLen, len - 20) % 4)) % 4));
      while (flags & NLM_F_ACK_TLVS && pos + len - t >= 4) {
        const al = v.getUint16(t, true), at = v.getUint16(t + 2, true) & 0x3fff;
        if (al < 4 || t + al > pos + len) break;
        if (at === 1) e.message = new TextDecoder().decode(datagram.subarray(t + 4, t + al)).replace(/\0.*$/s, '');
        if (at === 2 && al >= 8) e.offset = v.getUint32(t + 4, true);
        t += (al + 3) & ~3;
      }
      // Keyed by the echoed request's seq. A seq may get several answers: a mutated message
      // can carry a copy of another's seq, or a bit-flipped seq that a later request will use.
      const seq = v.getUint32(pos + 28, true);
      const list = into.get(seq);
      if (list) list.push(e);
      else into.set(seq, [e]);
    }
    pos += (len + 3) & ~3;
  }
}

// ---------------------------------------------------------------------------------------------
// templates: valid requests built with the library's encoders

interface Ctx {
  n: number;
  fz0: number;
  fz1: number;
  br: number;
  created: number[];
  rand: () => number;
}

const ip4 = (a: number, b: number, c: number, d: number): Uint8Array => Uint8Array.of(a, b, c, d);
const ip6 = (last: number): Uint8Array => Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last);
const mac = (last: number): Uint8Array => Uint8Array.of(2, 0, 0, 0, 0, last);
const pickOf = <T>(c: Ctx, list: readonly T[]): T => list[Math.floor(c.rand() * list.length)]!;

const RTNL_TEMPLATES: Array<{ label: string; build: (c: Ctx) => Uint8Array }> = [
  { label: 'newlink veth', build: (c) => encodeNewLink({ name: `fzv${c.n}` }, { kind: 'veth', peer: { name: `fzp${c.n}`, mtu: 1400 } }) },
  { label: 'newlink bridge', build: (c) => encodeNewLink({ name: `fzb${c.n}`, mtu: 1500 }, { kind: 'bridge', bridge: { stp_state: 0, forward_delay: 200, ageing_time: 3000 } }) },
  { label: 'newlink vxlan', build: (c) => encodeNewLink({ name: `fzx${c.n}` }, { kind: 'vxlan', vxlan: { id: c.n % 1000 + 1, local: '192.0.2.1', port: 4789, ttl: 8, learning: false } }) },
  { label: 'newlink macvlan', build: (c) => encodeNewLink({ name: `fzm${c.n}`, link: c.fz1 }, { kind: 'macvlan', macvlan: { mode: 'bridge' } }) },
  { label: 'setlink', build: (c) => encodeSetLink(pickOf(c, [c.fz0, c.fz1, ...c.created]), { mtu: 1280 + (c.n % 200), flags: 1, change: 1, txqlen: 100, ifalias: `alias${c.n}` }) },
  { label: 'setlink master', build: (c) => encodeSetLink(c.fz0, { master: c.br }) },
  { label: 'dellink', build: (c) => encodeDelLink({ index: pickOf(c, c.created.length ? c.created : [c.fz1 + 1000]) }) },
  { label: 'getlink', build: (c) => encodeGetLink(pickOf(c, [1, c.fz0, 'fz1'])) },
  { label: 'link dump', build: () => encodeLinkDump({}) },
  { label: 'newaddr v4', build: (c) => encodeNewAddress({ family: 2, prefixlen: 24, index: c.fz0, local: ip4(192, 0, 2, 10 + (c.n % 200)), label: 'fz0', valid: 600, preferred: 300 }) },
  { label: 'newaddr v6', build: (c) => encodeNewAddress({ family: 10, prefixlen: 64, index: c.fz0, local: ip6(10 + (c.n % 200)), flags: 0x02 /* nodad */ }) },
  { label: 'deladdr', build: (c) => encodeDelAddress({ family: 2, prefixlen: 24, index: c.fz0, local: ip4(192, 0, 2, 10 + (c.n % 200)) }) },
  { label: 'addr dump', build: () => encodeAddressDump() },
  { label: 'newroute v4', build: (c) => encodeNewRoute({ family: 2, dstLen: 24, table: 254, protocol: 4, scope: 0, type: 1, dst: ip4(198, 51, 100 + (c.n % 2), 0), gateway: ip4(192, 0, 2, 1), oif: c.fz0, priority: c.n % 100, metrics: [[2, 1400]] }) },
  { label: 'newroute v6 multipath', build: (c) => encodeNewRoute({ family: 10, dstLen: 48, table: 254, protocol: 4, scope: 0, type: 1, dst: Uint8Array.of(0x20, 1, 0xd, 0xb8, 0, c.n % 256, ...new Array(10).fill(0)), nexthops: [{ gateway: ip6(2), ifindex: c.fz0 }, { gateway: ip6(3), ifindex: c.fz0, weight: 3 }] }) },
  { label: 'newroute blackhole', build: (c) => encodeNewRoute({ family: 2, dstLen: 32, table: 100 + (c.n % 3), protocol: 4, scope: 253, type: 6, dst: ip4(203, 0, 113, c.n % 256) }) },
  { label: 'delroute', build: (c) => encodeDelRoute({ family: 2, dstLen: 24, table: 254, protocol: 0, scope: 0, type: 1, dst: ip4(198, 51, 100 + (c.n % 2), 0) }) },
  { label: 'getroute', build: (c) => encodeGetRoute({ family: 2, dst: ip4(198, 51, 100, c.n % 256), oif: c.fz0 }) },
  { label: 'route dump', build: () => encodeRouteDump({}) },
  { label: 'newneigh', build: (c) => encodeNewNeighbour({ family: 2, ifindex: c.fz0, dst: ip4(192, 0, 2, 100 + (c.n % 100)), lladdr: mac(c.n % 256), state: 0x80 }) },
  { label: 'newneigh v6', build: (c) => encodeNewNeighbour({ family: 10, ifindex: c.fz0, dst: ip6(100 + (c.n % 100)), lladdr: mac(c.n % 256), state: 0x02 }, 'replace') },
  { label: 'delneigh', build: (c) => encodeDelNeighbour({ family: 2, ifindex: c.fz0, dst: ip4(192, 0, 2, 100 + (c.n % 100)) }) },
  { label: 'neigh dump', build: () => encodeNeighbourDump({}) },
];

function nftBatch(c: Ctx): { batch: NftBatch; label: string } {
  const b = new NftBatch();
  const table = { family: 'inet' as const, name: 'fzt' };
  const chain = `c${c.n % 7}`;
  const exprs: Expression[] = [
    { type: 'meta', key: 'l4proto', dreg: 1 },
    { type: 'cmp', op: 'eq', sreg: 1, data: Uint8Array.of(6) },
    { type: 'payload', base: 'transport', offset: 2, len: 2, dreg: 1 },
    { type: 'cmp', op: 'eq', sreg: 1, data: Uint8Array.of(0, 22 + (c.n % 3)) },
    { type: 'counter' },
    { type: 'verdict', code: 'accept' },
  ];
  const kinds = ['table', 'chain', 'base chain', 'rule', 'set', 'delete rule', 'nat'] as const;
  const k = pickOf(c, kinds);
  b.addTable({ ...table, comment: 'fuzz' });
  switch (k) {
    case 'table': b.addTable({ family: pickOf(c, ['ip', 'ip6', 'inet', 'bridge', 'netdev', 'arp'] as const), name: `t${c.n % 5}`, flags: c.n % 2 }); break;
    case 'chain': b.addChain({ ...table, table: 'fzt', name: chain }); break;
    case 'base chain': b.addChain({ family: 'inet', table: 'fzt', name: `b${c.n % 5}`, type: 'filter', hook: pickOf(c, ['input', 'forward', 'output'] as const), priority: c.n % 50, policy: 'accept' }); break;
    case 'rule': b.addChain({ family: 'inet', table: 'fzt', name: chain }).addRule({ family: 'inet', table: 'fzt', chain, expressions: exprs, comment: 'r' }); break;
    case 'set': b.addSet({ family: 'inet', table: 'fzt', name: `s${c.n % 5}`, keyType: 'ipv4_addr', flags: 0x4, timeout: 60000 }); break;
    case 'delete rule': b.deleteRule({ family: 'inet', table: 'fzt', chain, handle: 1 + (c.n % 20) }); break;
    case 'nat':
      b.addTable({ family: 'ip', name: 'fznat' }).addChain({ family: 'ip', table: 'fznat', name: 'post', type: 'nat', hook: 'postrouting', priority: 100 })
        .addRule({ family: 'ip', table: 'fznat', chain: 'post', expressions: [{ type: 'meta', key: 'oif', dreg: 1 }, { type: 'cmp', op: 'eq', sreg: 1, data: Uint8Array.of(c.fz0, 0, 0, 0) }, { type: 'masq' }] });
      break;
  }
  return { batch: b, label: `nft ${k}` };
}

/** Links, an address: what mutated requests find to work on. Built with the library's encoders. */
async function fixtures(rt: NetlinkSocket, rand: () => number): Promise<Ctx> {
  const idx = async (name: string): Promise<number> => decodeLink((await rt.request(encodeGetLink(name)))[0]!).ifindex;
  await rt.request(encodeSetLink(1, { flags: 1, change: 1 }));
  await rt.request(encodeNewLink({ name: 'fz0' }, { kind: 'veth', peer: { name: 'fz1' } }));
  await rt.request(encodeNewLink({ name: 'fzbr0' }, { kind: 'bridge' }));
  const ctx: Ctx = { n: 0, fz0: await idx('fz0'), fz1: await idx('fz1'), br: await idx('fzbr0'), created: [], rand };
  await rt.request(encodeSetLink(ctx.fz0, { flags: 1, change: 1 }));
  await rt.request(encodeSetLink(ctx.fz1, { flags: 1, change: 1 }));
  await rt.request(encodeNewAddress({ family: 2, prefixlen: 24, index: ctx.fz0, local: ip4(192, 0, 2, 1) }));
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// the safety filter: nothing that names another namespace, no link kind we did not intend

const NS_ATTRS = new Set([19 /* IFLA_NET_NS_PID */, 28 /* IFLA_NET_NS_FD */, 46 /* IFLA_TARGET_NETNSID */]);
const KINDS = new Set(['veth', 'bridge', 'vxlan', 'macvlan']);

function refused(bytes: Uint8Array, protocol: 'route' | 'netfilter'): string | undefined {
  if (protocol !== 'route') return undefined;
  const dec = new TextDecoder();
  const scan = (nodes: AttrNode[], depth: number, linkMsg: boolean): string | undefined => {
    for (const n of nodes) {
      const t = n.type & 0x3fff;
      if (linkMsg && NS_ATTRS.has(t)) return `attribute ${t} names a namespace`;
      if (linkMsg && depth <= 1 && t === 1 && n.data) {
        // IFLA_INFO_KIND inside IFLA_LINKINFO (and anything that looks like it one level down).
        const kind = dec.decode(n.data).replace(/\0.*$/s, '');
        if (depth === 1 && !KINDS.has(kind)) return `link kind "${kind}"`;
      }
      if (n.children) {
        const r = scan(n.children, depth + 1, linkMsg);
        if (r) return r;
      }
    }
    return undefined;
  };
  for (const m of parseDatagram(bytes, 'route')) {
    if (m.type >= 88 && m.type <= 91) return 'namespace id messages';
    const r = scan(m.attrs, 0, m.type >= 16 && m.type <= 19);
    if (r) return r;
    // VETH_INFO_PEER carries a whole ifinfomsg + attributes that the lenient tree may not see as such.
    if (m.type >= 16 && m.type <= 19) {
      for (let i = 0; i + 4 <= bytes.length; i += 4) {
        const t = (bytes[i + 2]! | (bytes[i + 3]! << 8)) & 0x3fff;
        const l = bytes[i]! | (bytes[i + 1]! << 8);
        if (NS_ATTRS.has(t) && (l === 8 || l === 12)) return `something like attribute ${t} at ${i}`;
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// the run

interface Stats {
  sent: number; resolved: number; rejectedTyped: number; extackSeen: number; extackSurfaced: number;
  unanswered: number; refused: number; barriers: number; replies: number; byCode: Map<string, number>;
}

const findingCounts = new Map<string, number>();
let findingsWritten = 0;

function finding(args: Args, kind: string, body: Record<string, unknown>): void {
  const n = (findingCounts.get(kind) ?? 0) + 1;
  findingCounts.set(kind, n);
  if (n > args.maxFindings) return;
  const file = args.write ? writeFinding(kind, { seed: args.seed, ...body }) : '(not written)';
  if (args.write) findingsWritten++;
  console.log(`  finding ${kind}${args.known.has(kind) ? ' (known)' : ''}: ${String(body.summary ?? '')} -> ${file}`);
}

const fdCount = (): number => readdirSync('/proc/self/fd').length;

/**
 * Whether the kernel will find the next message where the socket puts it: nlmsg_len must lie
 * within the bytes and round up to the same 4-byte boundary (the socket pads message.length).
 */
function framingOk(b: Uint8Array): boolean {
  if (b.length < 16) return false;
  const len = new DataView(b.buffer, b.byteOffset).getUint32(0, true);
  return len >= 16 && len <= b.length && ((len + 3) & ~3) === ((b.length + 3) & ~3);
}

const REPLY_DECODERS: Record<number, (m: MessageRef) => unknown> = {
  16: decodeLink, 17: decodeLink, 20: (m) => decodeAddress(m), 21: (m) => decodeAddress(m), 24: (m) => decodeRoute(m),
  25: (m) => decodeRoute(m), 28: (m) => decodeNeighbour(m), 29: (m) => decodeNeighbour(m),
  [(10 << 8) | 0]: decodeTable, [(10 << 8) | 3]: decodeChain, [(10 << 8) | 6]: decodeRule, [(10 << 8) | 9]: decodeSet,
};

function checkReplies(args: Args, st: Stats, replies: MessageRef[], request: Uint8Array, label: string): void {
  for (const m of replies) {
    st.replies++;
    const decode = REPLY_DECODERS[m.type];
    if (!decode) continue;
    try {
      decode(m);
    } catch (err) {
      finding(args, 'reply-undecodable', {
        summary: `${label}: the kernel's reply (type ${m.type}) does not decode: ${(err as Error).message}`,
        request: toHex(request), reply: toHex(m.buf.bytes.subarray(m.offset, m.end)), error: (err as Error).stack,
      });
    }
  }
}

function checkRejection(args: Args, st: Stats, err: unknown, seq: number, raw: Map<number, RawError[]>, request: Uint8Array, label: string): void {
  if (!(err instanceof NetlinkError || err instanceof NetlinkDecodeError || err instanceof ValidationError)) {
    finding(args, 'untyped-rejection', { summary: `${label}: rejected with ${(err as Error)?.name}: ${(err as Error)?.message}`, request: toHex(request), error: (err as Error)?.stack });
    return;
  }
  st.rejectedTyped++;
  if (!(err instanceof NetlinkError)) return;
  st.byCode.set(err.code, (st.byCode.get(err.code) ?? 0) + 1);
  const answers = raw.get(seq);
  if (!answers) return;
  const r = answers.find((a) => a.errno === err.errno);
  if (!r) {
    finding(args, 'errno-mismatch', { summary: `${label}: the kernel answered seq ${seq} with errno ${answers.map((a) => a.errno).join(', ')}, the error says ${err.errno}`, request: toHex(request) });
    return;
  }
  if (r.message) {
    st.extackSeen++;
    if (err.kernelMessage === r.message && err.message.includes(r.message)) st.extackSurfaced++;
    else finding(args, 'extack-lost', { summary: `${label}: kernel said "${r.message}", the error says "${err.message}"`, request: toHex(request) });
  }
  if (!err.message.includes(err.code)) finding(args, 'error-message', { summary: `${label}: error message lacks the errno name: ${err.message}`, request: toHex(request) });
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'timeout'> =>
  Promise.race([
    p.then((value) => ({ ok: true as const, value }), (error) => ({ ok: false as const, error })),
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms)),
  ]);

/** The kernel answers in microseconds; a second without the barrier's answer means it never comes. */
const BARRIER_MS = 1000;

const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

const REQUEST_OPS: readonly OpKind[] = OP_KINDS.filter((k) => k !== 'nlmsg-len' && k !== 'truncate' && k !== 'splice');

/** Replay a finding: its requests in one datagram with the barrier, then each alone, each time in a fresh namespace. */
async function repro(file: string): Promise<void> {
  const f = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; summary?: string; request?: string; requests?: Array<{ label: string; request: string }>; reply?: string };
  console.log(`${f.kind}: ${f.summary ?? ''}`);
  const list = f.requests ?? (f.request ? [{ label: String(f.summary ?? 'request').split(':')[0]!, request: f.request }] : []);
  if (!list.length) throw new Error(`${file} holds no request bytes`);
  for (const mode of ['together', 'alone'] as const) {
    console.log(`\n-- ${mode === 'together' ? 'all requests and the barrier in one tick (one datagram)' : 'each request in a datagram of its own'}`);
    const ns = await throwawayNamespace();
    const received: Uint8Array[] = [];
    const rt = NetlinkSocket.open({ protocol: NETLINK_ROUTE, netns: ns.fd });
    const nf = NetlinkSocket.open({ protocol: NETLINK_NETFILTER, netns: ns.fd });
    tapReceive(rt, (d) => received.push(d));
    tapReceive(nf, (d) => received.push(d));
    try {
      await fixtures(rt, Math.random);
      const outcomes: Array<Promise<string>> = [];
      for (const r of list) {
        const bytes = Buffer.from(r.request, 'hex');
        const isNft = r.label.startsWith('nft');
        if (mode === 'alone') await nextTick();
        if (isNft) {
          const seqs: number[] = [];
          try { walkMessages(new NetlinkBuffer(bytes), (m) => { if (m.type !== 0x10 && m.type !== 0x11) seqs.push(m.seq); }); } catch { /* malformed on purpose */ }
          for (const seq of seqs) {
            const w = nf.expectReply(seq, undefined, { operation: `${r.label} seq ${seq}` });
            outcomes.push(withTimeout(w.promise, BARRIER_MS).then((o) => `${r.label} seq ${seq}: ${o === 'timeout' ? (w.cancel(), 'no answer') : o.ok ? 'ACK' : String((o.error as Error).message)}`));
          }
          nf.sendRaw(bytes, r.label);
        } else {
          outcomes.push(withTimeout(rt.request(bytes, { operation: r.label, headerSize: familyHeaderSize(bytes[4]! | (bytes[5]! << 8), 'route') }), BARRIER_MS)
            .then((o) => `${r.label} (${framingOk(bytes) ? 'framing ok' : 'nlmsg_len lies'}): ${o === 'timeout' ? 'no answer' : o.ok ? `resolved, ${o.value.length} replies` : `${(o.error as Error).name}: ${(o.error as Error).message}`}`));
        }
      }
      if (mode === 'alone') await nextTick();
      outcomes.push(withTimeout(rt.request(encodeGetLink(1), { operation: 'barrier' }), BARRIER_MS).then((o) => `barrier GETLINK lo: ${o === 'timeout' ? 'NO ANSWER' : o.ok ? 'answered' : String(o.error)}`));
      for (const line of await Promise.all(outcomes)) console.log(`  ${line}`);
      console.log(`  ${received.length} datagrams received:`);
      for (const d of received.slice(-40)) {
        const parts: string[] = [];
        try { walkMessages(new NetlinkBuffer(d), (m) => { parts.push(`type ${m.type} seq ${m.seq} len ${m.length}${m.type === NLMSG_ERROR ? ` errno ${-m.buf.s32(m.payloadStart)}` : ''}`); }); } catch (err) { parts.push(`undecodable: ${(err as Error).message}`); }
        console.log(`    ${parts.join(' | ')}`);
      }
    } finally {
      rt.close();
      nf.close();
      ns.close();
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (process.env[SANDBOX] !== '1') enterSandbox();
  assertSandbox();
  if (args.repro) return repro(args.repro);
  const rand = prng(args.seed);
  const st: Stats = { sent: 0, resolved: 0, rejectedTyped: 0, extackSeen: 0, extackSurfaced: 0, unanswered: 0, refused: 0, barriers: 0, replies: 0, byCode: new Map() };
  const perLabel = new Map<string, number>();
  const fdStart = fdCount();
  const started = Date.now();
  const deadline = started + args.seconds * 1000;
  console.log(`kernel fuzzing for ${args.seconds} s, seed ${args.seed}, a barrier every ${args.every} requests${args.nft ? '' : ', rtnetlink only'}`);

  let epoch = 0;
  const more = (): boolean => args.requests === undefined || st.sent < args.requests;
  while (Date.now() < deadline && more()) {
    epoch++;
    const ns = await throwawayNamespace();
    const raw = new Map<number, RawError[]>();
    const open = (protocol: number): NetlinkSocket => {
      const s = NetlinkSocket.open({ protocol, netns: ns.fd, receiveBufferSize: 8 << 20 });
      tapReceive(s, (d) => rawErrors(d, raw));
      return s;
    };
    let rt = open(NETLINK_ROUTE);
    let nf = args.nft ? open(NETLINK_NETFILTER) : undefined;
    const fdEpoch = fdCount();

    const ctx = await fixtures(rt, rand);

    const epochEnd = Math.min(deadline, Date.now() + 15_000);
    let round = 0;
    while (Date.now() < epochEnd && more()) {
      round++;
      // Everything of earlier rounds has been answered (or never will be): forget it, so a
      // stray answer to a bit-flipped seq cannot be compared with a later request's.
      raw.clear();
      const useNft = nf && rand() < 0.35;
      const coalesce = !useNft && round % 25 === 0; // sometimes in the same datagram as the barrier, as concurrent callers would be
      const pending: Array<{ label: string; bytes: Uint8Array; seq: number; ops: Op[]; settle: Promise<unknown>; cancel: () => void; settled: boolean; protocol: 'route' | 'netfilter' }> = [];
      for (let i = 0; i < args.every; i++) {
        ctx.n++;
        const ops = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomOp(rand, rand() < 0.9 ? REQUEST_OPS : OP_KINDS));
        if (!useNft) {
          const tpl = RTNL_TEMPLATES[Math.floor(rand() * RTNL_TEMPLATES.length)]!;
          const valid = tpl.build(ctx);
          const bytes = mutate(valid, ops, { protocol: 'route', headerSize: familyHeaderSize(valid[4]! | (valid[5]! << 8), 'route') });
          const why = bytes.length >= 16 ? refused(bytes, 'route') : 'shorter than a header';
          if (why) { st.refused++; continue; }
          // Well-framed requests share datagrams (as concurrent callers' do); one whose nlmsg_len
          // lies goes alone, except in coalesce rounds, where the damage it does to its
          // neighbours is what is being measured.
          const alone = !coalesce && !framingOk(bytes);
          if (alone) await nextTick();
          const ac = new AbortController();
          const entry = { label: tpl.label, bytes, seq: 0, ops, settled: false, protocol: 'route' as const, cancel: () => ac.abort(new Error('harness: no answer')), settle: Promise.resolve() as Promise<unknown> };
          const p = rt.request(bytes, { operation: tpl.label, headerSize: familyHeaderSize(bytes[4]! | (bytes[5]! << 8), 'route'), signal: ac.signal });
          entry.seq = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
          entry.settle = p.then((replies) => {
            entry.settled = true;
            st.resolved++;
            checkReplies(args, st, replies, bytes, tpl.label);
          }, (err) => {
            entry.settled = true;
            if ((err as Error)?.message === 'harness: no answer') return;
            checkRejection(args, st, err, entry.seq, raw, bytes, tpl.label);
          });
          pending.push(entry);
          perLabel.set(tpl.label, (perLabel.get(tpl.label) ?? 0) + 1);
          st.sent++;
          if (alone) await nextTick();
        } else {
          const { batch, label } = nftBatch(ctx);
          let encoded;
          try {
            encoded = batch.encode({ ack: true, nextSeq: () => nf!.nextSeq() });
          } catch (err) {
            finding(args, 'encoder-threw', { summary: `${label}: NftBatch.encode threw ${(err as Error).message}`, error: (err as Error).stack });
            continue;
          }
          // Mutate one operation's message; keep BATCH_BEGIN/END intact (mostly).
          const target = encoded.messages[Math.floor(rand() * encoded.messages.length)]!;
          const whole = rand() < 0.05;
          let bytes: Uint8Array;
          if (whole) bytes = mutate(encoded.bytes, ops, { protocol: 'netfilter' });
          else {
            const m = mutate(target.bytes, ops, { protocol: 'netfilter', headerSize: 4 });
            bytes = new Uint8Array(encoded.bytes.length - target.bytes.length + m.length);
            bytes.set(encoded.bytes.subarray(0, target.start));
            bytes.set(m, target.start);
            bytes.set(encoded.bytes.subarray(target.end), target.start + m.length);
          }
          const waits = encoded.messages.map((em) => ({ em, w: nf!.expectReply(em.seq, em.bytes, { operation: `${label} #${em.seq - encoded.beginSeq}`, headerSize: 4 }) }));
          try {
            nf!.sendRaw(bytes, label);
          } catch (err) {
            for (const x of waits) x.w.cancel();
            checkRejection(args, st, err, 0, raw, bytes, label);
            continue;
          }
          st.sent++;
          perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
          for (const { em, w } of waits) {
            const entry = { label, bytes, seq: em.seq, ops, settled: false, protocol: 'netfilter' as const, cancel: () => { w.cancel(); }, settle: Promise.resolve() as Promise<unknown> };
            entry.settle = w.promise.then((replies) => { entry.settled = true; st.resolved++; checkReplies(args, st, replies, bytes, label); },
              (err) => { entry.settled = true; checkRejection(args, st, err, em.seq, raw, bytes, label); });
            pending.push(entry);
          }
          await nextTick();
        }
      }

      // The barrier: a known-good request must get its own answer, promptly.
      st.barriers++;
      const sock = useNft ? nf! : rt;
      const good = useNft ? getGenerationMessage() : encodeGetLink(1);
      const b = await withTimeout(sock.request(good, { operation: useNft ? 'barrier GETGEN' : 'barrier GETLINK lo' }), BARRIER_MS);
      const suspects = pending.map((p) => ({ label: p.label, request: toHex(p.bytes), framing: framingOk(p.bytes) ? 'ok' : 'nlmsg_len disagrees with the byte length', ops: p.ops.map((o) => o.kind) }));
      let broken = false;
      if (b === 'timeout') {
        broken = true;
        finding(args, coalesce ? 'desync-coalesced' : 'desync', { summary: `the known-good ${useNft ? 'GETGEN' : 'GETLINK lo'} got no answer within ${BARRIER_MS} ms after ${pending.length} mutated requests${coalesce ? ' sent in the same datagram' : ''}`, requests: suspects });
      } else if (!b.ok) {
        broken = true;
        finding(args, 'barrier-refused', { summary: `the known-good request was refused: ${(b.error as Error)?.message}`, requests: suspects });
      } else {
        try {
          if (useNft) decodeGeneration(b.value);
          else {
            const l = decodeLink(b.value[0]!);
            if (b.value.length !== 1 || l.ifindex !== 1 || l.ifname !== 'lo') throw new Error(`got ${b.value.length} replies, ifindex ${l.ifindex} ${l.ifname}`);
          }
        } catch (err) {
          broken = true;
          finding(args, 'barrier-wrong-answer', { summary: `the known-good request got someone else's answer: ${(err as Error).message}`, requests: suspects });
        }
      }
      // Everything sent before the barrier has been answered by now, or never will be.
      await nextTick();
      for (const p of pending) {
        if (p.settled) continue;
        st.unanswered++;
        const framing = framingOk(p.bytes);
        if (p.protocol === 'route' && !coalesce) {
          finding(args, framing ? 'no-answer' : 'request-never-settles', {
            summary: framing
              ? `${p.label}: a well-framed mutated request got no answer before the barrier's`
              : `${p.label}: NetlinkSocket.request() sent a message whose nlmsg_len disagrees with its ${p.bytes.length} bytes; the kernel drops such framing silently, so the promise would never settle`,
            request: toHex(p.bytes), ops: p.ops.map((o) => o.kind),
          });
        }
        p.cancel();
      }
      await Promise.all(pending.map((p) => p.settle));
      // Created links are fair game for later mutated requests (set/del).
      if (round % 16 === 0) {
        try {
          const links = await rt.request(encodeLinkDump({}), { operation: 'list links' });
          ctx.created = links.map((m) => decodeLink(m).ifindex).filter((i) => i > 1 && i !== ctx.fz0 && i !== ctx.fz1);
        } catch { /* the next round will try again */ }
      }
      if (broken || round % 200 === 0) {
        // A fresh socket pair in the same namespace; the fd count must come back to the same.
        rt.close();
        nf?.close();
        rt = open(NETLINK_ROUTE);
        nf = args.nft ? open(NETLINK_NETFILTER) : undefined;
        if (fdCount() !== fdEpoch) finding(args, 'fd-leak', { summary: `${fdCount()} fds after reopening the sockets, ${fdEpoch} before` });
      }
      if (args.verbose && round % 50 === 0) console.log(`  epoch ${epoch} round ${round}: ${st.sent} sent`);
    }
    rt.close();
    nf?.close();
    ns.close();
    if (fdCount() !== fdStart) finding(args, 'fd-leak', { summary: `${fdCount()} fds after closing epoch ${epoch}'s sockets, ${fdStart} at start` });
  }

  const secs = (Date.now() - started) / 1000;
  console.log(`${st.sent} mutated requests in ${secs.toFixed(1)} s (${Math.round(st.sent / secs)}/s) over ${epoch} namespace${epoch === 1 ? '' : 's'}; ${st.barriers} barriers`);
  console.log(`  resolved ${st.resolved}, typed rejections ${st.rejectedTyped}, unanswered ${st.unanswered}, filtered out ${st.refused}, replies decoded ${st.replies}`);
  console.log(`  extended ACK text: ${st.extackSurfaced}/${st.extackSeen} surfaced in the error`);
  console.log(`  errnos: ${[...st.byCode.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`  per template: ${[...perLabel.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`  findings: ${findingCounts.size ? [...findingCounts.entries()].map(([k, v]) => `${k} ${v}`).join(', ') : 'none'} (${findingsWritten} files)`);
  const fresh = [...findingCounts.keys()].filter((k) => !args.known.has(k));
  if (fresh.length) console.log(`  new kinds of findings: ${fresh.join(', ')}`);
  process.exitCode = fresh.length ? 1 : 0;
}

await main();
