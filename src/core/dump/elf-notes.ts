// ELF notes: a run of Elf64_Nhdr records (include/uapi/linux/elf.h), each followed by its name and its
// descriptor, both padded to 4 bytes (the kernel's and QEMU's vmcore notes use 4 even in ELF64; GNU property
// notes in 8-aligned PT_NOTEs use 8, hence `align`). Found in a vmcore's PT_NOTE and in a vmlinux's SHT_NOTE
// sections (the GNU build id).
import { DumpFormatError } from "../io/errors";
import { parseVmcoreinfo, type Vmcoreinfo } from "./vmcoreinfo";
import { parsePrstatus, type CpuRegisters } from "./prstatus";

export interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
  /** file offset of desc */
  offset: number;
}

export const NT_PRSTATUS = 1;
export const NT_PRFPREG = 2;
export const NT_TASKSTRUCT = 4;
/** The kernel writes VMCOREINFO with type 0 under the name "VMCOREINFO" (kernel/crash_core.c). */
export const NT_VMCOREINFO_TYPE = 0;
export const NT_GNU_BUILD_ID = 3;

const N_NAMESZ_OFF = 0; // Elf64_Nhdr.n_namesz
const N_DESCSZ_OFF = 4; // Elf64_Nhdr.n_descsz
const N_TYPE_OFF = 8; // Elf64_Nhdr.n_type
const NHDR_SIZE = 12;

/** More notes than any real machine's dump carries (QEMU: a few per CPU, for thousands of CPUs). */
export const MAX_NOTES = 100_000;
/** Names are short ("CORE", "VMCOREINFO", "QEMU", "GNU", "LINUX"). */
const MAX_NAME = 256;

export interface ParseNotesOptions {
  littleEndian?: boolean;
  /** Padding of name and descriptor: 4 (default) or 8. */
  align?: 4 | 8;
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Parses a run of ELF notes (Elf64_Nhdr: namesz, descsz, type, then name and desc each 4-byte aligned).
 * `baseOffset` is the file offset of `bytes[0]`, for messages and ElfNote.offset. An all-zero header (the
 * kernel's per-CPU note terminator) or trailing zero padding ends the run. Descriptors are views of `bytes`.
 */
export function parseNotes(bytes: Uint8Array, file: string, baseOffset: number, options: ParseNotesOptions = {}): ElfNote[] {
  const le = options.littleEndian ?? true;
  const align = options.align ?? 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const notes: ElfNote[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (bytes.length - off < NHDR_SIZE) {
      if (allZero(bytes, off)) break;
      throw new DumpFormatError(file, baseOffset + off, `note header truncated: ${bytes.length - off} bytes left of ${NHDR_SIZE}`);
    }
    const namesz = view.getUint32(off + N_NAMESZ_OFF, le);
    const descsz = view.getUint32(off + N_DESCSZ_OFF, le);
    const type = view.getUint32(off + N_TYPE_OFF, le);
    if (namesz === 0 && descsz === 0 && type === 0) break;
    if (notes.length >= MAX_NOTES) throw new DumpFormatError(file, baseOffset + off, `more than ${MAX_NOTES} notes`);
    if (namesz > MAX_NAME) throw new DumpFormatError(file, baseOffset + off + N_NAMESZ_OFF, `note name size ${namesz} too large`);
    const nameOff = off + NHDR_SIZE;
    const descOff = nameOff + alignUp(namesz, align);
    if (descOff > bytes.length) {
      throw new DumpFormatError(file, baseOffset + off + N_NAMESZ_OFF, `note name (${namesz} bytes) runs past the end of the notes at ${hex(baseOffset + bytes.length)}`);
    }
    if (descsz > bytes.length - descOff) {
      throw new DumpFormatError(file, baseOffset + off + N_DESCSZ_OFF, `note descriptor (${descsz} bytes) runs past the end of the notes at ${hex(baseOffset + bytes.length)}`);
    }
    let name = "";
    for (let i = 0; i < namesz; i++) {
      const c = bytes[nameOff + i]!;
      if (c === 0) break;
      name += String.fromCharCode(c);
    }
    notes.push({ name, type, desc: bytes.subarray(descOff, descOff + descsz), offset: baseOffset + descOff });
    off = descOff + alignUp(descsz, align);
  }
  return notes;
}

function hex(n: number): string {
  return "0x" + n.toString(16);
}

/**
 * The VMCOREINFO text and the NT_PRSTATUS registers found in notes (name "CORE" / "VMCOREINFO"; QEMU's extra
 * "QEMU" notes kept as notes). CPUs are numbered in note order; a PRSTATUS too short for x86_64 is skipped.
 */
export function interpretNotes(notes: ElfNote[]): { vmcoreinfo: Vmcoreinfo | null; cpus: CpuRegisters[] } {
  let vmcoreinfo: Vmcoreinfo | null = null;
  const cpus: CpuRegisters[] = [];
  for (const note of notes) {
    if (note.name === "VMCOREINFO" && note.type === NT_VMCOREINFO_TYPE) {
      if (vmcoreinfo === null) vmcoreinfo = parseVmcoreinfo(note.desc);
    } else if (note.name === "CORE" && note.type === NT_PRSTATUS) {
      const regs = parsePrstatus(note.desc, cpus.length);
      if (regs !== null) cpus.push(regs);
    }
  }
  return { vmcoreinfo, cpus };
}
