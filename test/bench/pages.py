# Reads the physical pages listed in a file through libkdumpfile and prints pages per second (in-process
# time, excluding start-up), for `npm run bench` to put beside kdw's figure. Usage: pages.py DUMP PFNLIST
import sys, time
import kdumpfile

dump, pfnlist = sys.argv[1], sys.argv[2]
pfns = [int(l) for l in open(pfnlist) if l.strip()]
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
dt = time.perf_counter() - t0
print(f"{n} {dt:.6f}")
