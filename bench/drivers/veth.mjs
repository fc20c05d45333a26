// Workload 3: 1,000 veth pairs with the library.
//   create-bulk --count N --group G createLinks(): one call, many requests per sendmsg(), no read-back
//   create --count N --group G      createLink() for every pair at once (each validated, echoed, read back)
//   delete-group --group G          deleteLinkGroup(): one RTM_DELLINK, the kernel's bulk path
//   delete-each --count N           deleteLink() per pair, all at once
// Prints {ms, count}.
import { args, emit, hwmKiB, load, need, sinceStart } from './common.mjs';

const a = args();
const op = a._[0];
const count = Number(a.count ?? 1000);
const group = Number(a.group ?? 7);
const t0 = performance.now();
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
need(rtnl, [op === 'create-bulk' ? 'createLinks' : op === 'create' ? 'createLink' : op === 'delete-group' ? 'deleteLinkGroup' : 'deleteLink'], 'netlinkts/rtnl');
const importMs = performance.now() - t0;
const sock = new netlink.NetlinkSocket();
const t = performance.now();
if (op === 'create-bulk') {
  const specs = [];
  for (let i = 0; i < count; i++) specs.push({ kind: 'veth', name: `va${i}`, group, peer: { name: `vb${i}` } });
  const failed = await rtnl.createLinks(sock, specs);
  if (failed.length) throw new Error(`${failed.length} of ${count} creates failed; first: ${failed[0].error.message}`);
} else if (op === 'create') {
  const jobs = [];
  for (let i = 0; i < count; i++) jobs.push(rtnl.createLink(sock, { kind: 'veth', name: `va${i}`, group, peer: { name: `vb${i}` } }));
  await Promise.all(jobs);
} else if (op === 'delete-group') {
  await rtnl.deleteLinkGroup(sock, group);
} else if (op === 'delete-each') {
  const jobs = [];
  for (let i = 0; i < count; i++) jobs.push(rtnl.deleteLink(sock, `va${i}`));
  await Promise.all(jobs);
} else {
  throw new Error(`unknown operation ${op}`);
}
const ms = performance.now() - t;
sock.close();
emit({ ms, op, count, importMs, totalMs: sinceStart(), hwmKiB: hwmKiB() });
