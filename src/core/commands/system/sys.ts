// crash's `sys` (kernel.c display_sys_stats) and `sys -t` (show_kernel_taints).
import { KdwError } from "../../io/errors";
import { panicMessage, readPrintkLog } from "../../kernel/printk/printk";
import { cpuCounts, cpuMhz, crashTime, detectHz, formatUptime, loadAverage, memorySize, taints, uptimeJiffies, utsname } from "../../kernel/system/sysinfo";
import { taskCount } from "../../kernel/tasks/tasks";
import { CommandError, splitOptions, type Command, type CommandContext } from "../command";
import { escapeControl } from "../shared/escape";

export interface SysInfo {
  kernel: string;
  tainted: boolean;
  dumpfile: string;
  dumpFlags: string[];
  cpus: number;
  offlineCpus: number;
  date?: number;
  uptime: string;
  loadAverage: string;
  tasks: number;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  mhz?: number;
  memory?: string;
  panic?: string;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ctime() with the zone inserted, as crash's ctime_tz; kdw always prints UTC, whatever the machine's zone. */
export function ctimeUtc(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** What crash appends to DUMPFILE: a filtered kdump-compressed dump is a partial one. */
function dumpFlags(ctx: CommandContext): string[] {
  const f = ctx.prog.dump.format;
  const flags: string[] = [];
  const diskdump = f.kind === "diskdump" || f.kind === "flattened" || f.kind === "qemu-diskdump";
  if (diskdump && (f.dumpLevel ?? 0) > 0) flags.push("[PARTIAL DUMP]");
  if (f.details["incomplete"] === true) flags.push("[INCOMPLETE]");
  return flags;
}

export function sysInfo(ctx: CommandContext): SysInfo {
  const prog = ctx.prog;
  const uts = utsname(prog);
  const taint = taints(prog);
  const cpus = cpuCounts(prog);
  const present = cpus.present || prog.dump.cpus.length;
  const hz = detectHz(prog);
  let panic: string | undefined;
  try {
    panic = panicMessage(readPrintkLog(prog).records);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return {
    kernel: ctx.files.vmlinux,
    tainted: taint.mask !== 0n,
    dumpfile: ctx.files.dump,
    dumpFlags: dumpFlags(ctx),
    cpus: present,
    offlineCpus: cpus.online !== undefined && present > cpus.online ? present - cpus.online : 0,
    date: crashTime(prog),
    uptime: formatUptime(uptimeJiffies(prog, hz), hz),
    loadAverage: loadAverage(prog),
    tasks: taskCount(prog),
    nodename: uts.nodename,
    release: uts.release,
    version: uts.version,
    machine: uts.machine,
    mhz: cpuMhz(prog),
    memory: memorySize(prog),
    panic,
  };
}


export function formatSys(s: SysInfo): string {
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

export const sysCommand: Command = {
  name: "sys",
  summary: "system data",
  help: `NAME
  sys - system data

SYNOPSIS
  sys [-t]

DESCRIPTION
  Shows the system the dump was taken from: the files in use, CPUs, date of the crash, uptime, load
  average, number of tasks, the utsname fields, memory size and the panic message (found in the kernel
  log as crash does). DATE is always printed in UTC.

    -t  shows the kernel's taint mask and its taint letters.`,
  run(ctx, args) {
    const { flags, rest } = splitOptions(args);
    if (rest.length) throw new CommandError("sys", `unsupported argument: ${rest[0]}`);
    for (const f of flags) if (f !== "t") throw new CommandError("sys", `invalid option: -${f}`);
    if (flags.has("t")) {
      const t = taints(ctx.prog);
      return { data: { mask: t.mask, letters: t.letters }, text: `TAINTED_MASK: ${t.mask.toString(16)}  ${t.letters}\n` };
    }
    const info = sysInfo(ctx);
    return { data: info, text: formatSys(info) };
  },
};
