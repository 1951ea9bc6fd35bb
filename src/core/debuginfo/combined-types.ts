// BTF answers type questions at once (a 4 MB table, indexed in tens of ms); DWARF answers the rest
// (globals' declared types, functions' address ranges, line tables) but costs seconds to index. This
// TypeSystem asks BTF first and opens DWARF only when BTF has no answer.
import type { EnumType, FunctionInfo, Type, TypeKindFilter, TypeSystem, VariableInfo } from "./types";

export class CombinedTypeSystem implements TypeSystem {
  private dwarfTypes: TypeSystem | null | undefined;

  constructor(
    readonly btf: TypeSystem,
    /** Opens the DWARF type system on first need; returns null when the vmlinux has none. */
    private readonly openDwarf: () => TypeSystem | null,
  ) {}

  /** Type names for completion: BTF's (DWARF is not opened for a Tab). */
  names(prefix: string, limit: number): string[] {
    return this.btf.names?.(prefix, limit) ?? [];
  }

  /** The DWARF side, opened now if it was not yet (null without DWARF). */
  dwarf(): TypeSystem | null {
    if (this.dwarfTypes === undefined) this.dwarfTypes = this.openDwarf();
    return this.dwarfTypes;
  }

  /** True once DWARF has been opened (for callers that only want it when it is already paid for). */
  get dwarfOpened(): boolean {
    return this.dwarfTypes !== undefined && this.dwarfTypes !== null;
  }

  findType(name: string, kind?: TypeKindFilter): Type | undefined {
    return this.btf.findType(name, kind) ?? this.dwarf()?.findType(name, kind);
  }

  /** A global's declared type: DWARF knows every global; BTF only the per-CPU ones. */
  findVariable(name: string): VariableInfo | undefined {
    return this.dwarf()?.findVariable(name) ?? this.btf.findVariable(name);
  }

  /** A function with its address range (DWARF), or its prototype alone (BTF). */
  findFunction(name: string): FunctionInfo | undefined {
    return this.dwarf()?.findFunction(name) ?? this.btf.findFunction(name);
  }

  findEnumerator(name: string): { value: bigint; type: EnumType } | undefined {
    return this.btf.findEnumerator(name) ?? this.dwarf()?.findEnumerator(name);
  }
}
