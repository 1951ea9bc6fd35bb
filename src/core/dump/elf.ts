// A generic ELF64 reader over a ByteSource: the vmcore (ET_CORE), the vmlinux (ET_EXEC) and modules (ET_REL).
// Layouts: Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr, Elf64_Sym, Elf64_Chdr from include/uapi/linux/elf.h and the
// System V gABI. Only headers are read at open; sections are read when asked for (the vmlinux is ~588 MB).
// Relocation sections are never applied: a vmlinux linked with --emit-relocs has final DWARF already.
import { unzlibSync } from "fflate/browser"; // the build without Node's worker_threads (loaded at start-up for the async API kdw does not use)
import { Decompress as ZstdStream } from "fzstd";
import { BytesSource, readTransient, SliceSource, type ByteSource } from "../io/byte-source";
import { DumpFormatError, TruncatedError } from "../io/errors";
import { StructReader } from "../io/struct-reader";
import { NT_GNU_BUILD_ID, parseNotes, type ElfNote } from "./elf-notes";
import { ElfSymbolTable } from "./elf-symbols";

export { ElfSymbolTable, SYM_SIZE, ST_SHNDX_OFF, ST_SIZE_OFF, ST_VALUE_OFF, type ElfSymbol } from "./elf-symbols";

export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;
export const EM_X86_64 = 62;

export const PT_LOAD = 1;
export const PT_NOTE = 4;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const SHF_COMPRESSED = 0x800;
export const ELFCOMPRESS_ZLIB = 1;
export const ELFCOMPRESS_ZSTD = 2;

const PN_XNUM = 0xffff; // e_phnum escape: the count is in section 0's sh_info
const SHN_XINDEX = 0xffff; // e_shstrndx escape: the index is in section 0's sh_link

const EI_CLASS = 4; // e_ident[EI_CLASS]
const EI_DATA = 5; // e_ident[EI_DATA]
const EI_OSABI = 7; // e_ident[EI_OSABI]
const E_TYPE_OFF = 0x10; // Elf64_Ehdr.e_type
const E_MACHINE_OFF = 0x12; // Elf64_Ehdr.e_machine
const E_VERSION_OFF = 0x14; // Elf64_Ehdr.e_version
const E_ENTRY_OFF = 0x18; // Elf64_Ehdr.e_entry
const E_PHOFF_OFF = 0x20; // Elf64_Ehdr.e_phoff
const E_SHOFF_OFF = 0x28; // Elf64_Ehdr.e_shoff
const E_FLAGS_OFF = 0x30; // Elf64_Ehdr.e_flags
const E_PHENTSIZE_OFF = 0x36; // Elf64_Ehdr.e_phentsize
const E_PHNUM_OFF = 0x38; // Elf64_Ehdr.e_phnum
const E_SHENTSIZE_OFF = 0x3a; // Elf64_Ehdr.e_shentsize
const E_SHNUM_OFF = 0x3c; // Elf64_Ehdr.e_shnum
const E_SHSTRNDX_OFF = 0x3e; // Elf64_Ehdr.e_shstrndx
const EHDR_SIZE = 64;

const P_TYPE_OFF = 0x00; // Elf64_Phdr.p_type
const P_FLAGS_OFF = 0x04; // Elf64_Phdr.p_flags
const P_OFFSET_OFF = 0x08; // Elf64_Phdr.p_offset
const P_VADDR_OFF = 0x10; // Elf64_Phdr.p_vaddr
const P_PADDR_OFF = 0x18; // Elf64_Phdr.p_paddr
const P_FILESZ_OFF = 0x20; // Elf64_Phdr.p_filesz
const P_MEMSZ_OFF = 0x28; // Elf64_Phdr.p_memsz
const P_ALIGN_OFF = 0x30; // Elf64_Phdr.p_align
const PHDR_SIZE = 56;

const SH_NAME_OFF = 0x00; // Elf64_Shdr.sh_name
const SH_TYPE_OFF = 0x04; // Elf64_Shdr.sh_type
const SH_FLAGS_OFF = 0x08; // Elf64_Shdr.sh_flags (low word: every SHF_* we use)
const SH_ADDR_OFF = 0x10; // Elf64_Shdr.sh_addr
const SH_OFFSET_OFF = 0x18; // Elf64_Shdr.sh_offset
const SH_SIZE_OFF = 0x20; // Elf64_Shdr.sh_size
const SH_LINK_OFF = 0x28; // Elf64_Shdr.sh_link
const SH_INFO_OFF = 0x2c; // Elf64_Shdr.sh_info
const SH_ADDRALIGN_OFF = 0x30; // Elf64_Shdr.sh_addralign
const SH_ENTSIZE_OFF = 0x38; // Elf64_Shdr.sh_entsize
const SHDR_SIZE = 64;

const CH_TYPE_OFF = 0x00; // Elf64_Chdr.ch_type
const CH_SIZE_OFF = 0x08; // Elf64_Chdr.ch_size
const CHDR_SIZE = 24;


/** Caps on counts taken from the file (the gABI allows more; no real kernel file comes near). */
export const MAX_PROGRAM_HEADERS = 1_000_000;
export const MAX_SECTIONS = 1_000_000;
/** A decompressed section larger than this is refused (the largest vmlinux section is ~160 MiB). */
export const MAX_DECOMPRESSED_SECTION = 1 << 30;

export interface ElfHeader {
  littleEndian: boolean;
  osabi: number;
  type: number;
  machine: number;
  version: number;
  entry: bigint;
  phoff: number;
  shoff: number;
  flags: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ProgramHeader {
  index: number;
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: bigint;
  align: bigint;
  /** File offset of this Elf64_Phdr, for messages. */
  headerOffset: number;
}

export interface SectionHeader {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  offset: number;
  /** Size in the file (for SHF_COMPRESSED: the compressed size, header included). */
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
  /** File offset of this Elf64_Shdr, for messages. */
  headerOffset: number;
}

export function isElf64(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46 && bytes[EI_CLASS] === ELFCLASS64;
}

function hex(n: number | bigint): string {
  return "0x" + n.toString(16);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** A string out of a string table; a bad offset or a missing NUL names the table's file offset. */
function strtabString(table: Uint8Array, off: number, file: string, tableOffset: number, what: string): string {
  if (off >= table.length) throw new DumpFormatError(file, tableOffset, `${what}: string offset ${hex(off)} past the end of the string table (${table.length} bytes)`);
  const end = table.indexOf(0, off);
  if (end < 0) throw new DumpFormatError(file, tableOffset + off, `${what}: string at ${hex(off)} is not NUL-terminated`);
  return latin1(table, off, end);
}

/**
 * zstd through the streaming decoder, so that output is counted as it comes: fzstd's one-shot decompress into
 * a given buffer neither reports a short (truncated) stream nor refuses a longer one.
 */
function zstdSection(payload: Uint8Array, chSize: number): Uint8Array {
  const out = new Uint8Array(chSize);
  let done = 0;
  let ended = false;
  const stream = new ZstdStream((chunk, final) => {
    if (chunk.length > chSize - done) throw new Error(`more than ch_size ${chSize} bytes`);
    out.set(chunk, done);
    done += chunk.length;
    if (final) ended = true;
  });
  stream.push(payload, true);
  if (!ended) throw new Error("stream does not end");
  return out.subarray(0, done);
}

export class ElfFile {
  readonly programHeaders: ProgramHeader[];
  readonly sections: SectionHeader[];
  private readonly byName = new Map<string, SectionHeader>();
  private readonly decompressed = new Map<number, Uint8Array>();
  private readonly symtabs = new Map<number, ElfSymbolTable>();

  private constructor(
    readonly source: ByteSource,
    readonly header: ElfHeader,
  ) {
    const first = header.shnum > 0 || header.shoff > 0 ? this.readSection0() : null;
    const phnum = header.phnum === PN_XNUM && first ? first.info : header.phnum;
    this.programHeaders = this.readProgramHeaders(phnum);
    this.sections = this.readSectionHeaders(first);
    for (const s of this.sections) if (s.name !== "" && !this.byName.has(s.name)) this.byName.set(s.name, s);
  }

  /** Reads and checks the ELF header, the program headers and the section headers (with names). */
  static open(source: ByteSource): ElfFile {
    const name = source.name;
    if (source.size < EHDR_SIZE) throw new TruncatedError(name, 0, EHDR_SIZE, source.size);
    const ident = source.read(0, EHDR_SIZE);
    if (ident[0] !== 0x7f || ident[1] !== 0x45 || ident[2] !== 0x4c || ident[3] !== 0x46) {
      throw new DumpFormatError(name, 0, "bad ELF magic (expected 7f 45 4c 46)");
    }
    if (ident[EI_CLASS] !== ELFCLASS64) throw new DumpFormatError(name, EI_CLASS, `ELF class ${ident[EI_CLASS]}: only ELF64 (2) is supported`);
    const data = ident[EI_DATA];
    if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) throw new DumpFormatError(name, EI_DATA, `bad ELF data encoding ${data}`);
    const r = new StructReader(ident, name, 0, data === ELFDATA2LSB);
    const header: ElfHeader = {
      littleEndian: data === ELFDATA2LSB,
      osabi: r.u8(EI_OSABI),
      type: r.u16(E_TYPE_OFF),
      machine: r.u16(E_MACHINE_OFF),
      version: r.u32(E_VERSION_OFF),
      entry: r.u64(E_ENTRY_OFF),
      phoff: r.u64n(E_PHOFF_OFF, "e_phoff"),
      shoff: r.u64n(E_SHOFF_OFF, "e_shoff"),
      flags: r.u32(E_FLAGS_OFF),
      phentsize: r.u16(E_PHENTSIZE_OFF),
      phnum: r.u16(E_PHNUM_OFF),
      shentsize: r.u16(E_SHENTSIZE_OFF),
      shnum: r.u16(E_SHNUM_OFF),
      shstrndx: r.u16(E_SHSTRNDX_OFF),
    };
    if (header.phnum > 0 && header.phoff === 0) throw new DumpFormatError(name, E_PHOFF_OFF, `e_phoff is 0 with e_phnum ${header.phnum}`);
    if (header.shnum > 0 && header.shoff === 0) throw new DumpFormatError(name, E_SHOFF_OFF, `e_shoff is 0 with e_shnum ${header.shnum}`);
    if (header.phnum > 0 && header.phentsize !== PHDR_SIZE) {
      throw new DumpFormatError(name, E_PHENTSIZE_OFF, `e_phentsize ${header.phentsize}, expected ${PHDR_SIZE}`);
    }
    if ((header.shnum > 0 || header.shoff > 0) && header.shentsize !== SHDR_SIZE) {
      throw new DumpFormatError(name, E_SHENTSIZE_OFF, `e_shentsize ${header.shentsize}, expected ${SHDR_SIZE}`);
    }
    return new ElfFile(source, header);
  }

  get name(): string {
    return this.source.name;
  }

  /** Section 0 holds the real counts when e_shnum/e_phnum/e_shstrndx overflow (gABI extended numbering). */
  private readSection0(): { size: number; link: number; info: number } {
    const off = this.header.shoff;
    const r = new StructReader(this.source.read(off, SHDR_SIZE), this.name, off, this.header.littleEndian);
    return { size: r.u64n(SH_SIZE_OFF, "sh_size"), link: r.u32(SH_LINK_OFF), info: r.u32(SH_INFO_OFF) };
  }

  private readProgramHeaders(phnum: number): ProgramHeader[] {
    const h = this.header;
    if (phnum === 0) return [];
    if (phnum > MAX_PROGRAM_HEADERS) throw new DumpFormatError(this.name, E_PHNUM_OFF, `e_phnum ${phnum} is absurd`);
    const bytes = this.source.read(h.phoff, phnum * PHDR_SIZE);
    const r = new StructReader(bytes, this.name, h.phoff, h.littleEndian);
    const out: ProgramHeader[] = [];
    for (let i = 0; i < phnum; i++) {
      const b = i * PHDR_SIZE;
      const ph: ProgramHeader = {
        index: i,
        type: r.u32(b + P_TYPE_OFF),
        flags: r.u32(b + P_FLAGS_OFF),
        offset: r.u64n(b + P_OFFSET_OFF, "p_offset"),
        vaddr: r.u64(b + P_VADDR_OFF),
        paddr: r.u64(b + P_PADDR_OFF),
        filesz: r.u64n(b + P_FILESZ_OFF, "p_filesz"),
        memsz: r.u64(b + P_MEMSZ_OFF),
        align: r.u64(b + P_ALIGN_OFF),
        headerOffset: h.phoff + b,
      };
      out.push(ph);
    }
    return out;
  }

  private readSectionHeaders(first: { size: number; link: number } | null): SectionHeader[] {
    const h = this.header;
    if (first === null) return [];
    const shnum = h.shnum === 0 ? first.size : h.shnum;
    if (shnum === 0) return [];
    if (shnum > MAX_SECTIONS) throw new DumpFormatError(this.name, E_SHNUM_OFF, `section count ${shnum} is absurd`);
    const bytes = this.source.read(h.shoff, shnum * SHDR_SIZE);
    const r = new StructReader(bytes, this.name, h.shoff, h.littleEndian);
    const nameOffs: number[] = [];
    const out: SectionHeader[] = [];
    for (let i = 0; i < shnum; i++) {
      const b = i * SHDR_SIZE;
      const s: SectionHeader = {
        index: i,
        name: "",
        type: r.u32(b + SH_TYPE_OFF),
        flags: r.u32(b + SH_FLAGS_OFF + (h.littleEndian ? 0 : 4)),
        addr: r.u64(b + SH_ADDR_OFF),
        offset: r.u64n(b + SH_OFFSET_OFF, "sh_offset"),
        size: r.u64n(b + SH_SIZE_OFF, "sh_size"),
        link: r.u32(b + SH_LINK_OFF),
        info: r.u32(b + SH_INFO_OFF),
        addralign: r.u64n(b + SH_ADDRALIGN_OFF, "sh_addralign"),
        entsize: r.u64n(b + SH_ENTSIZE_OFF, "sh_entsize"),
        headerOffset: h.shoff + b,
      };
      // SHT_NOBITS (.bss) and SHT_NULL occupy no file space; every other section must lie inside the file.
      if (s.type !== SHT_NOBITS && s.type !== SHT_NULL && (s.offset > this.source.size || s.size > this.source.size - s.offset)) {
        throw new DumpFormatError(this.name, s.headerOffset + SH_OFFSET_OFF, `section ${i} [${hex(s.offset)}, +${hex(s.size)}) runs past the end of the file (size ${hex(this.source.size)})`);
      }
      nameOffs.push(r.u32(b + SH_NAME_OFF));
      out.push(s);
    }
    const strndx = h.shstrndx === SHN_XINDEX ? first.link : h.shstrndx;
    if (strndx === 0) return out;
    const strsec = out[strndx];
    if (strsec === undefined) throw new DumpFormatError(this.name, E_SHSTRNDX_OFF, `e_shstrndx ${strndx} out of range (${shnum} sections)`);
    const table = this.source.read(strsec.offset, strsec.size);
    for (let i = 0; i < out.length; i++) {
      out[i]!.name = strtabString(table, nameOffs[i]!, this.name, strsec.offset, `section ${i} name`);
    }
    return out;
  }

  /** The first section of that name. */
  sectionHeader(name: string): SectionHeader | undefined {
    return this.byName.get(name);
  }

  /**
   * The section's contents as a ByteSource, read lazily: a window of the file (zero copy), or the
   * decompressed bytes of an SHF_COMPRESSED section (decompressed once, cached). SHT_NOBITS reads as zeros.
   */
  section(nameOrHeader: string | SectionHeader): ByteSource | undefined {
    const s = typeof nameOrHeader === "string" ? this.byName.get(nameOrHeader) : nameOrHeader;
    if (s === undefined) return undefined;
    const label = `${this.name}(${s.name})`;
    if (s.type === SHT_NOBITS) return new BytesSource(label, new Uint8Array(0));
    if (s.flags & SHF_COMPRESSED) return new BytesSource(label, this.decompressedSection(s));
    return new SliceSource(this.source, s.offset, s.size, this.name);
  }

  /** The whole section in memory (decompressed if need be). Prefer `section()` for the large DWARF sections. */
  sectionBytes(nameOrHeader: string | SectionHeader): Uint8Array | undefined {
    const s = typeof nameOrHeader === "string" ? this.byName.get(nameOrHeader) : nameOrHeader;
    if (s === undefined) return undefined;
    if (s.type === SHT_NOBITS) return new Uint8Array(0);
    if (s.flags & SHF_COMPRESSED) return this.decompressedSection(s);
    return this.source.read(s.offset, s.size);
  }

  private decompressedSection(s: SectionHeader): Uint8Array {
    const cached = this.decompressed.get(s.index);
    if (cached) return cached;
    const raw = this.source.read(s.offset, s.size);
    const r = new StructReader(raw, this.name, s.offset, this.header.littleEndian);
    if (raw.length < CHDR_SIZE) throw new DumpFormatError(this.name, s.offset, `compressed section ${s.name}: ${raw.length} bytes, too short for Elf64_Chdr`);
    const chType = r.u32(CH_TYPE_OFF);
    const chSize = r.u64n(CH_SIZE_OFF, "ch_size");
    if (chSize > MAX_DECOMPRESSED_SECTION) {
      throw new DumpFormatError(this.name, s.offset + CH_SIZE_OFF, `compressed section ${s.name}: ch_size ${chSize} is larger than ${MAX_DECOMPRESSED_SECTION}`);
    }
    const payload = raw.subarray(CHDR_SIZE);
    let out: Uint8Array;
    try {
      if (chType === ELFCOMPRESS_ZLIB) {
        // One spare byte: fflate silently stops at the end of a given buffer, so a fuller buffer means "too long".
        out = unzlibSync(payload, { out: new Uint8Array(chSize + 1) });
      } else if (chType === ELFCOMPRESS_ZSTD) {
        out = zstdSection(payload, chSize);
      } else {
        throw new DumpFormatError(this.name, s.offset + CH_TYPE_OFF, `compressed section ${s.name}: unknown ch_type ${chType}`);
      }
    } catch (e) {
      if (e instanceof DumpFormatError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new DumpFormatError(this.name, s.offset + CHDR_SIZE, `compressed section ${s.name} does not decompress: ${why}`);
    }
    if (out.length !== chSize) {
      throw new DumpFormatError(this.name, s.offset + CH_SIZE_OFF, `compressed section ${s.name}: decompressed to ${out.length > chSize ? "more than" : out.length} bytes, ch_size says ${chSize}`);
    }
    this.decompressed.set(s.index, out);
    return out;
  }

  /** Notes of the PT_NOTE segments, or, when there are none, of the SHT_NOTE sections. */
  notes(): ElfNote[] {
    const out: ElfNote[] = [];
    const le = this.header.littleEndian;
    const segs = this.programHeaders.filter((p) => p.type === PT_NOTE);
    if (segs.length > 0) {
      for (const p of segs) {
        const bytes = this.source.read(p.offset, p.filesz);
        out.push(...parseNotes(bytes, this.name, p.offset, { littleEndian: le, align: p.align === 8n ? 8 : 4 }));
      }
      return out;
    }
    for (const s of this.sections) {
      if (s.type !== SHT_NOTE) continue;
      const bytes = this.sectionBytes(s)!;
      out.push(...parseNotes(bytes, this.name, s.offset, { littleEndian: le, align: s.addralign === 8 ? 8 : 4 }));
    }
    return out;
  }

  /** The GNU build id (NT_GNU_BUILD_ID, name "GNU") as lowercase hex, or null. */
  buildId(): string | null {
    for (const n of this.notes()) {
      if (n.name === "GNU" && n.type === NT_GNU_BUILD_ID) {
        let s = "";
        for (const b of n.desc) s += b.toString(16).padStart(2, "0");
        return s;
      }
    }
    return null;
  }

  /** The static symbol table (.symtab), else the dynamic one; null when the file has neither. Parsed once. */
  symbols(): ElfSymbolTable | null {
    const s = this.sections.find((x) => x.type === SHT_SYMTAB) ?? this.sections.find((x) => x.type === SHT_DYNSYM);
    return s ? this.symbolTable(s) : null;
  }

  symbolTable(s: SectionHeader): ElfSymbolTable {
    const cached = this.symtabs.get(s.index);
    if (cached) return cached;
    if (s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) throw new DumpFormatError(this.name, s.headerOffset + SH_TYPE_OFF, `section ${s.name} is not a symbol table`);
    const strsec = this.sections[s.link];
    if (strsec === undefined || strsec.type !== SHT_STRTAB) {
      throw new DumpFormatError(this.name, s.headerOffset + SH_LINK_OFF, `symbol table ${s.name}: sh_link ${s.link} is not a string table`);
    }
    const compressed = ((s.flags | strsec.flags) & SHF_COMPRESSED) !== 0;
    const symtab = () => this.sectionBytes(s)!;
    const strtab = () => this.sectionBytes(strsec)!;
    const t = new ElfSymbolTable({
      file: this.name,
      symtabOffset: s.offset,
      strtabOffset: strsec.offset,
      littleEndian: this.header.littleEndian,
      // A compressed table's sizes are its decompressed ones (it is read whole, at once).
      symtabSize: compressed ? symtab().length : s.size,
      strtabSize: compressed ? strtab().length : strsec.size,
      // One entry or one name, used at once: through the source's reused buffer, not a fresh cached block
      // (a lookup by name reads an entry and a name far apart; 32 KiB blocks cost their page faults).
      read: compressed ? undefined : (offset, length) => readTransient(this.source, offset, length),
      symtab,
      strtab,
    });
    this.symtabs.set(s.index, t);
    return t;
  }
}

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
