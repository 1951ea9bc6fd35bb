#!/bin/sh
# kdump capture kernel: copy /proc/vmcore (the crashed kernel's memory as an
# ELF core) raw onto the virtio disk and power off. The host cuts the ELF out
# of the disk image and runs makedumpfile on it.
echo "SAMPLE-CAPTURE: start, /proc/vmcore is $(stat -c %s /proc/vmcore) bytes"
insmod /lib/modules/extra/virtio_blk.ko
i=0
while [ ! -b /dev/vda ] && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done
if [ -b /dev/vda ]; then
	dd if=/proc/vmcore of=/dev/vda bs=1M 2>&1 | tail -1
	sync
	echo "SAMPLE-CAPTURE: done size=$(stat -c %s /proc/vmcore)"
else
	echo "SAMPLE-CAPTURE: no /dev/vda"
fi
poweroff -f
