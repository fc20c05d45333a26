#!/usr/bin/env node
// Diagnostic for workload 3 (not a headline figure): 1,000 veth pairs created below rtnl's
// createLink(): encodeNewLink() (the codec) straight into NetlinkSocket.request(), no
// validation, no NLM_F_ECHO, no read-back. With --echo, NLM_F_ECHO as createLink sets it.
//   node bench/tools/veth-floor.mjs --count 1000 --group 7 [--echo]
import { args, emit, load } from '../drivers/common.mjs';

const a = args();
const count = Number(a.count ?? 1000);
const group = Number(a.group ?? 7);
const netlink = await load('netlink/index.js');
const rtnl = await load('rtnl/index.js');
const sock = new netlink.NetlinkSocket();
const t = performance.now();
const jobs = [];
for (let i = 0; i < count; i++) {
  const req = rtnl.encodeNewLink({ name: `va${i}`, group }, { kind: 'veth', peer: { name: `vb${i}` } });
  if (a.echo) req[6] |= 0x08; // NLM_F_ECHO
  jobs.push(sock.request(req));
}
await Promise.all(jobs);
const ms = performance.now() - t;
sock.close();
emit({ ms, count, echo: !!a.echo });
