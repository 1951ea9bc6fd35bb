// A carve of module memory for struct module (volatility3's modxview "memory scan" view, done with a
// back-pointer instead of a signature): every struct module holds its own address in mkobj.mod (struct
// module_kobject.mod, set by mod_sysfs_init for /sys/module/NAME), so an 8-byte word at address A whose
// value is A - offsetof(struct module, mkobj.mod) marks a candidate. A candidate is kept when it reads as a
// module: a known state, a printable NUL-terminated name and a text region in the module area (its list
// pointers are not checked: list_del() leaves LIST_POISON1/2 in a module that unlinked itself). A module
// that unlinked itself from the list, the address tree and sysfs still has this word while its memory is
// mapped.
//
// Which memory: on x86-64 the mapped, writable, non-executable pages of the module area (struct module is
// in the module's own data, section .gnu.linkonce.this_module), found by a walk of the kernel page tables;
// elsewhere (synthetic programs in tests) the span mod_tree says module memory was handed out in, probed
// page by page. Both are bounded.
import { X86_64AddressSpace } from "../../arch/x86_64/layout";
import { mappedPages } from "../../arch/x86_64/mapped-ranges";
import { KdwError } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { moduleLayout, moduleLinksLayout, moduleStateNames } from "./layout";
import { readModule, type KernelModule } from "./read";

/** Pages a carve reads at most (64 MiB of module data). */
export const MAX_CARVE_PAGES = 1 << 14;
const PAGE = 4096;
/** x86-64 MODULES_VADDR..MODULES_END without KASLR's image size (arch/x86/include/asm/pgtable_64_types.h). */
const DEFAULT_MODULES_START = 0xffffffffa0000000n;
const DEFAULT_MODULES_END = 0xffffffffff000000n;

export interface ModuleCarve {
  modules: KernelModule[];
  /** Pages read (4 KiB each). */
  pagesScanned: number;
  /** How the memory to scan was found. */
  source: "page tables" | "mod_tree span" | "none";
  problems: string[];
}

interface ScanRange {
  start: bigint;
  end: bigint;
}

/** Every struct module found in module memory by its mkobj.mod back-pointer. */
export function carveModules(prog: Program, options: { maxPages?: number; span?: ScanRange } = {}): ModuleCarve {
  const out: ModuleCarve = { modules: [], pagesScanned: 0, source: "none", problems: [] };
  const backOff = moduleLinksLayout(prog).mkobjMod;
  if (backOff === undefined) {
    out.problems.push("struct module has no mkobj.mod: no back-pointer to carve for");
    return out;
  }
  const maxPages = options.maxPages ?? MAX_CARVE_PAGES;
  const area = moduleArea(prog);
  const pages: bigint[] = [];
  if (prog.kernel instanceof X86_64AddressSpace && !options.span) {
    const space = prog.kernel;
    const mapped = mappedPages(space.dump, space.pgdPhys, space.layout.la57, area.start, area.end);
    out.problems.push(...mapped.problems);
    out.source = "page tables";
    for (const p of mapped.pages) {
      if (!p.writable || p.executable) continue;
      for (let off = 0; off < p.size && pages.length < maxPages; off += PAGE) {
        const va = p.vaddr + BigInt(off);
        if (va >= area.start && va < area.end) pages.push(va);
      }
    }
  } else {
    const span = options.span ?? modTreeSpan(prog);
    if (!span) {
      out.problems.push("no module area to scan (no x86-64 page tables and no mod_tree span)");
      return out;
    }
    out.source = "mod_tree span";
    for (let va = span.start & ~0xfffn; va < span.end && pages.length < maxPages; va += BigInt(PAGE)) pages.push(va);
  }
  if (pages.length >= maxPages) out.problems.push(`module memory larger than ${maxPages} pages: the carve read the first ${maxPages}`);

  const layout = moduleLayout(prog);
  const seen = new Set<bigint>();
  for (const va of pages) {
    let bytes: Uint8Array;
    try {
      bytes = prog.read(va, PAGE);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      continue;
    }
    out.pagesScanned++;
    const dv = dataView(bytes);
    const vaHi = Number(va >> 32n) >>> 0;
    const vaLo = Number(va & 0xffffffffn) >>> 0;
    for (let i = 0; i < PAGE; i += 8) {
      // The word at va+i holds va+i-backOff: compare on 32-bit halves (no BigInt per word).
      if (dv.getUint32(i + 4, true) !== vaHi) continue;
      if (((dv.getUint32(i, true) + backOff) >>> 0) !== ((vaLo + i) >>> 0)) continue;
      const candidate = va + BigInt(i - backOff);
      if (seen.has(candidate)) continue;
      seen.add(candidate);
      const mod = plausibleModule(prog, candidate, layout, area);
      if (mod) out.modules.push(mod);
    }
  }
  return out;
}

/** The module area of this kernel: x86-64's MODULES_VADDR..MODULES_END. */
export function moduleArea(prog: Program): ScanRange {
  if (prog.kernel instanceof X86_64AddressSpace) return { start: prog.kernel.layout.modulesVaddr, end: prog.kernel.layout.modulesEnd };
  return { start: DEFAULT_MODULES_START, end: DEFAULT_MODULES_END };
}

const MOD_TREE_SPAN = layout({ addrMin: optional("mod_tree_root.addr_min"), addrMax: optional("mod_tree_root.addr_max") });

/** mod_tree.addr_min..addr_max: the span module memory was handed out in (it only grows). */
function modTreeSpan(prog: Program): ScanRange | undefined {
  if (!prog.hasSymbol("mod_tree")) return undefined;
  const { addrMin: minOff, addrMax: maxOff } = MOD_TREE_SPAN.of(prog);
  if (minOff === undefined || maxOff === undefined) return undefined;
  try {
    const root = prog.symbolAddress("mod_tree");
    const start = prog.readU64(root + BigInt(minOff));
    const end = prog.readU64(root + BigInt(maxOff));
    return end > start && end - start < BigInt(MAX_CARVE_PAGES * PAGE) * 4n ? { start, end } : undefined;
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
}

function plausibleModule(prog: Program, address: bigint, layout: ReturnType<typeof moduleLayout>, area: ScanRange): KernelModule | undefined {
  let mod: KernelModule;
  try {
    mod = readModule(prog, address, layout);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
  if (!moduleStateNames(prog).has(mod.state)) return undefined;
  if (mod.name.length === 0 || !/^[\x21-\x7e]+$/.test(mod.name)) return undefined;
  const text = mod.regions[0];
  if (!text || text.size <= 0 || text.base < area.start || text.base >= area.end) return undefined;
  return mod;
}
