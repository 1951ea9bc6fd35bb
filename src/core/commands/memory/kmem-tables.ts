// The small tables of kmem: -g (the page flag bits, memory.c dump_page_flags), -h (the hugetlb sizes,
// dump_hstates), -o (each CPU's per-CPU offset, dump_per_cpu_offsets); -c/-C need the page_hash_table of
// 2.4 kernels, which no kernel kdw reads has.
import { KdwError } from "../../io/errors";
import { hstates, type Hstate } from "../../kernel/mm/hugetlb";
import { pageflagsEnum } from "../../kernel/mm/pageflags";
import { cpuCount } from "../../kernel/tasks/sched";
import { CommandError, type CommandContext } from "../command";

export interface PageFlagRow {
  name: string;
  bit: number;
}

export interface KmemPageFlags {
  /** The value decoded, or undefined for the whole table. */
  flags?: bigint;
  rows: PageFlagRow[];
  /** Width of the name column: the longest enumerator (crash counts them all, __NR_PAGEFLAGS too). */
  nameWidth: number;
  /** Hex digits of the VALUE column: (largest PG_ bit + 1) / 4 + 1. */
  valueDigits: number;
}

/** kmem -g [FLAGS]. */
export function kmemPageFlags(ctx: CommandContext, flags: bigint | undefined): KmemPageFlags {
  const all = pageflagsEnum(ctx.prog);
  if (!all) throw new CommandError("kmem", "enum pageflags does not exist in this kernel");
  const pg = all.filter((e) => e.name.includes("PG_"));
  const largest = Math.max(0, ...pg.map((e) => e.value));
  const rows = pg.filter((e) => e.value >= 0 && e.value < 64 && (!flags || (flags >> BigInt(e.value)) & 1n)).map((e) => ({ name: e.name, bit: e.value }));
  const result: KmemPageFlags = { rows, nameWidth: Math.max(0, ...all.map((e) => e.name.length)), valueDigits: Math.floor((largest + 1) / 4) + 1 };
  if (flags) result.flags = flags;
  return result;
}

/** kmem -h. */
export function kmemHstates(ctx: CommandContext): Hstate[] {
  const h = hstates(ctx.prog);
  if (!h) throw new CommandError("kmem", "hstates[] array does not exist");
  return h;
}

export interface CpuOffset {
  cpu: number;
  offset: bigint;
  offline: boolean;
}

/** Whether CPU `cpu` is in __cpu_online_mask (true when the mask cannot be read): crash's hide_offline_cpu. */
export function cpuOnline(ctx: CommandContext, cpu: number): boolean {
  if (!ctx.prog.hasSymbol("__cpu_online_mask")) return true;
  try {
    const byte = ctx.prog.read(ctx.prog.symbolAddress("__cpu_online_mask") + BigInt(cpu >> 3), 1)[0]!;
    return ((byte >> (cpu & 7)) & 1) === 1;
  } catch (err) {
    if (err instanceof KdwError) return true;
    throw err;
  }
}

/** kmem -o. */
export function kmemPerCpuOffsets(ctx: CommandContext): CpuOffset[] {
  const n = cpuCount(ctx.prog);
  return Array.from({ length: n }, (_, cpu) => ({ cpu, offset: ctx.prog.perCpuOffset(cpu), offline: !cpuOnline(ctx, cpu) }));
}

/** kmem -c / -C: 2.4's page cache hash table; later kernels have none. */
export function kmemPageHash(ctx: CommandContext, verbose: boolean): never {
  const letter = verbose ? "C" : "c";
  if (ctx.prog.hasSymbol("page_hash_table")) throw new CommandError("kmem", `-${letter}: the page_hash_table of 2.4 kernels is not read by kdw`);
  throw new CommandError("kmem", `-${letter} option not supported or applicable on this architecture or kernel`);
}
