#!/bin/bash
# Boot the server in QEMU with 4-level paging (no5lvl). The rootkit oopses in
# a kill(2) from the benign supervisor, the kernel kexecs into the capture
# kernel, which copies /proc/vmcore raw onto the virtio disk and powers off.
# Result: $B/vmcore.kdump.elf (ELF core: per-CPU NT_PRSTATUS notes and the
# VMCOREINFO note) and $B/console.log.
# usage: 30-boot.sh BUILDDIR
W=${1:?usage: 30-boot.sh BUILDDIR}
. "$(dirname "$0")/common.sh"

# TCG by default: KVM here (nested) cannot boot a stock kernel. ACCEL=kvm where it works.
ACCEL=${ACCEL:-tcg}
if [ "$ACCEL" = kvm ]; then ACCEL_ARGS="-enable-kvm -cpu host"; else ACCEL_ARGS="-accel tcg,thread=multi -cpu max"; fi
DISK=$B/vmcore.disk
rm -f "$DISK" "$B/console.log" "$B/vmcore.kdump.elf"
truncate -s 1G "$DISK"
log "booting: $GUEST_CPUS CPUs, $GUEST_MEM, crashkernel=$CRASHKERNEL, $ACCEL"
# shellcheck disable=SC2086
timeout "${QEMU_TIMEOUT:-900}" qemu-system-x86_64 $ACCEL_ARGS \
	-smp "$GUEST_CPUS" -m "$GUEST_MEM" \
	-kernel "$VMLINUZ" -initrd "$B/main.cpio.gz" \
	-append "console=ttyS0,115200 no5lvl crashkernel=$CRASHKERNEL oops=panic panic=10 sampmode=${SAMPMODE:-crash}" \
	-display none -monitor none -serial "file:$B/console.log" \
	-drive "file=$DISK,format=raw,if=virtio,cache=unsafe" \
	-nic user,model=virtio-net-pci,restrict=on \
	-no-reboot || { tail -30 "$B/console.log"; exit 1; }
grep -a 'SAMPLE-CAPTURE: done' "$B/console.log" || { tail -40 "$B/console.log"; exit 1; }
python3 "$HERE/elf-trim.py" "$DISK" "$B/vmcore.kdump.elf"
rm -f "$DISK"
