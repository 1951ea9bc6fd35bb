// Opening a kernel: a dump plus its vmlinux become a Program. Checks that the two belong together (build id,
// release) and refuses a mismatch unless forced; places the kernel (kernel-place.ts). A separate debug file
// (objcopy --only-keep-debug: code, data and .BTF are SHT_NOBITS) works too: code and data come from the
// dump, types from the BTF in the kernel's memory, else from DWARF. With no vmlinux, open-from-dump.ts.
import { Btf } from "../debuginfo/btf";
import type { Dump } from "../dump/dump";
import { SHF_COMPRESSED, SHT_NOBITS, type ElfFile, type ElfSymbolTable, type SectionHeader } from "../dump/elf";
import { readInto } from "../io/byte-source";
import { enumeratorMemo, enumeratorMemoOf, symbolMemo, symbolMemoOf } from "../io/learned-memo";
import { PagedBytes } from "../io/paged-bytes";
import { DebugInfoMismatch, KdwError, MissingDebugInfo } from "../io/errors";
import { elfSymbolTable, elfSymbolTableFromImage, kernelRelocationWindow, SymbolTable } from "../debuginfo/symbols";
import { Program, type SymbolResolver } from "./program";
import { buildLayoutMemo, declaredLayouts } from "./layout";
import { LayoutMemo } from "./layout-memo";
import { CombinedTypeSystem } from "../debuginfo/combined-types";
import { openDwarf, type DwarfDebugInfo } from "../debuginfo/dwarf/open";
import { buildIndexParallel, type DwarfIndexWorkers } from "../debuginfo/dwarf/index-parallel";
import { dwarfSectionsFromElf } from "../debuginfo/dwarf/elf-sections";
import { Dwarf } from "../debuginfo/dwarf/dwarf";
import type { DwarfSections } from "../debuginfo/dwarf/reader";
import type { TypeSystem } from "../debuginfo/types";
import { bootAddressSpace, placeKernel, withKaslrBases } from "./kernel-place";
import { NO_TYPES, readMemoryBtf } from "./memory-debuginfo";
import { openKernelFromDump, type OpenFromDumpOptions } from "./open-from-dump";
import type { IndexCache, KernelIdentity, OpenedKernel } from "./opened-kernel";

export type { IndexCache, KernelIdentity, OpenedKernel } from "./opened-kernel";

export interface OpenKernelOptions extends OpenFromDumpOptions {
  /** Open even when the vmlinux does not match the dump. */
  force?: boolean;
  /** Where the DWARF name index is kept between sessions. */
  cache?: IndexCache;
  /** Threads that build parts of the DWARF name index (the CLI's worker threads); without, it is built here. */
  indexWorkers?: DwarfIndexWorkers;
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
      if (i < 0 || table.sectionIndex(i) === 0 /* SHN_UNDEF */) return undefined;
      const v = table.value(i);
      return v >= lo && v <= hi ? BigInt.asUintN(64, v + kaslrOffset) : v;
    },
    sizeOf(name: string): number | undefined {
      const i = table.indexOf(name);
      return i < 0 ? undefined : Number(table.size(i));
    },
  };
}

/** Writes an image into the user's cache: one that cannot be written costs only time next session. */
function writeCache(cache: IndexCache, key: string, image: () => Uint8Array): void {
  try {
    cache.write(key, image());
  } catch {
    // Left unwritten: rebuilt next session.
  }
}

/**
 * The sorted symbol table, from the user's cache when an image for this build, this very symtab and this
 * KASLR offset is there (its columns, names read from the symtab when asked for); else sorted now and its
 * image written there.
 */
function cachedSymbolTable(vmlinux: ElfFile, kaslrOffset: bigint, buildId: string | undefined, cache: IndexCache | undefined): SymbolTable {
  const place = vmlinux.symbols()?.placeKey();
  // The table and its name index are kept under the same build, KASLR offset and symtab place.
  const which = buildId && place ? `${BigInt.asUintN(64, kaslrOffset).toString(16)}-${place}` : undefined;
  const key = which ? `${buildId}/symbols-v4-${which}` : undefined;
  const image = key ? cache?.read(key) : undefined;
  let table = image ? elfSymbolTableFromImage(vmlinux, image) : undefined;
  if (!table) {
    const built = elfSymbolTable(vmlinux, { kaslrOffset });
    if (key && cache) writeCache(cache, key, () => built.image());
    table = built.table;
  }
  // Its name index (sym NAME, dis NAME) beside it, read or built by the first lookup by name.
  if (which && cache) {
    const names = `${buildId}/symbol-names-index-v1-${which}`;
    table.keepNameIndexIn({ read: () => cache.read(names), write: (image) => writeCache(cache, names, image) });
  }
  return table;
}

/**
 * The .symtab's name index from the user's cache, when an image for this build and this very table is there
 * (a lookup then reads the entry and the name it checks, not the 5 MB of tables; and, where the cache reads
 * in pieces, the slots it probes, not the 2 MB image: a session looks up a few dozen names); else built now
 * (the first lookup would) and written there.
 */
function cachedNameIndex(table: ElfSymbolTable, buildId: string | undefined, cache: IndexCache | undefined): void {
  if (!buildId || !cache) return;
  const key = `${buildId}/elf-names-v1-${table.placeKey()}`;
  const ranges = cache.ranges?.(key);
  if (ranges && table.adoptNameIndexFrom(ranges)) return;
  const image = ranges ? undefined : cache.read(key);
  if (image && table.adoptNameIndex(image)) return;
  writeCache(cache, key, () => table.nameIndexImage());
}

/**
 * What earlier sessions on this build asked by name, with the answers (io/learned-memo.ts), from the user's
 * cache folder (else an empty memo); and a function that writes what this session adds, when it added any.
 */
function cachedLearnedMemo<M extends { readonly unsaved: number; image(): Uint8Array }>(cache: IndexCache, key: string, fromImage: (image: Uint8Array) => M | undefined, empty: () => M): { memo: M; keep: () => void } {
  const image = cache.read(key);
  const memo = (image && fromImage(image)) || empty();
  return {
    memo,
    keep: () => {
      if (memo.unsaved > 0) writeCache(cache, key, () => memo.image());
    },
  };
}

/** The names asked of the symtab (cachedLearnedMemo), adopted by the table. */
function cachedSymbolMemo(table: ElfSymbolTable, buildId: string | undefined, cache: IndexCache | undefined): (() => void) | undefined {
  if (!buildId || !cache) return undefined;
  const { memo, keep } = cachedLearnedMemo(cache, `${buildId}/symbol-names-v2-${table.placeKey()}`, (image) => symbolMemoOf(table.count, image), () => symbolMemo(table.count));
  return table.adoptMemo(memo) ? keep : undefined;
}

/**
 * The vmlinux's .BTF with its scan and name indexes from the user's cache when an image for this build and
 * this very section is there (btf-cache.ts checks it fits): the section is then read in chunks as types
 * and names are used (a session reads a few hundred of its 100,000 records; `sys` reads under a tenth of
 * its 4 MB). Else read whole, scanned and indexed now (the first type lookup would), and the image written.
 */
function cachedBtf(vmlinux: ElfFile, header: SectionHeader, buildId: string | undefined, cache: IndexCache | undefined): Btf {
  const file = `${vmlinux.name}:.BTF`;
  const key = buildId && cache ? `${buildId}/btf-index-v2-${header.offset.toString(16)}-${header.size.toString(16)}` : undefined;
  const image = key ? cache?.read(key) : undefined;
  const blob = image && !(header.flags & SHF_COMPRESSED) ? new PagedBytes(header.size, (at, target) => readInto(vmlinux.source, header.offset + at, target)) : vmlinux.sectionBytes(header)!;
  const btf = new Btf(blob, { file, ...(image ? { index: image } : {}) });
  if (key && cache && !btf.indexFromImage) writeCache(cache, key, () => btf.indexImage());
  return btf;
}

/**
 * The declared layouts' members as this build's BTF resolves them, from the user's cache when an image made
 * for this BTF and the layouts this kdw declares is there; else resolved now (tens of ms, once per build: what
 * every session's first commands would pay again) and the image written. DWARF is not open yet: the memo
 * is BTF's alone.
 */
function cachedLayoutMemo(program: Program, btf: Btf, key: string, cache: IndexCache): LayoutMemo {
  const image = cache.read(key);
  const kept = image ? LayoutMemo.fromImage(btf, declaredLayouts(), image) : undefined;
  if (kept) return kept;
  const built = buildLayoutMemo(program, btf);
  writeCache(cache, key, () => built.image());
  return built;
}

/** The bytes of a NUL-terminated string at a link-time address in the vmlinux file (undefined in a debug file). */
function vmlinuxString(vmlinux: ElfFile, addr: bigint, max = 512): string | undefined {
  for (const s of vmlinux.sections) {
    if (s.type === SHT_NOBITS || s.addr === 0n) continue;
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

/**
 * The kernel of `dump` as a Program: with `vmlinux`, its symtab, BTF (or the kernel's own, for a debug file
 * without one) and DWARF; without, kallsyms and BTF from the dump's memory (openKernelFromDump).
 */
export function openKernel(dump: Dump, vmlinux: ElfFile | undefined, options: OpenKernelOptions = {}): OpenedKernel {
  if (!vmlinux) return openKernelFromDump(dump, options);
  const table = vmlinux.symbols();
  const vmci = dump.vmcoreinfo;
  const vmlinuxBuildId = vmlinux.buildId() ?? undefined;
  if (table) cachedNameIndex(table, vmlinuxBuildId, options.cache);
  const keepSymbolNames = table ? cachedSymbolMemo(table, vmlinuxBuildId, options.cache) : undefined;

  // Identity first: a file of another build is refused as such, whatever else it lacks.
  const bannerIdx = table ? table.indexOf("linux_banner") : -1;
  const vmlinuxIdentity: KernelIdentity = {
    buildId: vmlinuxBuildId,
    release: releaseOfBanner(table && bannerIdx >= 0 ? vmlinuxString(vmlinux, table.value(bannerIdx)) : undefined),
  };
  const dumpIdentity: KernelIdentity = { buildId: vmci?.buildId?.toLowerCase(), release: vmci?.osrelease };
  let mismatch: string | undefined;
  if (dumpIdentity.buildId && vmlinuxIdentity.buildId && dumpIdentity.buildId !== vmlinuxIdentity.buildId) {
    mismatch = `build id ${vmlinuxIdentity.buildId} (${vmlinuxIdentity.release ?? "unknown release"}) in ${vmlinux.name}, build id ${dumpIdentity.buildId} (${dumpIdentity.release ?? "unknown release"}) in ${dump.source.name}`;
  } else if (dumpIdentity.release && vmlinuxIdentity.release && dumpIdentity.release !== vmlinuxIdentity.release) {
    mismatch = `release ${vmlinuxIdentity.release} in ${vmlinux.name}, release ${dumpIdentity.release} in ${dump.source.name}`;
  }
  if (mismatch && !options.force) throw new DebugInfoMismatch(`${vmlinux.name} does not match ${dump.source.name}: ${mismatch} (--force opens it anyway)`);
  if (!table) throw new MissingDebugInfo(`${vmlinux.name}: no symbol table (.symtab): not a debug vmlinux`);

  const linkTime = (name: string): bigint | undefined => {
    const i = table.indexOf(name);
    return i >= 0 && table.sectionIndex(i) !== 0 ? table.value(i) : undefined;
  };
  if (linkTime("_stext") === undefined && linkTime("_text") === undefined) throw new MissingDebugInfo(`${vmlinux.name}: no _stext or _text in its symbol table: not a vmlinux`);
  const placement = placeKernel(dump, linkTime);
  const kaslrOffset = placement.kaslrOffset;
  const symbols = elfSymbolResolver(vmlinux, kaslrOffset);
  const boot = bootAddressSpace(dump, placement);

  // .BTF: in the file; in a separate debug file it is SHT_NOBITS, and the kernel's memory holds the same blob.
  const btfHeader = vmlinux.sectionHeader(".BTF");
  let btf: Btf | null = null;
  let typesFrom = "vmlinux .BTF";
  const degraded: string[] = [];
  if (btfHeader && btfHeader.type !== SHT_NOBITS) {
    btf = cachedBtf(vmlinux, btfHeader, vmlinuxIdentity.buildId, options.cache);
  } else {
    const why = btfHeader ? `${vmlinux.name} is a separate debug file (.BTF is empty)` : `${vmlinux.name} has no .BTF section`;
    try {
      btf = readMemoryBtf((a, n) => boot.read(a, n), (n) => symbols.addressOf(n));
      typesFrom = `BTF in memory (${why}), then DWARF`;
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      typesFrom = "DWARF";
      degraded.push(`types: ${why}, and ${err.message}: DWARF answers every type (slower to open)`);
    }
  }

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
  const cacheKey = buildId ? `${buildId}/dwarf-index-v2` : undefined;
  const loadDwarf = (): DwarfDebugInfo | null => {
    if (dwarf !== undefined) return dwarf;
    const r = loadReader();
    if (!r) return (dwarf = null);
    const sections = r.sections;
    const start = table.indexOf("__per_cpu_start");
    const end = table.indexOf("__per_cpu_end");
    const perCpu = start >= 0 && end >= 0 ? { start: table.value(start), end: table.value(end) } : undefined;
    const cached = cacheKey ? options.cache?.read(cacheKey) : undefined;
    dwarf = openDwarf(sections, { cachedIndex: cached, perCpu, reader: r.dwarf, build: (d) => buildIndexParallel(d, vmlinux.source, options.indexWorkers) });
    if (cacheKey && options.cache && dwarf.indexSource !== "cache") {
      const d = dwarf;
      writeCache(options.cache, cacheKey, () => d.index.serialize());
    }
    return dwarf;
  };
  const primary: TypeSystem = btf ?? NO_TYPES;
  const types = new CombinedTypeSystem(primary, () => loadDwarf()?.types ?? null);

  const bases = withKaslrBases(boot, (n) => symbols.addressOf(n), vmci);
  degraded.push(...bases.notes);
  const addressSpace = bases.space;
  const hasDwarf = vmlinux.sectionHeader(".debug_info") !== undefined;
  const noDwarf = hasDwarf ? undefined : `${vmlinux.name} has no DWARF (.debug_info): give the debug vmlinux (from the -dbg / -debuginfo package)`;
  const program = new Program({ dump, types, symbols, kernel: addressSpace, vmcoreinfo: vmci, noDwarf });
  let keepEnumerators: (() => void) | undefined;
  if (btf && btfHeader && btfHeader.type !== SHT_NOBITS && buildId && options.cache) {
    const place = `${btfHeader.offset.toString(16)}-${btfHeader.size.toString(16)}`;
    program.layoutMemo = cachedLayoutMemo(program, btf, `${buildId}/layouts-v3-${place}`, options.cache);
    // The enumerators asked of the vmlinux's own .BTF, keyed by its place as its index is.
    const enumerators = cachedLearnedMemo(options.cache, `${buildId}/btf-enumerators-v1-${place}`, (image) => enumeratorMemoOf(btf.lastId, image), () => enumeratorMemo(btf.lastId));
    btf.adoptEnumeratorMemo(enumerators.memo);
    keepEnumerators = enumerators.keep;
  }
  let symbolTable: SymbolTable | undefined;
  const debugFile = vmlinux.sectionHeader(".text")?.type === SHT_NOBITS;
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
    sources: { symbols: `${vmlinux.name} .symtab`, types: typesFrom, orc: debugFile ? "memory" : "vmlinux", dwarf: hasDwarf },
    dumpIdentity,
    vmlinuxIdentity,
    mismatch,
    degraded,
    keepLearned: () => {
      keepSymbolNames?.();
      keepEnumerators?.();
    },
  };
}
