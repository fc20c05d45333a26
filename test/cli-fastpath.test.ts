// The CLI's fast paths print exactly what rtnl's decoders would have it print, message by
// message, on real kernel dumps of varied links and routes (the CLI uses them for speed only:
// src/cli/link-decode.ts, src/cli/route-json.ts, src/cli/json-text.ts).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NetlinkSocket } from '../src/netlink/socket.js';
import { chunkMessages, type MessageRef } from '../src/netlink/message.js';
import { NetlinkBuffer } from '../src/netlink/reader.js';
import { decodeLink, encodeLinkDump, resolveLinkNames, type LinkRef } from '../src/rtnl/link.js';
import { decodeRoute, encodeRouteDump } from '../src/rtnl/route.js';
import { decodeLinkForPrint, linkNames, listLinksForPrint, printLinkJson } from '../src/cli/link-decode.js';
import { linkJson, type PeerInfo } from '../src/cli/link-format.js';
import { routeJsonString, routeJsonWriter } from '../src/cli/route-json.js';
import { LinkTable, netnsBytes } from '../src/cli/link-json.js';
import { routeJsonText } from '../src/cli/json-text.js';
import { routeJson } from '../src/cli/rtnl-format.js';
import { assertPrivate, ip, run, tryRun, withIpNetns } from './helpers/env.js';

test.before(() => assertPrivate());

const MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

async function dump(sock: NetlinkSocket, req: Uint8Array): Promise<MessageRef[]> {
  const out: MessageRef[] = [];
  for await (const batch of sock.dumpBatches(req)) out.push(...batch);
  return out;
}

test('links: decodeLinkForPrint prints like rtnl decodeLink for every kind this kernel has', async (t) => {
  await withIpNetns('cfl', async (a) => {
    ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
    ip(['link', 'add', 'br0', 'type', 'bridge', 'stp_state', '1', 'priority', '4096'], a);
    ip(['link', 'set', 'v0', 'master', 'br0'], a);
    ip(['link', 'set', 'v0', 'alias', 'the "uplink" \\ port'], a);
    ip(['link', 'property', 'add', 'dev', 'v1', 'altname', 'a-long-alternative-name'], a);
    const optional = [
      ['vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.0.0.1'],
      ['mv0', 'link', 'v1', 'type', 'macvlan', 'mode', 'bridge'],
      ['vl0', 'link', 'v1', 'type', 'vlan', 'id', '5'],
      ['ifb0', 'type', 'ifb'],
    ];
    const made = optional.filter((args) => tryRun('ip', ['-n', a, 'link', 'add', ...args]).status === 0).map((x) => x[0]);
    t.log(`optional kinds made: ${made.join(', ') || 'none'}`);
    const sock = new NetlinkSocket({ netns: `/run/netns/${a}` });
    try {
      const msgs = await dump(sock, encodeLinkDump({}));
      const slow = msgs.filter((m) => m.type === 16).map((m) => decodeLink(m));
      const fast = msgs.filter((m) => m.type === 16).map((m) => decodeLinkForPrint(m));
      const refs = new Map<number, LinkRef>(slow.map((l) => [l.ifindex, { name: l.ifname, up: l.flags.includes('UP') }]));
      for (const l of [...slow, ...fast]) resolveLinkNames(l, (i) => refs.get(i));
      t.true(fast.length >= 5);
      for (let i = 0; i < fast.length; i++) {
        t.deepEqual(JSON.parse(JSON.stringify(linkJson(fast[i]!, a, undefined))), JSON.parse(JSON.stringify(linkJson(slow[i]!, a, undefined))), slow[i]!.ifname);
        // what dump-links prints is JSON.stringify(linkJson()), byte for byte
        for (const [ns, peer] of [[a, undefined], [null, { peer_ifname: 'p"1', peer_netns: null }], ['x', { peer_ifname: 'v1', peer_netns: 'y' }]] as const) {
          const expected = JSON.stringify(linkJson(slow[i]!, ns, peer));
          const m = msgs.filter((x) => x.type === 16)[i]!;
          const fresh = decodeLinkForPrint(m);
          resolveLinkNames(fresh, (j) => refs.get(j));
          t.is(printLinkJson(fresh, ns, peer), expected, slow[i]!.ifname);
        }
      }
      const listed = await listLinksForPrint(sock, {});
      t.deepEqual(listed.map((l) => l.ifname), slow.map((l) => l.ifname));
      const names = await linkNames(sock);
      t.deepEqual([...names.entries()].sort(), slow.map((l) => [l.ifindex, l.ifname] as [number, string]).sort());
    } finally {
      sock.close();
    }
  });
});

test('links: the byte writer of dump-links --json prints what rtnl decodeLink + linkJson give', async (t) => {
  await withIpNetns('cfj', async (a) => withIpNetns('cfk', async (other) => withIpNetns('cfl', async (third) => {
    // Plain links of several shapes (veth pairs up and down, lo, a dummy-like ifb, a name
    // needing escapes, a peer whose name looks like "ifN", a master, veths whose peers are in
    // another namespace: link_index and link_netnsid, one up with a master) and ones the
    // writer must leave to the general path (bridge data, port data, alias, altname).
    ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
    ip(['link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'y0', 'netns', other], a);
    ip(['link', 'add', 'x1', 'mtu', '1300', 'type', 'veth', 'peer', 'name', 'y1', 'netns', other], a);
    // x2 is x0's shape with its peer in a third namespace: the cached text, another link_netnsid
    ip(['link', 'add', 'x2', 'type', 'veth', 'peer', 'name', 'y2', 'netns', third], a);
    ip(['link', 'add', 'd0', 'mtu', '1400', 'txqlen', '7', 'type', 'veth', 'peer', 'name', 'if77'], a);
    ip(['link', 'add', 'w0', 'type', 'veth', 'peer', 'name', 'w"1\\'], a);
    ip(['link', 'set', 'v0', 'up'], a);
    ip(['link', 'set', 'd0', 'group', '5'], a);
    ip(['link', 'add', 'br0', 'type', 'bridge'], a);
    ip(['link', 'set', 'v1', 'master', 'br0'], a);
    ip(['link', 'set', 'x1', 'up'], a);
    ip(['link', 'set', 'w0', 'alias', 'an alias'], a);
    ip(['link', 'property', 'add', 'dev', 'd0', 'altname', 'a-long-alternative-name'], a);
    tryRun('ip', ['-n', a, 'link', 'add', 'ifb0', 'type', 'ifb']);
    const sock = new NetlinkSocket({ netns: `/run/netns/${a}` });
    try {
      const table = new LinkTable();
      for await (const c of sock.dumpDatagrams(encodeLinkDump({}))) table.add(c);
      const msgs = await dump(sock, encodeLinkDump({}));
      const slow = msgs.filter((m) => m.type === 16).map((m) => decodeLink(m));
      const refs = new Map<number, LinkRef>(slow.map((l) => [l.ifindex, { name: l.ifname, up: l.flags.includes('UP') }]));
      for (const l of slow) resolveLinkNames(l, (i) => refs.get(i));
      t.is(table.count, slow.length);
      let plain = 0;
      let remoteWritten = 0;
      for (const ns of [a, null]) {
        for (let i = 0, row = 0; i < slow.length; i++, row += LinkTable.STRIDE) {
          const l = slow[i]!;
          const peerName = l.linkinfo?.info_kind === 'veth' && typeof l.link === 'string' && !/^if\d+$/.test(l.link) ? l.link : undefined;
          // A peer in another namespace comes from the namespace directory after the dump
          // (here: made up, with a name that needs escaping); without one there are no peer fields.
          const remotes: (PeerInfo | undefined)[] = l.link_netnsid === undefined ? [undefined] : [undefined, { peer_ifname: `y"${l.ifname}`, peer_netns: other }];
          for (const remote of remotes) {
            const peer = remote ?? (peerName ? { peer_ifname: peerName, peer_netns: ns } : undefined);
            const expected = JSON.stringify(linkJson(l, ns, peer));
            const sink = { buf: Buffer.alloc(1 << 18), pos: 0, room(): void {} };
            if (!table.plain(row) || !table.write(row, sink, 0x2c, netnsBytes(ns), remote)) continue;
            plain++;
            if (l.link_netnsid !== undefined) remoteWritten++;
            t.is(sink.buf.toString('utf8', 1, sink.pos), expected, l.ifname);
          }
        }
      }
      // veths, lo, the bridge without its data: at least the veths are written as bytes
      t.true(plain >= 8, `plain links written: ${plain}`);
      t.is(remoteWritten, 12, 'x0, x1 and x2, with and without their peer, in both netns values');
      t.not(slow.find((l) => l.ifname === 'x0')!.link_netnsid, slow.find((l) => l.ifname === 'x2')!.link_netnsid);
    } finally {
      sock.close();
    }
  })));
});

/** What the decoder path prints for a whole dump: JSON.stringify(linkJson()) of each link, resolved as dump-links does. */
function decoderText(msgs: MessageRef[], ns: string | null): string {
  const links = msgs.filter((m) => m.type === 16).map((m) => decodeLink(m));
  const refs = new Map<number, LinkRef>(links.map((l) => [l.ifindex, { name: l.ifname, up: l.flags.includes('UP') }]));
  for (const l of links) resolveLinkNames(l, (i) => refs.get(i));
  const items = links.map((l) => {
    const peerName = l.linkinfo?.info_kind === 'veth' && typeof l.link === 'string' && !/^if\d+$/.test(l.link) ? l.link : undefined;
    return JSON.stringify(linkJson(l, ns, peerName ? { peer_ifname: peerName, peer_netns: ns } : undefined));
  });
  return `[${items.join(',')}]\n`;
}

test('links: dump-links --json prints links while the dump runs, as the decoder path would print them all at the end', async (t) => {
  await withIpNetns('cfe', async (a) => {
    // 301 veth pairs over many datagrams, two of them up, and m0 enslaved to a bridge made
    // last (m0 and the bridge go through the general path, in the middle and at the end). A
    // veth's peer comes right after it (the kernel registers the peer first), and the kernel's
    // datagrams hold 3, then 28 links: an ifb made first (a plain link, printed as bytes)
    // puts a pair across every datagram edge, so each edge's last veth waits for its peer.
    const ifb = tryRun('ip', ['-n', a, 'link', 'add', 'ifbF', 'type', 'ifb']).status === 0;
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      if (i === 150) lines.push('link add m0 type veth peer name m1');
      lines.push(`link add e${i}a type veth peer name e${i}b`);
    }
    lines.push('link add brL type bridge', 'link set m0 master brL', 'link set e7a up', 'link set e7b up');
    // one end up and the other down: the links alternate between two cached shapes
    for (let i = 20; i < 80; i++) lines.push(`link set e${i}a up`);
    run('ip', ['-n', a, '-batch', '-'], `${lines.join('\n')}\n`);
    const sock = new NetlinkSocket({ netns: `/run/netns/${a}` });
    try {
      // Datagrams whose last link is a veth named by the next link (its peer, in the next datagram).
      let datagrams = 0;
      let split = 0;
      for await (const c of sock.dumpDatagrams(encodeLinkDump({}))) {
        if (c.count === 0) continue;
        datagrams++;
        const last = chunkMessages(c)[c.count - 1]!;
        const l = decodeLink(last);
        if (l.linkinfo?.info_kind === 'veth' && l.link_index === l.ifindex + 1) split++;
      }
      t.true(datagrams >= 10, `datagrams: ${datagrams}`);
      if (ifb) t.true(split >= 5, `veths whose peer is in the next datagram: ${split}`);
      else t.log(`no ifb here (${tryRun('ip', ['-n', a, 'link', 'add', 'ifbG', 'type', 'ifb']).stderr.trim()}): pairs do not straddle datagrams`);
      const expected = decoderText(await dump(sock, encodeLinkDump({})), a);
      for (const env of [{}, { NETLINKTS_READ_AHEAD: '0' }]) {
        const r = spawnSync(process.execPath, [MAIN, 'dump-links', '--json', '--netns', a], { encoding: 'utf8', env: { ...process.env, ...env, DEBUG: '' } });
        t.is(r.status, 0, r.stderr);
        if (r.stdout === expected) {
          t.pass();
          continue;
        }
        const ours = JSON.parse(r.stdout) as unknown[];
        const theirs = JSON.parse(expected) as unknown[];
        const i = ours.findIndex((l, k) => JSON.stringify(l) !== JSON.stringify(theirs[k]));
        t.fail(`${JSON.stringify(env)}: link ${i} differs:\n${JSON.stringify(ours[i])}\n${JSON.stringify(theirs[i])}`);
      }
    } finally {
      sock.close();
    }
  });
});

test('links: an ifindex that comes twice in a dump marks the table', (t) => {
  // Two RTM_NEWLINK messages for ifindex 7 (a link renamed while the kernel dumped), then 8.
  const msg = (index: number, name: string): Buffer => {
    const attr = Buffer.alloc(4 + ((name.length + 1 + 3) & ~3));
    attr.writeUInt16LE(4 + name.length + 1, 0);
    attr.writeUInt16LE(3, 2); // IFLA_IFNAME
    attr.write(name, 4, 'latin1');
    const m = Buffer.alloc(32 + attr.length);
    m.writeUInt32LE(m.length, 0);
    m.writeUInt16LE(16, 4); // RTM_NEWLINK
    m.writeInt32LE(index, 20);
    attr.copy(m, 32);
    return m;
  };
  const chunk = (msgs: Buffer[]) => {
    const bytes = new Uint8Array(Buffer.concat(msgs));
    return { buf: new NetlinkBuffer(bytes), start: 0, end: bytes.length, count: msgs.length };
  };
  const once = new LinkTable();
  once.add(chunk([msg(7, 'a'), msg(8, 'b')]));
  t.false(once.repeated);
  const twice = new LinkTable();
  twice.add(chunk([msg(7, 'a')]));
  twice.add(chunk([msg(7, 'renamed'), msg(8, 'b')]));
  t.true(twice.repeated);
  t.is(twice.lookup(7)?.name, 'renamed', 'the later message names the link');
});

test('links: a filtered listing resolves names outside the filter', async (t) => {
  await withIpNetns('cff', async (a) => {
    ip(['link', 'add', 'br0', 'type', 'bridge'], a);
    ip(['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'], a);
    ip(['link', 'set', 'v0', 'master', 'br0'], a);
    const sock = new NetlinkSocket({ netns: `/run/netns/${a}` });
    try {
      const br = (await listLinksForPrint(sock, { kind: 'bridge' }))[0]!;
      const ports = await listLinksForPrint(sock, { master: br.ifindex });
      t.deepEqual(ports.map((l) => [l.ifname, l.master, l.link]), [['v0', 'br0', 'v1']]);
    } finally {
      sock.close();
    }
  });
});

test('routes: the JSON writer gives routeJsonText(decodeRoute()) byte for byte, and that is JSON.stringify(routeJson())', async (t) => {
  await withIpNetns('cfr', async (a) => {
    const cmds = [
      'link add d0 type veth peer name d1', 'link set d0 up', 'link set d1 up', 'link set d1 name "we\\"ird"',
      'addr add 10.0.0.1/24 dev d0', 'addr add 2001:db8::1/64 dev d0 nodad',
      'route add 10.1.0.0/16 via 10.0.0.2 metric 10', 'route add blackhole 10.2.0.0/16', 'route add unreachable 10.6.0.0/16',
      'route add 10.3.0.0/16 dev d0 table 100', 'route add 10.3.0.0/16 dev d0 table 70000',
      'route add 10.4.0.0/16 nexthop via 10.0.0.2 weight 1 nexthop via 10.0.0.3 weight 2',
      'route add 10.5.0.0/16 via 10.0.0.2 mtu 1400 proto static', 'route add default via 10.0.0.2',
      'route add 10.7.0.0/16 via 10.0.0.2 src 10.0.0.1 proto 99', 'route add 10.8.0.0/16 dev d0 tos 0x10',
      'route add 2001:db8:5::/48 via 2001:db8::2', 'route add 2001:db8:6::/48 dev d0 metric 5 pref high',
      'route add 2001:db8:7::1 dev d0',
      // u32 values past 2^31 (the byte writer leaves such metrics to the decoder; tables are kept as u32)
      'route add 10.9.0.0/16 dev d0 metric 4294967295', 'route add 10.9.0.0/16 dev d0 table 4000000000',
      'route add 10.10.0.0/16 dev d0 metric 2147483648 table 2147483648',
    ];
    for (const c of cmds) {
      const r = tryRun('bash', ['-c', `ip -n ${a} ${c}`]);
      if (r.status !== 0) t.log(`skipped: ip ${c}: ${r.stderr.trim()}`);
    }
    const sock = new NetlinkSocket({ netns: `/run/netns/${a}` });
    try {
      const names = await linkNames(sock);
      const resolve = (i: number) => names.get(i);
      const msgs = await dump(sock, encodeRouteDump({ family: 0, table: 0 }));
      const routes = msgs.filter((m) => m.type === 24 && (m.buf.bytes[m.payloadStart] === 2 || m.buf.bytes[m.payloadStart] === 10));
      t.true(routes.length > 15);
      let fastOnes = 0;
      for (const showTable of [false, true]) {
        for (const netns of [undefined, null, 'ns"x']) {
          const write = routeJsonWriter(names, { showTable, netns, family: 0, table: 0 });
          for (const m of routes) {
            const r = decodeRoute(m, resolve);
            const expected = routeJsonText(r, showTable, netns);
            t.is(routeJsonString(write, m), expected, r.dst);
            t.is(expected, JSON.stringify(routeJson(r, showTable, netns)), r.dst);
            if (!r.nexthops && !r.metrics && !r.tos) fastOnes++;
          }
        }
      }
      t.true(fastOnes > 0);
    } finally {
      sock.close();
    }
  });
});
