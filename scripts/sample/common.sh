# shellcheck shell=bash
# Settings shared by the sample scripts. Source it with W (the build folder) set.
set -euo pipefail
KVER=${KVER:-6.12.117+deb13-cloud-amd64}	# Debian 13 (trixie) cloud kernel ABI
KPKGVER=${KPKGVER:-6.12.117-1}			# its package version (pinned)
MIRROR=${MIRROR:-http://deb.debian.org/debian}	# trixie mirror (or a snapshot.debian.org URL)
MDF_VERSION=1.7.7
MDF_URL=${MDF_URL:-https://github.com/makedumpfile/makedumpfile/archive/refs/tags/$MDF_VERSION.tar.gz}
GUEST_MEM=${GUEST_MEM:-256M}
GUEST_CPUS=${GUEST_CPUS:-2}
CRASHKERNEL=${CRASHKERNEL:-72M}	# 64M: the capture kernel runs out of memory
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=$(mkdir -p "$W" && cd "$W" && pwd)
ROOT=$W/trixie			# trixie chroot: compiler, headers, kernel, tools
B=$ROOT/build			# build folder, /build inside the chroot
VMLINUX=$W/vmlinux-$KVER	# debug vmlinux from the -dbg package (never committed)
VMLINUZ=$ROOT/boot/vmlinuz-$KVER
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

log() { echo "[sample $(date +%H:%M:%S)] $*" >&2; }

# Run a command in the chroot with /proc mounted (makedumpfile loops without it).
PROC_MOUNTED_HERE=0
chroot_proc_on() {
	if ! mountpoint -q "$ROOT/proc"; then
		mount -t proc proc "$ROOT/proc"
		PROC_MOUNTED_HERE=1
		trap chroot_proc_off EXIT
	fi
}
chroot_proc_off() {
	if [ "$PROC_MOUNTED_HERE" = 1 ]; then
		umount "$ROOT/proc" || umount -l "$ROOT/proc" || true
		PROC_MOUNTED_HERE=0
	fi
}
in_chroot() {	# in_chroot SECONDS CMD...
	local t=$1
	shift
	chroot_proc_on
	timeout "$t" chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		DEBIAN_FRONTEND=noninteractive INITRD=No "$@"
}
