#!/bin/bash
# crash 8.0.6's reference outputs for the sample: one file per command of
# reference/commands.txt, run in one crash session on dump.kdump with the
# debug vmlinux (crash's own "cmd > file" redirection; vtop-linux_banner.txt comes
# from a session where it is the first vtop, see below).
# Pids and addresses are filled in from a first crash pass (ps -G, sym, bt, vtop).
# CRASH=/path/to/crash-8.0.6 runs that binary on the host; without it, Debian
# 13's crash 8.0.6 package runs in the chroot.
# usage: 50-reference.sh BUILDDIR
W=${1:?usage: 50-reference.sh BUILDDIR}
. "$(dirname "$0")/common.sh"
REF=$W/reference
MINER_COMM=systemd-udevd
rm -rf "$REF" && mkdir -p "$REF"
T=$B/crashrun			# /build/crashrun in the chroot
rm -rf "$T" && mkdir -p "$T/out"
# relative names, so the outputs show what a test harness uses, not build paths
ln "$VMLINUX" "$T/vmlinux-$KVER" 2>/dev/null || cp "$VMLINUX" "$T/vmlinux-$KVER"
ln "$B/dumps/dump.kdump" "$T/dump.kdump"

crash_run() {	# crash_run CMDFILE  (in $T)
	if [ -n "${CRASH:-}" ]; then
		(cd "$T" && timeout 900 "$CRASH" -s "vmlinux-$KVER" dump.kdump -i "$1" </dev/null)
	else
		in_chroot 900 sh -c "cd /build/crashrun && crash -s vmlinux-$KVER dump.kdump -i $1 </dev/null"
	fi
}
if [ -n "${CRASH:-}" ]; then "$CRASH" --version | head -1; else in_chroot 60 crash --version | head -1; fi

printf 'sym init_task\nsym linux_banner\nbt\nps -G\nq\n' > "$T/pre.cmd"
crash_run pre.cmd > "$T/pre.out" 2>&1 || true
INIT_TASK=$(awk '$3=="init_task"{print $1; exit}' "$T/pre.out")
BANNER=$(awk '$3=="linux_banner"{print $1; exit}' "$T/pre.out")
PANIC=$(awk '/^PID:/{print $2; exit}' "$T/pre.out")
XRIP=$(awk '/RIP: ffffffff|RIP: [0-9a-f]+ +RSP/{print $2; exit}' "$T/pre.out")
mapfile -t RA < <(awk '/^ *#[0-9]+ \[/{print $NF}' "$T/pre.out")
MINER=$(awk -v c="$MINER_COMM" '$1 ~ /^[0-9]+$/ && $NF==c {print $1; exit} $1==">" && $NF==c {print $2; exit}' "$T/pre.out")
HTTPD=$(awk '$1 ~ /^[0-9]+$/ && $NF=="httpd" {print $1; exit} $1==">" && $NF=="httpd" {print $2; exit}' "$T/pre.out")
# linux_banner first: within one session crash prints the PAGE header line of a 2 MB
# page's vtop only if no vtop before printed it (so the redirected reference lacks it)
printf 'vtop %s\nvtop %s\nq\n' "$BANNER" "$INIT_TASK" > "$T/vtop.cmd"
crash_run vtop.cmd > "$T/vtop.out" 2>&1 || true
mapfile -t PHYS < <(awk '/^VIRTUAL +PHYSICAL/{getline; print $2}' "$T/vtop.out")	# banner, init_task
echo "MINER=$MINER HTTPD=$HTTPD PANIC=$PANIC INIT_TASK=$INIT_TASK BANNER=$BANNER XRIP=$XRIP RA=${RA[*]:0:5} PHYS=${PHYS[*]}"
for v in MINER HTTPD PANIC INIT_TASK BANNER XRIP; do
	[ -n "${!v}" ] || { echo "50-reference.sh: could not find $v" >&2; cat "$T/pre.out" >&2; exit 1; }
done
[ "${#RA[@]}" -ge 5 ] && [ "${#PHYS[@]}" = 2 ] || { echo "50-reference.sh: backtrace or vtop not as expected" >&2; exit 1; }

sed -e '/^#/d' -e '/^$/d' \
    -e "s/@MINER@/$MINER/g" -e "s/@HTTPD@/$HTTPD/g" -e "s/@PANIC@/$PANIC/g" \
    -e "s/@INIT_TASK@/$INIT_TASK/g" -e "s/@BANNER@/$BANNER/g" \
    -e "s/@INIT_TASK_PHYS@/${PHYS[1]}/g" -e "s/@BANNER_PHYS@/${PHYS[0]}/g" \
    -e "s/@RA1@/${RA[1]}/g" -e "s/@RA2@/${RA[2]}/g" -e "s/@RA3@/${RA[3]}/g" \
    -e "s/@RA4@/${RA[4]}/g" -e "s/@XRIP@/$XRIP/g" \
    "$HERE/reference/commands.txt" > "$REF/commands.resolved.txt"
: > "$T/main.cmd"
while IFS='|' read -r name cmd; do
	echo "$cmd > out/$name.txt" >> "$T/main.cmd"
done < "$REF/commands.resolved.txt"
echo q >> "$T/main.cmd"
log "crash: $(wc -l < "$REF/commands.resolved.txt") reference commands"
crash_run main.cmd > "$T/main.out" 2>&1 || true
while IFS='|' read -r name cmd; do
	cp "$T/out/$name.txt" "$REF/$name.txt" 2>/dev/null || echo "(no output)" > "$REF/$name.txt"
done < "$REF/commands.resolved.txt"
# what crash printed to the terminal (warnings, errors) during that session
grep -v '^$' "$T/main.out" > "$REF/session-stderr.txt" || true
# vtop-linux_banner.txt: the first vtop of a session (the vtop pass above), as the
# fixtures keep it: in the main session it follows vtop init_task and loses its
# "PAGE PHYSICAL MAPPING INDEX CNT FLAGS" line
awk '/^VIRTUAL +PHYSICAL/{n++} n==1' "$T/vtop.out" > "$REF/vtop-linux_banner.txt"
grep -q PHYSICAL "$REF/vtop-linux_banner.txt"
rm -rf "$T"
ls "$REF" | wc -l
