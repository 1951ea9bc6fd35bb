// Reading one struct module (include/linux/module.h) in one piece into a KernelModule. Shared by the list
// walk (modules.ts) and the address-tree walk (modules-tree.ts).
import { KdwError } from "../../io/errors";
import type { Program } from "../../program/program";
import { MODULE_LAYOUT, moduleLayout, moduleStateNames, type ModuleLayout } from "./layout";
import { latin1UpToNul } from "../../io/latin1";

/** Bytes up to the first NUL as Latin-1, every byte kept (io/latin1.ts). */
export { latin1UpToNul as latin1 };

/** More modules than any kernel loads; a list claiming more is treated as corrupt past this point. */
export const MAX_MODULES = 1 << 16;

export interface ModuleRegion {
  /** "core", "init" (module_layout kernels) or "MOD_TEXT", "MOD_DATA", ... (6.4+). */
  name: string;
  base: bigint;
  size: number;
  /** A region that stays after load (init regions are freed once init returns). */
  core: boolean;
}

export interface KernelModule {
  /** Address of the struct module. */
  address: bigint;
  /** module.name as Latin-1 (no byte lost); escape it at output. */
  name: string;
  state: number;
  /** MODULE_STATE_LIVE, ..., or the number when it is not one of them (looked up when first asked for). */
  readonly stateName: string;
  /** Start of the module's text (core_layout.base; mem[MOD_TEXT].base on 6.4+): crash's BASE. */
  base: bigint;
  /** Bytes of its core memory (core_layout.size; the core mem[] regions summed on 6.4+): crash's SIZE. */
  size: number;
  regions: ModuleRegion[];
  /** module.taints: bits of TAINT_* (0 when the kernel lacks the member). */
  taints: bigint;
  /** module.sig_ok: undefined without CONFIG_MODULE_SIG. */
  sigOk: boolean | undefined;
  /** MODULE_VERSION, read where module.version points when first asked for. */
  readonly version: string | undefined;
  readonly srcversion: string | undefined;
  /** module.refcnt (CONFIG_MODULE_UNLOAD). */
  refcnt: number | undefined;
  /** module.kallsyms: the module's own symbol table (struct mod_kallsyms *), 0 when absent. */
  kallsyms: bigint;
  /** module.kp / num_kp: its parameters. */
  kp: bigint;
  numKp: number;
}

/**
 * One struct module, read in one piece; its version strings are read where they point (absent if
 * unreadable) when first asked for: they lie in the module's .modinfo, a page of their own, and `mod` and
 * most walks never show them. Its state is named when first asked for too (moduleStateNames).
 */
export function readModule(prog: Program, address: bigint, layout: ModuleLayout = moduleLayout(prog)): KernelModule {
  const v = MODULE_LAYOUT.view(prog, prog.read(address, layout.size));
  const state = v.u32("state");
  const regions: ModuleRegion[] = layout.regions.map((r) => ({ name: r.name, base: v.u64(r.base), size: v.u32(r.size), core: r.core }));
  const text = regions[0]!;
  const size = layout.regions[0]!.name === "core" ? text.size : regions.filter((r) => r.core).reduce((n, r) => n + r.size, 0);
  const m = new ModuleRecord(prog, v.pointer("version"), v.pointer("srcversion"));
  m.address = address;
  m.name = v.chars("name");
  m.state = state;
  m.base = text.base;
  m.size = size;
  m.regions = regions;
  m.taints = layout.taintsSize === 8 ? v.u64("taints") : BigInt(v.u32("taints"));
  m.sigOk = v.has("sigOk") ? v.u8("sigOk") !== 0 : undefined;
  m.refcnt = v.has("refcnt") ? v.s32("refcnt") : undefined;
  m.kallsyms = v.pointer("kallsyms");
  m.kp = v.pointer("kp");
  m.numKp = v.u32("numKp");
  return m;
}

/**
 * A struct module as read: its state's name and its version strings looked up when first asked for. A
 * class with the three as getters on its prototype (an object literal with accessors is made by the
 * engine's slow path, a dictionary each, in every walk).
 */
class ModuleRecord implements KernelModule {
  address = 0n;
  name = "";
  state = 0;
  base = 0n;
  size = 0;
  regions: ModuleRegion[] = [];
  taints = 0n;
  sigOk: boolean | undefined = undefined;
  refcnt: number | undefined = undefined;
  kallsyms = 0n;
  kp = 0n;
  numKp = 0;
  #version: string | undefined | null = null;
  #srcversion: string | undefined | null = null;
  readonly #prog: Program;
  readonly #versionAt: bigint;
  readonly #srcversionAt: bigint;

  constructor(prog: Program, versionAt: bigint, srcversionAt: bigint) {
    this.#prog = prog;
    this.#versionAt = versionAt;
    this.#srcversionAt = srcversionAt;
  }

  get stateName(): string {
    return moduleStateNames(this.#prog).get(this.state) ?? String(this.state);
  }

  get version(): string | undefined {
    return this.#version === null ? (this.#version = optionalString(this.#prog, this.#versionAt)) : this.#version;
  }

  get srcversion(): string | undefined {
    return this.#srcversion === null ? (this.#srcversion = optionalString(this.#prog, this.#srcversionAt)) : this.#srcversion;
  }
}

function optionalString(prog: Program, addr: bigint): string | undefined {
  if (addr === 0n) return undefined;
  try {
    return latin1UpToNul(prog.readCString(addr, 256));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return undefined;
  }
}

