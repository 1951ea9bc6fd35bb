// Opens a vmcore of any supported container, sniffed by its magic (never by the file name).
import type { ByteSource } from "../io/byte-source";
import { DumpFormatError } from "../io/errors";
import { DiskdumpVmcore, isDiskdump } from "./diskdump";
import type { Dump } from "./dump";
import { ElfVmcore, isElf } from "./elf-vmcore";
import { FlattenedSource, isFlattened } from "./flattened";
import { isZstdArchive, unpackZstdArchive } from "./zstd-archive";
import type { CodecOverrides } from "../codec";

const SNIFF_LENGTH = 4096;

export interface OpenDumpOptions {
  /** Page decoders supplied by the adapter (faster platform codecs); the pure-JS ones otherwise. */
  codecs?: CodecOverrides;
}

export function openDump(source: ByteSource, options: OpenDumpOptions = {}): Dump {
  const head = source.size > 0 ? source.read(0, Math.min(SNIFF_LENGTH, source.size)) : new Uint8Array(0);
  if (!isZstdArchive(head)) return openContainer(source, options);
  // A whole-file zstd archive (zstd vmcore): unpacked in memory, then opened as what it holds (one level only).
  const unpacked = unpackZstdArchive(source, { decoder: options.codecs?.zstdArchive });
  const inner = unpacked.read(0, Math.min(SNIFF_LENGTH, unpacked.size));
  if (isZstdArchive(inner)) throw new DumpFormatError(source.name, 0, "a zstd archive inside a zstd archive: unpack it first (zstd -d)");
  const dump = openContainer(unpacked, options);
  dump.format.description += `, in a zstd archive of ${source.size} bytes (unpacked in memory)`;
  dump.format.details.archive = "zstd";
  dump.format.details.archive_bytes = source.size;
  dump.format.details.unpacked_bytes = unpacked.size;
  return dump;
}

function openContainer(source: ByteSource, options: OpenDumpOptions): Dump {
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
