// crash's `vtop` (memory.c cmd_vtop/do_vtop, x86_64.c x86_64_kvtop/x86_64_uvtop_level4/x86_64_translate_pte)
// and `ptov` (memory.c cmd_ptov): virtual to physical with every page-table level, physical to the direct
// map, and a per-CPU offset to each CPU's address.
import { PageNotPresentError, decodePteFlags, type PageTableEntryRecord, type PageWalk } from "../../arch/x86_64/pagetable";
import { KdwError } from "../../io/errors";
import type { Task } from "../../kernel/tasks/tasks";
import { taskUserSpace } from "../../kernel/tasks/user";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { parseCpuList } from "../shared/cpu-list";
import { memMapPage, paddrWidth, structPageOfPhys, type MemMapPage } from "../shared/mem-map";
import { isHexAddress, parseHex, resolveAddress } from "../shared/symbol-args";
import { currentTask, requireTaskArg } from "../shared/task-args";
import { formatPtov, formatVtop } from "./vtop-format";

export interface VtopResult {
  vaddr: bigint;
  space: "kernel" | "user";
  /** The address was taken in a task's page tables chosen with -c (crash's user-width column). */
  taskContext: boolean;
  /** Undefined when not mapped (or not a kernel virtual address). */
  physical?: number;
  /** -k on an address below the kernel's half. */
  notKernelAddress?: boolean;
  /** -u on an address no task VMA can hold. */
  notAccessible?: boolean;
  /** The kernel's top page table (PGD DIRECTORY) for kernel walks. */
  topTable?: bigint;
  /** The page-table entries read, top level first (the failing one last when not mapped). */
  levels: PageTableEntryRecord[];
  pageSize?: number;
  /** The page the last entry maps, the entry, its flags by name, and whether it is the (huge) zero page. */
  pageBase?: number;
  pte?: bigint;
  pteFlags?: string[];
  zeroPage?: boolean;
  /** The struct page of the physical page, and the width of crash's PHYSICAL column. */
  page?: MemMapPage;
  paddrWidth?: number;
  /** What kdw could not show (printed as an error line after the text). */
  error?: string;
}

/** The physical addresses of the zero page and the huge zero page (crash's IS_ZEROPAGE). */
function zeroPages(ctx: CommandContext): number[] {
  const out: number[] = [];
  for (const name of ["zero_pfn", "huge_zero_pfn"]) {
    try {
      if (!ctx.prog.hasSymbol(name)) continue;
      const pfn = ctx.prog.readU64(ctx.prog.symbolAddress(name));
      if (pfn !== 0xffffffffffffffffn && pfn < 1n << 40n) out.push(Number(pfn) * 4096);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
    }
  }
  return out;
}

interface Walk {
  levels: PageTableEntryRecord[];
  pageSize?: number;
  pageBase?: number;
  phys?: number;
  pte?: bigint;
}

/** The page-table walk of one address, with its levels even when it stops at a missing entry. */
function walkOf(space: { translateVerbose(vaddr: bigint): PageWalk }, vaddr: bigint): Walk {
  try {
    const w = space.translateVerbose(vaddr);
    return { levels: w.levels, pageSize: w.pageSize, pageBase: w.pageBase, phys: w.phys, pte: w.pte };
  } catch (err) {
    if (err instanceof PageNotPresentError) return { levels: err.levels };
    throw err;
  }
}

interface VtopOptions {
  user: boolean;
  kernel: boolean;
  taskWord?: string;
  addresses: string[];
}

function vtopOne(ctx: CommandContext, vaddr: bigint, o: VtopOptions, task: Task | undefined): VtopResult {
  const as = ctx.addressSpace;
  const layout = as.layout;
  const isKvaddr = vaddr >= layout.pageOffsetBase; // x86_64_is_kvaddr
  const isUvaddr = vaddr < layout.userSpaceEnd; // x86_64_is_uvaddr
  let user: boolean;
  if (o.user) user = true;
  else if (o.kernel) user = false;
  else if (isKvaddr !== isUvaddr) user = isUvaddr;
  else throw new CommandError("vtop", `ambiguous address: ${vaddr.toString(16)}  (requires -u or -k)`);

  const result: VtopResult = { vaddr, space: user ? "user" : "kernel", taskContext: task !== undefined, levels: [] };
  if (!user && !isKvaddr) return { ...result, notKernelAddress: true };
  // IN_TASK_VMA fails: no task VMA holds a kernel address.
  if (user && !isUvaddr) return { ...result, notAccessible: true };

  // The kernel's own tables, or the task's.
  let walk: Walk;
  if (!user) {
    walk = walkOf(as, vaddr);
    // x86_64_kvtop computes the direct map and the kernel text mapping (x86_64_VTOP) and walks the rest.
    const region = layout.region(vaddr);
    result.physical = region === "direct map" || region === "kernel text" ? as.translate(vaddr) : walk.phys;
    result.topTable = ctx.prog.hasSymbol("init_top_pgt") ? ctx.prog.symbolAddress("init_top_pgt") : as.ptov(as.pgdPhys);
  } else {
    const t = task ?? currentTask(ctx);
    let space;
    try {
      space = taskUserSpace(ctx.prog, t);
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("vtop", `no user address space for task ${t.address.toString(16)}: ${err.message}`);
      throw err;
    }
    walk = walkOf(space, vaddr);
    result.physical = walk.phys;
  }
  result.levels = walk.levels;
  if (walk.pageSize !== undefined) result.pageSize = walk.pageSize;
  if (walk.pageBase !== undefined && walk.pte !== undefined) {
    result.pageBase = walk.pageBase;
    result.pte = walk.pte;
    result.pteFlags = decodePteFlags(walk.pte);
    result.zeroPage = zeroPages(ctx).includes(walk.pageBase);
  }
  const last = walk.levels[walk.levels.length - 1];
  if (result.physical === undefined && last?.level === "PTE" && last.value !== 0n) {
    // A swap, migration or device entry: crash prints it as SWAP/OFFSET with the swap device's path.
    result.error = `PTE ${last.value.toString(16)} is not present (a swap or migration entry): kdw does not decode swap entries`;
  }
  if (result.physical !== undefined) {
    const page = structPageOfPhys(ctx, result.physical);
    if (page) {
      result.page = memMapPage(ctx, page);
      result.paddrWidth = paddrWidth(ctx);
    }
  }
  return result;
}

export const vtopCommand = defineCommand({
  name: "vtop",
  summary: "virtual to physical",
  help: `SYNOPSIS
  vtop [-c [pid | taskp]] [-u|-k] address ...

DESCRIPTION
  Translates each virtual address to its physical address and shows the page-table walk: the kernel's top
  table (PGD DIRECTORY) and every entry read on the way (PGD, P4D with 5-level paging, PUD, PMD, PTE),
  the page the last entry maps with its size, the entry's flags, and the struct page of the physical page
  (address, mapping, index, reference count, page flags by the kernel's names).

    -u  the address is a user address, walked in the current task's page tables (set), or the task's
        given by -c.
    -k  the address is a kernel virtual address.
    -c  pid or task address: use that task's page tables.

  An address below the end of user space is a user address, one in the kernel's half a kernel address.
  Like crash, the direct map and the kernel text mapping are translated arithmetically (the walk is still
  shown). Unlike crash, kdw does not list the VMA that holds a user address.`,
  options: { flags: "uk", values: "c" },
  parse(args): VtopOptions {
    const o: VtopOptions = { user: args.has("u"), kernel: args.has("k"), taskWord: args.value("c"), addresses: [...args.operands] };
    if (o.addresses.length === 0) throw new CommandError("vtop", "address required: vtop [-c [pid | taskp]] [-u|-k] address ...");
    if (o.user && o.kernel) throw new CommandError("vtop", "-u and -k options are mutually exclusive");
    return o;
  },
  execute(ctx, o, tasks): VtopResult[] {
    const task = tasks?.[0] ?? (o.taskWord !== undefined ? requireTaskArg(ctx.prog, "vtop", o.taskWord) : undefined);
    return o.addresses.map((a) => vtopOne(ctx, isHexAddress(a) ? parseHex(a) : resolveAddress(ctx, "vtop", a), o, task));
  },
  format: formatVtop,
  errors: (results) => results.flatMap((r) => (r.error !== undefined ? [`vtop: ${r.error}`] : [])),
  perTask: true,
});

// ---- ptov ----

export type PtovResult = { physical: number; virtual: bigint } | { perCpuOffset: bigint; cpuColumn: number; cpus: { cpu: number; virtual: bigint }[] };

/** nr_cpu_ids, else the CPUs the dump has registers for. */
function cpuCount(ctx: CommandContext): number {
  try {
    if (ctx.prog.hasSymbol("nr_cpu_ids")) {
      const n = ctx.prog.readU32(ctx.prog.symbolAddress("nr_cpu_ids"));
      if (n > 0 && n <= 8192) return n;
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
  }
  return Math.max(1, ctx.prog.dump.cpus.length);
}

function ptovOne(ctx: CommandContext, arg: string): PtovResult {
  const colon = arg.indexOf(":");
  const num = colon >= 0 ? arg.slice(0, colon) : arg;
  if (!isHexAddress(num)) throw new CommandError("ptov", `invalid physical address: ${num}`);
  const value = parseHex(num);
  if (colon >= 0) {
    const ncpus = cpuCount(ctx);
    const spec = arg.slice(colon + 1);
    const cpus = spec === "" ? [currentTask(ctx).cpu] : parseCpuList("ptov", spec, ncpus);
    return { perCpuOffset: value, cpuColumn: `[${ncpus - 1}]`.length + 2, cpus: cpus.map((cpu) => ({ cpu, virtual: (value + ctx.prog.perCpuOffset(cpu)) & 0xffffffffffffffffn })) };
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CommandError("ptov", `invalid physical address: ${num}`);
  const physical = Number(value);
  return { physical, virtual: ctx.addressSpace.ptov(physical) };
}

export const ptovCommand = defineCommand({
  name: "ptov",
  summary: "physical to virtual",
  help: `SYNOPSIS
  ptov physical ...
  ptov per-cpu-offset:cpuspec ...

DESCRIPTION
  Shows the direct-map (kernel virtual) address of each physical address. With offset:cpuspec, adds the
  offset to each CPU's per-CPU base (__per_cpu_offset); cpuspec is a CPU list such as 0,2-3, "a" for all
  CPUs, or empty for the current task's CPU.`,
  options: { raw: true },
  parse(args): string[] {
    if (args.operands.length === 0) throw new CommandError("ptov", "address required: ptov [address | offset:cpuspec] ...");
    return [...args.operands];
  },
  execute: (ctx, words): PtovResult[] => words.map((w) => ptovOne(ctx, w)),
  format: formatPtov,
});
