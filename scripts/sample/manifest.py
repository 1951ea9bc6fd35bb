#!/usr/bin/python3
"""Write samples/manifest.json: the sample's ground truth, from the dump and crash's outputs.

usage: manifest.py SAMPLEDIR
  SAMPLEDIR  the packaged sample: dump.kdump.zst (SAMPLE_UNPACKED: the same dump unpacked), reference/ (crash 8.0.6 outputs), console.txt
Environment: KVER, KPKGVER, GUEST_MEM, GUEST_CPUS, CRASHKERNEL, TOOLS_JSON (tool versions).
Pids come from crash's "ps" (reference/ps.txt), never typed by hand; names are what
the build planted (scripts/sample/guest/install.sh, inittab).
"""
import hashlib
import json
import os
import re
import struct
import sys

sd = sys.argv[1]
kver = os.environ.get("KVER", "6.12.117+deb13-cloud-amd64")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def kdump_vmcoreinfo(path):
    """VMCOREINFO from a kdump-compressed file's sub-header."""
    with open(path, "rb") as f:
        h = f.read(448)
        if h[:8] != b"KDUMP   ":
            sys.exit(path + ": not a kdump-compressed file")
        block_size, = struct.unpack_from("<i", h, 428)
        f.seek(block_size)
        sub = f.read(48)
        off, size = struct.unpack_from("<qQ", sub, 32)
        if not 0 < size < 1 << 20:
            sys.exit(path + ": implausible VMCOREINFO size")
        f.seek(off)
        text = f.read(size).decode()
    return dict(l.split("=", 1) for l in text.splitlines() if "=" in l)


def read(p):
    with open(os.path.join(sd, p)) as f:
        return f.read()


info = kdump_vmcoreinfo(os.environ["SAMPLE_UNPACKED"])
sys_txt = read("reference/sys.txt")
bt_txt = read("reference/bt.txt")
log_txt = read("reference/log.txt")
field = lambda k: (re.search(r"^\s*%s: (.*)$" % k, sys_txt, re.M) or [None, None])[1]
m = re.search(r'PID: (\d+)\s+TASK: (\w+)\s+CPU: (\d+)\s+COMMAND: "([^"]+)"', bt_txt)
log_lines = [l for l in log_txt.splitlines()]
bug = next((l for l in log_lines if "BUG: kernel NULL pointer" in l), "")
panic_line = bug.split("] ", 1)[1] if bug else None
panic_uptime = float(re.match(r"\[\s*([\d.]+)\]", bug)[1]) if bug else None
rip_line = next((l.split("RIP: 0010:", 1)[1] for l in log_lines if "RIP: 0010:" in l), None)

# tasks from crash ps: "> PID PPID CPU TASK ST %MEM VSZ RSS COMM"
tasks = []
for l in read("reference/ps.txt").splitlines():
    mm = re.match(r"^([> ])\s*(\d+)\s+(-?\d+)\s+(\d+)\s+([0-9a-f]+)\s+(\w+)\s+[\d.]+\s+(\d+)\s+(\d+)\s+(.+)$", l)
    if mm:
        tasks.append(dict(pid=int(mm[2]), ppid=int(mm[3]), cpu=int(mm[4]), task=mm[5], state=mm[6],
                          active=mm[1] == ">", vsz_kib=int(mm[7]), rss_kib=int(mm[8]), comm=mm[9].strip()))
if not tasks:
    sys.exit("no tasks parsed from reference/ps.txt")


def pids(comm):
    # user tasks only: crash shows kernel threads' names in brackets
    return sorted(t["pid"] for t in tasks if t["comm"] == comm)


planted = [
    dict(name="systemd-udevd", kind="miner",
         why="cryptominer under a system daemon's name: run from a memfd (exe /memfd:udev (deleted); the "
             "loader's memfd stays open as fd 4), comm set with PR_SET_NAME before its threads start, 4 "
             "busy-spinning threads (all runnable: one on a CPU at the crash, the others queued), 1 GiB anonymous reservation with 4 MiB touched "
             "(VSZ ~1 GiB, RSS ~4.5 MiB), parent pid 1, setsid, no tty, config /run/udev/.rules.json open, "
             "a UDP socket connected to 10.0.2.2:3333 and a TCP connect to 10.0.2.2:14444; the rootkit was "
             "told to hide it (kill signal 62) just before the crash"),
    dict(name="sysl0gd", kind="masquerade",
         why="masquerading daemon: 'syslogd' with a zero for the o (the real busybox syslogd also runs); "
             "one static binary /var/lib/.pkg/shim renamed with PR_SET_NAME and argv rewritten to "
             "'/sbin/sysl0gd -n'; waits on an abstract UNIX datagram socket '@/dev/log'"),
    dict(name="dbus-daemom", kind="masquerade",
         why="masquerading daemon: 'dbus-daemon' with m for n (no dbus runs here); same shim binary; "
             "listening abstract UNIX socket '@/run/dbus/system_bus', waits in epoll_wait"),
    dict(name="udhcpcd", kind="masquerade",
         why="masquerading daemon: 'udhcpc' plus d (the real busybox udhcpc also runs); same shim binary; "
             "a BPFDoor-style passive backdoor: AF_PACKET socket with a classic BPF filter passing only "
             "UDP port 53 packets whose payload starts 0x7255"),
    dict(name="kswapd0", kind="fake_kernel_thread",
         why="user process posing as the kernel thread kswapd0 (which also runs, pid in brackets in ps): "
             "comm set with PR_SET_NAME, command line rewritten to [kswapd0], has an mm, parent pid 1, "
             "executable /lib/x86_64-linux-gnu/.kswapd0"),
    dict(name="updatedb", kind="deleted_exe",
         why="bind shell: started from /dev/shm/.x/updatedb, which was then deleted (exe shows "
             "'(deleted)'); listens on TCP 0.0.0.0:31337, detached under init"),
    dict(name="install.sh", kind="dropper",
         why="the intruder's dropper script /var/lib/.pkg/install.sh (started from rcS), if still alive"),
]
decoys = [dict(name=p["name"], pids=pids(p["name"]), kind=p["kind"], why=p["why"]) for p in planted if pids(p["name"])]
decoys.append(dict(name="monit", pids=pids("monit"), kind="trigger",
                   why="NOT malicious: the server's process supervisor (inittab respawn, status page on "
                       "127.0.0.1:2812); its checker thread's kill(pid, 0) liveness check of the hidden "
                       "miner ran into the rootkit's kill hook and is the panic task. Should not be "
                       "flagged itself", trigger_only=True))
benign_names = ["init", "syslogd", "klogd", "crond", "httpd", "telnetd", "udhcpc", "getty", "sh", "sleep", "cat"]
benign = [dict(name=n, pids=pids(n)) for n in benign_names if pids(n)]
known = {d["name"] for d in decoys} | {b["name"] for b in benign}
unknown = sorted({t["comm"] for t in tasks if not t["comm"].startswith("[") and t["comm"] not in known})
if unknown:
    sys.exit("user tasks the manifest does not classify: %s" % unknown)

files = []
for root, _, names in os.walk(sd):
    for n in sorted(names):
        p = os.path.join(root, n)
        rel = os.path.relpath(p, sd)
        if rel in ("manifest.json", "README.md"):	# README.md is written by hand
            continue
        files.append(dict(path=rel, size=os.path.getsize(p), sha256=sha256(p)))
files.sort(key=lambda e: e["path"])

tools = json.loads(os.environ.get("TOOLS_JSON", "{}"))
manifest = dict(
    kernel=dict(
        package="linux-image-" + kver, version=os.environ.get("KPKGVER"), suite="trixie (Debian 13)",
        dbg_package="linux-image-%s-dbg" % kver, headers_package="linux-headers-" + kver,
        osrelease=info.get("OSRELEASE"), build_id=info.get("BUILD-ID"),
        kernel_offset=info.get("KERNELOFFSET"), flavour="cloud-amd64",
        banner=(field("VERSION") or "").strip(), hz=250,
        paging="4-level (no5lvl on the command line; NUMBER(pgtable_l5_enabled)=%s)" % info.get("NUMBER(pgtable_l5_enabled)")),
    tools=tools,
    machine=dict(cpus=int(field("CPUS") or 0), memory=field("MEMORY"),
                 qemu_memory=os.environ.get("GUEST_MEM"), crashkernel=os.environ.get("CRASHKERNEL"),
                 nodename=field("NODENAME"), qemu="TCG, -cpu max, i440FX"),
    crash_time=field("DATE"),
    uptime="%02d:%02d:%02d (the oops at %.1f s in the kernel log; crash 8.0.6's UPTIME %s is wrong: it "
           "assumes HZ=1000, the kernel has HZ=250)" % (int(panic_uptime or 0) // 3600, int(panic_uptime or 0) // 60 % 60,
                                                      int(panic_uptime or 0) % 60, panic_uptime or 0, field("UPTIME")),
    panic=dict(string=panic_line, crash_panic_field=field("PANIC"),
               pid=int(m[1]) if m else None, task=m[2] if m else None,
               cpu=int(m[3]) if m else None, comm=m[4] if m else None,
               fault_address="0x58", syscall="kill (ORIG_RAX 0x3e)",
               kernel_rip=rip_line, exception_rip_resolves=False,
               how="ftrace_ops callback tce_kill_hook, called from the ops' dynamic ftrace trampoline "
                   "(module area, no symbol) at the entry of __x64_sys_kill; oops=panic, so oops_end "
                   "calls crash_kexec"),
    module=dict(name="tpm_crb_ext", source="scripts/sample/module/tpm_crb_ext.c (copy: module/)",
                out_of_tree=True, signed=False, hides_itself=True,
                how="on command (kill signal 63 to pid 1), from a work item: list_del(&THIS_MODULE->list) "
                    "and kobject_del(&THIS_MODULE->mkobj.kobj): gone from the module list, /proc/modules, "
                    "'Modules linked in:' and /sys/module; still in mod_tree (the oops names it)",
                hooks=["ftrace_ops (own dynamic trampoline) on __x64_sys_kill: command channel (signals 62, "
                       "63 swallowed by rewriting the saved syscall argument to 0) and the NULL dereference",
                       "kprobe (ftrace-based) on __x64_sys_openat: counts opens of /proc/<hidden pid>/"],
                taint="OE"),
    decoys=decoys,
    benign_userland=benign,
    task_count=len(tasks),
    files=files,
    references=dict(golden="reference/ (crash 8.0.6, with the -dbg vmlinux; see README for where it is wrong on 6.12)"),
    vmcoreinfo=info,
    tasks=tasks,
    tasks_note="every task as crash 8.0.6's ps shows it (reference/ps.txt); threads share the leader's comm; "
               "active = '>' (running on a CPU)",
)
with open(os.path.join(sd, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
print("manifest: %d files, %d tasks, %d decoy groups" % (len(files), len(tasks), len(decoys)))
