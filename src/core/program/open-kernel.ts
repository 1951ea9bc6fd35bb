// Opening a kernel: a dump plus its vmlinux become a Program. Checks that the two belong together (build id,
// release) and refuses a mismatch unless forced; finds the KASLR slide, the page-table root and the
// randomized bases of the direct map, vmalloc and vmemmap.
import { START_KERNEL_MAP, X86_64AddressSpace } from "../arch/x86_64/layout";
import { Btf } from "../debuginfo/btf";
import type { Dump } from "../dump/dump";
import type { ElfFile } from "../dump/elf";
import { DebugInfoMismatch, MissingDebugInfo } from "../io/errors";
import { kernelRelocationWindow, symbolTableFromElf, SymbolTable } from "../debuginfo/symbols";
import { Program, type SymbolResolver } from "./program";
import { CombinedTypeSystem } from "../debuginfo/combined-types";
import { openDwarf, type DwarfDebugInfo } from "../debuginfo/dwarf/open";
import { dwarfSectionsFromElf } from "../debuginfo/dwarf/elf-sections";
import { Dwarf } from "../debuginfo/dwarf/dwarf";
import type { DwarfSections } from "../debuginfo/dwarf/reader";

/** A small key-value store in the user's cache folder (never next to the evidence), keyed by build id. */
export interface IndexCache {
  read(key: string): Uint8Array | undefined;
  write(key: string, bytes: Uint8Array): void;
}

export interface OpenKernelOptions {
  /** Open even when the vmlinux does not match the dump. */
  force?: boolean;
  /** Where the DWARF name index is kept between sessions. */
  cache?: IndexCache;
}

export interface KernelIdentity {
  release?: string;
  buildId?: string;
}

export interface OpenedKernel {
  program: Program;
  addressSpace: X86_64AddressSpace;
  kaslrOffset: bigint;
  vmlinux: ElfFile;
  btf: Btf;
  /** BTF first, DWARF (indexed on first need, cached by build id) for the rest. */
  types: CombinedTypeSystem;
  /** The vmlinux's DWARF with its name index, opened on first need; null when it has none. */
  readonly dwarf: DwarfDebugInfo | null;
  /** The DWARF reader alone (line tables need no name index); shared with `dwarf`. */
  readonly dwarfReader: Dwarf | null;
  readonly symbolTable: SymbolTable;
  /** What the dump and the vmlinux say they are; `mismatch` is set when forced past a difference. */
  dumpIdentity: KernelIdentity;
  vmlinuxIdentity: KernelIdentity;
  mismatch?: string;
}

/**
 * Name to run-time address straight from the vmlinux's .symtab (no sorted table needed): what the walkers
 * ask. Relocated as symbolTableFromElf relocates (kernelRelocationWindow), so both answer alike.
 */
export function elfSymbolResolver(vmlinux: ElfFile, kaslrOffset: bigint): SymbolResolver {
  const table = vmlinux.symbols();
  if (!table) throw new MissingDebugInfo(`${vmlinux.name}: no symbol table (.symtab): not a debug vmlinux`);
  const { lo, hi } = kernelRelocationWindow(vmlinux);
  return {
    addressOf(name: string): bigint | undefined {
      const i = table.indexOf(name);
      if (i < 0 || table.shndx[i] === 0 /* SHN_UNDEF */) return undefined;
      const v = table.value(i);
      return v >= lo && v <= hi ? BigInt.asUintN(64, v + kaslrOffset) : v;
    },
    sizeOf(name: string): number | undefined {
      const i = table.indexOf(name);
      return i < 0 ? undefined : Number(table.size(i));
    },
  };
}

/** The sorted symbol table, from the user's cache when an image for this build and KASLR offset is there. */
function cachedSymbolTable(vmlinux: ElfFile, kaslrOffset: bigint, buildId: string | undefined, cache: IndexCache | undefined): SymbolTable {
  const key = buildId ? `${buildId}/symbols-v1-${BigInt.asUintN(64, kaslrOffset).toString(16)}` : undefined;
  const image = key ? cache?.read(key) : undefined;
  if (image) {
    try {
      return SymbolTable.deserialize(image);
    } catch {
      // A damaged cache file is rebuilt from the vmlinux below.
    }
  }
  const table = symbolTableFromElf(vmlinux, { kaslrOffset });
  if (key && cache) {
    try {
      cache.write(key, table.serialize());
    } catch {
      // A cache that cannot be written costs only time next session.
    }
  }
  return table;
}

/** The bytes of a NUL-terminated string at a link-time address in the vmlinux file. */
function vmlinuxString(vmlinux: ElfFile, addr: bigint, max = 512): string | undefined {
  for (const s of vmlinux.sections) {
    if (s.type === 8 /* SHT_NOBITS */ || s.addr === 0n) continue;
    if (addr >= s.addr && addr < s.addr + BigInt(s.size)) {
      const off = Number(addr - s.addr);
      const len = Math.min(max, s.size - off);
      const bytes = vmlinux.source.read(s.offset + off, len);
      const nul = bytes.indexOf(0);
      return String.fromCharCode(...bytes.subarray(0, nul < 0 ? len : nul));
    }
  }
  return undefined;
}

/** "Linux version 6.1.0-50-cloud-amd64 (...)" -> "6.1.0-50-cloud-amd64" */
function releaseOfBanner(banner: string | undefined): string | undefined {
  return banner ? /^Linux version (\S+)/.exec(banner)?.[1] : undefined;
}

export function openKernel(dump: Dump, vmlinux: ElfFile, options: OpenKernelOptions = {}): OpenedKernel {
  const vmci = dump.vmcoreinfo;
  if (!vmci) throw new MissingDebugInfo(`${dump.source.name}: the dump has no VMCOREINFO: cannot place the kernel (KASLR offset, page tables)`);
  const table = vmlinux.symbols();
  if (!table) throw new MissingDebugInfo(`${vmlinux.name}: no symbol table (.symtab): not a debug vmlinux`);

  const bannerIdx = table.indexOf("linux_banner");
  const vmlinuxIdentity: KernelIdentity = {
    buildId: vmlinux.buildId() ?? undefined,
    release: releaseOfBanner(bannerIdx >= 0 ? vmlinuxString(vmlinux, table.value(bannerIdx)) : undefined),
  };
  const dumpIdentity: KernelIdentity = { buildId: vmci.buildId?.toLowerCase(), release: vmci.osrelease };
  let mismatch: string | undefined;
  if (dumpIdentity.buildId && vmlinuxIdentity.buildId && dumpIdentity.buildId !== vmlinuxIdentity.buildId) {
    mismatch = `build id ${vmlinuxIdentity.buildId} (${vmlinuxIdentity.release ?? "unknown release"}) in ${vmlinux.name}, build id ${dumpIdentity.buildId} (${dumpIdentity.release ?? "unknown release"}) in ${dump.source.name}`;
  } else if (dumpIdentity.release && vmlinuxIdentity.release && dumpIdentity.release !== vmlinuxIdentity.release) {
    mismatch = `release ${vmlinuxIdentity.release} in ${vmlinux.name}, release ${dumpIdentity.release} in ${dump.source.name}`;
  }
  if (mismatch && !options.force) throw new DebugInfoMismatch(`${vmlinux.name} does not match ${dump.source.name}: ${mismatch} (--force opens it anyway)`);

  // KASLR: VMCOREINFO's KERNELOFFSET, else the difference of _stext in memory and in the file.
  let kaslrOffset = vmci.kernelOffset ?? 0n;
  if (vmci.kernelOffset === undefined) {
    const stext = vmci.symbol("_stext");
    const i = table.indexOf("_stext");
    if (stext !== undefined && i >= 0) kaslrOffset = stext - table.value(i);
  }
  const symbols = elfSymbolResolver(vmlinux, kaslrOffset);

  const physBase = vmci.physBase ?? 0n;
  const la57 = vmci.number("pgtable_l5_enabled") === 1n;
  const pgdVirt = vmci.symbol("swapper_pg_dir") ?? symbols.addressOf("init_top_pgt");
  if (pgdVirt === undefined) throw new MissingDebugInfo("cannot find the kernel page tables (swapper_pg_dir / init_top_pgt)");
  const pgdPhys = Number(pgdVirt - START_KERNEL_MAP + physBase);

  const btfBytes = vmlinux.sectionBytes(".BTF");
  if (!btfBytes) throw new MissingDebugInfo(`${vmlinux.name}: no .BTF section`);
  const btf = new Btf(btfBytes, { file: `${vmlinux.name}:.BTF` });

  // DWARF: hundreds of MB in a distribution vmlinux; its name index is built once (seconds) and cached.
  let dwarf: DwarfDebugInfo | null | undefined;
  let reader: { sections: DwarfSections; dwarf: Dwarf } | null | undefined;
  const loadReader = () => {
    if (reader === undefined) {
      const sections = dwarfSectionsFromElf(vmlinux);
      reader = sections ? { sections, dwarf: new Dwarf(sections) } : null;
    }
    return reader;
  };
  const buildId = vmlinuxIdentity.buildId;
  const cacheKey = buildId ? `${buildId}/dwarf-index-v1` : undefined;
  const loadDwarf = (): DwarfDebugInfo | null => {
    if (dwarf !== undefined) return dwarf;
    const r = loadReader();
    if (!r) return (dwarf = null);
    const sections = r.sections;
    const start = table.indexOf("__per_cpu_start");
    const end = table.indexOf("__per_cpu_end");
    const perCpu = start >= 0 && end >= 0 ? { start: table.value(start), end: table.value(end) } : undefined;
    const cached = cacheKey ? options.cache?.read(cacheKey) : undefined;
    dwarf = openDwarf(sections, { cachedIndex: cached, perCpu, reader: r.dwarf });
    if (cacheKey && dwarf.indexSource !== "cache") {
      try {
        options.cache?.write(cacheKey, dwarf.index.serialize());
      } catch {
        // A cache that cannot be written costs only time next session.
      }
    }
    return dwarf;
  };
  const types = new CombinedTypeSystem(btf, () => loadDwarf()?.types ?? null);

  let addressSpace = new X86_64AddressSpace({ dump, pgdPhys, physBase, la57 });
  const boot = new Program({ dump, types, symbols, kernel: addressSpace, vmcoreinfo: vmci });
  const base = (name: string) => (boot.hasSymbol(name) ? boot.readU64(boot.symbolAddress(name)) : undefined);
  addressSpace = addressSpace.withLayout({ pageOffsetBase: base("page_offset_base"), vmallocBase: base("vmalloc_base"), vmemmapBase: base("vmemmap_base") });
  const program = new Program({ dump, types, symbols, kernel: addressSpace, vmcoreinfo: vmci });
  let symbolTable: SymbolTable | undefined;
  return {
    program,
    addressSpace,
    kaslrOffset,
    vmlinux,
    btf,
    types,
    get dwarf(): DwarfDebugInfo | null {
      return loadDwarf();
    },
    get dwarfReader(): Dwarf | null {
      return loadReader()?.dwarf ?? null;
    },
    // The sorted table (address lookups) costs a few hundred ms to build: only when first asked for.
    get symbolTable(): SymbolTable {
      return (symbolTable ??= cachedSymbolTable(vmlinux, kaslrOffset, buildId, options.cache));
    },
    dumpIdentity,
    vmlinuxIdentity,
    mismatch,
  };
}
