// A generic ELF64 reader over a ByteSource: the vmcore (ET_CORE), the vmlinux (ET_EXEC) and modules (ET_REL).
// Layouts: Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr, Elf64_Sym, Elf64_Chdr from include/uapi/linux/elf.h and the
// System V gABI. Only headers are read at open; sections are read when asked for (the vmlinux is ~588 MB).
// Relocation sections are never applied: a vmlinux linked with --emit-relocs has final DWARF already.
import { unzlibSync } from "fflate";
import { Decompress as ZstdStream } from "fzstd";
import { BytesSource, SliceSource, type ByteSource } from "../io/byte-source";
import { DumpFormatError, TruncatedError } from "../io/errors";
import { StructReader } from "../io/struct-reader";
import { NT_GNU_BUILD_ID, parseNotes, type ElfNote } from "./elf-notes";

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

const ST_NAME_OFF = 0x00; // Elf64_Sym.st_name
const ST_INFO_OFF = 0x04; // Elf64_Sym.st_info
const ST_OTHER_OFF = 0x05; // Elf64_Sym.st_other
const ST_SHNDX_OFF = 0x06; // Elf64_Sym.st_shndx
const ST_VALUE_OFF = 0x08; // Elf64_Sym.st_value
const ST_SIZE_OFF = 0x10; // Elf64_Sym.st_size
const SYM_SIZE = 24;

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

const LATIN1 = new TextDecoder("latin1");

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
    const t = new ElfSymbolTable(this.name, this.sectionBytes(s)!, s.offset, this.sectionBytes(strsec)!, strsec.offset, this.header.littleEndian);
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

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  bind: number;
  other: number;
  shndx: number;
}

/** FNV-1a over bytes [start, end). */
function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  return h >>> 0;
}

/** A symbol name as the string table's bytes (names decode as Latin-1: one byte a char); null if it cannot be one. */
function LATIN1_ENCODE(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c > 0xff) return null;
    out[k] = c;
  }
  return out;
}

/** The columns of an Elf64_Sym table besides the names and st_info (built together, on first use). */
interface SymbolColumns {
  other: Uint8Array;
  shndx: Uint16Array;
  valueLo: Uint32Array;
  valueHi: Uint32Array;
  sizeLo: Uint32Array;
  sizeHi: Uint32Array;
}

/**
 * An Elf64_Sym table (no BigInt while parsing: 64-bit fields are two 32-bit halves). Opening checks every
 * st_name and keeps st_name and st_info in columns; a symbol's other fields are read from the table's bytes
 * when asked for, and the full columns (sorted tables, relocations) are built on their first use. Names stay
 * undecoded (string-table offsets) until asked for; then the string table is decoded once into one string
 * and names are slices of it. The first `indexOf` builds a name hash table over the names' bytes.
 */
export class ElfSymbolTable {
  readonly count: number;
  readonly nameOffset: Uint32Array;
  readonly info: Uint8Array;
  private readonly view: DataView;
  private readonly lo: number;
  private readonly hi: number;
  private cols: SymbolColumns | null = null;
  private strtabText: string | null = null;
  private byName: Int32Array | null = null;
  /** indexOf's answers by name: walkers ask the same few names again and again. */
  private readonly found = new Map<string, number>();

  constructor(
    readonly file: string,
    symtab: Uint8Array,
    symtabOffset: number,
    private readonly strtab: Uint8Array,
    private readonly strtabOffset: number,
    private readonly littleEndian: boolean,
  ) {
    if (symtab.length % SYM_SIZE !== 0) {
      throw new DumpFormatError(file, symtabOffset, `symbol table size ${symtab.length} is not a multiple of ${SYM_SIZE}`);
    }
    const n = symtab.length / SYM_SIZE;
    this.count = n;
    this.nameOffset = new Uint32Array(n);
    this.info = new Uint8Array(n);
    const view = (this.view = new DataView(symtab.buffer, symtab.byteOffset, symtab.byteLength));
    this.lo = littleEndian ? 0 : 4;
    this.hi = littleEndian ? 4 : 0;
    const strLen = strtab.length;
    for (let i = 0, b = 0; i < n; i++, b += SYM_SIZE) {
      const nameOff = view.getUint32(b + ST_NAME_OFF, littleEndian);
      if (nameOff >= strLen && nameOff !== 0) {
        throw new DumpFormatError(file, symtabOffset + b + ST_NAME_OFF, `symbol ${i}: st_name ${hex(nameOff)} past the end of the string table (${strLen} bytes)`);
      }
      this.nameOffset[i] = nameOff;
      this.info[i] = symtab[b + ST_INFO_OFF]!;
    }
  }

  get other(): Uint8Array {
    return this.columns().other;
  }
  get shndx(): Uint16Array {
    return this.columns().shndx;
  }
  get valueLo(): Uint32Array {
    return this.columns().valueLo;
  }
  get valueHi(): Uint32Array {
    return this.columns().valueHi;
  }
  get sizeLo(): Uint32Array {
    return this.columns().sizeLo;
  }
  get sizeHi(): Uint32Array {
    return this.columns().sizeHi;
  }

  private columns(): SymbolColumns {
    if (this.cols) return this.cols;
    const n = this.count;
    const c: SymbolColumns = { other: new Uint8Array(n), shndx: new Uint16Array(n), valueLo: new Uint32Array(n), valueHi: new Uint32Array(n), sizeLo: new Uint32Array(n), sizeHi: new Uint32Array(n) };
    const { view, littleEndian, lo, hi } = this;
    for (let i = 0, b = 0; i < n; i++, b += SYM_SIZE) {
      c.other[i] = view.getUint8(b + ST_OTHER_OFF);
      c.shndx[i] = view.getUint16(b + ST_SHNDX_OFF, littleEndian);
      c.valueLo[i] = view.getUint32(b + ST_VALUE_OFF + lo, littleEndian);
      c.valueHi[i] = view.getUint32(b + ST_VALUE_OFF + hi, littleEndian);
      c.sizeLo[i] = view.getUint32(b + ST_SIZE_OFF + lo, littleEndian);
      c.sizeHi[i] = view.getUint32(b + ST_SIZE_OFF + hi, littleEndian);
    }
    return (this.cols = c);
  }

  /** st_shndx of symbol i (SHN_UNDEF, 0, for an undefined one), read from the table. */
  sectionIndex(i: number): number {
    this.checkIndex(i);
    return this.view.getUint16(i * SYM_SIZE + ST_SHNDX_OFF, this.littleEndian);
  }

  /** The symbol's name; DumpFormatError when its string is not NUL-terminated inside the string table. */
  name(i: number): string {
    this.checkIndex(i);
    const off = this.nameOffset[i]!;
    if (this.strtab.length === 0) return "";
    if (this.strtabText === null) {
      // One decode of the whole table, one UTF-16 unit per byte so offsets stay valid (Node's "latin1" is
      // ISO-8859-1; browsers give windows-1252, which differs only in 0x80-0x9f: never in kernel symbols).
      this.strtabText = LATIN1.decode(this.strtab);
    }
    const end = this.strtabText.indexOf("\0", off);
    if (end < 0) throw new DumpFormatError(this.file, this.strtabOffset + off, `symbol ${i} name at ${hex(off)} is not NUL-terminated`);
    return this.strtabText.slice(off, end);
  }

  private checkIndex(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`symbol index ${i} out of range (${this.count})`);
  }

  type(i: number): number {
    return this.info[i]! & 0xf;
  }

  bind(i: number): number {
    return this.info[i]! >> 4;
  }

  value(i: number): bigint {
    this.checkIndex(i);
    return this.u64(i * SYM_SIZE + ST_VALUE_OFF);
  }

  size(i: number): bigint {
    this.checkIndex(i);
    return this.u64(i * SYM_SIZE + ST_SIZE_OFF);
  }

  private u64(at: number): bigint {
    const v = this.view;
    return (BigInt(v.getUint32(at + this.hi, this.littleEndian)) << 32n) | BigInt(v.getUint32(at + this.lo, this.littleEndian));
  }

  symbol(i: number): ElfSymbol {
    this.checkIndex(i);
    return { name: this.name(i), value: this.value(i), size: this.size(i), type: this.type(i), bind: this.bind(i), other: this.view.getUint8(i * SYM_SIZE + ST_OTHER_OFF), shndx: this.sectionIndex(i) };
  }

  /**
   * Index of the first global symbol of that name, else of the first local one; -1 if none. The first call
   * builds an open-addressing hash table over the names' bytes in the string table (no JS string per
   * symbol: a vmlinux has ~119k of them, and a start-up needs a handful).
   */
  indexOf(name: string): number {
    let i = this.found.get(name);
    if (i === undefined) {
      i = this.search(name);
      this.found.set(name, i);
    }
    return i;
  }

  private search(name: string): number {
    const table = (this.byName ??= this.buildNameTable());
    const mask = table.length - 1;
    const q = LATIN1_ENCODE(name);
    if (q === null) return -1;
    let h = fnv1a(q, 0, q.length) & mask;
    for (let probes = 0; probes <= mask; probes++) {
      const i = table[h]!;
      if (i === 0) return -1;
      if (this.nameEquals(i, q)) return i;
      h = (h + 1) & mask;
    }
    return -1;
  }

  private nameEquals(i: number, q: Uint8Array): boolean {
    const off = this.nameOffset[i]!;
    const st = this.strtab;
    if (off + q.length >= st.length || st[off + q.length] !== 0) return false;
    for (let k = 0; k < q.length; k++) if (st[off + k] !== q[k]) return false;
    return true;
  }

  private buildNameTable(): Int32Array {
    let size = 1;
    while (size < this.count * 2) size <<= 1;
    const table = new Int32Array(size);
    const mask = size - 1;
    const st = this.strtab;
    const names = this.nameOffset;
    const len = st.length;
    for (let i = 1; i < this.count; i++) {
      const off = names[i]!;
      if (off === 0 || off >= len) continue;
      // The name's end and its hash in one pass (fnv1a's).
      let end = off;
      let hash = 0x811c9dc5;
      for (let c = st[end]!; c !== 0; c = st[end]!) {
        hash = Math.imul(hash ^ c, 0x01000193);
        if (++end >= len) break;
      }
      if (end >= len) continue;
      let h = (hash >>> 0) & mask;
      for (;;) {
        const j = table[h]!;
        if (j === 0) {
          table[h] = i;
          break;
        }
        if (this.sameName(j, off, end)) {
          // Keep the first global of a name over earlier locals (the first of each kind otherwise).
          if (this.bind(j) === STB_LOCAL && this.bind(i) !== STB_LOCAL) table[h] = i;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return table;
  }

  private sameName(j: number, off: number, end: number): boolean {
    const st = this.strtab;
    const o = this.nameOffset[j]!;
    const len = end - off;
    if (o + len >= st.length || st[o + len] !== 0) return false;
    for (let k = 0; k < len; k++) if (st[o + k] !== st[off + k]) return false;
    return true;
  }

  lookup(name: string): ElfSymbol | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.symbol(i);
  }
}
