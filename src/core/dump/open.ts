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
  if (isElf(head)) return ElfVmcore.open(source);
  if (isDiskdump(head)) return DiskdumpVmcore.open(source, { codecs: options.codecs });
  if (isFlattened(head)) return DiskdumpVmcore.open(new FlattenedSource(source), { codecs: options.codecs });
  throw new DumpFormatError(source.name, 0, "not a vmcore: no ELF, KDUMP/DISKDUMP or makedumpfile (flattened) signature");
}
