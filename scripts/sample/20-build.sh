#!/bin/bash
# Build, in the trixie chroot: makedumpfile 1.7.7 (from its source), the
# static guest programs and the tpm_crb_ext module (kbuild against the 6.12
# headers with gcc-14, the kernel's own compiler); then the two initramfs
# images (capture.cpio.gz: the kdump capture; main.cpio.gz: the server).
# usage: 20-build.sh BUILDDIR
# MDF_TARBALL=path uses a local makedumpfile-1.7.7 source tarball instead of
# downloading $MDF_URL.
W=${1:?usage: 20-build.sh BUILDDIR}
. "$(dirname "$0")/common.sh"

# 1. makedumpfile 1.7.7 (Debian 12's 1.7.2 cannot read 6.12; trixie's 1.7.6
#    keeps every free page of 6.12: upstream commit 72c3414, in 1.7.7)
MDF=$B/makedumpfile-$MDF_VERSION
if [ ! -x "$MDF/makedumpfile" ]; then
	tarball=${MDF_TARBALL:-$W/makedumpfile-$MDF_VERSION.tar.gz}
	if [ ! -s "$tarball" ]; then
		log "downloading $MDF_URL"
		timeout 300 curl -fsSL -o "$tarball.tmp" "$MDF_URL"
		mv "$tarball.tmp" "$tarball"
	fi
	rm -rf "$MDF" && mkdir -p "$MDF"
	tar -C "$MDF" --strip-components=1 -xzf "$tarball"
	grep -q "^VERSION=$MDF_VERSION\$" "$MDF/Makefile"
	# the 6.12 page-type fix (72c3414) must be in
	grep -q '_mapcount == (int)NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)' "$MDF/makedumpfile.c"
	log "building makedumpfile $MDF_VERSION"
	in_chroot 900 make -C "/build/${MDF##*/}" -j"$(nproc)" CC=gcc-14 LINKTYPE=dynamic \
		USELZO=on USESNAPPY=on USEZSTD=on > "$W/makedumpfile-build.log" 2>&1 ||
		{ tail -20 "$W/makedumpfile-build.log"; exit 1; }
fi
in_chroot 30 "/build/${MDF##*/}/makedumpfile" -v | head -4

# 2. static guest programs
log "building the guest programs"
rm -rf "$B/src" "$B/bin" && mkdir -p "$B/bin" && cp -r "$HERE/src" "$B/src"
for p in miner memexec shim fakekthread backdoor monit; do
	in_chroot 300 gcc-14 -static -Os -s -Wall -Wextra -pthread -o "/build/bin/$p" "/build/src/$p.c"
done

# 3. the module, against the 6.12 headers, with gcc-14 (CONFIG_CC_VERSION_TEXT)
log "building tpm_crb_ext.ko"
rm -rf "$B/module" && cp -r "$HERE/module" "$B/module"
in_chroot 600 make -s -C /build/module KVER="$KVER" \
	KCFLAGS="-ffile-prefix-map=/build/module=tpm_crb_ext" > "$W/module-build.log" 2>&1 ||
	{ cat "$W/module-build.log"; exit 1; }
grep -i 'warning\|differs' "$W/module-build.log" && exit 1
cp "$B/module/tpm_crb_ext.ko" "$W/tpm_crb_ext.ko"

# helpers
copy_with_libs() {	# copy_with_libs DESTROOT BINARY...  (BINARY is a path in the chroot)
	local dst=$1 f l
	shift
	for f in "$@"; do
		install -D -m755 "$ROOT$f" "$dst$f"
		for l in $(in_chroot 30 ldd "$f" | grep -o '/[^ ]*'); do
			[ -e "$dst$l" ] || install -D -m755 "$ROOT$(in_chroot 10 readlink -f "$l")" "$dst$l"
		done
	done
}
kmod_copy() {		# kmod_copy DESTDIR MODULE...  (decompressed .ko)
	local dst=$1 m f
	shift
	for m in "$@"; do
		f=$(in_chroot 30 modinfo -k "$KVER" -n "$m")
		case $f in
		*.xz) xz -dc "$ROOT$f" > "$dst/$m.ko" ;;
		*.zst) zstd -qdc "$ROOT$f" > "$dst/$m.ko" ;;
		*) cp "$ROOT$f" "$dst/$m.ko" ;;
		esac
	done
}
base_tree() {		# base_tree ROOTDIR
	local r=$1 a
	rm -rf "$r"
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,var/log,var/tmp,lib/modules/extra}
	install -m755 "$ROOT/usr/bin/busybox" "$r/bin/busybox"
	for a in $("$ROOT/usr/bin/busybox" --list-full); do
		[ -e "$r/$a" ] || ln -s /bin/busybox "$r/$a"
	done
	install -m755 "$HERE/guest/init" "$r/init"
	printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/srv/www:/bin/false\n' > "$r/etc/passwd"
	printf 'root:x:0:\nwww-data:x:33:\n' > "$r/etc/group"
}
mkcpio() {		# mkcpio ROOTDIR OUT.cpio.gz
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9 > "$2"
}

# 4. capture initramfs: busybox, virtio_blk, /init and capture.sh
log "initramfs images"
base_tree "$B/capture-root"
install -m755 "$HERE/guest/capture.sh" "$B/capture-root/capture.sh"
kmod_copy "$B/capture-root/lib/modules/extra" virtio_blk
mkcpio "$B/capture-root" "$B/capture.cpio.gz"

# 5. main initramfs: the server
R=$B/main-root
base_tree "$R"
copy_with_libs "$R" /usr/sbin/kexec
kmod_copy "$R/lib/modules/extra" failover net_failover virtio_net virtio_blk
install -m644 "$B/module/tpm_crb_ext.ko" "$R/lib/modules/extra/tpm_crb_ext.ko"
install -m644 "$HERE/guest/inittab" "$R/etc/inittab"
install -D -m755 "$HERE/guest/rcS" "$R/etc/init.d/rcS"
install -m755 "$HERE/guest/healthcheck.sh" "$R/etc/healthcheck.sh"
install -m755 "$HERE/guest/udhcpc.script" "$R/etc/udhcpc.script"
install -D -m644 "$VMLINUZ" "$R/boot/vmlinuz"
install -m644 "$B/capture.cpio.gz" "$R/boot/capture.cpio.gz"
install -m755 "$B/bin/monit" "$R/usr/bin/monit"
mkdir -p "$R/srv/www" "$R/var/spool/cron/crontabs" "$R/etc/monit"
echo '<html><body>cache-02 ok</body></html>' > "$R/srv/www/index.html"
echo '*/10 * * * * /bin/true' > "$R/var/spool/cron/crontabs/root"
# the intruder's files
P=$R/var/lib/.pkg
install -D -m755 "$HERE/guest/install.sh" "$P/install.sh"
install -m755 "$B/bin/shim" "$P/shim"
install -m755 "$B/bin/memexec" "$P/memexec"
install -m755 "$B/bin/miner" "$P/.m"
install -m755 "$B/bin/backdoor" "$P/bd"
install -D -m755 "$B/bin/fakekthread" "$R/lib/x86_64-linux-gnu/.kswapd0"
mkcpio "$R" "$B/main.cpio.gz"
ls -l "$B/capture.cpio.gz" "$B/main.cpio.gz" "$W/tpm_crb_ext.ko"
