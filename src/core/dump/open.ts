// Opens a vmcore of any supported container, sniffed by its magic (never by the file name).
import type { ByteSource } from "../io/byte-source";
import { DumpFormatError } from "../io/errors";
import { DiskdumpVmcore, isDiskdump } from "./diskdump";
import type { Dump } from "./dump";
import { ElfVmcore, isElf } from "./elf-vmcore";
import { FlattenedSource, isFlattened } from "./flattened";
import type { CodecOverrides } from "../codec";

const SNIFF_LENGTH = 4096;

export interface OpenDumpOptions {
  /** Page decoders supplied by the adapter (faster platform codecs); the pure-JS ones otherwise. */
  codecs?: CodecOverrides;
}

export function openDump(source: ByteSource, options: OpenDumpOptions = {}): Dump {
  if (source.size === 0) throw new DumpFormatError(source.name, 0, "empty file: not a vmcore");
  const head = source.read(0, Math.min(SNIFF_LENGTH, source.size));
  // A file cut short (disk full, copy interrupted) opens: the pages it lacks read as excluded ("unwritten").
  if (isElf(head)) return ElfVmcore.open(source, { allowTruncated: true });
  if (isDiskdump(head)) return DiskdumpVmcore.open(source, { codecs: options.codecs });
  if (isFlattened(head)) {
    // A stream cut short keeps its whole records; the kdump-compressed file they make is read as truncated.
    const flat = new FlattenedSource(source, { allowTruncated: true });
    return DiskdumpVmcore.open(flat, { codecs: options.codecs, truncated: flat.truncated });
  }
  throw new DumpFormatError(source.name, 0, "not a vmcore: no ELF, KDUMP/DISKDUMP or makedumpfile (flattened) signature");
}
