// Where each section of a loaded module lives: the kernel keeps the load address of every allocated section
// in module.sect_attrs for /sys/module/NAME/sections/ (kernel/module/sysfs.c add_sect_attrs):
//   5.8+:  struct module_sect_attr { struct bin_attribute battr; unsigned long address; }
//          (the section name is battr.attr.name)
//   <5.8:  struct module_sect_attr { struct module_attribute mattr; char *name; unsigned long address; }
//   struct module_sect_attrs { struct attribute_group grp; unsigned int nsections; struct module_sect_attr attrs[]; }
// A module that unlinks itself from the module list keeps its kobject, so sect_attrs stays readable. Without
// it (CONFIG_SYSFS or CONFIG_KALLSYMS off, or the pointer unreadable) only .text is known: it starts the
// core layout (module_layout.base / mem[MOD_TEXT].base), which is what crash falls back to as well.
import { KdwError, WalkAborted } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { latin1, type KernelModule } from "./read";

/** More sections than a module has (an -ffunction-sections build can have thousands); a count above is capped. */
export const MAX_MODULE_SECTIONS = 1 << 14;
/** Longest section name read from the dump. */
const MAX_SECTION_NAME = 512;

export interface ModuleSection {
  name: string;
  address: bigint;
}

export interface ModuleSections {
  sections: ModuleSection[];
  /** "sect_attrs" when read from the kernel's table; "text-base" when only .text at the layout base is known. */
  source: "sect_attrs" | "text-base";
  problems: WalkAborted[];
}

/** All optional: a kernel without them knows only .text (see above). */
const SECT_ATTRS = layout(
  {
    sectAttrs: optional("module.sect_attrs"), // struct module_sect_attrs *
    nsections: optional("module_sect_attrs.nsections"),
    attrs: optional("module_sect_attrs.attrs"), // struct module_sect_attr attrs[]
    name: optional("module_sect_attr.battr.attr.name", "module_sect_attr.name"), // 5.8+, before: const char *
    address: optional("module_sect_attr.address"),
  },
  (o, m, prog) => {
    const attrSize = prog.findType("struct module_sect_attr") ? prog.sizeOf("struct module_sect_attr") : 0;
    const { sectAttrs, nsections, attrs, name, address } = o;
    // nsections is an unsigned int; a kernel that made it wider would still be read by its low 32 bits.
    if (sectAttrs === undefined || nsections === undefined || attrs === undefined || name === undefined || address === undefined || attrSize <= 0 || m.nsections!.size < 4) return { complete: undefined };
    return { complete: { sectAttrs, nsections, attrs, attrSize, name, address } };
  },
);

/** The load address of each of the module's allocated sections, in the kernel's order. */
export function moduleSectionAddresses(prog: Program, mod: KernelModule): ModuleSections {
  const what = `sections of module ${mod.name} (sect_attrs)`;
  const problems: WalkAborted[] = [];
  const fallback = (): ModuleSections => ({ sections: mod.base !== 0n ? [{ name: ".text", address: mod.base }] : [], source: "text-base", problems });
  const l = SECT_ATTRS.of(prog).complete;
  if (!l) {
    problems.push(new WalkAborted(what, "the kernel has no module_sect_attrs (CONFIG_SYSFS/CONFIG_KALLSYMS off): only .text is known", 0));
    return fallback();
  }
  const sections: ModuleSection[] = [];
  try {
    const table = prog.readU64(mod.address + BigInt(l.sectAttrs));
    if (table === 0n) {
      problems.push(new WalkAborted(what, "module.sect_attrs is NULL: only .text is known", 0));
      return fallback();
    }
    const count = prog.readU32(table + BigInt(l.nsections));
    const n = Math.min(count, MAX_MODULE_SECTIONS);
    if (count > n) problems.push(new WalkAborted(what, `nsections ${count} is more than ${MAX_MODULE_SECTIONS}: read the first ${n}`, n));
    const bytes = prog.read(table + BigInt(l.attrs), n * l.attrSize);
    const dv = dataView(bytes);
    for (let i = 0; i < n; i++) {
      const at = i * l.attrSize;
      const namePtr = dv.getBigUint64(at + l.name, true);
      const address = dv.getBigUint64(at + l.address, true);
      try {
        sections.push({ name: latin1(prog.readCString(namePtr, MAX_SECTION_NAME)), address });
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        problems.push(new WalkAborted(what, `section ${i} name at ${namePtr.toString(16)}: ${err.message}`, i));
      }
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(new WalkAborted(what, err.message, sections.length));
    if (sections.length === 0) return fallback();
  }
  return { sections, source: "sect_attrs", problems };
}
