// Lookups of types and enumerators that a kernel may not have (a structure added in 6.x, an enumerator
// renamed). Asked through the program they fall through to DWARF when BTF lacks them, and the first DWARF
// question indexes the vmlinux's DWARF (seconds, tens of seconds without the cache): the detectors ask
// many such questions on every open (and so do the declared layouts, program/layout.ts), so they ask BTF
// alone unless DWARF is already open. BTF is made
// from the same DWARF (pahole converts every type), so what BTF lacks, this kernel lacks.
import { CombinedTypeSystem } from "../debuginfo/combined-types";
import type { Type } from "../debuginfo/types";
import type { Program } from "./program";
import { parseTypeName } from "./type-names";

/** A type by C name, or undefined; never opens DWARF for it. */
export function optionalType(prog: Program, name: string): Type | undefined {
  const ts = prog.types;
  if (ts instanceof CombinedTypeSystem && !ts.dwarfOpened) {
    return parseTypeName(ts.btf, name) !== undefined ? prog.findType(name) : undefined;
  }
  return prog.findType(name);
}

/** An enumerator's value, or undefined; never opens DWARF for it. */
export function optionalEnumerator(prog: Program, name: string): bigint | undefined {
  const ts = prog.types;
  if (ts instanceof CombinedTypeSystem && !ts.dwarfOpened) return ts.btf.findEnumerator(name)?.value;
  return ts.findEnumerator(name)?.value;
}
