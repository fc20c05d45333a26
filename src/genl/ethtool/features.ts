// Offload features (`ethtool -k` / `-K`) over ethtool netlink. Features are named as the
// kernel names them (tx-checksum-ip-generic, rx-gro...); the older group names `ethtool -k`
// prints and `ethtool -K` accepts (tx-checksumming, generic-receive-offload...) are accepted
// too and stand for every feature of their group.
import { ValidationError } from '../../netlink/errors.js';
import type { GenlClient } from '../client.js';
import { ethtoolFamily, header } from './family.js';

export interface FeatureState {
  /** On now. */
  active: boolean;
  /** Cannot be changed on this device (not in its hw features, or marked nochange). */
  fixed: boolean;
  /** What was asked for (wanted), which the kernel may not have granted. */
  requested: boolean;
}

/** ethtool's legacy names for groups of features (as `ethtool -k` prints them). */
export const FEATURE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'rx-checksumming': ['rx-checksum'],
  'tx-checksumming': ['tx-checksum-ipv4', 'tx-checksum-ip-generic', 'tx-checksum-ipv6', 'tx-checksum-fcoe-crc', 'tx-checksum-sctp'],
  'scatter-gather': ['tx-scatter-gather', 'tx-scatter-gather-fraglist'],
  'tcp-segmentation-offload': ['tx-tcp-segmentation', 'tx-tcp-ecn-segmentation', 'tx-tcp-mangleid-segmentation', 'tx-tcp6-segmentation', 'tx-tcp-accecn-segmentation'],
  'generic-segmentation-offload': ['tx-generic-segmentation'],
  'generic-receive-offload': ['rx-gro'],
  'large-receive-offload': ['rx-lro'],
  'rx-vlan-offload': ['rx-vlan-hw-parse'],
  'tx-vlan-offload': ['tx-vlan-hw-insert'],
  'ntuple-filters': ['rx-ntuple-filter'],
  'receive-hashing': ['rx-hashing'],
};

interface Bitset { nomask?: true; size?: number; bits?: { bit?: { index?: number; name?: string; value?: true }[] } }

/** The names of the bits set in a verbose bitset (all listed bits when it has no mask). */
function setBits(b: Bitset | undefined): Set<string> {
  const out = new Set<string>();
  for (const bit of b?.bits?.bit ?? []) if (bit.name && (b!.nomask || bit.value)) out.add(bit.name);
  return out;
}

/** Every feature of the device with its state, by kernel name, in the kernel's order. */
export async function getFeatures(client: GenlClient, dev: string | number): Promise<Map<string, FeatureState>> {
  const [reply] = await client.request(ethtoolFamily, { op: 'features-get', attrs: { header: header(dev) }, operation: `get features of ${dev}` });
  const a = (reply?.attrs ?? {}) as Record<string, Bitset>;
  const hw = setBits(a.hw);
  const wanted = setBits(a.wanted);
  const active = setBits(a.active);
  const nochange = setBits(a.nochange);
  const out = new Map<string, FeatureState>();
  // hw is sent with a mask: it lists every feature the kernel knows, set or not.
  for (const bit of a.hw?.bits?.bit ?? []) {
    const name = bit.name;
    if (!name) continue;
    out.set(name, { active: active.has(name), fixed: !hw.has(name) || nochange.has(name), requested: wanted.has(name) });
  }
  return out;
}

/** What setFeatures changed, and what it asked for that the kernel did not grant. */
export interface FeatureChange {
  features: Map<string, FeatureState>;
  /** Features asked for whose active state differs from the request (dependencies, drivers). */
  notApplied: string[];
}

/**
 * Turns features on or off, by kernel or group name. Names are checked against the device's
 * features before anything is sent; a fixed feature named on its own is an error (in a group,
 * fixed members are left as they are, as `ethtool -K` does).
 */
export async function setFeatures(client: GenlClient, dev: string | number, changes: Readonly<Record<string, boolean>>): Promise<FeatureChange> {
  const current = await getFeatures(client, dev);
  const want = new Map<string, boolean>();
  for (const [name, on] of Object.entries(changes)) {
    if (typeof on !== 'boolean') throw new ValidationError(`features.${name}`, 'expected true or false');
    const group = FEATURE_GROUPS[name];
    if (group) {
      for (const f of group) if (current.has(f) && !current.get(f)!.fixed) want.set(f, on);
      continue;
    }
    const state = current.get(name);
    if (!state) {
      throw new ValidationError(`features.${name}`, `${dev} has no feature ${JSON.stringify(name)} (features: ${[...current.keys()].join(', ')}; groups: ${Object.keys(FEATURE_GROUPS).join(', ')})`);
    }
    if (state.fixed && state.active !== on) throw new ValidationError(`features.${name}`, `${name} is fixed ${state.active ? 'on' : 'off'} on ${dev}`);
    if (!state.fixed) want.set(name, on);
  }
  if (want.size > 0) {
    const bit = [...want].map(([name, on]) => (on ? { name, value: true } : { name }));
    await client.request(ethtoolFamily, { op: 'features-set', attrs: { header: header(dev), wanted: { bits: { bit } } }, operation: `set features of ${dev}` });
  }
  const features = await getFeatures(client, dev);
  const notApplied = [...want].filter(([name, on]) => features.get(name)?.active !== on).map(([name]) => name);
  return { features, notApplied };
}

/** The features as `ethtool --json -k` prints them: groups first with null where mixed. */
export function featuresJson(ifname: string, features: Map<string, FeatureState>): Record<string, unknown> {
  const out: Record<string, unknown> = { ifname };
  const grouped = new Set(Object.values(FEATURE_GROUPS).flat());
  for (const [group, members] of Object.entries(FEATURE_GROUPS)) {
    const present = members.filter((m) => features.has(m)).map((m) => [m, features.get(m)!] as const);
    if (present.length === 0) continue;
    const all = (k: keyof FeatureState): boolean | null => (present.every(([, s]) => s[k]) ? true : present.every(([, s]) => !s[k]) ? false : null);
    if (present.length === 1 && members.length === 1) {
      out[group] = { ...present[0]![1] };
      continue;
    }
    const fixed = present.every(([, s]) => s.fixed) ? true : null;
    out[group] = { active: all('active') ?? present.some(([, s]) => s.active), fixed, requested: fixed === null ? null : all('requested') };
    for (const [m, s] of present) out[m] = { ...s };
  }
  for (const [name, s] of features) if (!grouped.has(name) && name !== '') out[name] = { ...s };
  return out;
}

/** The features as `ethtool -k` prints them (group members indented under their group). */
export function featuresText(ifname: string, features: Map<string, FeatureState>): string {
  const json = featuresJson(ifname, features);
  const members = new Set<string>();
  for (const list of Object.values(FEATURE_GROUPS)) if (list.length > 1) for (const m of list) members.add(m);
  let s = `Features for ${ifname}:\n`;
  for (const [name, v] of Object.entries(json)) {
    if (name === 'ifname') continue;
    const st = v as { active: boolean; fixed: boolean | null; requested: boolean | null };
    let suffix = '';
    if (st.fixed === true) suffix = ' [fixed]';
    else if (st.requested !== null && st.requested !== st.active) suffix = ` [requested ${st.requested ? 'on' : 'off'}]`;
    s += `${members.has(name) ? '\t' : ''}${name}: ${st.active ? 'on' : 'off'}${suffix}\n`;
  }
  return s;
}
