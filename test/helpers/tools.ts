// The system tools the tests use as oracles, found by what they are rather than by name on
// PATH. Under npm, PATH starts with node_modules/.bin, where ava's dependency @vercel/nft
// installs a command called `nft`; a bare `nft` there is not nftables. Each oracle is looked
// up in the system directories and its version output must name the package it comes from
// (the same rule as scripts/ensure-tools.sh, which installs them).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

export interface OracleSpec {
  /** The Debian package that provides it (what ensure-tools.sh installs). */
  pkg: string;
  /** The flag that prints its identity. */
  flag: string;
  /** What that output must contain. */
  identity: RegExp;
}

export const ORACLES = {
  ip: { pkg: 'iproute2', flag: '-V', identity: /iproute2/ },
  tc: { pkg: 'iproute2', flag: '-V', identity: /iproute2/ },
  nft: { pkg: 'nftables', flag: '--version', identity: /nftables/ },
  strace: { pkg: 'strace', flag: '-V', identity: /^strace/ },
  ping: { pkg: 'iputils-ping', flag: '-V', identity: /iputils/ },
  unshare: { pkg: 'util-linux', flag: '--version', identity: /util-linux/ },
  lsns: { pkg: 'util-linux', flag: '--version', identity: /util-linux/ },
  nsenter: { pkg: 'util-linux', flag: '--version', identity: /util-linux/ },
  setpriv: { pkg: 'util-linux', flag: '--version', identity: /util-linux/ },
  conntrack: { pkg: 'conntrack', flag: '--version', identity: /conntrack-tools/ },
  ethtool: { pkg: 'ethtool', flag: '--version', identity: /^ethtool/ },
  'iptables-nft': { pkg: 'iptables', flag: '--version', identity: /nf_tables/ },
  genl: { pkg: 'iproute2', flag: '-V', identity: /iproute2/ },
  wg: { pkg: 'wireguard-tools', flag: '--version', identity: /wireguard-tools/ },
  // Builds the LD_PRELOAD pretend kernel of the WireGuard test.
  cc: { pkg: 'gcc', flag: '--version', identity: /gcc|GCC|\(Debian/ },
} as const satisfies Record<string, OracleSpec>;

export type OracleName = keyof typeof ORACLES;

export const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export type Located = { path: string } | { problem: string };

/** Find NAME in DIRS and confirm its identity; says what is wrong when it cannot. */
export function locate(name: OracleName, dirs: readonly string[] = SYSTEM_DIRS): Located {
  const spec: OracleSpec = ORACLES[name];
  const seen: string[] = [];
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    try {
      if (!statSync(path).isFile()) continue;
    } catch {
      continue;
    }
    const r = spawnSync(path, [spec.flag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (spec.identity.test(out)) return { path };
    seen.push(`${path} answered ${JSON.stringify(out.split('\n')[0] ?? '')} to ${spec.flag}`);
  }
  const where = seen.length ? `not the real one (${seen.join('; ')})` : `not found in ${dirs.join(', ')}`;
  return {
    problem: `test oracle \`${name}\` (Debian package ${spec.pkg}) is ${where}: run \`bash scripts/ensure-tools.sh\` as root, or apt-get install ${spec.pkg}`,
  };
}

const cache = new Map<OracleName, Located>();

/** The verified system path of an oracle; throws, naming the tool and its package, if there is none. */
export function tool(name: OracleName): string {
  let found = cache.get(name);
  if (!found) cache.set(name, (found = locate(name)));
  if ('problem' in found) throw new Error(found.problem);
  return found.path;
}

export function isOracle(name: string): name is OracleName {
  return Object.hasOwn(ORACLES, name);
}
