#!/bin/bash
# Write the sample dump from the captured ELF vmcore with makedumpfile 1.7.7 (in the chroot, /proc mounted):
# kdump-compressed format, dump level 31 (no zero, cache, user or free pages), each page stored as it is,
# then the whole file compressed with zstd -19 --long=27 into dump.kdump.zst. kdw opens the .zst directly
# (it unpacks it in memory); crash needs it unpacked (`zstd -d`).
# Why not makedumpfile's own page compression: it compresses each 4 KiB page alone, and this kernel's image
# (text, rodata, BTF, ORC) does not fit in the 15 MB budget that way: -z 18.6-19.2 MB, -c 18.7, -l 24.8, -z at
# zstd level 19 16.5 (samples/README.md, Size). Compressed as a whole it is about 12.8 MB.
# SPLIT_CODECS=1 also writes dump.zstd (-z), dump.lzo (-l) and dump.zlib (-c) of the same pages, for tests of
# page codecs on this kernel (not committed).
# usage: 40-dump.sh BUILDDIR
W=${1:?usage: 40-dump.sh BUILDDIR}
. "$(dirname "$0")/common.sh"
MDF=/build/makedumpfile-$MDF_VERSION/makedumpfile
D=$B/dumps
rm -rf "$D" && mkdir -p "$D"
log "makedumpfile -d 31"
in_chroot 600 "$MDF" --message-level 23 -d 31 /build/vmcore.kdump.elf /build/dumps/dump.kdump 2>&1 |
	tr '\r' '\n' | grep -vE '^(Checking|Excluding|Copying)|^$' | tee "$W/makedumpfile.txt"
chmod 644 "$D/dump.kdump"
log "zstd -19 --long=27"
timeout 900 zstd -q -19 --long=27 -T"$(nproc)" -f "$D/dump.kdump" -o "$D/dump.kdump.zst"
chmod 644 "$D/dump.kdump.zst"
if [ "${SPLIT_CODECS:-0}" = 1 ]; then
	for c in z:zstd l:lzo c:zlib; do
		in_chroot 600 "$MDF" --message-level 1 "-${c%%:*}" -d 31 /build/vmcore.kdump.elf "/build/dumps/dump.${c#*:}" > /dev/null
	done
fi
ls -l "$D"
