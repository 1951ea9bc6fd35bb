#!/bin/bash
# Copy the sample into DEST (default: the repository's samples/): dump.kdump.zst,
# reference/ (crash 8.0.6), console.txt (both kernels' serial console),
# module/ (the rootkit's source) and manifest.json. samples/README.md is
# written by hand and left alone.
# usage: 60-package.sh BUILDDIR [DEST]
W=${1:?usage: 60-package.sh BUILDDIR [DEST]}
. "$(dirname "$0")/common.sh"
DEST=${2:-$HERE/../../samples}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
rm -rf "$DEST/reference" "$DEST/module" "$DEST"/dump.* "$DEST/manifest.json" "$DEST/console.txt"
cp "$B/dumps/dump.kdump.zst" "$DEST/dump.kdump.zst"
cp -r "$W/reference" "$DEST/reference"
tr -d '\r' < "$B/console.log" > "$DEST/console.txt"
mkdir -p "$DEST/module"
cp "$HERE"/module/{tpm_crb_ext.c,Kbuild,Makefile} "$DEST/module/"
chmod -R u=rwX,go=rX "$DEST"

v() { in_chroot 30 dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
hv() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
if [ -n "${CRASH:-}" ]; then crash_v="$("$CRASH" --version | grep -m1 .) ($CRASH)"; else crash_v="crash $(v crash) (Debian 13 package, in the chroot)"; fi
TOOLS_JSON=$(python3 -c 'import json,sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
	crash "$crash_v" \
	makedumpfile "$MDF_VERSION (built from source with gcc-14 in the trixie chroot; lzo, snappy, zstd; -d 31 without page compression, then zstd -19 --long=27 over the whole file)" \
	qemu "qemu-system-x86 $(hv qemu-system-x86) (Debian 12 host)" \
	busybox "busybox-static $(v busybox-static) (Debian 13)" \
	kexec_tools "kexec-tools $(v kexec-tools) (Debian 13)" \
	gcc "gcc-14 $(v gcc-14) (Debian 13; the kernel's CONFIG_CC_VERSION_TEXT)" \
	linux_kbuild "linux-kbuild-${KVER%-cloud-amd64} $(v "linux-kbuild-${KVER%-cloud-amd64}")")
KVER=$KVER KPKGVER=$KPKGVER GUEST_MEM=$GUEST_MEM GUEST_CPUS=$GUEST_CPUS CRASHKERNEL=$CRASHKERNEL \
TOOLS_JSON=$TOOLS_JSON SAMPLE_UNPACKED=$B/dumps/dump.kdump python3 "$HERE/manifest.py" "$DEST"
du -sh "$DEST"
du -b "$DEST/dump.kdump.zst"
