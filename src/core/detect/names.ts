// The one data file of names the detectors know: general knowledge of Linux systems, not of any dump. Names
// of daemons and administration tools (what a masquerading process imitates), multi-call binaries and
// interpreters (whose processes legitimately carry another name than their executable), JIT runtimes
// (which legitimately map writable and executable memory), the shapes of kernel thread names, the names
// that legitimately run many times under init, and the world-writable directories malware drops into.

/** Daemons and tools of common distributions (procps, util-linux, coreutils, systemd, iproute2, postfix,
 *  SELinux, logging, cron, networking, storage, containers, cloud agents, ...). */
export const WELL_KNOWN_NAMES: readonly string[] = [
  // init and service managers
  "init", "systemd", "upstart", "openrc", "runit", "runsv", "runsvdir", "s6-svscan", "s6-supervise", "telinit", "runlevel", "shutdown", "reboot", "halt", "poweroff",
  "systemd-journald", "systemd-logind", "systemd-udevd", "systemd-networkd", "systemd-resolved", "systemd-timesyncd", "systemd-homed", "systemd-oomd", "systemd-userdbd", "systemd-machined",
  "(sd-pam)", "systemctl", "journalctl", "loginctl", "hostnamectl", "timedatectl", "busctl", "networkctl", "resolvectl",
  // devices and kernel interfaces
  "udevd", "udevadm", "mdev", "eudev", "devlink", "modprobe", "insmod", "rmmod", "lsmod", "depmod", "modinfo", "kmod", "sysctl", "dmesg", "lspci", "lsusb", "lsblk", "blkid", "mount", "umount",
  "fdisk", "sfdisk", "parted", "mkfs", "fsck", "e2fsck", "tune2fs", "resize2fs", "xfs_repair", "mdadm", "lvm", "lvmetad", "dmeventd", "multipathd", "iscsid", "smartd", "hdparm", "udisksd",
  // logging
  "syslogd", "klogd", "rsyslogd", "syslog-ng", "journald", "logrotate", "logger", "auditd", "audispd", "auditctl", "ausearch", "aureport",
  // scheduling
  "cron", "crond", "anacron", "atd", "crontab", "batch",
  // remote access and auth
  "sshd", "ssh-agent", "ssh-keygen", "dropbear", "telnetd", "login", "getty", "agetty", "mingetty", "sulogin", "sudo", "su", "polkitd", "pkexec", "sssd", "nscd", "nslcd", "winbindd", "smbd", "nmbd",
  "gssproxy", "rpcbind", "rpc.statd", "rpc.mountd", "rpc.idmapd", "nfsd", "lockd",
  // networking
  "NetworkManager", "nm-dispatcher", "wpa_supplicant", "dhclient", "dhcpcd", "dnsmasq", "named", "unbound", "avahi-daemon", "chronyd", "ntpd", "ntpdate", "openntpd", "timesyncd",
  "iptables", "ip6tables", "nftables", "firewalld", "ufw", "conntrackd", "keepalived", "haproxy", "iproute", "bridge", "ethtool", "ifconfig", "ifup", "ifdown", "netstat", "tcpdump",
  "netplan", "networkd-dispatcher", "hostapd", "openvpn", "wireguard", "strongswan", "charon", "pppd", "xinetd", "inetd",
  // mail (postfix and friends)
  "postfix", "master", "pickup", "qmgr", "postdrop", "postqueue", "postcat", "postconf", "postmap", "postalias", "postsuper", "postkick", "postlock", "postlog", "sendmail", "exim", "exim4", "dovecot",
  "smtpd", "cleanup", "trivial-rewrite", "anvil", "tlsmgr", "opendkim", "spamd", "clamd", "freshclam",
  // SELinux and AppArmor
  "restorecon", "setfiles", "matchpathcon", "getenforce", "setenforce", "semanage", "semodule", "load_policy", "apparmor_parser", "aa-status", "mcstransd", "restorecond",
  // web, databases, caches
  "httpd", "apache2", "nginx", "lighttpd", "caddy", "php-fpm", "uwsgi", "gunicorn", "mysqld", "mariadbd", "postgres", "postmaster", "redis-server", "memcached", "mongod", "elasticsearch", "rabbitmq-server",
  // system services and tools
  "dbus-daemon", "dbus-broker", "acpid", "irqbalance", "thermald", "tuned", "rngd", "haveged", "atop", "sysstat", "sadc", "collectd", "snmpd", "lldpd", "cupsd", "bluetoothd", "ModemManager", "upowerd",
  "accounts-daemon", "rtkit-daemon", "colord", "packagekitd", "unattended-upgrade", "apt-get", "dpkg", "yum", "dnf", "rpm", "zypper", "pacman", "snapd", "flatpak", "fwupd",
  // containers and virtualisation
  "dockerd", "containerd", "containerd-shim", "runc", "crio", "conmon", "podman", "kubelet", "kube-proxy", "etcd", "libvirtd", "virtlogd", "qemu-kvm", "lxcfs",
  // cloud agents
  "cloud-init", "waagent", "amazon-ssm-agent", "google_guest_agent", "qemu-ga", "vmtoolsd", "open-vm-tools", "hv_kvp_daemon", "hv_vss_daemon",
  // process and memory tools (procps, psmisc, util-linux)
  "ps", "top", "htop", "pgrep", "pkill", "pidof", "killall", "uptime", "vmstat", "iostat", "mpstat", "pidstat", "free", "watch", "pstree", "lsof", "fuser", "strace", "ltrace", "gdb", "perf",
  "nohup", "setsid", "taskset", "chrt", "ionice", "renice", "timeout", "flock", "logname", "whoami", "hostname", "uname", "sleep", "true", "false",
  // shells
  "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "tcsh", "csh", "fish", "busybox", "toybox",
  // coreutils and friends (five letters or more matter for look-alikes)
  "chmod", "chown", "chgrp", "mkdir", "rmdir", "touch", "mktemp", "readlink", "realpath", "basename", "dirname", "install", "shred", "split", "stat", "tail", "head", "sort", "uniq", "xargs",
  "find", "grep", "egrep", "fgrep", "sed", "awk", "gawk", "mawk", "curl", "wget", "rsync", "scp", "sftp", "tar", "gzip", "gunzip", "bzip2", "xz", "zstd", "unzip", "base64", "openssl", "passwd",
  "useradd", "userdel", "usermod", "groupadd", "chpasswd", "vipw", "visudo", "crontab", "screen", "tmux", "script",
];

/** Binaries that run as many commands under the name they were started by (argv[0]). */
export const MULTI_CALL_BINARIES: readonly string[] = ["busybox", "toybox", "toolbox", "coreutils", "kmod", "systemd", "systemctl", "udevadm", "lvm", "bash", "dropbearmulti", "sudo", "xtables-nft-multi", "xtables-legacy-multi", "ebtables-nft", "dpkg", "perl"];

/** Interpreters: a script's process carries the script's name, the executable is the interpreter. */
export const INTERPRETERS: readonly RegExp[] = [/^(ba|da|z|k|mk|tc|c|fi|a)?sh$/, /^python[0-9.]*$/, /^perl[0-9.]*$/, /^ruby[0-9.]*$/, /^php[0-9.]*(-fpm)?$/, /^node(js)?$/, /^lua(jit)?[0-9.]*$/, /^tclsh[0-9.]*$/, /^java$/, /^pypy[0-9.]*$/, /^Rscript$/, /^guile[0-9.]*$/];

/** Runtimes that compile code at run time into writable and executable memory. */
export const JIT_RUNTIMES: readonly RegExp[] = [/^java$/, /^node(js)?$/, /^(chrome|chromium|msedge|brave|opera)/, /^firefox/, /^(electron|code|slack|discord|teams)/, /^luajit/, /^(dotnet|mono)/, /^pypy/, /^julia/, /^qemu-/, /^(wine|wine64|wineserver)$/, /^gnome-shell$/, /^plasmashell$/, /^php/];

/** Kernel thread names (set by kthread_create), as a process disguised as one imitates them. */
export const KERNEL_THREAD_PATTERNS: readonly RegExp[] = [
  /^\[.*\]$/, // ps shows kernel threads in brackets; a comm or argv[0] in brackets imitates that
  /^kthreadd$/,
  /^kworker\//,
  /^ksoftirqd\/\d+$/,
  /^migration\/\d+$/,
  /^rcu_(sched|bh|preempt|gp|par_gp|tasks.*)$/,
  /^rcu[a-z]*\/\d+$/,
  /^(rcuc|rcuob|rcuop|rcuos)\/\d+$/,
  /^cpuhp\/\d+$/,
  /^idle_inject\/\d+$/,
  /^watchdog(d)?(\/\d+)?$/,
  /^kswapd\d*$/,
  /^kcompactd\d*$/,
  /^khugepaged$/,
  /^ksmd$/,
  /^kdevtmpfs$/,
  /^kauditd$/,
  /^khungtaskd$/,
  /^oom_reaper$/,
  /^kblockd$/,
  /^kintegrityd$/,
  /^writeback$/,
  /^kthrotld$/,
  /^irq\/\d+-/,
  /^jbd2\//,
  /^ext4-rsv-conver$/,
  /^xfs[a-z-]*\//,
  /^scsi_(eh|tmf)_\d+$/,
  /^card\d+-crtc\d+$/,
  /^(mm_percpu_wq|netns|inet_frag_wq|kstrp|zswap-shrink|ipv6_addrconf|edac-poller|tpm_dev_wq|md|raid5wq|dm_bufio_cache|kmpath_rdacd|kmpathd|kaluad|ata_sff|nvme-wq|nvme-reset-wq|nvme-delete-wq|blkcg_punt_bio|kworker)$/,
  /^(pool_workqueue_release|kdmflush|kcryptd|dmcrypt_write)/,
  /^(cryptd|kthrotld|acpi_thermal_pm|charger_manager|vfio-irqfd-clea|ttm_swap|ksgxd)$/,
];

/** Names that legitimately run several times under init (terminals, shells of a console). */
export const MULTI_INSTANCE_NAMES: readonly string[] = ["getty", "agetty", "mingetty", "fbgetty", "login", "sh", "bash", "dash", "ash", "zsh", "sleep", "runsv", "s6-supervise", "conmon", "containerd-shim", "containerd-shim-runc-v2", "sshd", "php-fpm", "postgres", "httpd", "apache2", "nginx"];

/** World-writable directories where dropped binaries and their files tend to live. */
export const WORLD_WRITABLE_DIRS: readonly string[] = ["/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/", "/dev/mqueue/", "/var/run/shm/"];

const wellKnown = new Set(WELL_KNOWN_NAMES);

export function isWellKnownName(name: string): boolean {
  return wellKnown.has(name);
}

export function looksLikeKernelThread(name: string): boolean {
  return KERNEL_THREAD_PATTERNS.some((re) => re.test(name));
}

export function isInterpreter(name: string): boolean {
  return INTERPRETERS.some((re) => re.test(name));
}

export function isJitRuntime(name: string): boolean {
  return JIT_RUNTIMES.some((re) => re.test(name));
}
