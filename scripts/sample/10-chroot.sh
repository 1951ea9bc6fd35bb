#!/bin/bash
# A minimal Debian 13 (trixie) chroot in the build folder holds everything
# built for or run against the 6.12 kernel: the kernel package, its headers
# and kbuild, gcc-14 (the compiler the kernel was built with), busybox,
# kexec-tools, makedumpfile's build dependencies (and crash 8.0.6 when no
# CRASH binary is given). The debug vmlinux is extracted from the -dbg
# package with dpkg-deb (not installed). Nothing is installed on the host.
# usage: 10-chroot.sh BUILDDIR
W=${1:?usage: 10-chroot.sh BUILDDIR}
. "$(dirname "$0")/common.sh"

if [ ! -e "$ROOT/.debootstrap-done" ]; then
	rm -rf "$ROOT"
	log "debootstrap trixie (minbase) from $MIRROR"
	timeout 900 debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" > "$W/debootstrap.log" 2>&1 ||
		{ tail -20 "$W/debootstrap.log"; exit 1; }
	touch "$ROOT/.debootstrap-done"
fi
echo "deb $MIRROR trixie main" > "$ROOT/etc/apt/sources.list"
case $MIRROR in *snapshot.debian.org*)
	echo 'Acquire::Check-Valid-Until "false";' > "$ROOT/etc/apt/apt.conf.d/99snapshot" ;;
esac
in_chroot 600 apt-get update -q
PKGS="linux-image-$KVER=$KPKGVER linux-headers-$KVER=$KPKGVER make libc6-dev busybox-static kexec-tools \
	libelf-dev libdw-dev liblzo2-dev libzstd-dev libsnappy-dev zlib1g-dev libbz2-dev"
[ -n "${CRASH:-}" ] || PKGS="$PKGS crash"
log "apt-get install in the chroot: $PKGS"
# shellcheck disable=SC2086
in_chroot 1200 apt-get install -y -q --no-install-recommends $PKGS > "$W/apt.log" 2>&1 ||
	{ tail -20 "$W/apt.log"; exit 1; }
in_chroot 60 gcc-14 --version | head -1
grep -q '^CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-14 (Debian 14' "$ROOT/boot/config-$KVER"

if [ ! -s "$VMLINUX" ]; then
	log "downloading linux-image-$KVER-dbg=$KPKGVER (about 320 MB) for its vmlinux"
	mkdir -p "$B/debs" && chmod 777 "$B/debs"
	in_chroot 1200 sh -c "cd /build/debs && apt-get download -q linux-image-$KVER-dbg=$KPKGVER"
	deb=$(ls "$B"/debs/linux-image-"$KVER"-dbg_*.deb)
	in_chroot 900 sh -c "dpkg-deb --fsys-tarfile /build/debs/${deb##*/} |
		tar -xO ./usr/lib/debug/boot/vmlinux-$KVER" > "$VMLINUX.tmp"
	mv "$VMLINUX.tmp" "$VMLINUX"
	rm -f "$deb"
fi
ls -l "$VMLINUX" "$VMLINUZ"
