// What opening a kernel gives, whatever the debuginfo was: a full vmlinux, a separate debug file
// (objcopy --only-keep-debug), or none at all (kallsyms, BTF and ORC from the dump's own memory).
import type { X86_64AddressSpace } from "../arch/x86_64/layout";
import type { Btf } from "../debuginfo/btf";
import type { CombinedTypeSystem } from "../debuginfo/combined-types";
import type { Dwarf } from "../debuginfo/dwarf/dwarf";
import type { DwarfDebugInfo } from "../debuginfo/dwarf/open";
import type { SymbolTable } from "../debuginfo/symbols";
import type { ElfFile } from "../dump/elf";
import type { RangeReader } from "../io/byte-source";
import type { Program } from "./program";

/** A small key-value store in the user's cache folder (never next to the evidence), keyed by build id. */
export interface IndexCache {
  read(key: string): Uint8Array | undefined;
  /**
   * The file under `key` to be read in pieces (an image of which a session reads a few places: the name
   * index's slots a lookup probes), or undefined when there is none. Optional: without it, read() whole.
   */
  ranges?(key: string): RangeReader | undefined;
  write(key: string, bytes: Uint8Array): void;
}

export interface KernelIdentity {
  release?: string;
  buildId?: string;
}

/** Where each part of the program came from, in words for the user ("vmlinux .symtab", "kallsyms in memory"). */
export interface DebuginfoSources {
  symbols: string;
  types: string;
  /** "vmlinux", "memory", or why there is none: decided when bt first runs (kernel/tasks/stack.ts). */
  orc: "vmlinux" | "memory";
  /** True when DWARF (line tables, globals' declared types, locals) is at hand. */
  dwarf: boolean;
}

export interface OpenedKernel {
  program: Program;
  addressSpace: X86_64AddressSpace;
  kaslrOffset: bigint;
  /** The vmlinux or debug file, when one was given. */
  vmlinux?: ElfFile;
  /** The kernel's BTF (from the vmlinux, else from memory); null when only DWARF describes the types. */
  btf: Btf | null;
  /** BTF first, DWARF (indexed on first need, cached by build id) for the rest. */
  types: CombinedTypeSystem;
  /** The vmlinux's DWARF with its name index, opened on first need; null when it has none. */
  readonly dwarf: DwarfDebugInfo | null;
  /** The DWARF reader alone (line tables need no name index); shared with `dwarf`. */
  readonly dwarfReader: Dwarf | null;
  readonly symbolTable: SymbolTable;
  sources: DebuginfoSources;
  /** What the dump and the vmlinux say they are; `mismatch` is set when forced past a difference. */
  dumpIdentity: KernelIdentity;
  vmlinuxIdentity: KernelIdentity;
  mismatch?: string;
  /** What could not be read while opening and what stands in for it (degraded mode): one line each. */
  degraded: string[];
  /** Writes to the cache folder what this session learned of the vmlinux (names asked of its symtab and .BTF), if anything. */
  keepLearned?(): void;
}

/** The one line for what needs DWARF when there is none. */
export function needsDwarf(what: string, kernel: Pick<OpenedKernel, "vmlinux" | "sources">): string {
  return kernel.vmlinux
    ? `${what} needs DWARF, and ${kernel.vmlinux.name} has none`
    : `${what} needs DWARF: no vmlinux was given (symbols and types come from the dump's kallsyms and BTF); give the debug vmlinux (VMLINUX DUMP, or --debuginfo DIR)`;
}
