// crash's sys text: the system summary (display_sys_stats) and sys -t's taint line.
import { escapeControl } from "../shared/escape";
import { ctimeUtc } from "../shared/time";
import type { SysField, SysInfo, SysResult } from "./sys";

export function formatSys(r: SysResult): string {
  return r.kind === "taints" ? `TAINTED_MASK: ${r.mask.toString(16)}  ${r.letters}\n` : formatSysInfo(r);
}

/** display_sys_stats: the summary crash prints at start-up and for `sys`. */
export function formatSysInfo(s: SysInfo): string {
  // A lost field shows what was lost; one read from the dump's headers instead says where it came from.
  const lost = (f: SysField) => (s.lost?.[f] ? `(lost: ${escapeControl(s.lost[f])})` : "(unknown)");
  const shown = (v: string | number | undefined, f: SysField) => (v === undefined ? lost(f) : `${escapeControl(String(v))}${s.lost?.[f] && s.from?.[f] ? `  [from ${s.from[f]}]` : ""}`);
  const lines = [
    `      KERNEL: ${escapeControl(s.kernel)}${s.tainted ? "  [TAINTED]" : ""}${s.lost?.tainted ? `  [TAINT lost: ${escapeControl(s.lost.tainted)}]` : ""}`,
    `    DUMPFILE: ${escapeControl(s.dumpfile)}${s.dumpFlags.length ? "  " + s.dumpFlags.join(" ") : ""}`,
    `        CPUS: ${s.cpus}${s.offlineCpus ? ` [OFFLINE: ${s.offlineCpus}]` : ""}${s.lost?.cpus ? `  [from ${s.from?.cpus}]` : ""}`,
    `        DATE: ${s.date !== undefined ? ctimeUtc(s.date) : "(unknown)"}`,
    `      UPTIME: ${shown(s.uptime, "uptime")}`,
    `LOAD AVERAGE: ${shown(s.loadAverage, "loadAverage")}`,
    `       TASKS: ${s.tasks === undefined ? lost("tasks") : `${s.tasks}${s.lost?.tasks ? `  (${escapeControl(s.lost.tasks)})` : ""}`}`,
    `    NODENAME: ${shown(s.nodename, "utsname")}`,
    `     RELEASE: ${shown(s.release, "utsname")}`,
    `     VERSION: ${shown(s.version, "utsname")}`,
    `     MACHINE: ${shown(s.machine, "utsname")}  ${s.mhz ? `(${s.mhz} Mhz)` : s.lost?.mhz ? `(Mhz lost: ${escapeControl(s.lost.mhz)})` : "(unknown Mhz)"}`,
    `      MEMORY: ${s.memory ?? lost("memory")}`,
    `       PANIC: ${s.panic !== undefined ? `"${escapeControl(s.panic)}"${s.panic.includes("Oops: ") ? " (check log for details)" : ""}` : s.lost?.panic ? `(lost: the kernel log, ${escapeControl(s.lost.panic)})` : '""'}`,
  ];
  return lines.join("\n") + "\n";
}
