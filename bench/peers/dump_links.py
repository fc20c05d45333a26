# Workload 1 peer: dump every link with pyroute2 (Debian's python3-pyroute2), into its
# message objects, as a Python program would. Prints {"ms": in-process, "count": N}.
import json, time
t0 = time.perf_counter()
from pyroute2 import IPRoute
t1 = time.perf_counter()
with IPRoute() as ipr:
    t = time.perf_counter()
    links = ipr.get_links()
    ms = (time.perf_counter() - t) * 1000
    names = [l.get_attr('IFLA_IFNAME') for l in links]
line = json.dumps({"ms": ms, "count": len(links), "importMs": (t1 - t0) * 1000})
print(line)
# The runner collects the in-process figure of every timed run (see bench/drivers/common.mjs).
import os
if os.environ.get('NETLINKTS_BENCH_OUT'):
    with open(os.environ['NETLINKTS_BENCH_OUT'], 'a') as f:
        f.write(line + '\n')
