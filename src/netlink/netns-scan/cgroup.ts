// The container a process belongs to, read from its cgroup path (/proc/PID/cgroup). Each runtime
// names its cgroups in its own way; these are the shapes their cgroup drivers produce:
//   docker, systemd driver:   0::/system.slice/docker-<id>.scope
//   docker, cgroupfs driver:  0::/docker/<id>        (v1: 12:cpu:/docker/<id>)
//   containerd (CRI):         .../kubepods-besteffort-pod<uid>.slice/cri-containerd-<id>.scope
//   kubelet, cgroupfs:        /kubepods/besteffort/pod<uid>/<id>
//   cri-o:                    .../crio-<id>.scope
//   podman:                   .../libpod-<id>.scope, /libpod_parent/libpod-<id>
//   containerd (ctr, nerdctl): /<namespace>/<id> with a 64-hex id
// An id is always 64 hex digits, which is what keeps an ordinary slice name from matching.

export type ContainerRuntime = 'docker' | 'containerd' | 'kubernetes' | 'cri-o' | 'podman' | 'unknown';

export interface ContainerRef {
  runtime: ContainerRuntime;
  /** The full 64-hex-digit id (`docker ps` shows its first 12). */
  id: string;
  /** The Kubernetes pod uid when the path names one. */
  pod?: string;
}

const SCOPE = /(docker|cri-containerd|crio|libpod)-([0-9a-f]{64})\.scope/;
const RUNTIME: Record<string, ContainerRuntime> = { docker: 'docker', 'cri-containerd': 'containerd', crio: 'cri-o', libpod: 'podman' };
const POD = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/;

/** The container named by a /proc/PID/cgroup text, or undefined for an ordinary process. */
export function containerFromCgroup(text: string): ContainerRef | undefined {
  for (const line of text.split('\n')) {
    // "hierarchy-ID:controllers:path"; the path may itself contain ':'.
    const i = line.indexOf(':');
    const j = i < 0 ? -1 : line.indexOf(':', i + 1);
    if (j < 0) continue;
    const path = line.slice(j + 1);
    const ref = fromPath(path);
    if (ref) return ref;
  }
  return undefined;
}

function fromPath(path: string): ContainerRef | undefined {
  const pod = POD.exec(path)?.[1]?.replace(/_/g, '-');
  const kube = path.includes('kubepods');
  const scope = SCOPE.exec(path);
  if (scope) {
    const runtime = kube && scope[1] === 'cri-containerd' ? 'kubernetes' : RUNTIME[scope[1]!]!;
    return withPod({ runtime, id: scope[2]! }, pod);
  }
  const parts = path.split('/').filter(Boolean);
  const last = parts[parts.length - 1];
  if (!last || !/^[0-9a-f]{64}$/.test(last)) {
    const libpod = /libpod-([0-9a-f]{64})/.exec(path);
    return libpod ? { runtime: 'podman', id: libpod[1]! } : undefined;
  }
  const parent = parts[parts.length - 2] ?? '';
  if (kube) return withPod({ runtime: 'kubernetes', id: last }, pod);
  if (parent === 'docker') return { runtime: 'docker', id: last };
  if (parent === 'libpod_parent' || parent.startsWith('libpod')) return { runtime: 'podman', id: last };
  // containerd's own driver puts a task under /<containerd namespace>/<id> ("default", "k8s.io", "moby").
  return { runtime: parent === 'moby' ? 'docker' : parts.length === 2 ? 'containerd' : 'unknown', id: last };
}

function withPod(ref: ContainerRef, pod: string | undefined): ContainerRef {
  return pod ? { ...ref, pod } : ref;
}
