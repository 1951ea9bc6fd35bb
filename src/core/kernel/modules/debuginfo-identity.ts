// Does a module object file (NAME.ko, or its NAME.ko.debug) belong to the module in the dump? Evidence is
// never matched by file name alone (DESIGN.md: refuse an unmatched debuginfo unless forced). What is compared:
// - the name: .modinfo "name=" (scripts/mod/modpost.c writes it) and the name inside the file's own struct
//   module (.gnu.linkonce.this_module, at module.name's offset), against module.name in memory;
// - srcversion: .modinfo "srcversion=" against module.srcversion, when both have one;
// - the GNU build id: the file's NT_GNU_BUILD_ID against the note in the module's loaded .note.gnu.build-id
//   section (an allocated section, so it is in the dump at the address sect_attrs gives).
import { EM_X86_64, ET_REL, type ElfFile } from "../../dump/elf";
import { KdwError } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import type { Program } from "../../program/program";
import type { ModuleSection } from "./debuginfo-sections";
import { moduleLayout } from "./layout";
import { latin1, type KernelModule } from "./read";

const NT_GNU_BUILD_ID = 3;
const NOTE_HEADER = 12; // Elf64_Nhdr: n_namesz, n_descsz, n_type (4 bytes each)
/** A build-id note section larger than this is not one. */
const MAX_NOTE_SECTION = 4096;
/** .modinfo is a few hundred bytes; a larger one is read up to here. */
const MAX_MODINFO = 1 << 20;

export interface ModuleObjectIdentity {
  /** .modinfo name=. */
  modinfoName?: string;
  /** module.name inside .gnu.linkonce.this_module. */
  thisModuleName?: string;
  srcversion?: string;
  buildId?: string;
}

/** What the object file says it is. */
export function moduleObjectIdentity(prog: Program, elf: ElfFile): ModuleObjectIdentity {
  const id: ModuleObjectIdentity = {};
  const modinfo = elf.sectionBytes(".modinfo");
  if (modinfo) {
    for (const entry of latin1Split(modinfo.subarray(0, MAX_MODINFO))) {
      const eq = entry.indexOf("=");
      if (eq < 0) continue;
      const key = entry.slice(0, eq);
      if (key === "name" && id.modinfoName === undefined) id.modinfoName = entry.slice(eq + 1);
      if (key === "srcversion" && id.srcversion === undefined) id.srcversion = entry.slice(eq + 1);
    }
  }
  const thisModule = elf.sectionBytes(".gnu.linkonce.this_module");
  const l = moduleLayout(prog);
  if (thisModule && thisModule.length >= l.name + l.nameLen) {
    const name = latin1(thisModule.subarray(l.name, l.name + l.nameLen));
    if (name !== "") id.thisModuleName = name;
  }
  const buildId = elf.buildId();
  if (buildId) id.buildId = buildId;
  return id;
}

function latin1Split(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0) {
      if (i > start) out.push(latin1(bytes.subarray(start, i)));
      start = i + 1;
    }
  }
  return out;
}

/** The GNU build id in a note section's bytes, as lowercase hex. */
export function buildIdFromNotes(bytes: Uint8Array): string | undefined {
  const dv = dataView(bytes);
  let at = 0;
  while (at + NOTE_HEADER <= bytes.length) {
    const namesz = dv.getUint32(at, true);
    const descsz = dv.getUint32(at + 4, true);
    const type = dv.getUint32(at + 8, true);
    const nameAt = at + NOTE_HEADER;
    const descAt = nameAt + align4(namesz);
    if (namesz > bytes.length || descsz > bytes.length || descAt + descsz > bytes.length) return undefined;
    if (type === NT_GNU_BUILD_ID && namesz === 4 && latin1(bytes.subarray(nameAt, nameAt + namesz)) === "GNU") {
      let hex = "";
      for (const b of bytes.subarray(descAt, descAt + descsz)) hex += b.toString(16).padStart(2, "0");
      return hex;
    }
    at = descAt + align4(descsz);
  }
  return undefined;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

export interface ModuleMatch {
  /** Why the file is no kernel module for this machine at all (not forcible). */
  notModule?: string;
  /** Each way the file differs from the module in the dump (empty: it matches). */
  mismatches: string[];
  /** What could not be compared (said, not hidden). */
  unchecked: string[];
  identity: ModuleObjectIdentity;
}

/** Compares an object file with a module in the dump. Nothing here throws for a difference: the caller decides. */
export function matchModuleObject(prog: Program, mod: KernelModule, elf: ElfFile, sections: readonly ModuleSection[]): ModuleMatch {
  const mismatches: string[] = [];
  const unchecked: string[] = [];
  const identity = moduleObjectIdentity(prog, elf);
  if (elf.header.type !== ET_REL) return { notModule: `${elf.name} is not a kernel module: ELF type ${elf.header.type}, not a relocatable object (ET_REL)`, mismatches, unchecked, identity };
  if (elf.header.machine !== EM_X86_64) return { notModule: `${elf.name} is not an x86-64 kernel module: ELF machine ${elf.header.machine}`, mismatches, unchecked, identity };
  const names = [...new Set([identity.modinfoName, identity.thisModuleName].filter((n): n is string => n !== undefined))];
  if (names.length === 0) mismatches.push(`${elf.name} names no module (no .modinfo name= and no .gnu.linkonce.this_module)`);
  const other = names.filter((n) => n !== mod.name);
  if (other.length) mismatches.push(`it is module "${other.join('", "')}", not "${mod.name}"`);
  if (identity.srcversion !== undefined && mod.srcversion !== undefined && identity.srcversion !== mod.srcversion) {
    mismatches.push(`srcversion ${identity.srcversion} in the file, ${mod.srcversion} in the dump`);
  }
  if (identity.buildId !== undefined) {
    const note = sections.find((s) => s.name === ".note.gnu.build-id");
    const size = elf.sectionHeader(".note.gnu.build-id")?.size ?? 0;
    if (!note) unchecked.push("build id: the module's .note.gnu.build-id section address is not known");
    else if (size === 0 || size > MAX_NOTE_SECTION) unchecked.push(`build id: ${elf.name}'s .note.gnu.build-id is ${size} bytes`);
    else {
      try {
        const inDump = buildIdFromNotes(prog.read(note.address, size));
        if (inDump === undefined) unchecked.push(`build id: no GNU build-id note at ${note.address.toString(16)} in the dump`);
        else if (inDump !== identity.buildId) mismatches.push(`build id ${identity.buildId} in the file, ${inDump} in the dump`);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        unchecked.push(`build id: ${err.message}`);
      }
    }
  } else unchecked.push(`build id: ${elf.name} has none`);
  return { mismatches, unchecked, identity };
}
