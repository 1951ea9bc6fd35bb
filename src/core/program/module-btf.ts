// Modules' types with no debuginfo files: each module's split BTF as the kernel parsed it at load time
// (CONFIG_DEBUG_INFO_BTF_MODULES). The kernel frees struct module's btf_data once the module is live, but
// keeps the parsed copy: kernel/bpf/btf.c links a struct btf_module {list, module, btf} per module on
// btf_modules, and struct btf keeps the raw blob (data, data_size) with base_btf pointing at vmlinux's.
// Read on the first type the kernel's own BTF does not have; every read is capped.
import { Btf } from "../debuginfo/btf";
import type { EnumType, FunctionInfo, Type, TypeKindFilter, TypeSystem, VariableInfo } from "../debuginfo/types";
import { DumpFormatError, KdwError } from "../io/errors";
import { listForEachEntry } from "./list";
import type { Program } from "./program";

/** More modules than a kernel loads. */
const MAX_MODULES = 4096;
/** More BTF than a module carries (virtio_net: 7.6 KiB). */
const MAX_MODULE_BTF = 16 << 20;

export interface ModuleBtf {
  /** The module's name (struct btf.name). */
  name: string;
  btf: Btf;
}

/** Every module's split BTF on btf_modules; problems (unreadable entries) are returned, not thrown. */
export function moduleBtfs(prog: Program, base: Btf): { modules: ModuleBtf[]; problems: string[] } {
  const modules: ModuleBtf[] = [];
  const problems: string[] = [];
  const entryType = prog.findType("struct btf_module");
  const btfType = prog.findType("struct btf");
  if (!entryType || !btfType || !prog.hasSymbol("btf_modules")) return { modules, problems };
  try {
    for (const entry of listForEachEntry(prog, prog.symbolAddress("btf_modules"), entryType, "list", { budget: MAX_MODULES, what: "btf_modules" })) {
      let name = "?";
      try {
        const btf = entry.member("btf").deref();
        name = btf.member("name").string();
        const size = btf.member("data_size").number();
        if (size <= 0 || size > MAX_MODULE_BTF) throw new DumpFormatError(`module ${name} BTF`, 0, `data_size ${size} is not a BTF size`);
        const bytes = prog.read(btf.member("data").value(), size);
        modules.push({ name, btf: new Btf(bytes, { base, file: `module ${name} BTF in memory` }) });
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems.push(`BTF of module ${name}: ${err.message}`);
      }
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(err.message);
  }
  return { modules, problems };
}

/** The modules' BTF as one TypeSystem, asked in btf_modules order; loaded on first use. */
export class ModuleBtfTypes implements TypeSystem {
  private loaded: ModuleBtf[] | undefined;
  problems: string[] = [];

  constructor(
    private readonly program: () => Program,
    private readonly base: Btf,
  ) {}

  private all(): ModuleBtf[] {
    if (!this.loaded) {
      const r = moduleBtfs(this.program(), this.base);
      this.loaded = r.modules;
      this.problems = r.problems;
    }
    return this.loaded;
  }

  private first<T>(f: (b: Btf) => T | undefined): T | undefined {
    for (const m of this.all()) {
      try {
        const v = f(m.btf);
        if (v !== undefined) return v;
      } catch (err) {
        // A malformed module blob answers nothing; the others still do.
        if (!(err instanceof KdwError)) throw err;
      }
    }
    return undefined;
  }

  findType(name: string, kind?: TypeKindFilter): Type | undefined {
    return this.first((b) => b.findType(name, kind));
  }
  findVariable(name: string): VariableInfo | undefined {
    return this.first((b) => b.findVariable(name));
  }
  findFunction(name: string): FunctionInfo | undefined {
    return this.first((b) => b.findFunction(name));
  }
  findEnumerator(name: string): { value: bigint; type: EnumType } | undefined {
    return this.first((b) => b.findEnumerator(name));
  }
}
