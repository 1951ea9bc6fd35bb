// The DWARF sections of an ELF file, as the reader takes them. Each section is read whole (.debug_info of a
// distribution vmlinux: 156 MiB) and only when present; SHF_COMPRESSED sections come back decompressed.
// Relocations (.rela.debug_*) are NOT applied: a vmlinux's DWARF is final (its .rela.debug_* are left over
// from the link and must be ignored). An ET_REL module's DWARF needs them: refused here until it is done.
import { ET_REL, type ElfFile } from "../../dump/elf";
import { DumpFormatError } from "../../io/errors";
import type { DwarfSections } from "./reader";

export function dwarfSectionsFromElf(elf: ElfFile, options: { allowUnrelocated?: boolean } = {}): DwarfSections | undefined {
  const info = elf.sectionBytes(".debug_info");
  const abbrev = elf.sectionBytes(".debug_abbrev");
  if (!info || !abbrev) return undefined;
  if (elf.header.type === ET_REL && !options.allowUnrelocated && elf.sectionHeader(".rela.debug_info")) {
    throw new DumpFormatError(elf.name, 0, "relocatable object (kernel module): its DWARF needs .rela.debug_* applied, which is not implemented");
  }
  return {
    file: elf.name,
    info,
    abbrev,
    str: elf.sectionBytes(".debug_str"),
    lineStr: elf.sectionBytes(".debug_line_str"),
    strOffsets: elf.sectionBytes(".debug_str_offsets"),
    addr: elf.sectionBytes(".debug_addr"),
    rnglists: elf.sectionBytes(".debug_rnglists"),
    ranges: elf.sectionBytes(".debug_ranges"),
    loclists: elf.sectionBytes(".debug_loclists"),
    loc: elf.sectionBytes(".debug_loc"),
    line: elf.sectionBytes(".debug_line"),
    aranges: elf.sectionBytes(".debug_aranges"),
  };
}
