// `kmem ADDRESS`: where an address is, as crash 8.0.6's kmem_search (memory.c) looks for it, in order —
// the symbol it falls in (kernel image or a listed module), the vmalloc area holding it (with the task
// whose kernel stack it is), the slab object or slab page, the free block of the buddy allocator, the
// task_struct or kernel stack it is in, and finally its struct page.
import { KdwError } from "../../io/errors";
import { moduleAt, moduleList } from "../../kernel/modules/modules";
import { moduleSymbolHit } from "../../kernel/modules/module-symbols";
import { taskLayout } from "../../kernel/tasks/layout";
import { THREAD_SIZE } from "../../kernel/tasks/stack";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import type { VmapArea } from "../../kernel/mm/vmalloc";
import type { CommandContext } from "../command";
import { memMapPage, paddrWidth, structPageOfPhys, type MemMapPage } from "../shared/mem-map";
import { taskContext, type TaskContext } from "../shared/task-context";
import { kmemFreeSearch, type FreeBlockHit } from "./kmem-free";
import { slabEntryOf, type SlabCacheEntry } from "./kmem-slab";
import { vmallocLookup } from "./kmem-vm";
import { pageToPfn, pfnToPage, readStructPage } from "../../kernel/mm/mm";

const PAGE_SIZE = 4096n;

/** A symbol line (show_symbol with SHOW_LINENUM and the console's radix, decimal offsets). */
export interface SearchSymbol {
  address: bigint;
  type: string;
  name: string;
  offset: number;
  module?: string;
  line?: string;
}

/** What kmem_search found for one address, in the order crash prints it. */
export interface KmemSearch {
  value: bigint;
  physical: boolean;
  symbol?: SearchSymbol;
  /** The task whose kernel stack a vmalloc address (or the vmalloc mapping of a physical one) is in. */
  stackTask?: TaskContext;
  vmalloc?: VmapArea;
  slab?: SlabCacheEntry;
  slabPage?: SlabCacheEntry;
  free?: FreeBlockHit;
  task?: TaskContext;
  page?: MemMapPage;
  paddrWidth: number;
  /** "kernel virtual" or "physical" when no struct page holds it ("… address not found in mem map"). */
  notFound?: string;
  /** crash's INFO lines met on the way ("cannot determine page for …"). */
  errors: string[];
}

function kernelSymbol(ctx: CommandContext, vaddr: bigint, value: bigint): SearchSymbol | undefined {
  const stext = ctx.prog.symbols.addressOf("_stext");
  const end = ctx.prog.symbols.addressOf("_end");
  const inImage = stext !== undefined && end !== undefined && vaddr >= stext && vaddr <= end;
  const as = ctx.addressSpace.layout;
  const inModules = value >= as.modulesVaddr && value < as.modulesEnd;
  if (!inImage && !inModules) return undefined;
  const at = ctx.symbols.symbolAt(vaddr);
  if (at) {
    const s = at.symbol;
    const text = s.type === "T" || s.type === "t" || s.type === "W" || s.type === "w";
    const line = text ? ctx.lineAt?.(vaddr) : undefined;
    return { address: vaddr, type: s.type, name: s.name, offset: at.offset, ...(line !== undefined ? { line } : {}) };
  }
  // crash's value_search knows the modules on the module list only: a module that hid itself has no symbols there.
  const hit = moduleSymbolHit(ctx, vaddr);
  if (!hit || !moduleAt(moduleList(ctx.prog).modules, vaddr)) return undefined;
  return { address: vaddr, type: hit.symbol.type, name: hit.symbol.name, offset: hit.offset, module: hit.module };
}

function safeContext(ctx: CommandContext, t: Task | undefined): TaskContext | undefined {
  return t && taskContext(ctx.prog, t);
}

/** crash's stkptr_to_task: the task whose kernel stack (task_struct.stack .. + THREAD_SIZE) holds sp. */
function stackTask(ctx: CommandContext, sp: bigint): Task | undefined {
  const off = taskLayout(ctx.prog).stack;
  if (off === undefined || sp === 0n) return undefined;
  return taskTable(ctx.prog).tasks.find((t) => {
    try {
      const base = ctx.prog.readU64(t.address + BigInt(off));
      return sp >= base && sp < base + BigInt(THREAD_SIZE);
    } catch (err) {
      if (err instanceof KdwError) return false;
      throw err;
    }
  });
}

/** crash's vaddr_in_task_struct: the task whose task_struct holds the address. */
function taskStructOf(ctx: CommandContext, vaddr: bigint): Task | undefined {
  const size = BigInt(ctx.prog.sizeOf("struct task_struct"));
  return taskTable(ctx.prog).tasks.find((t) => vaddr >= t.address && vaddr < t.address + size);
}

/** The struct page line (dump_mem_map, ADDRESS_SPECIFIED) of a kernel virtual or physical address. */
function pageLine(ctx: CommandContext, value: bigint, physical: boolean): MemMapPage | undefined {
  try {
    if (!physical) {
      const pfn = pageToPfn(ctx.prog, value, ctx.addressSpace.layout.vmemmapStart);
      if (pfn !== undefined) return memMapPage(ctx, readStructPage(ctx.prog, value, pfn));
      const phys = ctx.addressSpace.tryTranslate(value);
      if (phys < 0) return undefined;
      const p = structPageOfPhys(ctx, phys);
      return p && memMapPage(ctx, p);
    }
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const p = structPageOfPhys(ctx, Number(value));
    return p && memMapPage(ctx, p);
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

/** crash's x86_64_IS_VMALLOC_ADDR: vmalloc, vmemmap, modules, vsyscall, cpu_entry_area, and with 5-level paging the hole between vmalloc and vmemmap. */
function isVmallocAddr(ctx: CommandContext, v: bigint): boolean {
  const l = ctx.addressSpace.layout;
  const region = l.region(v);
  if (region === "vmalloc" || region === "vmemmap" || region === "modules" || region === "cpu_entry_area" || region === "vsyscall") return true;
  return l.la57 && v > l.vmallocEnd && v < l.vmemmapStart;
}

function structPageOfPhysOrUndefined(ctx: CommandContext, phys: number): bigint | undefined {
  try {
    return pfnToPage(ctx.prog, Math.floor(phys / Number(PAGE_SIZE)));
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

/** kmem ADDRESS (crash's kmem_search), for one address. */
export function kmemSearch(ctx: CommandContext, value: bigint, forcePhysical: boolean, totalPages: number): KmemSearch {
  const as = ctx.addressSpace;
  const physical = forcePhysical || value < as.layout.pageOffsetBase;
  const r: KmemSearch = { value, physical, paddrWidth: paddrWidth(ctx), errors: [] };
  const vaddr = !physical ? value : value < BigInt(totalPages) * PAGE_SIZE ? as.layout.pageOffsetBase + value : undefined;
  if (vaddr !== undefined) {
    const symbol = kernelSymbol(ctx, vaddr, value);
    if (symbol) r.symbol = symbol;
  }
  const finish = (pageValue: bigint, pagePhysical: boolean): KmemSearch => {
    const page = pageLine(ctx, pageValue, pagePhysical);
    if (page) r.page = page;
    else r.notFound = pagePhysical ? "physical" : "kernel virtual";
    return r;
  };
  if (!physical && isVmallocAddr(ctx, value)) {
    const task = safeContext(ctx, stackTask(ctx, value));
    if (task) r.stackTask = task;
    const phys = as.tryTranslate(value);
    if (phys >= 0) {
      const hit = vmallocLookup(ctx, value, false);
      if (hit) {
        r.vmalloc = hit.area;
        return finish(BigInt(phys), true);
      }
    }
  }
  if (physical) {
    const hit = vmallocLookup(ctx, value, true);
    if (hit) {
      const task = safeContext(ctx, stackTask(ctx, hit.vaddr));
      if (task) r.stackTask = task;
      const at = ctx.symbols.symbolAt(hit.vaddr);
      if (at) r.symbol = { address: hit.vaddr, type: at.symbol.type, name: at.symbol.name, offset: at.offset };
      r.vmalloc = hit.area;
      return finish(value, true);
    }
  }
  if (vaddr !== undefined) {
    // vaddr_to_kmem_cache(VERBOSE) says when it cannot look.
    const phys = as.tryTranslate(vaddr);
    if (phys < 0) r.errors.push(`WARNING: cannot make virtual-to-physical translation: ${vaddr.toString(16)}`);
    else if (structPageOfPhysOrUndefined(ctx, phys) === undefined) r.errors.push(`WARNING: cannot find mem_map page for address: ${vaddr.toString(16)}`);
    const slab = slabEntryOf(ctx, vaddr, false);
    if (slab?.kind === "object") r.slab = slab.entry;
    if (!physical) {
      const page = slabEntryOf(ctx, value, false);
      if (page?.kind === "page") r.slabPage = page.entry;
    }
  }
  const free = kmemFreeSearch(ctx, value, physical);
  if (free.hit) r.free = free.hit;
  r.errors.push(...free.errors);
  if (vaddr === undefined) {
    r.notFound = "physical";
    return r;
  }
  const task = safeContext(ctx, taskStructOf(ctx, vaddr) ?? stackTask(ctx, vaddr));
  if (task) r.task = task;
  return finish(value, physical);
}
