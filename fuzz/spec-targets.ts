// Fuzz targets for the families spoken only through their declared tables (generic netlink,
// conntrack, tc): the generic codec's message decode, and the encoder fed values built from
// the declarations (fuzz/lib/spec-arbitrary.ts). One row per family, added to TARGETS.
import type fcType from 'fast-check';
import { MessageWriter, NetlinkBuffer, walkMessages } from '../src/netlink/index.js';
import type { NetlinkFamily } from '../src/netlink/spec/family.js';
import { loadFamily } from '../src/ynl/registry.js';
import { conntrackFamily as ctFamily, entryFrom, entryJson, formatEntry } from '../src/conntrack/index.js';
import { IPCTNL_MSG_CT_NEW } from '../src/conntrack/family.js';
import { setArb, structArb } from './lib/spec-arbitrary.js';
import { tc as tcMerged } from '../src/tc/family.js';
import { tcObjectFrom } from '../src/tc/objects.js';
import { present } from '../src/tc/present.js';
import type { Target } from './targets.js';
import type { MessageRef } from '../src/netlink/message.js';
import { NetlinkDecodeError } from '../src/netlink/errors.js';
import { decodeRule } from '../src/rtnl/rule.js';
import { decodeNexthop } from '../src/rtnl/nexthop.js';
import { decodeFdb } from '../src/rtnl/fdb.js';
import { decodeBridgeVlans } from '../src/rtnl/bridge-vlan.js';
import { decodeEncap, encapText } from '../src/rtnl/route-encap.js';
import { KIND_SETS, decodeKindInfoData } from '../src/rtnl/link-kinds.js';
import { kindInfoDataJson } from '../src/rtnl/link-kinds-print.js';
import { ruleJson, ruleText } from '../src/rtnl/print/rule.js';
import { nexthopJson, nexthopText } from '../src/rtnl/print/nexthop.js';
import { fdbJson, fdbText } from '../src/rtnl/print/fdb.js';
import { bridgeVlanJson, bridgeVlanText } from '../src/rtnl/print/bridge.js';

const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v);

type FC = typeof fcType;

export interface Form { op: string; header?: Record<string, unknown>; attrs: Record<string, unknown> }

/** A placeholder generic netlink family id: decoding a generic family does not look at it. */
const FAKE_ID = 0x30;

function target(family: NetlinkFamily, description: string): Target<Form[]> {
  // One operation per request value: the one decode() names for it.
  const byValue = new Map<number, string>();
  for (const op of family.decl.operations.list) {
    const v = op.do?.request?.value ?? op.value;
    if (op.do && v !== undefined && op.attributeSet && !byValue.has(v)) byValue.set(v, op.name);
  }
  const ops = [...byValue.values()];
  return {
    description,
    protocol: family.generic ? 'any' : 'netfilter',
    headerSize: family.generic ? 4 : undefined,
    decode(bytes) {
      const out: Form[] = [];
      walkMessages(new NetlinkBuffer(bytes), (m) => {
        if (m.type < 16) return;
        const d = family.decode(m, 'request');
        // A message type the family does not declare is not this family's: left out.
        if (d.op === undefined || !family.op(d.op).do) return;
        const f: Form = { op: d.op, attrs: d.attrs };
        if (d.header) f.header = d.header;
        out.push(f);
      });
      return out;
    },
    encode(forms) {
      const w = new MessageWriter(512);
      for (const f of forms) {
        const m = family.encode({ op: f.op, header: f.header, attrs: f.attrs, familyId: family.generic ? FAKE_ID : undefined, noAck: true });
        w.raw(m);
      }
      return w.copy();
    },
    canonical: (forms) => forms.map((f) => {
      // The writer adds NLM_F_REQUEST | NLM_F_ACK; the form keeps only what the caller gives.
      const out: Form = { op: f.op, attrs: f.attrs };
      if (f.header) out.header = f.header;
      return out;
    }),
    arbitrary: (fc: FC) => fc.array(fc.constantFrom(...ops).chain((opName) => {
      const op = family.op(opName);
      const header = op.fixedHeader ? structArb(fc, family, op.fixedHeader) : undefined;
      return fc.record({ op: fc.constant(opName), attrs: setArb(fc, family, op.attributeSet!, 2), ...(header ? { header } : {}) }) as fcType.Arbitrary<Form>;
    }), { maxLength: 3 }),
  };
}

const [ethtool, nlctrl, wireguard, mptcp, conntrack, tc] = await Promise.all(
  ['ethtool', 'nlctrl', 'wireguard', 'mptcp_pm', 'conntrack', 'tc'].map((n) => loadFamily(n)),
);

export const SPEC_TARGETS = {
  'genl.ethtool': target(ethtool!, 'ethtool messages through the generated table (generic codec)'),
  'genl.nlctrl': target(nlctrl!, 'nlctrl (family resolution) messages through the generated table'),
  'genl.wireguard': target(wireguard!, 'WireGuard device messages through the generated table'),
  'genl.mptcp': target(mptcp!, 'MPTCP path-manager messages through the generated table'),
  'conntrack.table': target(conntrack!, 'ctnetlink messages through the generated conntrack table'),
  'tc.table': target(tc!, 'tc qdisc/class/filter messages through the generated tc table'),
  // The conntrack view over the merged declaration: entries, their text, JSON and NAT view
  // from any bytes, throwing only NetlinkDecodeError.
  'conntrack.entry': {
    description: 'conntrack entries (entryFrom, conntrack -L text, JSON) from ctnetlink messages',
    protocol: 'netfilter',
    headerSize: 4,
    decode(bytes: Uint8Array) {
      const out: string[] = [];
      walkMessages(new NetlinkBuffer(bytes), (m) => {
        if (m.type !== IPCTNL_MSG_CT_NEW) return;
        const e = entryFrom(ctFamily.decode(m));
        out.push(formatEntry(e), JSON.stringify(entryJson(e), (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
      });
      return out;
    },
  },
  // The merged tc declaration (src/tc/family.ts: struct fixes, flexible u32/pedit keys,
  // actions), and the typed objects with both presentations over it.
  'tc.family': target(tcMerged, 'tc messages through the merged tc declaration (src/tc/family.ts)'),
  'tc.objects': {
    description: 'tc objects (qdisc/class/filter/actions) and their tc / tc -j -s presentation from any rtnetlink bytes',
    protocol: 'route',
    headerSize: 20,
    decode(bytes: Uint8Array) {
      const out: string[] = [];
      walkMessages(new NetlinkBuffer(bytes), (m) => {
        const o = tcObjectFrom(tcMerged.decode(m));
        if (!o || Array.isArray(o)) return;
        out.push(present([o], { stats: true }), present([o], { stats: true, json: true }));
      });
      return out;
    },
  },
  // Routing and bridge objects (issue #22): each decoder and its ip/bridge presentation from any
  // bytes, throwing only NetlinkDecodeError.
  'rtnl.rule': presented('policy rules (decodeRule, ip -j rule / ip rule text)', [32, 33], (m) => { const r = decodeRule(m); return [ruleText(r), JSON.stringify(ruleJson(r, true), big)]; }),
  'rtnl.nexthop': presented('nexthop objects (decodeNexthop, ip -j nexthop / text)', [104, 105], (m) => { const n = decodeNexthop(m); return [nexthopText(n), JSON.stringify(nexthopJson(n, true), big)]; }),
  'rtnl.fdb': presented('bridge FDB entries (decodeFdb, bridge -j fdb / text)', [28, 29], (m) => {
    if (m.end - m.payloadStart < 1 || m.buf.u8(m.payloadStart) !== 7) return [];
    const e = decodeFdb(m);
    return [fdbText(e, { stats: true }), JSON.stringify(fdbJson(e, { stats: true }), big)];
  }),
  'rtnl.bridge-vlan': presented('bridge VLAN lists (decodeBridgeVlans, bridge -j vlan / text)', [16], (m) => {
    if (m.end - m.payloadStart < 1 || m.buf.u8(m.payloadStart) !== 7) return [];
    const p = decodeBridgeVlans(m);
    return p ? [bridgeVlanText(p), JSON.stringify(bridgeVlanJson(p))] : [];
  }),
  'rtnl.route-encap': {
    description: 'route encapsulation payloads (decodeEncap for ip, ip6, mpls, seg6; ip -j keys and text) from a bare attribute stream',
    protocol: 'any',
    headerSize: -16,
    decode(bytes: Uint8Array) {
      const buf = new NetlinkBuffer(bytes);
      return [1, 2, 4, 5, 9].map((type) => { const e = decodeEncap(type, buf, 0, bytes.length); return `${encapText(e)} ${JSON.stringify(e, big)}`; });
    },
  },
  'rtnl.link-kinds': {
    description: 'IFLA_INFO_DATA of every kind declared on the rt-link tables (decodeKindInfoData, tun as ip -j -d) from a bare attribute stream',
    protocol: 'any',
    headerSize: -16,
    decode(bytes: Uint8Array) {
      const buf = new NetlinkBuffer(bytes);
      // The same bytes through every kind's set: another kind's data is malformed for most sets,
      // which must be a NetlinkDecodeError (anything else is a bug and propagates).
      return Object.keys(KIND_SETS).map((k) => {
        try {
          return JSON.stringify(kindInfoDataJson(k, decodeKindInfoData(k, buf, 0, bytes.length)!), big);
        } catch (err) {
          if (err instanceof NetlinkDecodeError) return `${k}: ${err.message}`;
          throw err;
        }
      });
    },
  },
} satisfies Record<string, Target<any, any>>;

/** A decode-only row: the messages of the given types, decoded and printed. */
function presented(description: string, types: number[], fn: (m: MessageRef) => string[]): Target<string[]> {
  return {
    description,
    protocol: 'route',
    decode(bytes: Uint8Array) {
      const out: string[] = [];
      walkMessages(new NetlinkBuffer(bytes), (m) => { if (types.includes(m.type)) out.push(...fn(m)); });
      return out;
    },
  };
}
