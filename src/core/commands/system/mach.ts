// crash's `mach` on x86_64 (x86_64.c x86_64_cmd_mach): the machine's figures and the kernel's virtual layout
// with every CPU's IRQ and exception stacks; -m the BIOS memory map (e820); -c each CPU's struct cpuinfo_x86
// (per-CPU cpu_info, else boot_cpu_data), -x/-d in hexadecimal or decimal.
import { START_KERNEL_MAP } from "../../arch/x86_64/layout";
import { KdwError } from "../../io/errors";
import { cpuCounts, cpuMhz, detectHz, memorySize, utsname } from "../../kernel/system/sysinfo";
import { e820Map, exceptionStackNames, hypervisorName, onlineCpus, type E820Entry } from "../../kernel/system/machine";
import { stackContext, THREAD_SIZE } from "../../kernel/tasks/stack";
import { formatStructValue } from "../../program/gdb-format/gdb-format";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { valueOptions } from "../shared/type-args";
import { MACH_HELP } from "./mach-help";
import { formatMach } from "./mach-format";

export interface MachStackRow {
  cpu: number;
  base: bigint;
  /** crash's [unavailable]: the VC stack's page is not mapped. */
  available: boolean;
  offline: boolean;
}

export interface MachStats {
  machine: string;
  memorySize?: string;
  cpus: number;
  offline: number;
  hypervisor: string;
  mhz?: number;
  hz?: number;
  pageSize: number;
  kernelVirtualBase: bigint;
  vmallocBase: bigint;
  vmemmapBase: bigint;
  startMap: bigint;
  modulesBase: bigint;
  stackSize: number;
  irqStackSize: number;
  irqStacks: MachStackRow[];
  exceptionStacks: { name: string; size: number; cpus: MachStackRow[] }[];
}

export interface MachResult {
  /** -m. */
  memmap?: E820Entry[];
  /** -c: each CPU's struct cpuinfo_x86 as gdb prints it ("BOOT CPU" when only boot_cpu_data exists). */
  cpuData?: { cpu: number | "boot"; offline: boolean; text: string }[];
  /** Without -m or -c. */
  stats?: MachStats;
}

interface MachOptions {
  cpuData: boolean;
  memmap: boolean;
  radix?: 10 | 16;
}

function cpuNumber(ctx: CommandContext): { cpus: number; online: boolean[] } {
  const counts = tryKdw(() => cpuCounts(ctx.prog)) ?? {};
  const cpus = counts.present || ctx.prog.dump.cpus.length || 1;
  const online = onlineCpus(ctx.prog, cpus) ?? Array.from({ length: cpus }, () => true);
  return { cpus, online };
}

function tryKdw<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

function machStats(ctx: CommandContext): MachStats {
  const prog = ctx.prog;
  const layout = ctx.addressSpace.layout;
  const { cpus, online } = cpuNumber(ctx);
  const symbolName = (a: bigint) => ctx.symbols.symbolAt(a)?.symbol.name;
  const stacks = stackContext(prog, ctx.symbols, ctx.vmlinux).env.cpus;
  const { names, sizes } = exceptionStackNames(prog, symbolName);
  const irqStacks: MachStackRow[] = [];
  for (let c = 0; c < cpus; c++) irqStacks.push({ cpu: c, base: stacks.find((s) => s.cpu === c)?.irq?.base ?? 0n, available: true, offline: !online[c] });
  const exceptionStacks: MachStats["exceptionStacks"] = [];
  const cpu0 = stacks.find((s) => s.cpu === 0);
  for (let i = 0; i < names.length; i++) {
    if (!cpu0?.exception.find((e) => e.index === i)) break;
    const rows: MachStackRow[] = [];
    for (let c = 0; c < cpus; c++) {
      const top = stacks.find((s) => s.cpu === c)?.exception.find((e) => e.index === i)?.top;
      if (top === undefined) break;
      const base = top - BigInt(sizes[i]!);
      const available = names[i] !== "VC" || tryKdw(() => prog.read(base, 1)) !== undefined;
      rows.push({ cpu: c, base, available, offline: !online[c] });
    }
    exceptionStacks.push({ name: names[i]!, size: sizes[i]!, cpus: rows });
  }
  const irq = cpu0?.irq;
  return {
    machine: tryKdw(() => utsname(prog).machine) ?? "x86_64",
    memorySize: tryKdw(() => memorySize(prog)),
    cpus,
    offline: online.filter((o) => !o).length,
    hypervisor: tryKdw(() => hypervisorName(prog)) ?? "(undetermined)",
    mhz: tryKdw(() => cpuMhz(prog)),
    hz: tryKdw(() => detectHz(prog)),
    pageSize: prog.dump.pageSize,
    kernelVirtualBase: layout.pageOffsetBase,
    vmallocBase: layout.vmallocStart,
    vmemmapBase: layout.vmemmapStart,
    startMap: START_KERNEL_MAP,
    modulesBase: layout.modulesVaddr,
    stackSize: THREAD_SIZE,
    irqStackSize: irq ? Number(irq.top - irq.base) : 0,
    irqStacks,
    exceptionStacks,
  };
}

function machCpuData(ctx: CommandContext, radix: 10 | 16 | undefined): NonNullable<MachResult["cpuData"]> {
  const prog = ctx.prog;
  const type = prog.findType("struct cpuinfo_x86");
  if (!type) throw new CommandError("mach", "no struct cpuinfo_x86 in the debug information");
  const size = prog.sizeOf(type);
  const one = (cpu: number | "boot", addr: bigint, offline: boolean) => {
    if (offline) return { cpu, offline, text: "" };
    const bytes = prog.read(addr, size);
    return { cpu, offline, text: formatStructValue(type, bytes, { ...valueOptions(ctx, addr), name: "cpuinfo_x86", keyword: "struct", radix }) };
  };
  if (prog.hasSymbol("cpu_info")) {
    const { cpus, online } = cpuNumber(ctx);
    const base = prog.symbolAddress("cpu_info");
    return Array.from({ length: cpus }, (_, c) => one(c, (base + prog.perCpuOffset(c)) & ((1n << 64n) - 1n), !online[c]));
  }
  if (prog.hasSymbol("boot_cpu_data")) return [one("boot", prog.symbolAddress("boot_cpu_data"), false)];
  throw new CommandError("mach", "no cpu_info or boot_cpu_data symbol");
}

export const machCommand = defineCommand({
  name: "mach",
  summary: "machine specific data",
  help: MACH_HELP,
  options: { flags: "cmxd" },
  parse(args): MachOptions {
    if (args.has("x") && args.has("d")) throw new CommandError("mach", "-d and -x are mutually exclusive");
    return { cpuData: args.has("c"), memmap: args.has("m"), radix: args.has("x") ? 16 : args.has("d") ? 10 : undefined };
  },
  execute(ctx, o): MachResult {
    const r: MachResult = {};
    if (o.memmap) r.memmap = e820Map(ctx.prog);
    if (o.cpuData) r.cpuData = machCpuData(ctx, o.radix);
    if (!o.cpuData && !o.memmap) r.stats = machStats(ctx);
    return r;
  },
  format: formatMach,
});
