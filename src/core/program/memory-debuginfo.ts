// The debuginfo a kernel keeps in its own memory: its BTF (__start_BTF..__stop_BTF, CONFIG_DEBUG_INFO_BTF,
// what /sys/kernel/btf/vmlinux shows), and a SymbolResolver over its kallsyms. Used with no vmlinux, and
// with a separate debug file whose .BTF section is empty (SHT_NOBITS).
import { Btf } from "../debuginfo/btf";
import type { KallsymsImage } from "../debuginfo/kallsyms-image";
import type { EnumType, FunctionInfo, Type, TypeKindFilter, TypeSystem, VariableInfo } from "../debuginfo/types";
import { KdwError, MissingDebugInfo } from "../io/errors";
import type { SymbolResolver } from "./program";

/** More BTF than any kernel carries (a distribution 6.1 kernel has about 4 MiB). */
export const MAX_KERNEL_BTF = 64 << 20;

/** Reads the kernel's BTF blob from memory; `symbol` gives run-time addresses. Throws MissingDebugInfo with the reason. */
export function readMemoryBtf(read: (addr: bigint, length: number) => Uint8Array, symbol: (name: string) => bigint | undefined): Btf {
  const start = symbol("__start_BTF");
  const stop = symbol("__stop_BTF");
  if (start === undefined || stop === undefined) throw new MissingDebugInfo("the kernel has no BTF (no __start_BTF/__stop_BTF: built without CONFIG_DEBUG_INFO_BTF)");
  const size = stop - start;
  if (size <= 0n || size > BigInt(MAX_KERNEL_BTF)) throw new MissingDebugInfo(`the kernel's BTF is ${size} bytes (__start_BTF ${start.toString(16)}, __stop_BTF ${stop.toString(16)}): not a BTF blob`);
  let bytes: Uint8Array;
  try {
    bytes = read(start, Number(size));
  } catch (err) {
    if (err instanceof KdwError) throw new MissingDebugInfo(`the kernel's BTF at ${start.toString(16)} cannot be read: ${err.message}`);
    throw err;
  }
  return new Btf(bytes, { file: `kernel memory BTF at ${start.toString(16)}` });
}

/** More than any global array the walkers bound by extentOf. */
const MAX_EXTENT = 1n << 24n;

/**
 * Name to address through kallsyms (a hash over its name bytes, KallsymsImage). Sizes are not in kallsyms:
 * sizeOf answers undefined, and extentOf the distance to the next symbol above (what the kernel's own
 * kallsyms_lookup_size_offset reports).
 */
export function kallsymsResolver(image: KallsymsImage): SymbolResolver {
  return {
    addressOf: (name) => image.addressOf(name),
    sizeOf: () => undefined,
    extentOf: (name) => {
      const e = image.extentOf(name);
      return e === undefined || e > MAX_EXTENT ? undefined : Number(e);
    },
  };
}

/** A TypeSystem that knows nothing: stands in for BTF when only DWARF describes the kernel. */
export const NO_TYPES: TypeSystem = {
  findType: (_name: string, _kind?: TypeKindFilter): Type | undefined => undefined,
  findVariable: (_name: string): VariableInfo | undefined => undefined,
  findFunction: (_name: string): FunctionInfo | undefined => undefined,
  findEnumerator: (_name: string): { value: bigint; type: EnumType } | undefined => undefined,
};
