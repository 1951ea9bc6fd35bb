// The headers of a kdump-compressed (diskdump) vmcore: struct disk_dump_header in block 0 and struct
// kdump_sub_header in block 1. Layout from makedumpfile's diskdump_mod.h (also crash's diskdump.h and
// libkdumpfile's diskdump.c), for a 64-bit little-endian (LP64) writer: x86_64 kdump and QEMU's x86_64 guests.
//
//   block 0                       disk_dump_header
//   block 1 .. 1+sub_hdr_size     kdump_sub_header, then (QEMU) the ELF notes
//   bitmap_blocks blocks          1st bitmap (pages in memory), 2nd bitmap (pages dumped), half each
//   data_offset                   page_desc[] (one per set bit of the 2nd bitmap), then page data
import type { ByteSource } from "../io/byte-source";
import { DumpFormatError, TruncatedError } from "../io/errors";
import { StructReader } from "../io/struct-reader";

export const KDUMP_SIGNATURE = "KDUMP   ";
export const DISK_DUMP_SIGNATURE = "DISKDUMP";

// struct disk_dump_header (diskdump_mod.h); struct new_utsname is 6 x 65 bytes, struct timeval 2 x 8 (aligned 8).
const SIGNATURE_OFF = 0x00; // disk_dump_header.signature[8]
const HEADER_VERSION_OFF = 0x08; // disk_dump_header.header_version
const UTSNAME_OFF = 0x0c; // disk_dump_header.utsname
const UTS_FIELD_LEN = 65; // new_utsname.sysname[65] ...
const TIMESTAMP_SEC_OFF = 0x198; // disk_dump_header.timestamp.tv_sec
const TIMESTAMP_USEC_OFF = 0x1a0; // disk_dump_header.timestamp.tv_usec
const STATUS_OFF = 0x1a8; // disk_dump_header.status
const BLOCK_SIZE_OFF = 0x1ac; // disk_dump_header.block_size
const SUB_HDR_SIZE_OFF = 0x1b0; // disk_dump_header.sub_hdr_size
const BITMAP_BLOCKS_OFF = 0x1b4; // disk_dump_header.bitmap_blocks
const MAX_MAPNR_OFF = 0x1b8; // disk_dump_header.max_mapnr (32-bit, obsolete from version 6)
const TOTAL_RAM_BLOCKS_OFF = 0x1bc; // disk_dump_header.total_ram_blocks
const DEVICE_BLOCKS_OFF = 0x1c0; // disk_dump_header.device_blocks
const WRITTEN_BLOCKS_OFF = 0x1c4; // disk_dump_header.written_blocks
const CURRENT_CPU_OFF = 0x1c8; // disk_dump_header.current_cpu
const NR_CPUS_OFF = 0x1cc; // disk_dump_header.nr_cpus
export const DISK_DUMP_HEADER_SIZE = 0x1d0; // sizeof(struct disk_dump_header) on LP64

// struct kdump_sub_header (diskdump_mod.h), at block_size; fields by header_version.
const PHYS_BASE_OFF = 0x00; // kdump_sub_header.phys_base
const DUMP_LEVEL_OFF = 0x08; // .dump_level (version 1+)
const SPLIT_OFF = 0x0c; // .split (version 2+)
const START_PFN_OFF = 0x10; // .start_pfn (version 2+, 32-bit on 32-bit writers)
const END_PFN_OFF = 0x18; // .end_pfn (version 2+)
const OFFSET_VMCOREINFO_OFF = 0x20; // .offset_vmcoreinfo (version 3+)
const SIZE_VMCOREINFO_OFF = 0x28; // .size_vmcoreinfo (version 3+)
const OFFSET_NOTE_OFF = 0x30; // .offset_note (version 4+)
const SIZE_NOTE_OFF = 0x38; // .size_note (version 4+)
const OFFSET_ERASEINFO_OFF = 0x40; // .offset_eraseinfo (version 5+)
const SIZE_ERASEINFO_OFF = 0x48; // .size_eraseinfo (version 5+)
const START_PFN_64_OFF = 0x50; // .start_pfn_64 (version 6+)
const END_PFN_64_OFF = 0x58; // .end_pfn_64 (version 6+)
const MAX_MAPNR_64_OFF = 0x60; // .max_mapnr_64 (version 6+)
export const KDUMP_SUB_HEADER_SIZE = 0x68;

// disk_dump_header.status (diskdump_mod.h). The codec bits are also page_desc.flags.
export const DUMP_DH_COMPRESSED_ZLIB = 0x1;
export const DUMP_DH_COMPRESSED_LZO = 0x2;
export const DUMP_DH_COMPRESSED_SNAPPY = 0x4;
export const DUMP_DH_COMPRESSED_INCOMPLETE = 0x8;
export const DUMP_DH_EXCLUDED_VMEMMAP = 0x10;
export const DUMP_DH_COMPRESSED_ZSTD = 0x20;

/** The newest header_version makedumpfile writes (and QEMU, which always writes 6). */
export const MAX_HEADER_VERSION = 6;
/** Page sizes any Linux architecture uses (libkdumpfile accepts the same range). */
const MIN_BLOCK_SIZE = 512;
const MAX_BLOCK_SIZE = 1 << 18;
/** Both bitmaps together: 512 MiB covers 2^31 pages per bitmap (8 TiB of 4 KiB pages). */
const MAX_BITMAP_BYTES = 512 * 1024 * 1024;
/** VMCOREINFO is a few KiB; QEMU's notes grow with CPUs (about 1 KiB each). */
const MAX_VMCOREINFO_SIZE = 1 << 20;
const MAX_NOTE_SIZE = 64 << 20;
const MAX_SUB_HDR_BLOCKS = 1 << 16;

export interface Utsname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  domainname: string;
}

/** disk_dump_header and kdump_sub_header, fields as the format names them, 64-bit values as numbers. */
export interface DiskdumpHeader {
  signature: string;
  headerVersion: number;
  utsname: Utsname;
  timestampSec: number;
  timestampUsec: number;
  status: number;
  blockSize: number;
  subHdrSize: number;
  bitmapBlocks: number;
  /** The 32-bit disk_dump_header.max_mapnr (truncated on big machines). */
  maxMapnr32: number;
  totalRamBlocks: number;
  deviceBlocks: number;
  writtenBlocks: number;
  currentCpu: number;
  nrCpus: number;
  /** Present only with the "KDUMP   " signature (the old diskdump had an arch-specific sub header). */
  sub: KdumpSubHeader | null;
  /** max_mapnr_64 from version 6, else the 32-bit max_mapnr. */
  maxMapnr: number;
  /** File offset of each bitmap (the 2nd equals the 1st when the dump has a single bitmap). */
  bitmap1Offset: number;
  bitmap2Offset: number;
  /** Bytes in one bitmap. */
  bitmapBytes: number;
  /** File offset of page_desc[0]. */
  dataOffset: number;
}

export interface KdumpSubHeader {
  /** Signed: makedumpfile stores the kernel's phys_base, which can be negative (this fixture: -20 MiB). */
  physBase: bigint;
  dumpLevel: number;
  split: number;
  startPfn: number;
  endPfn: number;
  offsetVmcoreinfo: number;
  sizeVmcoreinfo: number;
  offsetNote: number;
  sizeNote: number;
  offsetEraseinfo: number;
  sizeEraseinfo: number;
}

/** True when `bytes` (the start of a file) carry a diskdump signature ("KDUMP   " or "DISKDUMP"). */
export function isDiskdump(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const sig = String.fromCharCode(...bytes.subarray(0, 8));
  return sig === KDUMP_SIGNATURE || sig === DISK_DUMP_SIGNATURE;
}

function readUtsname(r: StructReader): Utsname {
  const f = (i: number) => r.cstring(UTSNAME_OFF + i * UTS_FIELD_LEN, UTS_FIELD_LEN);
  return { sysname: f(0), nodename: f(1), release: f(2), version: f(3), machine: f(4), domainname: f(5) };
}

/** A region [offset, offset+size) the header points at must lie inside the file. */
function checkRegion(source: ByteSource, fieldOff: number, what: string, offset: number, size: number, max: number): void {
  if (size === 0 && offset === 0) return;
  if (size > max) throw new DumpFormatError(source.name, fieldOff, `${what} size ${size} is larger than ${max}`);
  if (offset + size > source.size) throw new TruncatedError(source.name, offset, size, source.size);
}

function readSubHeader(source: ByteSource, version: number, blockSize: number): { sub: KdumpSubHeader; maxMapnr64: number | null } {
  const base = blockSize;
  const r = new StructReader(source.read(base, KDUMP_SUB_HEADER_SIZE), source.name, base);
  const v = (min: number, read: () => number) => (version >= min ? read() : 0);
  const sub: KdumpSubHeader = {
    physBase: r.i64(PHYS_BASE_OFF),
    dumpLevel: v(1, () => r.i32(DUMP_LEVEL_OFF)),
    split: v(2, () => r.i32(SPLIT_OFF)),
    startPfn: v(2, () => r.u64n(START_PFN_OFF, "start_pfn")),
    endPfn: v(2, () => r.u64n(END_PFN_OFF, "end_pfn")),
    offsetVmcoreinfo: v(3, () => r.u64n(OFFSET_VMCOREINFO_OFF, "offset_vmcoreinfo")),
    sizeVmcoreinfo: v(3, () => r.u64n(SIZE_VMCOREINFO_OFF, "size_vmcoreinfo")),
    offsetNote: v(4, () => r.u64n(OFFSET_NOTE_OFF, "offset_note")),
    sizeNote: v(4, () => r.u64n(SIZE_NOTE_OFF, "size_note")),
    offsetEraseinfo: v(5, () => r.u64n(OFFSET_ERASEINFO_OFF, "offset_eraseinfo")),
    sizeEraseinfo: v(5, () => r.u64n(SIZE_ERASEINFO_OFF, "size_eraseinfo")),
  };
  let maxMapnr64: number | null = null;
  if (version >= 6) {
    sub.startPfn = r.u64n(START_PFN_64_OFF, "start_pfn_64");
    sub.endPfn = r.u64n(END_PFN_64_OFF, "end_pfn_64");
    maxMapnr64 = r.u64n(MAX_MAPNR_64_OFF, "max_mapnr_64");
  }
  checkRegion(source, base + SIZE_VMCOREINFO_OFF, "VMCOREINFO", sub.offsetVmcoreinfo, sub.sizeVmcoreinfo, MAX_VMCOREINFO_SIZE);
  checkRegion(source, base + SIZE_NOTE_OFF, "ELF notes", sub.offsetNote, sub.sizeNote, MAX_NOTE_SIZE);
  return { sub, maxMapnr64 };
}

/**
 * Reads and validates both headers. Throws DumpFormatError (bad signature, version, block size, bitmap
 * geometry, split dump) or TruncatedError (a header, the notes or the bitmaps past the end of the file).
 */
export function readDiskdumpHeader(source: ByteSource): DiskdumpHeader {
  const file = source.name;
  const r = new StructReader(source.read(0, Math.min(source.size, DISK_DUMP_HEADER_SIZE)), file, 0);
  if (r.length < 8 || !isDiskdump(r.bytes)) {
    throw new DumpFormatError(file, SIGNATURE_OFF, `not a kdump-compressed dump: signature is not "KDUMP   " or "DISKDUMP"`);
  }
  if (r.length < DISK_DUMP_HEADER_SIZE) throw new TruncatedError(file, 0, DISK_DUMP_HEADER_SIZE, source.size);
  const signature = r.cstring(SIGNATURE_OFF, 8);
  const headerVersion = r.i32(HEADER_VERSION_OFF);
  if (headerVersion < 0 || headerVersion > MAX_HEADER_VERSION) {
    throw new DumpFormatError(file, HEADER_VERSION_OFF, `unsupported header_version ${headerVersion} (known: 0 to ${MAX_HEADER_VERSION})`);
  }
  const blockSize = r.i32(BLOCK_SIZE_OFF);
  if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || (blockSize & (blockSize - 1)) !== 0) {
    throw new DumpFormatError(file, BLOCK_SIZE_OFF, `block_size ${blockSize} is not a page size (a power of two from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE})`);
  }
  const subHdrSize = r.i32(SUB_HDR_SIZE_OFF);
  const isKdump = signature === KDUMP_SIGNATURE;
  if (subHdrSize < (isKdump ? 1 : 0) || subHdrSize > MAX_SUB_HDR_BLOCKS) {
    throw new DumpFormatError(file, SUB_HDR_SIZE_OFF, `sub_hdr_size ${subHdrSize} blocks is out of range`);
  }
  const bitmapBlocks = r.u32(BITMAP_BLOCKS_OFF);
  if (bitmapBlocks === 0 || bitmapBlocks * blockSize > MAX_BITMAP_BYTES) {
    throw new DumpFormatError(file, BITMAP_BLOCKS_OFF, `bitmap_blocks ${bitmapBlocks} is out of range`);
  }
  const maxMapnr32 = r.u32(MAX_MAPNR_OFF);

  let sub: KdumpSubHeader | null = null;
  let maxMapnr = maxMapnr32;
  if (isKdump) {
    const s = readSubHeader(source, headerVersion, blockSize);
    sub = s.sub;
    if (s.maxMapnr64 !== null) maxMapnr = s.maxMapnr64;
    if (headerVersion >= 2 && sub.split !== 0) {
      throw new DumpFormatError(file, blockSize + SPLIT_OFF, `split dump (makedumpfile --split, pfns ${sub.startPfn}-${sub.endPfn}): one file of several, not supported; rejoin with makedumpfile --reassemble`);
    }
  }

  // Two bitmaps when they fit twice (crash's dump_is_partial); makedumpfile and QEMU always write two.
  const bitmapLen = bitmapBlocks * blockSize;
  const oneBitmap = Math.ceil(Math.ceil(maxMapnr / 8) / blockSize);
  const twoBitmaps = isKdump || bitmapBlocks >= 2 * oneBitmap;
  const bitmapBytes = twoBitmaps ? bitmapLen / 2 : bitmapLen;
  if (maxMapnr > bitmapBytes * 8) {
    throw new DumpFormatError(file, headerVersion >= 6 && isKdump ? blockSize + MAX_MAPNR_64_OFF : MAX_MAPNR_OFF, `max_mapnr ${maxMapnr} needs more than the ${bitmapBytes * 8} bits of a ${bitmapBlocks}-block bitmap`);
  }
  const bitmap1Offset = (1 + subHdrSize) * blockSize;
  const dataOffset = bitmap1Offset + bitmapLen;
  if (dataOffset > source.size) throw new TruncatedError(file, bitmap1Offset, bitmapLen, source.size);

  return {
    signature,
    headerVersion,
    utsname: readUtsname(r),
    timestampSec: Number(r.i64(TIMESTAMP_SEC_OFF)),
    timestampUsec: Number(r.i64(TIMESTAMP_USEC_OFF)),
    status: r.u32(STATUS_OFF),
    blockSize,
    subHdrSize,
    bitmapBlocks,
    maxMapnr32,
    totalRamBlocks: r.u32(TOTAL_RAM_BLOCKS_OFF),
    deviceBlocks: r.u32(DEVICE_BLOCKS_OFF),
    writtenBlocks: r.u32(WRITTEN_BLOCKS_OFF),
    currentCpu: r.u32(CURRENT_CPU_OFF),
    nrCpus: r.i32(NR_CPUS_OFF),
    sub,
    maxMapnr,
    bitmap1Offset,
    bitmap2Offset: twoBitmaps ? bitmap1Offset + bitmapBytes : bitmap1Offset,
    bitmapBytes,
    dataOffset,
  };
}
