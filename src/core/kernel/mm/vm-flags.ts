// The names of vm_flags bits (include/linux/mm.h VM_*): crash's `vm -f` (memory.c do_vm_flags) prints its
// own table, frozen in the 2.6 era, so on a newer kernel some of its names belong to flags the kernel no
// longer has (6.1's 0x08000000 is VM_SOFTDIRTY, crash says CAN_NONLINEAR). The kernel keeps the true names
// in mm/debug.c `vmaflag_names[]` (struct trace_print_flags {mask, name}, ended by {0, NULL}); kdw names
// each bit by crash's spelling where the kernel agrees, else by the kernel's own name.
import { KdwError } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import { perProgram, type Program } from "../../program/program";

/** crash 8.0.6's do_vm_flags, in its print order, as it decides on a kernel like 6.1 (no expand_upwards). */
const CRASH_VM_FLAGS: readonly [bigint, string][] = [
  [0x1n, "READ"],
  [0x2n, "WRITE"],
  [0x4n, "EXEC"],
  [0x8n, "SHARED"],
  [0x10n, "MAYREAD"],
  [0x20n, "MAYWRITE"],
  [0x40n, "MAYEXEC"],
  [0x80n, "MAYSHARE"],
  [0x100n, "GROWSDOWN"],
  [0x200n, "NOHUGEPAGE"],
  [0x400n, "PFNMAP"],
  [0x800n, "DENYWRITE"],
  [0x1000n, "EXECUTABLE"],
  [0x2000n, "LOCKED"],
  [0x4000n, "IO"],
  [0x8000n, "SEQ_READ"],
  [0x10000n, "RAND_READ"],
  [0x20000n, "DONTCOPY"],
  [0x40000n, "DONTEXPAND"],
  [0x80000n, "RESERVED"],
  [0x400000n, "HUGETLB"],
  [0x100000n, "ACCOUNT"],
  [0x800000n, "NONLINEAR"],
  [0x1000000n, "HUGEPAGE"],
  [0x2000000n, "INSERTPAGE"],
  [0x4000000n, "ALWAYSDUMP"],
  [0x8000000n, "CAN_NONLINEAR"],
  [0x10000000n, "MIXEDMAP"],
  [0x20000000n, "SAO"],
  [0x40000000n, "PFN_AT_MMAP"],
  [0x80000000n, "MERGEABLE"],
];

const TRACE_PRINT_FLAGS = layout({ mask: optional("trace_print_flags.mask"), name: optional("trace_print_flags.name") });
const MAX_NAMES = 128;

/** vmaflag_names[] as {mask, NAME} (upper case), or undefined where the kernel has no such table. */
const KERNEL_NAMES = perProgram((prog: Program): Map<bigint, string> | undefined => {
  if (!prog.hasSymbol("vmaflag_names") || !prog.findType("struct trace_print_flags")) return undefined;
  const { mask, name } = TRACE_PRINT_FLAGS.of(prog);
  if (mask === undefined || name === undefined) return undefined;
  const size = prog.sizeOf("struct trace_print_flags");
  const out = new Map<bigint, string>();
  try {
    const base = prog.symbolAddress("vmaflag_names");
    for (let i = 0; i < MAX_NAMES; i++) {
      const at = base + BigInt(i * size);
      const ptr = prog.readU64(at + BigInt(name));
      if (ptr === 0n) break;
      let s = "";
      for (const c of prog.readCString(ptr, 64)) s += String.fromCharCode(c);
      out.set(prog.readU64(at + BigInt(mask)), s.toUpperCase());
    }
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
  return out.size ? out : undefined;
});

const bare = (s: string): string => s.replace(/_/g, "");

/** The names of the bits set in `flags`: crash's order and spelling, the kernel's name where crash's is stale. */
export function vmFlagNames(prog: Program, flags: bigint): string[] {
  const kernel = KERNEL_NAMES.of(prog);
  const names: string[] = [];
  for (const [mask, crash] of CRASH_VM_FLAGS) {
    if (!(flags & mask)) continue;
    const k = kernel?.get(mask);
    names.push(k === undefined || bare(k) === bare(crash) ? crash : k);
  }
  if (kernel) {
    const known = CRASH_VM_FLAGS.reduce((m, [mask]) => m | mask, 0n);
    for (const [mask, name] of kernel) if (flags & mask && !(known & mask) && (mask & (mask - 1n)) === 0n) names.push(name);
  }
  return names;
}
