# Workload 2 peer: dump one IPv4 routing table with pyroute2 into its message objects.
# usage: dump_routes.py TABLE. Prints {"ms": in-process, "count": N}.
import json, sys, time
table = int(sys.argv[1])
from pyroute2 import IPRoute
with IPRoute() as ipr:
    t = time.perf_counter()
    routes = ipr.get_routes(family=2, table=table)
    n = 0
    for r in routes:
        r.get_attr('RTA_DST')
        n += 1
    ms = (time.perf_counter() - t) * 1000
line = json.dumps({"ms": ms, "count": n})
print(line)
# The runner collects the in-process figure of every timed run (see bench/drivers/common.mjs).
import os
if os.environ.get('NETLINKTS_BENCH_OUT'):
    with open(os.environ['NETLINKTS_BENCH_OUT'], 'a') as f:
        f.write(line + '\n')
