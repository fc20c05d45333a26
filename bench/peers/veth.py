# Workload 3 peer: veth pairs with pyroute2.
#   veth.py create N GROUP   -> N pairs va<i>/vb<i>, va<i> in GROUP, one request each
#   veth.py delete-group G   -> one RTM_DELLINK for the group (the kernel's bulk path)
# Prints {"ms": in-process}.
import json, sys, time
from pyroute2 import IPRoute
op = sys.argv[1]
with IPRoute() as ipr:
    t = time.perf_counter()
    if op == 'create':
        n, group = int(sys.argv[2]), int(sys.argv[3])
        for i in range(n):
            ipr.link('add', ifname='va%d' % i, kind='veth', peer='vb%d' % i, group=group)
    elif op == 'delete-group':
        ipr.link('del', index=0, group=int(sys.argv[2]))
    else:
        raise SystemExit('unknown op ' + op)
    ms = (time.perf_counter() - t) * 1000
line = json.dumps({"ms": ms})
print(line)
# The runner collects the in-process figure of every timed run (see bench/drivers/common.mjs).
import os
if os.environ.get('NETLINKTS_BENCH_OUT'):
    with open(os.environ['NETLINKTS_BENCH_OUT'], 'a') as f:
        f.write(line + '\n')
