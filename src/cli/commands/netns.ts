// `netlinkts netns list`: the named namespaces (/run/netns, as `ip netns list`) with the id
// the current namespace gives each (RTM_GETNSID with NETNSA_FD), like `ip -j netns list`.
import { getNsid, isStaleNamespaceEntry } from '../../rtnl/nsid-ops.js';
import { NetlinkSocket } from '../../netlink/socket.js';
import { flag, type ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { Output } from '../output.js';
import { namedNamespaces, NETNS_DIR } from '../targets.js';

export async function run(args: ParsedArgs): Promise<number> {
  const sub = args.positionals[0];
  if (sub !== 'list' && sub !== 'show' && sub !== 'ls') throw new UsageError(`unknown netns subcommand "${sub}" (list)`, 'netns');
  const names = await namedNamespaces();
  const entries: Array<{ name: string; id?: number }> = [];
  if (names.length) {
    const sock = new NetlinkSocket({ name: 'netns-list' });
    try {
      const ids = await Promise.all(names.map(async (name) => {
        try {
          return await getNsid(sock, `${NETNS_DIR}/${name}`);
        } catch (err) {
          if (!isStaleNamespaceEntry(err)) throw err;
          return undefined; // a stale entry, not a namespace: listed without an id, as ip does
        }
      }));
      names.forEach((name, i) => entries.push(ids[i] === undefined ? { name } : { name, id: ids[i]! }));
    } finally {
      sock.close();
    }
  }
  const out = new Output();
  if (flag(args, 'json')) out.write(`${JSON.stringify(entries)}\n`);
  else for (const e of entries) out.write(`${e.name}${e.id !== undefined ? ` (id: ${e.id})` : ''}\n`);
  await out.end();
  return 0;
}
