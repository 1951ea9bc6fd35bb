#!/usr/bin/env python3
"""Copy the ELF core at the start of a raw disk image, up to the end of its last segment.
usage: elf-trim.py DISK OUT"""
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    eh = f.read(64)
    if eh[:4] != b"\x7fELF" or eh[4] != 2:
        sys.exit("no ELF64 core at the start of " + src)
    phoff, = struct.unpack_from("<Q", eh, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", eh, 0x36)
    if phnum == 0 or phnum > 4096 or phentsize < 56:
        sys.exit("implausible program header table in " + src)
    end = phoff + phentsize * phnum
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        ph = f.read(phentsize)
        off, = struct.unpack_from("<Q", ph, 8)
        filesz, = struct.unpack_from("<Q", ph, 32)
        end = max(end, off + filesz)
    f.seek(0)
    with open(dst, "wb") as o:
        left = end
        while left:
            buf = f.read(min(left, 1 << 20))
            if not buf:
                sys.exit("short read: the disk image ends before the core")
            o.write(buf)
            left -= len(buf)
print(f"{dst}: {end} bytes, {phnum} program headers")
