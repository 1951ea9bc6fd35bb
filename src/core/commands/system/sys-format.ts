// crash's sys text: the system summary (display_sys_stats) and sys -t's taint line.
import { escapeControl } from "../shared/escape";
import { ctimeUtc } from "../shared/time";
import type { SysInfo, SysResult } from "./sys";

export function formatSys(r: SysResult): string {
  return r.kind === "taints" ? `TAINTED_MASK: ${r.mask.toString(16)}  ${r.letters}\n` : formatSysInfo(r);
}

/** display_sys_stats: the summary crash prints at start-up and for `sys`. */
export function formatSysInfo(s: SysInfo): string {
  const lines = [
    `      KERNEL: ${escapeControl(s.kernel)}${s.tainted ? "  [TAINTED]" : ""}`,
    `    DUMPFILE: ${escapeControl(s.dumpfile)}${s.dumpFlags.length ? "  " + s.dumpFlags.join(" ") : ""}`,
    `        CPUS: ${s.cpus}${s.offlineCpus ? ` [OFFLINE: ${s.offlineCpus}]` : ""}`,
    `        DATE: ${s.date !== undefined ? ctimeUtc(s.date) : "(unknown)"}`,
    `      UPTIME: ${s.uptime}`,
    `LOAD AVERAGE: ${s.loadAverage}`,
    `       TASKS: ${s.tasks}`,
    `    NODENAME: ${escapeControl(s.nodename)}`,
    `     RELEASE: ${escapeControl(s.release)}`,
    `     VERSION: ${escapeControl(s.version)}`,
    `     MACHINE: ${escapeControl(s.machine)}  ${s.mhz ? `(${s.mhz} Mhz)` : "(unknown Mhz)"}`,
    `      MEMORY: ${s.memory ?? "(unknown)"}`,
    `       PANIC: ${s.panic !== undefined ? `"${escapeControl(s.panic)}"${s.panic.includes("Oops: ") ? " (check log for details)" : ""}` : '""'}`,
  ];
  return lines.join("\n") + "\n";
}
