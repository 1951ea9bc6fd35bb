// Opens a vmcore of any supported container, sniffed by its magic (never by the file name).
import type { ByteSource } from "../io/byte-source";
import { DumpFormatError } from "../io/errors";
import { DiskdumpVmcore, isDiskdump } from "./diskdump";
import type { Dump } from "./dump";
import { ElfVmcore, isElf } from "./elf-vmcore";
import { FlattenedSource, isFlattened } from "./flattened";

const SNIFF_LENGTH = 4096;

export function openDump(source: ByteSource): Dump {
  if (source.size === 0) throw new DumpFormatError(source.name, 0, "empty file: not a vmcore");
  const head = source.read(0, Math.min(SNIFF_LENGTH, source.size));
  if (isElf(head)) return ElfVmcore.open(source);
  if (isDiskdump(head)) return DiskdumpVmcore.open(source);
  if (isFlattened(head)) return DiskdumpVmcore.open(new FlattenedSource(source));
  throw new DumpFormatError(source.name, 0, "not a vmcore: no ELF, KDUMP/DISKDUMP or makedumpfile (flattened) signature");
}
