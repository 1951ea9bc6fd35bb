// Device dumps (include/uapi/linux/vmcore.h: NT_VMCOREDD notes that drivers add through vmcoredd, since
// 4.18): each note's descriptor is the dump's name (VMCOREDD_MAX_NAME_BYTES) followed by its data. crash's
// `dev -V` lists them and `dev -v INDEX` shows one (dev.c devdump_info, devdump_extract); the file offset it
// prints is where the data starts, after struct vmcoredd_header (the note header, its "LINUX" name and the
// dump's name: 64 bytes from the start of the note).
import type { ElfNote } from "./elf-notes";

export const NT_VMCOREDD = 0x700;
export const VMCOREDD_MAX_NAME_BYTES = 44;

export interface DeviceDump {
  index: number;
  name: string;
  /** File offset of the dump's data (crash's OFFSET column). */
  offset: number;
  /** Bytes of data. */
  size: number;
  data: Uint8Array;
}

/** The device dumps among `notes`, in note order; a note too short for a name is left out. */
export function deviceDumps(notes: readonly ElfNote[]): DeviceDump[] {
  const out: DeviceDump[] = [];
  for (const n of notes) {
    if (n.type !== NT_VMCOREDD || n.desc.length < VMCOREDD_MAX_NAME_BYTES) continue;
    const nameBytes = n.desc.subarray(0, VMCOREDD_MAX_NAME_BYTES);
    const nul = nameBytes.indexOf(0);
    let name = "";
    for (const c of nameBytes.subarray(0, nul < 0 ? nameBytes.length : nul)) name += String.fromCharCode(c);
    const data = n.desc.subarray(VMCOREDD_MAX_NAME_BYTES);
    // The descriptor starts 20 bytes into the note (Elf64_Nhdr, "LINUX" padded to 8): the data, 44 later.
    out.push({ index: out.length, name, offset: n.offset + VMCOREDD_MAX_NAME_BYTES, size: data.length, data });
  }
  return out;
}
