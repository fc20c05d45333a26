// Address operations against the kernel (`ip addr add/replace/del/show/flush`), checked with ip.
import test from 'ava';
import { NetlinkError } from '../src/netlink/errors.js';
import { NLM_F_DUMP_FILTERED } from '../src/netlink/constants.js';
import * as C from '../src/rtnl/constants.js';
import {
  addAddress, createLink, deleteAddress, encodeAddressDump, flushAddresses, linkIndex, listAddresses, replaceAddress,
} from '../src/rtnl/index.js';
import { ipj, withNs } from './helpers/rtnl.js';

test('add, list, replace, delete IPv4 and IPv6 addresses', async (t) => {
  await withNs('aa', async ({ name, sock }) => {
    await createLink(sock, { name: 'br0', kind: 'bridge', up: true });
    await addAddress(sock, { dev: 'br0', address: '192.168.0.1/16' });
    await addAddress(sock, { dev: 'br0', address: '192.168.0.2/16' });
    await addAddress(sock, { dev: 'br0', address: '2001:db8::1/64', nodad: true });
    await addAddress(sock, { dev: 'br0', address: '10.1.2.3/24', broadcast: '+', scope: 'link', label: 'br0:x', metric: 55 });
    const info = ipj(name, ['addr', 'show', 'dev', 'br0'])[0].addr_info;
    t.like(info.find((a: { local: string }) => a.local === '192.168.0.2'), { secondary: true, prefixlen: 16 });
    t.like(info.find((a: { local: string }) => a.local === '10.1.2.3'), { broadcast: '10.1.2.255', scope: 'link', label: 'br0:x', metric: 55 });
    const mine = await listAddresses(sock, { dev: 'br0' });
    t.like(mine.find((a) => a.local === '192.168.0.2'), { secondary: true, dev: 'br0', family: 'inet' });
    t.like(mine.find((a) => a.local === '2001:db8::1'), { family: 'inet6', prefixlen: 64, nodad: true, scope: 'global' });
    t.true(mine.every((a) => a.dev === 'br0'));
    // family 6: exactly ip's IPv6 addresses of br0 (the global one and the link-local one), no IPv4.
    const v6 = await listAddresses(sock, { dev: 'br0', family: 6 });
    t.deepEqual(v6.map((a) => a.local).sort(), ipj(name, ['-6', 'addr', 'show', 'dev', 'br0'])[0].addr_info.map((a: { local: string }) => a.local).sort());
    t.true(v6.length > 0 && v6.every((a) => a.family === 'inet6'));
    const dup = await t.throwsAsync(addAddress(sock, { dev: 'br0', address: '192.168.0.1/16' }), { instanceOf: NetlinkError });
    t.is(dup!.code, 'EEXIST');
    t.regex(dup!.message, /^add address 192\.168\.0\.1\/16 dev br0: EEXIST \(file exists\)/);
    // replace changes lifetimes in place (ip addr replace).
    await replaceAddress(sock, { dev: 'br0', address: '192.168.0.1/16', valid_lft: 1000, preferred_lft: 500 });
    const replaced = (await listAddresses(sock, { dev: 'br0' })).find((a) => a.local === '192.168.0.1')!;
    t.true(replaced.valid_life_time! <= 1000 && replaced.valid_life_time! > 990);
    t.true(replaced.dynamic);
    await deleteAddress(sock, { dev: 'br0', address: '192.168.0.1/16' });
    // A bare IPv6 address is deleted too: its prefix length is looked up.
    await deleteAddress(sock, { dev: 'br0', address: '2001:db8::1' });
    const left = ipj(name, ['addr', 'show', 'dev', 'br0'])[0].addr_info.map((a: { local: string }) => a.local);
    t.false(left.includes('192.168.0.1'));
    t.false(left.includes('2001:db8::1'));
    const none = await t.throwsAsync(deleteAddress(sock, { dev: 'br0', address: '172.16.0.1/12' }), { instanceOf: NetlinkError });
    t.is(none!.code, 'EADDRNOTAVAIL');
  });
});

test('the /32 local + peer of seed 004, and flush', async (t) => {
  await withNs('ap', async ({ name, sock }) => {
    await createLink(sock, { name: 'rveth', kind: 'veth', peer: 'gveth', up: true });
    await addAddress(sock, { dev: 'rveth', address: '10.10.1.2/32', peer: '10.10.1.3/32' });
    const ip = ipj(name, ['addr', 'show', 'dev', 'rveth'])[0].addr_info.find((a: { family: string }) => a.family === 'inet');
    t.like(ip, { local: '10.10.1.2', address: '10.10.1.3', prefixlen: 32 });
    // The kernel adds the peer route by itself.
    t.is(ipj(name, ['route', 'show', '10.10.1.3'])[0].dev, 'rveth');
    await deleteAddress(sock, { dev: 'rveth', address: '10.10.1.2/32', peer: '10.10.1.3/32' });
    t.deepEqual(ipj(name, ['-4', 'addr', 'show', 'dev', 'rveth'])[0]?.addr_info ?? [], []);
    await addAddress(sock, { dev: 'rveth', address: '10.0.0.1/24' });
    await addAddress(sock, { dev: 'rveth', address: '10.0.0.2/24' });
    await addAddress(sock, { dev: 'rveth', address: '2001:db8::5/64', nodad: true });
    t.is(await flushAddresses(sock, { dev: 'rveth', scope: 'global' }), 3);
    t.deepEqual(ipj(name, ['addr', 'show', 'dev', 'rveth', 'scope', 'global'])[0]?.addr_info ?? [], []);
  });
});

test('address dumps are filtered by the kernel when a device is given', async (t) => {
  await withNs('af', async ({ sock }) => {
    await createLink(sock, { name: 'br0', kind: 'bridge' });
    await createLink(sock, { name: 'br1', kind: 'bridge' });
    await addAddress(sock, { dev: 'br0', address: '10.0.0.1/24' });
    await addAddress(sock, { dev: 'br1', address: '10.0.1.1/24' });
    const index = await linkIndex(sock, 'br1');
    const seen: number[] = [];
    for await (const m of sock.dump(encodeAddressDump(C.AF_INET, index))) {
      if (m.type !== C.RTM_NEWADDR) continue;
      t.truthy(m.flags & NLM_F_DUMP_FILTERED);
      seen.push(m.buf.u32(m.payloadStart + 4));
    }
    t.deepEqual(seen, [index]);
  });
});
