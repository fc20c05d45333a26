// net.* sysctls through /proc/sys files opened inside a namespace: a change lands in that
// namespace only, as `ip netns exec NS sysctl -n` confirms.
import test from 'ava';
import { SystemError } from '../src/netlink/errors.js';
import { createLink, getSysctl, setSysctl } from '../src/rtnl/index.js';
import { run } from './helpers/env.js';
import { withNamespaces } from './helpers/rtnl.js';

const sysctlIn = (ns: string, key: string): string => run('ip', ['netns', 'exec', ns, 'sysctl', '-n', key]).trim();

test('setting ip_forward in one namespace changes it there and nowhere else', async (t) => {
  await withNamespaces(['ya', 'yb'], async ([a, b]) => {
    const before = await getSysctl('net.ipv4.ip_forward');
    t.is(await getSysctl('net.ipv4.ip_forward', { netns: a!.ns }), '0');
    await setSysctl('net.ipv4.ip_forward', 1, { netns: a!.ns });
    t.is(sysctlIn(a!.name, 'net.ipv4.ip_forward'), '1');
    t.is(sysctlIn(b!.name, 'net.ipv4.ip_forward'), '0', 'the other namespace is untouched');
    t.is(await getSysctl('net.ipv4.ip_forward'), before, 'the test process\'s own namespace is untouched');
    t.is(await getSysctl('net.ipv4.ip_forward', { netns: a!.name }), '1', 'by name');
    await setSysctl('net.ipv4.ip_forward', false, { netns: a!.name });
    t.is(sysctlIn(a!.name, 'net.ipv4.ip_forward'), '0');
  });
});

test('per-interface keys, IPv6 keys and multi-value keys', async (t) => {
  await withNamespaces(['yc'], async ([a]) => {
    await createLink(a!.sock, { name: 'br-lan.10', kind: 'bridge' });
    await setSysctl('net.ipv4.conf.br-lan/10.forwarding', 1, { netns: a!.ns });
    t.is(sysctlIn(a!.name, 'net.ipv4.conf.br-lan/10.forwarding'), '1');
    t.is(await getSysctl('net/ipv4/conf/all/forwarding', { netns: a!.ns }), sysctlIn(a!.name, 'net.ipv4.conf.all.forwarding'));
    await setSysctl('net.ipv6.conf.all.forwarding', '1', { netns: a!.ns });
    t.is(sysctlIn(a!.name, 'net.ipv6.conf.all.forwarding'), '1');
    await setSysctl('net.ipv4.ip_local_port_range', [20000, 30000], { netns: a!.ns });
    t.is(sysctlIn(a!.name, 'net.ipv4.ip_local_port_range').replace(/\s+/g, ' '), '20000 30000');
    t.is((await getSysctl('net.ipv4.ip_local_port_range', { netns: a!.ns })).replace(/\s+/g, ' '), '20000 30000');
  });
});

test('errors name the key: a missing interface, a value the kernel refuses', async (t) => {
  await withNamespaces(['yd'], async ([a]) => {
    const missing = await t.throwsAsync(getSysctl('net.ipv4.conf.nosuch0.forwarding', { netns: a!.ns }), { instanceOf: SystemError });
    t.is(missing!.code, 'ENOENT');
    t.regex(missing!.message, /read sysctl net\.ipv4\.conf\.nosuch0\.forwarding/);
    const bad = await t.throwsAsync(setSysctl('net.ipv4.ip_forward', 'yes', { netns: a!.ns }), { instanceOf: SystemError });
    t.is(bad!.code, 'EINVAL');
    t.regex(bad!.message, /write sysctl net\.ipv4\.ip_forward=yes/);
  });
});
