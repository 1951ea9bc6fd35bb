#!/bin/bash
# Rebuild kdw's sample dump (samples/) from scratch on a Debian 12 amd64
# machine, as root: a Debian 13 cloud kernel (6.12) crashed by a hidden
# rootkit in QEMU, captured by kdump, written by makedumpfile 1.7.7, with
# crash 8.0.6's reference outputs. See README.md next to this script.
# usage: make-sample.sh BUILDDIR [DEST]
#   BUILDDIR  work folder outside the repository (about 3 GB): the trixie
#             chroot, the debug vmlinux, the raw vmcore, logs
#   DEST      where the sample goes (default: the repository's samples/)
# Environment: CRASH=/path/to/crash-8.0.6 (else Debian 13's crash package in
#   the chroot), MDF_TARBALL=makedumpfile-1.7.7.tar.gz (else downloaded from
#   GitHub), MIRROR (Debian mirror with trixie), ACCEL=kvm (default tcg),
#   SKIP_HOST=1 (host packages already there), SPLIT_CODECS=1 (see 40-dump.sh).
set -euo pipefail
W=${1:?usage: make-sample.sh BUILDDIR [DEST]}
DEST=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "make-sample.sh: run as root (debootstrap, chroot, mount)" >&2; exit 1; }
mkdir -p "$W"
W=$(cd "$W" && pwd)
T0=$(date +%s)
: > "$W/timing.txt"
step() {	# step SECONDS SCRIPT ARGS...
	local limit=$1 s=$2 t
	shift 2
	t=$(date +%s)
	echo "== $s" >&2
	timeout --foreground "$limit" bash "$HERE/$s" "$@"
	echo "$s $(( $(date +%s) - t )) s" | tee -a "$W/timing.txt" >&2
}
[ "${SKIP_HOST:-0}" = 1 ] || step 900 00-host.sh
step 1800 10-chroot.sh "$W"
step 1200 20-build.sh "$W"
step 1200 30-boot.sh "$W"
step 1500 40-dump.sh "$W"
step 1800 50-reference.sh "$W"
step 600 60-package.sh "$W" ${DEST:+"$DEST"}
echo "total $(( $(date +%s) - T0 )) s on $(nproc) CPUs" | tee -a "$W/timing.txt" >&2
