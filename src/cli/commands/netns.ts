// `netlinkts netns list`: the named namespaces (/run/netns, as `ip netns list`) with the id
// the current namespace gives each (RTM_GETNSID with NETNSA_FD), like `ip -j netns list`.
// `--all`: every network namespace on the host (netns.all()), like `lsns -t net`, with where
// each comes from (mounts, holders, container) and its id.
import { getNsid, isStaleNamespaceEntry } from '../../rtnl/nsid-ops.js';
import { NetlinkError, ValidationError } from '../../netlink/errors.js';
import { NetlinkSocket } from '../../netlink/socket.js';
import { flag, type ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import { Output } from '../output.js';
import { listNamespaces, NETNS_RUN_DIR as NETNS_DIR } from '../../netlink/namespace.js';

async function listAll(json: boolean, out: Output): Promise<void> {
  const [{ allNamespaces }, { skippedNote }] = await Promise.all([import('../../api/netns-scan.js'), import('../all-netns.js')]);
  const all = await allNamespaces();
  const note = skippedNote(all.skipped, 'netns list --all');
  if (note) process.stderr.write(`${note}\n`);
  if (json) {
    const rows = all.map((e) => ({
      name: e.label,
      id: e.nsid,
      ino: e.ino,
      dev: e.dev,
      current: e.current,
      netns_names: e.names.length ? e.names : undefined,
      mounts: e.mounts,
      container: e.container ? { id: e.container.id, runtime: e.container.runtime, pod: e.container.pod } : undefined,
      holders: e.holders.map((h) => ({ pid: h.pid, comm: h.comm, via: h.via, container: h.container?.id })),
    }));
    out.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  for (const e of all) {
    let line = `net:[${e.ino}] ${e.current ? '(current) ' : ''}${e.label}`;
    if (e.nsid !== undefined) line += ` (id: ${e.nsid})`;
    const more = e.mounts.filter((m) => m !== e.label && !e.names.some((n) => m === `${NETNS_DIR}/${n}`));
    if (more.length) line += ` mounts ${more.join(',')}`;
    if (e.container && !e.label.startsWith('container ')) line += ` container ${e.container.id.slice(0, 12)}`;
    if (e.holders.length) {
      const shown = e.holders.slice(0, 4).map((h) => `${h.pid}(${h.comm})${h.via === 'ns' ? '' : `[${h.via}]`}`);
      line += ` pids ${shown.join(',')}${e.holders.length > 4 ? `,+${e.holders.length - 4}` : ''}`;
    }
    out.write(`${line}\n`);
  }
}

export async function run(args: ParsedArgs): Promise<number> {
  const sub = args.positionals[0];
  if (sub !== 'list' && sub !== 'show' && sub !== 'ls') throw new UsageError(`unknown netns subcommand "${sub}" (list)`, 'netns');
  const out = new Output();
  if (flag(args, 'all')) {
    await listAll(flag(args, 'json'), out);
    await out.end();
    return 0;
  }
  const names = await listNamespaces();
  const entries: Array<{ name: string; id?: number }> = [];
  if (names.length) {
    const sock = new NetlinkSocket({ name: 'netns-list' });
    try {
      const ids = await Promise.all(names.map(async (name) => {
        try {
          return await getNsid(sock, `${NETNS_DIR}/${name}`);
        } catch (err) {
          // A stale entry (not a namespace, or its mount gone): listed without an id, as ip does.
          if (!(err instanceof ValidationError || isStaleNamespaceEntry(err))) throw err;
          return undefined;
        }
      }));
      names.forEach((name, i) => entries.push(ids[i] === undefined ? { name } : { name, id: ids[i]! }));
    } finally {
      sock.close();
    }
  }
  if (flag(args, 'json')) out.write(`${JSON.stringify(entries)}\n`);
  else for (const e of entries) out.write(`${e.name}${e.id !== undefined ? ` (id: ${e.id})` : ''}\n`);
  await out.end();
  return 0;
}
