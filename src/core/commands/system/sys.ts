// crash's `sys` (kernel.c display_sys_stats) and `sys -t` (show_kernel_taints).
import { KdwError } from "../../io/errors";
import { panicMessage, readPrintkLog } from "../../kernel/printk/printk";
import { cpuCounts, cpuMhz, crashTime, detectHz, formatUptime, loadAverage, memorySize, taints, uptimeJiffies, utsname } from "../../kernel/system/sysinfo";
import { taskCount } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { formatSys } from "./sys-format";

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

export type SysResult = ({ kind: "summary" } & SysInfo) | { kind: "taints"; mask: bigint; letters: string };

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

export const sysCommand = defineCommand({
  name: "sys",
  summary: "system data",
  help: `SYNOPSIS
  sys [-t]

DESCRIPTION
  Shows the system the dump was taken from: the files in use, CPUs, date of the crash, uptime, load
  average, number of tasks, the utsname fields, memory size and the panic message (found in the kernel
  log as crash does). DATE is always printed in UTC.

    -t  shows the kernel's taint mask and its taint letters.`,
  options: { flags: "t" },
  parse(args): { taints: boolean } {
    if (args.operands.length) throw new CommandError("sys", `unsupported argument: ${args.operands[0]}`);
    return { taints: args.has("t") };
  },
  execute(ctx, o): SysResult {
    if (!o.taints) return { kind: "summary", ...sysInfo(ctx) };
    const t = taints(ctx.prog);
    return { kind: "taints", mask: t.mask, letters: t.letters };
  },
  format: formatSys,
});
