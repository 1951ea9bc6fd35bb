// Opening a kernel with no vmlinux at all: a dump carries what is needed to analyse itself. Symbols come from
// the kernel's kallsyms (VMCOREINFO's SYMBOL(kallsyms_*), else a search of the kernel image for the tables),
// types from its BTF (__start_BTF..__stop_BTF), ORC from its image (kernel/tasks/stack.ts reads it from memory
// when there is no vmlinux), module symbols from each struct module's kallsyms. The globals' types come from
// global-types.ts, since BTF has no global variables. What needs DWARF alone says so (opened-kernel.ts).
import { START_KERNEL_MAP } from "../arch/x86_64/layout";
import { CombinedTypeSystem } from "../debuginfo/combined-types";
import { decodeKallsyms, kallsymsFromVmcoreinfo } from "../debuginfo/kallsyms";
import type { KallsymsImage } from "../debuginfo/kallsyms-image";
import { searchKallsyms } from "../debuginfo/kallsyms-search";
import type { Dump } from "../dump/dump";
import { KdwError, MissingDebugInfo } from "../io/errors";
import { bootAddressSpace, placeKernel, withKaslrBases, type KernelPlacement } from "./kernel-place";
import type { X86_64AddressSpace } from "../arch/x86_64/layout";
import { kallsymsResolver, readMemoryBtf } from "./memory-debuginfo";
import type { OpenedKernel } from "./opened-kernel";
import { ModuleBtfTypes } from "./module-btf";
import { Program } from "./program";

export interface OpenFromDumpOptions {
  /** Ignore VMCOREINFO's SYMBOL(kallsyms_*) and search the kernel image for the tables (tests; older kernels need it anyway). */
  searchKallsyms?: boolean;
}

/** How far past _stext the kernel image is searched for kallsyms (KERNEL_IMAGE_SIZE with KASLR is 1 GiB). */
const KALLSYMS_SEARCH_BYTES = 256 << 20;
/** Program.noDwarf with no vmlinux. */
export const NO_DWARF = "no vmlinux was given (symbols, types and ORC come from the dump); give the debug vmlinux (kdw VMLINUX DUMP, or --debuginfo DIR)";
const SUPPLY = "give the debug vmlinux (kdw VMLINUX DUMP, or --debuginfo DIR / KDW_DEBUGINFO_PATH)";

function kernelKallsyms(space: X86_64AddressSpace, placement: KernelPlacement, options: OpenFromDumpOptions): { image: KallsymsImage; from: string } {
  const vmci = placement.vmcoreinfo;
  const read = (a: bigint, n: number) => space.read(a, n);
  const loc = options.searchKallsyms ? undefined : kallsymsFromVmcoreinfo((n) => vmci.symbol(n));
  if (loc) {
    try {
      return { image: decodeKallsyms(read, loc), from: "kallsyms in memory (VMCOREINFO)" };
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      throw new MissingDebugInfo(`no vmlinux, and the kernel's kallsyms cannot be read (${err.message}): ${SUPPLY}`);
    }
  }
  // _stext from VMCOREINFO both starts the search and checks what it finds.
  const stext = vmci.symbol("_stext") ?? START_KERNEL_MAP + 0x1000000n + placement.kaslrOffset;
  const accept = (t: KallsymsImage) => {
    const s = t.addressOf("_stext") ?? t.addressOf("_text");
    return s !== undefined && (s === stext || (vmci.symbol("_stext") === undefined && s >= START_KERNEL_MAP));
  };
  const found = searchKallsyms(read, stext, KALLSYMS_SEARCH_BYTES, accept);
  if (!found) throw new MissingDebugInfo(`no vmlinux, VMCOREINFO does not locate kallsyms, and no kallsyms tables were found in the kernel image: ${SUPPLY}`);
  return { image: found.image, from: `kallsyms in memory (found at ${found.location.names.toString(16)} by search)` };
}

export function openKernelFromDump(dump: Dump, options: OpenFromDumpOptions = {}): OpenedKernel {
  const placement = placeKernel(dump);
  const vmci = placement.vmcoreinfo;
  const boot = bootAddressSpace(dump, placement);
  const { image, from } = kernelKallsyms(boot, placement, options);
  const symbols = kallsymsResolver(image);
  const bases = withKaslrBases(boot, (n) => symbols.addressOf(n), vmci);
  const addressSpace = bases.space;
  let btf;
  try {
    btf = readMemoryBtf((a, n) => addressSpace.read(a, n), (n) => symbols.addressOf(n));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    throw new MissingDebugInfo(`no vmlinux, and ${err.message}: ${SUPPLY}`);
  }
  // Types the kernel's BTF lacks come from the modules' split BTF (read on the first such miss).
  const moduleTypes = new ModuleBtfTypes(() => program, btf);
  const types = new CombinedTypeSystem(btf, () => moduleTypes);
  const program: Program = new Program({ dump, types, symbols, kernel: addressSpace, vmcoreinfo: vmci, noDwarf: NO_DWARF });
  return {
    program,
    addressSpace,
    kaslrOffset: placement.kaslrOffset,
    btf,
    types,
    dwarf: null,
    dwarfReader: null,
    // The sorted table (address lookups) is built when a command first asks for it, as with a vmlinux.
    get symbolTable() {
      return image.symbolTable();
    },
    sources: { symbols: from, types: "BTF in memory (the kernel's, then the modules')", orc: "memory", dwarf: false },
    dumpIdentity: { buildId: vmci.buildId?.toLowerCase(), release: vmci.osrelease },
    vmlinuxIdentity: {},
    degraded: bases.notes,
  };
}
