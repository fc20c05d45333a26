// `netlinkts monitor`: link/address/route/neighbour events as they happen (`ip monitor`), built
// on the rtnl monitor (src/rtnl/monitor.ts). Lines, or one JSON object a line; --raw prints
// each notification's attribute tree. Runs until SIGINT/SIGTERM (exit 0).
import type { Link } from '../../rtnl/link.js';
import type { Address } from '../../rtnl/address.js';
import type { Route } from '../../rtnl/route.js';
import type { Neighbour } from '../../rtnl/neighbour.js';
import type { Rule } from '../../rtnl/rule.js';
import type { Nexthop } from '../../rtnl/nexthop.js';
import type { FdbEntry } from '../../rtnl/fdb.js';
import { ruleJson, ruleText } from '../../rtnl/print/rule.js';
import { nexthopJson, nexthopText } from '../../rtnl/print/nexthop.js';
import { fdbJson, fdbText } from '../../rtnl/print/fdb.js';
import type { RtnlGroupSelector, RtnlEvent } from '../../rtnl/monitor.js';
import { flag, stringOption, type ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { linkJson, linkText } from '../../rtnl/print/link.js';
import { addrInfoJson } from '../../rtnl/print/address.js';
import { neighJson, neighText } from '../../rtnl/print/neighbour.js';
import { routeJson, routeText } from '../../rtnl/print/route.js';
import { existsSync } from 'node:fs';
import { Output } from '../output.js';
import { namespacePath } from '../targets.js';
import { CliError } from '../errors.js';

const OBJECTS: Record<string, RtnlGroupSelector[]> = {
  link: ['link'], address: ['address'], addr: ['address'], route: ['route'], neigh: ['neighbour'], neighbour: ['neighbour'],
  rule: ['rule'], nexthop: ['nexthop'], fdb: ['fdb'],
};

function selectors(positionals: string[]): RtnlGroupSelector[] {
  if (!positionals.length) return ['link', 'address', 'route', 'neighbour', 'rule', 'nexthop'];
  const out = new Set<RtnlGroupSelector>();
  for (const p of positionals) {
    const s = OBJECTS[p];
    if (!s) throw new UsageError(`unknown object "${p}" (link, address, route, neigh, rule, nexthop, fdb)`, 'monitor');
    for (const x of s) out.add(x);
  }
  return [...out];
}

function addressText(a: Address): string {
  let s = `${a.index}: ${a.dev ?? `if${a.index}`}    ${a.family} ${a.local ?? a.address}/${a.prefixlen}`;
  if (a.broadcast) s += ` brd ${a.broadcast}`;
  s += ` scope ${a.scope}`;
  if (a.label) s += ` ${a.label}`;
  return `${s}\n`;
}

const TAGS: Record<string, string> = {
  link: 'LINK', 'bridge-port': 'LINK', address: 'ADDR', route: 'ROUTE', neighbour: 'NEIGH', nsid: 'NSID', rule: 'RULE', nexthop: 'NEXTHOP', fdb: 'FDB',
};

function eventText(ev: RtnlEvent): string {
  const prefix = `[${TAGS[ev.kind] ?? ev.kind.toUpperCase()}]${ev.type === 'deleted' ? ' Deleted' : ''} `;
  switch (ev.kind) {
    case 'link': case 'bridge-port': return prefix + linkText(ev.object as Link, undefined, (id) => String(id)).split('\n')[0] + '\n';
    case 'address': return prefix + addressText(ev.object as Address);
    case 'route': return prefix + routeText(ev.object as Route, true);
    case 'neighbour': return prefix + neighText(ev.object as Neighbour);
    // The printers put "Deleted " first themselves (from the message type), as ip does.
    case 'rule': return `[RULE] ${ruleText(ev.object as Rule)}`;
    case 'nexthop': return `[NEXTHOP] ${nexthopText(ev.object as Nexthop)}`;
    // FDB entries as `bridge monitor fdb` prints them (ip monitor shows them as bare neighbours).
    case 'fdb': return `[FDB] ${fdbText(ev.object as FdbEntry)}`;
    default: return `${prefix}${JSON.stringify(ev.object)}\n`;
  }
}

function eventJson(ev: RtnlEvent): string {
  let object: Record<string, unknown>;
  switch (ev.kind) {
    case 'link': case 'bridge-port': object = linkJson(ev.object as Link, null, undefined); delete object.netns; break;
    case 'address': {
      const a = ev.object as Address;
      object = { ifindex: a.index, dev: a.dev, ...addrInfoJson(a) };
      break;
    }
    case 'route': object = routeJson(ev.object as Route, true); break;
    case 'neighbour': object = neighJson(ev.object as Neighbour); break;
    case 'rule': object = ruleJson(ev.object as Rule); delete object.deleted; break;
    case 'nexthop': object = nexthopJson(ev.object as Nexthop); delete object.deleted; break;
    case 'fdb': object = fdbJson(ev.object as FdbEntry); delete object.deleted; break;
    default: object = { ...(ev.object as object) };
  }
  return JSON.stringify({ event: ev.type, kind: ev.kind, nsid: ev.nsid, ...object });
}

/** Stop on SIGINT/SIGTERM: resolves the returned promise (and runs `stop`). */
function onSignal(stop: () => void): void {
  const handler = (): void => stop();
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

async function rawMonitor(args: ParsedArgs, groups: RtnlGroupSelector[], out: Output): Promise<number> {
  const [{ NetlinkSocket }, { messageTree }, { rtnlSchema }, { renderMessage, toJson }, C] = await Promise.all([
    import('../../netlink/socket.js'), import('../../netlink/attribute-tree.js'), import('../../rtnl/tree-schema.js'),
    import('../../netlink/tree-text.js'), import('../../rtnl/constants.js'),
  ]);
  const netns = stringOption(args, 'netns');
  const numbers: Record<RtnlGroupSelector, number[]> = {
    link: [C.RTNLGRP_LINK], address: [C.RTNLGRP_IPV4_IFADDR, C.RTNLGRP_IPV6_IFADDR], route: [C.RTNLGRP_IPV4_ROUTE, C.RTNLGRP_IPV6_ROUTE],
    neighbour: [C.RTNLGRP_NEIGH], 'ipv4-address': [C.RTNLGRP_IPV4_IFADDR], 'ipv6-address': [C.RTNLGRP_IPV6_IFADDR],
    'ipv4-route': [C.RTNLGRP_IPV4_ROUTE], 'ipv6-route': [C.RTNLGRP_IPV6_ROUTE], nsid: [C.RTNLGRP_NSID],
    rule: [C.RTNLGRP_IPV4_RULE, C.RTNLGRP_IPV6_RULE], 'ipv4-rule': [C.RTNLGRP_IPV4_RULE], 'ipv6-rule': [C.RTNLGRP_IPV6_RULE],
    nexthop: [C.RTNLGRP_NEXTHOP], fdb: [C.RTNLGRP_NEIGH],
  };
  const sock = new NetlinkSocket({ netns: netns === undefined ? undefined : namespacePath(netns), name: 'monitor' });
  for (const g of groups) for (const n of numbers[g]) sock.joinGroup(n);
  const json = flag(args, 'json');
  let failure: unknown;
  await new Promise<void>((resolve) => {
    sock.onNotification = (m) => {
      try {
        const tree = messageTree(m, rtnlSchema);
        void out.write(json ? `${toJson(tree)}\n` : `${renderMessage(tree).join('\n')}\n`);
        void out.flush();
      } catch (err) {
        failure = err;
        resolve();
      }
    };
    sock.onOverrun = () => {
      void out.write(json ? '{"event":"overrun"}\n' : 'overrun: the kernel dropped events (receive queue full)\n');
    };
    sock.keepAlive(true);
    onSignal(resolve);
  });
  sock.close();
  await out.end();
  if (failure) throw failure;
  return 0;
}

export async function run(args: ParsedArgs): Promise<number> {
  const groups = selectors(args.positionals);
  const out = new Output();
  if (flag(args, 'raw')) return rawMonitor(args, groups, out);
  const netns = stringOption(args, 'netns');
  let path: string | undefined;
  if (netns !== undefined) {
    path = namespacePath(netns);
    if (!existsSync(path)) throw new CliError(`network namespace "${netns}" not found: ${path} does not exist`);
  }
  const { monitorRtnl } = await import('../../rtnl/monitor.js');
  const abort = new AbortController();
  const sub = monitorRtnl({ groups, netns: path, signal: abort.signal, name: 'cli monitor' });
  onSignal(() => sub.close());
  const json = flag(args, 'json');
  try {
    for await (const ev of sub) {
      let line: string;
      if (ev.type === 'overrun') line = json ? `${JSON.stringify({ event: 'overrun', source: ev.source })}\n` : `overrun: events were lost (${ev.source === 'kernel' ? 'the receive queue overflowed' : 'output fell behind'})\n`;
      else if (ev.type === 'synced') continue;
      else line = json ? `${eventJson(ev)}\n` : eventText(ev);
      out.write(line);
      // Events are rare and a reader wants them now: hand each one over at once.
      const p = out.flush();
      if (p) await p;
    }
  } catch (err) {
    if (!sub.closed || !(err instanceof Error && /closed|abort/i.test(err.message))) throw err;
  }
  await out.end();
  return 0;
}
