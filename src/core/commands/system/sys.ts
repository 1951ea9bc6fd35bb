// crash's `sys` (kernel.c display_sys_stats) and `sys -t` (show_kernel_taints).
import { ExcludedPageError, KdwError } from "../../io/errors";
import { logPanic, readPrintkLog } from "../../kernel/printk/printk";
import { cpuCounts, cpuMhz, crashTime, detectHz, formatUptime, loadAverage, memorySize, taints, uptimeJiffies, utsname, type Utsname } from "../../kernel/system/sysinfo";
import { taskTable } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { perProgram } from "../../program/program";
import { formatSys } from "./sys-format";

export interface SysInfo {
  kernel: string;
  tainted: boolean;
  dumpfile: string;
  dumpFlags: string[];
  cpus: number;
  offlineCpus: number;
  date?: number;
  uptime?: string;
  loadAverage?: string;
  tasks?: number;
  nodename?: string;
  release?: string;
  version?: string;
  machine?: string;
  mhz?: number;
  memory?: string;
  panic?: string;
  /**
   * Fields the dump could not give (a page excluded, or lost to a file cut short), with why; the field is
   * then undefined, or holds what the dump's headers say instead (`from`).
   */
  lost?: Partial<Record<SysField, string>>;
  /** Fields read from the dump's headers (VMCOREINFO, the kdump header's utsname) because the kernel's data is lost. */
  from?: Partial<Record<SysField, string>>;
}

export type SysField = "tainted" | "cpus" | "uptime" | "loadAverage" | "tasks" | "utsname" | "mhz" | "memory" | "panic";

/** What a lost field shows: the page that is missing, or the error in short. */
function lostText(err: KdwError): string {
  if (err instanceof ExcludedPageError) return `page 0x${err.physAddr.toString(16)} ${err.reason === "unwritten" ? "cut off" : "excluded"}`;
  const page = /physical address (0x[0-9a-f]+): page (lost|excluded)/.exec(err.message);
  return page ? `page ${page[1]} ${page[2] === "lost" ? "cut off" : "excluded"}` : err.message;
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

/**
 * The summary, field by field: a field whose kernel data is lost (degraded dumps) is marked as lost, or read
 * from the dump's own headers where they record it (VMCOREINFO's OSRELEASE, the kdump header's utsname, the
 * CPUs' notes), and the others are still answered.
 */
export function sysInfo(ctx: CommandContext): SysInfo {
  // Nothing sys shows changes in a dump: the summary is gathered once per session (and file names).
  const cache = SUMMARIES.of(ctx.prog);
  const key = `${ctx.files.vmlinux}\0${ctx.files.dump}`;
  const known = cache.get(key);
  if (known) return structuredCopy(known);
  const info = gatherSysInfo(ctx);
  cache.set(key, info);
  return structuredCopy(info);
}

/** Summaries by the file names they show. */
const SUMMARIES = perProgram(() => new Map<string, SysInfo>());

/** A copy a caller may change without changing the cached summary. */
function structuredCopy(info: SysInfo): SysInfo {
  return { ...info, dumpFlags: [...info.dumpFlags], ...(info.lost ? { lost: { ...info.lost }, from: { ...info.from } } : {}) };
}

function gatherSysInfo(ctx: CommandContext): SysInfo {
  const prog = ctx.prog;
  const lost: Partial<Record<SysField, string>> = {};
  const from: Partial<Record<SysField, string>> = {};
  const field = <T>(name: SysField, f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      lost[name] = lostText(err);
      return undefined;
    }
  };
  let uts: Partial<Utsname> | undefined = field("utsname", () => utsname(prog));
  if (!uts) {
    const d = prog.dump.format.details;
    const header = (k: string) => (typeof d[`utsname.${k}`] === "string" && d[`utsname.${k}`] !== "" ? (d[`utsname.${k}`] as string) : undefined);
    uts = { nodename: header("nodename"), release: header("release") ?? prog.vmcoreinfo?.osrelease, version: header("version"), machine: header("machine") };
    from.utsname = header("release") ? "the kdump header's utsname" : "VMCOREINFO";
  }
  const taint = field("tainted", () => taints(prog));
  const cpus = field("cpus", () => cpuCounts(prog)) ?? {};
  const present = cpus.present || prog.dump.cpus.length;
  if (lost.cpus) from.cpus = "the dump's CPU notes";
  const hz = field("uptime", () => detectHz(prog));
  let panic: string | undefined;
  try {
    const log = readPrintkLog(prog);
    panic = logPanic(log)?.line;
    // A log whose walk stopped, or whose pages were missing, may have lost the panic message with them.
    if (panic === undefined && (log.stopped || log.zeroFilledPages > 0)) lost.panic = log.zeroFilledPages > 0 ? `${log.zeroFilledPages} page(s) of it not in the dump` : lostText(log.stopped!);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    // A kernel without a log is not one whose log is lost: crash prints "" when it finds no panic message.
    if (prog.hasSymbol("prb") || prog.hasSymbol("log_buf")) lost.panic = lostText(err);
  }
  // The task count of a walk that stopped early counts what it found, and says so.
  const table = field("tasks", () => taskTable(prog));
  const tasks = table?.tasks.length;
  if (table && table.problems.length > 0) lost.tasks = `incomplete, ${lostText(table.problems[0]!)}`;
  return {
    kernel: ctx.files.vmlinux,
    tainted: (taint?.mask ?? 0n) !== 0n,
    dumpfile: ctx.files.dump,
    dumpFlags: dumpFlags(ctx),
    cpus: present,
    offlineCpus: cpus.online !== undefined && present > cpus.online ? present - cpus.online : 0,
    date: crashTime(prog),
    uptime: hz === undefined ? undefined : field("uptime", () => formatUptime(uptimeJiffies(prog, hz), hz)),
    loadAverage: field("loadAverage", () => loadAverage(prog)),
    tasks,
    nodename: uts.nodename,
    release: uts.release,
    version: uts.version,
    machine: uts.machine,
    mhz: field("mhz", () => cpuMhz(prog)),
    memory: field("memory", () => memorySize(prog)),
    panic,
    ...(Object.keys(lost).length ? { lost, from } : {}),
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
