# Reads the physical pages listed in a file through libkdumpfile and prints the pages read and the median
# seconds of RUNS passes, each on a freshly opened dump (in-process time, excluding start-up), for
# `npm run bench` to put beside kdw's figure. Usage: pages.py DUMP PFNLIST [RUNS]
import sys, time
import kdumpfile

dump, pfnlist = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
pfns = [int(l) for l in open(pfnlist) if l.strip()]
times = []
n = 0
for _ in range(runs):
    k = kdumpfile.kdumpfile(dump)
    k.attr["addrxlat.ostype"] = "linux"
    t0 = time.perf_counter()
    n = 0
    for pfn in pfns:
        try:
            k.read(kdumpfile.KDUMP_KPHYSADDR, pfn * 4096, 4096)
            n += 1
        except Exception:
            pass
    times.append(time.perf_counter() - t0)
times.sort()
print(f"{n} {times[len(times) // 2]:.6f}")
