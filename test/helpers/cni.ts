// The reference CNI plugins (Debian's containernetworking-plugins, /usr/lib/cni) as a real
// client: they build a container host the way container runtimes do — a bridge, a veth into
// the container's namespace, host-local addresses, routes, iptables-nft masquerade and portmap
// DNAT — and the library must read what they leave behind as the system tools print it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CNI_PATH = '/usr/lib/cni';

/** Is the plugin set installed (ensure-tools installs it)? Names the package when not. */
export function cniMissing(): string | undefined {
  for (const p of ['bridge', 'host-local', 'portmap']) {
    const path = join(CNI_PATH, p);
    const r = existsSync(path) ? spawnSync(path, [], { env: { ...process.env, CNI_COMMAND: 'VERSION' }, input: '', encoding: 'utf8' }) : undefined;
    if (!r?.stdout.includes('supportedVersions')) return `${path} is ${r ? 'not a CNI plugin' : 'missing'}: install containernetworking-plugins (scripts/ensure-tools.sh does)`;
  }
  return undefined;
}

/** Runs one plugin inside the host namespace `hostNs` for the container namespace `ctrNs`. */
export function cniPlugin(type: string, command: 'ADD' | 'DEL' | 'CHECK', conf: Record<string, unknown>, hostNs: string, ctrNs: string, ifname = 'eth0'): Record<string, unknown> {
  const env = { ...process.env, CNI_COMMAND: command, CNI_CONTAINERID: `ctr-${ctrNs}`, CNI_NETNS: `/run/netns/${ctrNs}`, CNI_IFNAME: ifname, CNI_PATH };
  const r = spawnSync('ip', ['netns', 'exec', hostNs, join(CNI_PATH, type)], { input: JSON.stringify({ cniVersion: '1.0.0', name: 'testnet', type, ...conf }), env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`CNI ${type} ${command} failed (${r.status}): ${r.stdout} ${r.stderr}`);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
}

/**
 * A container host as a CNI runtime builds it: bridge (gateway, masquerade, hairpin) with
 * host-local IPAM, then portmap (hostPort 8080 -> 80, snat) chained on its result. Returns
 * a clean-up that runs DEL in reverse order, as runtimes do.
 */
export function cniContainerHost(hostNs: string, ctrNs: string, subnet = '10.88.0.0/16'): { result: Record<string, unknown>; teardown: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'netlinkts-cni-'));
  const bridge = {
    bridge: 'cni0', isGateway: true, ipMasq: true, hairpinMode: true,
    ipam: { type: 'host-local', dataDir, ranges: [[{ subnet }]], routes: [{ dst: '0.0.0.0/0' }] },
  };
  const result = cniPlugin('bridge', 'ADD', bridge, hostNs, ctrNs);
  const portmap = { capabilities: { portMappings: true }, snat: true, runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] } };
  cniPlugin('portmap', 'ADD', { ...portmap, prevResult: result }, hostNs, ctrNs);
  return {
    result,
    teardown: () => {
      try {
        cniPlugin('portmap', 'DEL', { ...portmap, prevResult: result }, hostNs, ctrNs);
        cniPlugin('bridge', 'DEL', { ...bridge, prevResult: result }, hostNs, ctrNs);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
