// crash's `vtop` (memory.c cmd_vtop/do_vtop, x86_64.c x86_64_kvtop/x86_64_uvtop_level4/x86_64_translate_pte)
// and `ptov` (memory.c cmd_ptov): virtual to physical with every page-table level, physical to the direct
// map, and a per-CPU offset to each CPU's address.
import { PageNotPresentError, decodePteFlags, type PageTableEntryRecord, type PageWalk } from "../../arch/x86_64/pagetable";
import { KdwError } from "../../io/errors";
import type { Task } from "../../kernel/tasks/tasks";
import { taskUserSpace } from "../../kernel/tasks/user";
import { CommandError, type Command, type CommandContext } from "../command";
import { pageHeader, pageLine, structPageOfPhys } from "./kmem";
import { currentTask, resolveTaskArg } from "../tasks/set";
import { isHexAddress, parseHex, resolveAddress } from "../shared/symbol-args";
import type { StructPage } from "../../kernel/mm/mm";

/** VADDR_PRLEN and x86_64's UVADDR_PRLEN: the widths of kernel and user addresses in crash's columns. */
const VADDR_PRLEN = 16;
const UVADDR_PRLEN = 10;
const PAGE_SIZE_2M = 0x200000;
const PAGE_SIZE_1G = 0x40000000;

export interface VtopResult {
  vaddr: bigint;
  space: "kernel" | "user";
  /** Undefined when not mapped (or not a kernel virtual address). */
  physical?: number;
  notKernelAddress?: boolean;
  /** The page-table entries read, top level first (the failing one last when not mapped). */
  levels: PageTableEntryRecord[];
  pageSize?: number;
  page?: StructPage;
  /** What kdw could not show (printed as an error line after the text). */
  error?: string;
}

const hex = (v: bigint | number) => v.toString(16);

/** x86_64_translate_pte's two lines: entry, page address and flags, each column centred on its header. */
function translatePte(pte: bigint): string[] {
  const pteText = hex(pte);
  const phys = hex(Number(pte & 0x000ffffffffff000n));
  const len1 = Math.max(pteText.length, 3);
  const len2 = Math.max(phys.length, 8);
  return [`${center("PTE", len1)}  ${center("PHYSICAL", len2)}  FLAGS`, `${center(pteText, len1, true)}  ${center(phys, len2, true)}  (${decodePteFlags(pte).join("|")})`];
}

function center(s: string, width: number, rjust = false): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = extra % 2 && rjust ? (extra + 1) / 2 : Math.floor(extra / 2);
  return " ".repeat(left) + s + " ".repeat(extra - left);
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

/**
 * The lines of the walk itself. Kernel walks start with the top table (PGD DIRECTORY, a virtual address) and
 * its entry (PAGE DIRECTORY); user walks list every level by its physical entry address.
 */
function walkLines(kernel: boolean, topTable: bigint, walk: Walk, zero: number[]): string[] {
  const out: string[] = [];
  walk.levels.forEach((l, i) => {
    if (kernel && i === 0) out.push(`PGD DIRECTORY: ${hex(topTable)}`, `PAGE DIRECTORY: ${hex(l.value)}`);
    else out.push(`   ${l.level}: ${hex(l.entryAddr)} => ${hex(l.value)}`);
  });
  if (walk.pageBase === undefined || walk.pte === undefined) return out;
  const isZero = zero.includes(walk.pageBase);
  if (walk.pageSize === PAGE_SIZE_1G) out.push(`  PAGE: ${hex(walk.pageBase)}  (1GB)`);
  else if (walk.pageSize === PAGE_SIZE_2M) out.push(`  PAGE: ${hex(walk.pageBase)}  (2MB${!kernel && isZero ? ", ZERO PAGE" : ""})`);
  else out.push(kernel ? `  PAGE: ${hex(walk.pageBase)}` : `  PAGE: ${hex(walk.pageBase)}  ${isZero ? "(ZERO PAGE)" : ""}`);
  out.push("", ...translatePte(walk.pte));
  return out;
}

interface VtopOptions {
  user?: boolean;
  kernel?: boolean;
  task?: Task;
}

function vtopOne(ctx: CommandContext, vaddr: bigint, o: VtopOptions): { result: VtopResult; lines: string[] } {
  const as = ctx.addressSpace;
  const layout = as.layout;
  const isKvaddr = vaddr >= layout.pageOffsetBase; // x86_64_is_kvaddr
  const isUvaddr = vaddr < layout.userSpaceEnd; // x86_64_is_uvaddr
  let user: boolean;
  if (o.user) user = true;
  else if (o.kernel) user = false;
  else if (isKvaddr !== isUvaddr) user = isUvaddr;
  else throw new CommandError("vtop", `ambiguous address: ${hex(vaddr)}  (requires -u or -k)`);

  const result: VtopResult = { vaddr, space: user ? "user" : "kernel", levels: [] };
  const lines: string[] = [];
  const width = user || o.task ? UVADDR_PRLEN : VADDR_PRLEN;
  lines.push(`${"VIRTUAL".padEnd(user ? UVADDR_PRLEN : VADDR_PRLEN)}  ${"PHYSICAL".padEnd(VADDR_PRLEN)}`);
  if (!user && !isKvaddr) {
    result.notKernelAddress = true;
    lines.push(`${hex(vaddr).padEnd(8)}  (not a kernel virtual address)`, "");
    return { result, lines };
  }

  if (user && !isUvaddr) {
    // IN_TASK_VMA fails: no task VMA holds a kernel address.
    lines.push(`${hex(vaddr).padEnd(UVADDR_PRLEN)}  (not accessible)`, "");
    return { result, lines };
  }

  // The kernel's own tables, or the task's.
  let walk: Walk;
  let physical: number | undefined;
  if (!user) {
    walk = walkOf(as, vaddr);
    // x86_64_kvtop computes the direct map and the kernel text mapping (x86_64_VTOP) and walks the rest.
    const region = layout.region(vaddr);
    physical = region === "direct map" || region === "kernel text" ? as.translate(vaddr) : walk.phys;
  } else {
    const task = o.task ?? currentTask(ctx);
    let space;
    try {
      space = taskUserSpace(ctx.prog, task);
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("vtop", `no user address space for task ${hex(task.address)}: ${err.message}`);
      throw err;
    }
    walk = walkOf(space, vaddr);
    physical = walk.phys;
  }
  result.levels = walk.levels;
  result.physical = physical;
  result.pageSize = walk.pageSize;
  lines.push(`${hex(vaddr).padEnd(width)}  ${physical === undefined ? "(not mapped)" : hex(physical).padEnd(VADDR_PRLEN)}`, "");

  const topTable = ctx.prog.hasSymbol("init_top_pgt") ? ctx.prog.symbolAddress("init_top_pgt") : as.ptov(as.pgdPhys);
  lines.push(...walkLines(!user, topTable, walk, zeroPages(ctx)));
  const last = walk.levels[walk.levels.length - 1];
  if (physical === undefined && last?.level === "PTE" && last.value !== 0n) {
    // A swap, migration or device entry: crash prints it as SWAP/OFFSET with the swap device's path.
    result.error = `PTE ${hex(last.value)} is not present (a swap or migration entry): kdw does not decode swap entries`;
  }
  // crash lists the task's VMA holding a user address here (vm_area_dump): kdw has no VMA walker yet.
  lines.push("");
  if (physical !== undefined) {
    const page = structPageOfPhys(ctx, physical);
    if (page) {
      result.page = page;
      lines.push(pageHeader(ctx), pageLine(ctx, page));
    }
  }
  return { result, lines };
}

export const vtopCommand: Command = {
  name: "vtop",
  summary: "virtual to physical",
  help: `NAME
  vtop - virtual to physical

SYNOPSIS
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
  run(ctx, args) {
    const o: VtopOptions = {};
    const addrs: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-c") {
        const v = args[++i];
        const task = v === undefined ? undefined : resolveTaskArg(ctx.prog, v);
        if (!task) throw new CommandError("vtop", `invalid task or pid value: ${v ?? ""}`);
        o.task = task;
      } else if (/^-[uk]+$/.test(a)) {
        if (a.includes("u")) o.user = true;
        if (a.includes("k")) o.kernel = true;
      } else if (a.startsWith("-")) throw new CommandError("vtop", `invalid option: ${a}`);
      else addrs.push(a);
    }
    if (addrs.length === 0) throw new CommandError("vtop", "address required: vtop [-c [pid | taskp]] [-u|-k] address ...");
    if (o.user && o.kernel) throw new CommandError("vtop", "-u and -k options are mutually exclusive");
    const results: VtopResult[] = [];
    const errors: string[] = [];
    const blocks: string[] = [];
    for (const a of addrs) {
      const vaddr = isHexAddress(a) ? parseHex(a) : resolveAddress(ctx, "vtop", a);
      const { result, lines } = vtopOne(ctx, vaddr, o);
      results.push(result);
      blocks.push(lines.join("\n"));
      if (result.error) errors.push(`vtop: ${result.error}`);
    }
    return { data: results, text: blocks.join("\n\n") + "\n", errors };
  },
};

// ---- ptov ----

export type PtovResult = { physical: number; virtual: bigint } | { perCpuOffset: bigint; cpus: { cpu: number; virtual: bigint }[] };

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

/** crash's make_cpumask: "a"/"all", or a list of CPUs and ranges ("0,2-3"). */
function parseCpuSpec(spec: string, ncpus: number): number[] {
  if (spec === "a" || spec === "all") return Array.from({ length: ncpus }, (_, i) => i);
  const out = new Set<number>();
  for (const part of spec.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new CommandError("ptov", `invalid cpu specification: ${spec}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi >= ncpus) throw new CommandError("ptov", `invalid cpu specification: ${spec}`);
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return [...out].sort((a, b) => a - b);
}

export const ptovCommand: Command = {
  name: "ptov",
  summary: "physical to virtual",
  help: `NAME
  ptov - physical to virtual

SYNOPSIS
  ptov physical ...
  ptov per-cpu-offset:cpuspec ...

DESCRIPTION
  Shows the direct-map (kernel virtual) address of each physical address. With offset:cpuspec, adds the
  offset to each CPU's per-CPU base (__per_cpu_offset); cpuspec is a CPU list such as 0,2-3, "a" for all
  CPUs, or empty for the current task's CPU.`,
  run(ctx, args) {
    if (args.length === 0) throw new CommandError("ptov", "address required: ptov [address | offset:cpuspec] ...");
    const data: PtovResult[] = [];
    const blocks: string[] = [];
    for (const arg of args) {
      const colon = arg.indexOf(":");
      const num = colon >= 0 ? arg.slice(0, colon) : arg;
      if (!isHexAddress(num)) throw new CommandError("ptov", `invalid physical address: ${num}`);
      const value = parseHex(num);
      if (colon >= 0) {
        const ncpus = cpuCount(ctx);
        const spec = arg.slice(colon + 1);
        const cpus = spec === "" ? [currentTask(ctx).cpu] : parseCpuSpec(spec, ncpus);
        const len = `[${ncpus - 1}]`.length + 2;
        const rows = cpus.map((cpu) => ({ cpu, virtual: (value + ctx.prog.perCpuOffset(cpu)) & 0xffffffffffffffffn }));
        data.push({ perCpuOffset: value, cpus: rows });
        blocks.push([`PER-CPU OFFSET: ${hex(value)}`, `  ${"CPU".padEnd(len)}  ${"VIRTUAL".padEnd(VADDR_PRLEN)}`, ...rows.map((r) => `  ${`[${r.cpu}]`.padEnd(len)}${hex(r.virtual)}`)].join("\n"));
      } else {
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CommandError("ptov", `invalid physical address: ${num}`);
        const physical = Number(value);
        const virtual = ctx.addressSpace.ptov(physical);
        data.push({ physical, virtual });
        blocks.push(`${"VIRTUAL".padEnd(VADDR_PRLEN)}  ${"PHYSICAL".padEnd(VADDR_PRLEN)}\n${hex(virtual).padEnd(VADDR_PRLEN)}  ${hex(physical).padEnd(VADDR_PRLEN)}`);
      }
    }
    return { data, text: blocks.join("\n\n") + "\n" };
  },
};
