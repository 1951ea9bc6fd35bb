// Whose code is at an address: the one owner resolver every hook rule uses. In order: core kernel text
// (_stext.._etext, and init text); a module on the module list; else a module whose memory holds the
// address though it is off the list — found through mod_tree, the sysfs kset or a carve of module memory
// (named, `hidden`); a BPF image (bpf_kallsyms); else unknown, with the region of the address space it
// is in. Symbols: the kernel's for core text, the module's own in-memory kallsyms for modules.
import { X86_64AddressSpace } from "../arch/x86_64/layout";
import type { SymbolAt } from "../debuginfo/symbols";
import { bpfSymbolAt, bpfSymbols } from "../kernel/hooks/bpf";
import { moduleTaintString } from "../kernel/modules/info";
import { moduleSymbolAt } from "../kernel/modules/symbols";
import { moduleViewAt, moduleViews, type ModuleView } from "../kernel/modules/views";
import type { Program } from "../program/program";
import type { SeenBy } from "./finding";

export type OwnerKind = "kernel" | "module" | "bpf" | "unknown";

export interface Owner {
  kind: OwnerKind;
  /** What Hook.owner and Evidence.owner say: "kernel", the module's name, "bpf", or "unknown". */
  name: string;
  /** A module off the module list. */
  hidden: boolean;
  /** `function+0xoff`, with ` [module]` for module code; undefined where nothing names it. */
  symbol?: string;
  module?: ModuleView;
  /** The module's taint letters (moduleTaintString: "OE"), and what they say. */
  taint?: string;
  outOfTree?: boolean;
  unsigned?: boolean;
  /** The views the owner was seen in. */
  seenBy: SeenBy[];
  /** For unknown owners: the region of the address space ("modules", "vmalloc", "direct map", ...). */
  region?: string;
}

export type KernelSymbolAt = (addr: bigint) => SymbolAt | undefined;

export class OwnerResolver {
  private readonly text: [bigint, bigint][] = [];
  private readonly cache = new Map<bigint, Owner>();

  constructor(
    private readonly prog: Program,
    private readonly kernelSymbolAt?: KernelSymbolAt,
  ) {
    for (const [lo, hi] of [
      ["_stext", "_etext"],
      ["_sinittext", "_einittext"],
    ]) {
      const a = prog.symbols.addressOf(lo!);
      const b = prog.symbols.addressOf(hi!);
      if (a !== undefined && b !== undefined && b > a) this.text.push([a, b]);
    }
  }

  /** In core kernel text (_stext.._etext or init text). */
  isCoreText(addr: bigint): boolean {
    return this.text.some(([a, b]) => addr >= a && addr < b);
  }

  /** The owner of the code at `addr` (cached). */
  resolve(addr: bigint): Owner {
    let o = this.cache.get(addr);
    if (!o) {
      o = this.compute(addr);
      this.cache.set(addr, o);
    }
    return o;
  }

  /** `function+0xoff` (or `function+0xoff [module]`) for any address, where something names it. */
  symbolize(addr: bigint): string | undefined {
    if (this.isCoreText(addr) || this.inKernelImage(addr)) {
      const at = this.kernelSymbolAt?.(addr);
      return at ? withOffset(at.symbol.name, at.offset) : undefined;
    }
    const at = moduleSymbolAt(this.prog, addr);
    if (at) return `${withOffset(at.symbol.name, at.offset)} [${at.module}]`;
    const bpf = bpfSymbolAt(bpfSymbols(this.prog), addr);
    return bpf ? `${bpf.name}+0x${(addr - bpf.start).toString(16)}` : undefined;
  }

  private inKernelImage(addr: bigint): boolean {
    const start = this.prog.symbols.addressOf("_text");
    const end = this.prog.symbols.addressOf("_end");
    return start !== undefined && end !== undefined && addr >= start && addr < end;
  }

  private compute(addr: bigint): Owner {
    if (this.isCoreText(addr)) {
      // Named on first use: most kernel-owned addresses checked are never shown, and naming one loads the
      // kernel's symbol table.
      const name = () => this.symbolize(addr);
      let named: { symbol: string | undefined } | undefined;
      return {
        kind: "kernel",
        name: "kernel",
        hidden: false,
        seenBy: ["core-text"],
        get symbol() {
          return (named ??= { symbol: name() }).symbol;
        },
      };
    }
    const view = moduleViewAt(moduleViews(this.prog), addr);
    if (view) {
      const m = view.module;
      const taint = m.taints !== 0n ? moduleTaintString(this.prog, m.taints) : "";
      return {
        kind: "module",
        name: m.name,
        hidden: !view.seenBy.includes("module-list"),
        symbol: this.symbolize(addr),
        module: view,
        taint,
        outOfTree: taint.includes("O"),
        unsigned: taint.includes("E") || m.sigOk === false,
        seenBy: [...view.seenBy],
      };
    }
    const bpf = bpfSymbolAt(bpfSymbols(this.prog), addr);
    if (bpf) return { kind: "bpf", name: "bpf", hidden: false, symbol: this.symbolize(addr), seenBy: ["kallsyms"] };
    const region = this.prog.kernel instanceof X86_64AddressSpace ? this.prog.kernel.layout.region(addr) : undefined;
    return { kind: "unknown", name: "unknown", hidden: false, symbol: this.symbolize(addr), seenBy: ["unknown"], ...(region ? { region } : {}) };
  }
}

export function withOffset(name: string, offset: number): string {
  return offset ? `${name}+0x${offset.toString(16)}` : name;
}
