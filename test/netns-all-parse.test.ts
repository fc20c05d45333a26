// The pure parts of the all-namespaces scan: nsfs mounts out of mountinfo (escapes, optional
// fields, other namespace types, shadowed duplicates) and container ids out of cgroup paths in
// the shapes each runtime's cgroup driver writes. The docker/cgroupfs line is the one the Docker
// host test's containers had (test/docker-host.test.ts checks the live one too).
import test from 'ava';
import { containerFromCgroup, labelOf, parseNsfsMounts } from '../src/netlink/netns-scan/index.js';

const ID = 'f2dea3decb80ac8380040e90e68b48ec39700ac5b00ebe073ae4ab5535d08c01';

test('mountinfo: network-namespace nsfs mounts only, paths unescaped', (t) => {
  const text = [
    '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    '96 146 0:4 net:[4026532305] /run/netns/a rw shared:4 - nsfs nsfs rw',
    '136 68 0:4 net:[4026532246] /tmp/w/exec/netns/9615320fd455 rw - nsfs nsfs rw',
    '140 68 0:4 mnt:[4026532999] /tmp/mntns rw - nsfs nsfs rw',
    '141 68 0:4 net:[4026532400] /tmp/with\\040space rw master:3 propagate_from:2 - nsfs nsfs rw',
    '142 68 0:50 / /sys/fs/cgroup rw - tmpfs cgroup rw,mode=755',
  ].join('\n');
  t.deepEqual(parseNsfsMounts(text), [
    { path: '/run/netns/a', ino: 4026532305, mountId: 96 },
    { path: '/tmp/w/exec/netns/9615320fd455', ino: 4026532246, mountId: 136 },
    { path: '/tmp/with space', ino: 4026532400, mountId: 141 },
  ]);
  t.deepEqual(parseNsfsMounts(''), []);
  t.deepEqual(parseNsfsMounts('garbage line without separator\n1 2 3'), []);
});

test('cgroup paths: docker, containerd, kubernetes, cri-o, podman; ordinary processes have none', (t) => {
  t.deepEqual(containerFromCgroup(`9:name=systemd:/docker/${ID}\n8:pids:/docker/${ID}\n0::/`), { runtime: 'docker', id: ID });
  t.deepEqual(containerFromCgroup(`0::/system.slice/docker-${ID}.scope`), { runtime: 'docker', id: ID });
  t.deepEqual(containerFromCgroup(`0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/cri-containerd-${ID}.scope`),
    { runtime: 'kubernetes', id: ID, pod: '0a1b2c3d-4e5f-6789-abcd-ef0123456789' });
  t.deepEqual(containerFromCgroup(`4:memory:/kubepods/besteffort/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/${ID}`),
    { runtime: 'kubernetes', id: ID, pod: '0a1b2c3d-4e5f-6789-abcd-ef0123456789' });
  t.deepEqual(containerFromCgroup(`0::/machine.slice/crio-${ID}.scope`), { runtime: 'cri-o', id: ID });
  t.deepEqual(containerFromCgroup(`0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope/container`), { runtime: 'podman', id: ID });
  t.deepEqual(containerFromCgroup(`0::/machine.slice/libpod-${ID}.scope`), { runtime: 'podman', id: ID });
  t.deepEqual(containerFromCgroup(`0::/default/${ID}`), { runtime: 'containerd', id: ID });
  t.is(containerFromCgroup('0::/user.slice/user-1000.slice/session-2.scope'), undefined);
  t.is(containerFromCgroup('4:memory:/process_api/182da19019b2591daf56e08704925d63\n0::/'), undefined, 'a 32-hex-digit name is not a container id');
  t.is(containerFromCgroup(''), undefined);
});

test('labels: ip netns name > bind-mount path > container > pid (comm)', (t) => {
  const base = { id: '4:1', names: [] as string[], mounts: [] as string[], holders: [] as any[], container: undefined as any };
  const holder = { pid: 42, comm: 'sleep', via: 'ns' };
  const c = { runtime: 'docker' as const, id: ID };
  t.is(labelOf({ ...base, names: ['web'], mounts: ['/run/netns/web', '/x'], holders: [holder], container: c }), 'web');
  t.is(labelOf({ ...base, mounts: ['/run/docker/netns/abc'], holders: [holder], container: c }), '/run/docker/netns/abc');
  t.is(labelOf({ ...base, holders: [holder], container: c }), `container ${ID.slice(0, 12)}`);
  t.is(labelOf({ ...base, holders: [holder] }), 'pid 42 (sleep)');
});
