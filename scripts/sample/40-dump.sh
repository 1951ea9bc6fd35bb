#!/bin/bash
# Write the sample dump from the captured ELF vmcore with makedumpfile 1.7.7
# (in the chroot, /proc mounted): kdump-compressed, zstd pages (-z), dump
# level 31 (no zero, cache, user or free pages).
# PACKED=1 also writes dump.kdump.zst: the same pages uncompressed in a
# kdump-compressed file (-d 31 without -z), then zstd -19 --long as a whole
# (smaller, but it must be unpacked before crash or kdw can open it).
# usage: 40-dump.sh BUILDDIR
W=${1:?usage: 40-dump.sh BUILDDIR}
. "$(dirname "$0")/common.sh"
MDF=/build/makedumpfile-$MDF_VERSION/makedumpfile
D=$B/dumps
rm -rf "$D" && mkdir -p "$D"
log "makedumpfile -z -d 31"
in_chroot 600 "$MDF" --message-level 23 -z -d 31 /build/vmcore.kdump.elf /build/dumps/dump.zstd 2>&1 |
	tr '\r' '\n' | grep -vE '^(Checking|Excluding|Copying)|^$' | tee "$W/makedumpfile.txt"
chmod 644 "$D/dump.zstd"
if [ "${PACKED:-0}" = 1 ]; then
	in_chroot 600 "$MDF" --message-level 1 -d 31 /build/vmcore.kdump.elf /build/dumps/dump.kdump > /dev/null
	timeout 900 zstd -q -19 --long=27 -T"$(nproc)" -f "$D/dump.kdump" -o "$D/dump.kdump.zst"
	rm -f "$D/dump.kdump"
fi
ls -l "$D"
