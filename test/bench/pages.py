# Reads the physical pages listed in a file through libkdumpfile and prints the pages read and the median
# wall and CPU seconds of RUNS passes, each on a freshly opened dump (in-process time, excluding start-up),
# for `npm run bench` to put beside kdw's figure. Usage: pages.py DUMP PFNLIST [RUNS]
import sys, time
import kdumpfile

dump, pfnlist = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
pfns = [int(l) for l in open(pfnlist) if l.strip()]
walls = []
cpus = []
n = 0
for _ in range(runs):
    k = kdumpfile.kdumpfile(dump)
    k.attr["addrxlat.ostype"] = "linux"
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = 0
    for pfn in pfns:
        try:
            k.read(kdumpfile.KDUMP_KPHYSADDR, pfn * 4096, 4096)
            n += 1
        except Exception:
            pass
    cpus.append(time.process_time() - c0)
    walls.append(time.perf_counter() - t0)
walls.sort()
cpus.sort()
print(f"{n} {walls[len(walls) // 2]:.6f} {cpus[len(cpus) // 2]:.6f}")
