# Workload 4 peer: add N routes 10.a.b.c/32 dev DEV table T with pyroute2, one request each
# (its IPRoute.route waits for each ACK). usage: add_routes.py N TABLE DEV. Prints {"ms"}.
import json, sys, time
from pyroute2 import IPRoute
n, table, dev = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with IPRoute() as ipr:
    idx = ipr.link_lookup(ifname=dev)[0]
    t = time.perf_counter()
    for i in range(n):
        dst = '10.%d.%d.%d' % (i // 62500, (i // 250) % 250, i % 250)
        ipr.route('add', dst=dst, dst_len=32, oif=idx, table=table)
    ms = (time.perf_counter() - t) * 1000
line = json.dumps({"ms": ms, "count": n})
print(line)
# The runner collects the in-process figure of every timed run (see bench/drivers/common.mjs).
import os
if os.environ.get('NETLINKTS_BENCH_OUT'):
    with open(os.environ['NETLINKTS_BENCH_OUT'], 'a') as f:
        f.write(line + '\n')
