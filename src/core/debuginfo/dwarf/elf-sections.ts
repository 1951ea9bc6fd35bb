// The DWARF sections of an ELF file, as the reader takes them. The large ones (.debug_info of a distribution
// vmlinux: 156 MiB; .debug_line, .debug_abbrev, the range and location lists) stay in the file and are read
// by ranges when asked for (section.ts); the string sections and .debug_aranges (a few MiB) are read whole.
// SHF_COMPRESSED sections come back decompressed, whole.
// A vmlinux's DWARF is final: its .rela.debug_* are left over from the link and must NOT be applied. An
// ET_REL object (a kernel module) is not linked: its .debug_* hold zeros where .rela.debug_* say what goes,
// and are relocated here (into a copy) against the symbols' values plus their sections' base addresses.
import { EM_X86_64, ET_REL, SHF_COMPRESSED, SHT_NOBITS, type ElfFile } from "../../dump/elf";
import { DumpFormatError } from "../../io/errors";
import type { DwarfSections } from "./reader";
import { LazySection, type SectionData } from "./section";

// Relocation types of the x86-64 psABI that GCC uses in debug sections.
const R_X86_64_NONE = 0;
const R_X86_64_64 = 1;
const R_X86_64_32 = 10;
const R_X86_64_32S = 11;
const RELA_SIZE = 24; // Elf64_Rela
const R_OFFSET_OFF = 0; // Elf64_Rela.r_offset
const R_INFO_OFF = 8; // Elf64_Rela.r_info
const R_ADDEND_OFF = 16; // Elf64_Rela.r_addend

export interface DwarfFromElfOptions {
  /**
   * ET_REL only: the address each section was loaded at (a module's sections in the dump's memory), by
   * section index. Default: sh_addr (0), which gives DWARF right for types and link-relative for addresses.
   */
  sectionBase?: (shndx: number) => bigint;
}

export function dwarfSectionsFromElf(elf: ElfFile, options: DwarfFromElfOptions = {}): DwarfSections | undefined {
  const relocate = elf.header.type === ET_REL;
  const read = (name: string): Uint8Array | undefined => {
    const bytes = elf.sectionBytes(name);
    return bytes && relocate ? relocateSection(elf, name, bytes, options) : bytes;
  };
  // Left in the file unless they must be relocated (ET_REL) or decompressed.
  const lazy = (name: string): SectionData | undefined => {
    const h = elf.sectionHeader(name);
    if (!h || relocate || h.type === SHT_NOBITS || h.flags & SHF_COMPRESSED) return read(name);
    return new LazySection(elf.source, h.offset, h.size, `${elf.name}:${name}`);
  };
  const info = lazy(".debug_info");
  const abbrev = lazy(".debug_abbrev");
  if (!info || !abbrev) return undefined;
  return {
    file: elf.name,
    info,
    abbrev,
    str: read(".debug_str"),
    lineStr: read(".debug_line_str"),
    strOffsets: read(".debug_str_offsets"),
    addr: read(".debug_addr"),
    rnglists: lazy(".debug_rnglists"),
    ranges: lazy(".debug_ranges"),
    loclists: lazy(".debug_loclists"),
    loc: lazy(".debug_loc"),
    line: lazy(".debug_line"),
    aranges: read(".debug_aranges"),
  };
}

/** Applies .rela<name> to a copy of the section's bytes (the source's bytes are never written). */
function relocateSection(elf: ElfFile, name: string, bytes: Uint8Array, options: DwarfFromElfOptions): Uint8Array {
  const relaHeader = elf.sectionHeader(`.rela${name}`);
  if (!relaHeader) return bytes;
  if (elf.header.machine !== EM_X86_64) throw new DumpFormatError(elf.name, relaHeader.headerOffset, `relocations for machine ${elf.header.machine} are not supported`);
  const rela = elf.sectionBytes(relaHeader)!;
  if (rela.length % RELA_SIZE !== 0) throw new DumpFormatError(elf.name, relaHeader.offset, `${relaHeader.name}: size ${rela.length} is not a multiple of ${RELA_SIZE}`);
  const symtabHeader = elf.sections[relaHeader.link];
  if (!symtabHeader) throw new DumpFormatError(elf.name, relaHeader.headerOffset, `${relaHeader.name}: sh_link ${relaHeader.link} is not a section`);
  const symtab = elf.symbolTable(symtabHeader);
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const rv = new DataView(rela.buffer, rela.byteOffset, rela.byteLength);
  const base = options.sectionBase ?? ((shndx: number) => elf.sections[shndx]?.addr ?? 0n);
  for (let off = 0; off < rela.length; off += RELA_SIZE) {
    const where = rv.getBigUint64(off + R_OFFSET_OFF, true);
    const type = rv.getUint32(off + R_INFO_OFF, true);
    const sym = rv.getUint32(off + R_INFO_OFF + 4, true);
    const addend = rv.getBigInt64(off + R_ADDEND_OFF, true);
    const fail = (reason: string): never => {
      throw new DumpFormatError(elf.name, relaHeader.offset + off, `${relaHeader.name}: ${reason}`);
    };
    if (type === R_X86_64_NONE) continue;
    if (sym >= symtab.count) fail(`symbol ${sym} out of range`);
    const shndx = symtab.shndx[sym]!;
    const value = ((BigInt(symtab.valueHi[sym]!) << 32n) | BigInt(symtab.valueLo[sym]!)) + (shndx > 0 && shndx < 0xff00 ? base(shndx) : 0n);
    const s = value + addend;
    const size = type === R_X86_64_64 ? 8 : 4;
    if (where + BigInt(size) > BigInt(out.length)) fail(`offset 0x${where.toString(16)} past the end of ${name}`);
    const at = Number(where);
    switch (type) {
      case R_X86_64_64:
        view.setBigUint64(at, BigInt.asUintN(64, s), true);
        break;
      case R_X86_64_32:
        if (s < 0n || s > 0xffffffffn) fail(`R_X86_64_32 value 0x${s.toString(16)} does not fit`);
        view.setUint32(at, Number(s), true);
        break;
      case R_X86_64_32S:
        if (s < -0x80000000n || s > 0x7fffffffn) fail(`R_X86_64_32S value ${s} does not fit`);
        view.setInt32(at, Number(s), true);
        break;
      default:
        fail(`relocation type ${type} is not supported in debug sections`);
    }
  }
  return out;
}
