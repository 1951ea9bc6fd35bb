// A DWARF section either held whole (a small section, a relocated module's, a decompressed one, a test's
// synthetic bytes) or read from the file by ranges: a vmlinux's .debug_info is 156 MiB and .debug_line 16 MiB,
// and nothing needs all of either at once (the index build walks .debug_info a few MiB at a time, a type
// lookup reads one unit, `dis -l` one line program). Ranges come back as fresh arrays or views the reader
// never writes; positions everywhere stay section offsets.
import { checkRange, readInto, type ByteSource } from "../../io/byte-source";

/** A section of a file, read on demand through the file's ByteSource. */
export class LazySection {
  private cached: Uint8Array | undefined;

  constructor(
    private readonly source: ByteSource,
    /** Where the section starts in the file. */
    private readonly start: number,
    readonly length: number,
    /** The section's name in messages ("vmlinux:.debug_info"). */
    readonly name: string,
  ) {
    checkRange(source.name, source.size, start, length);
  }

  /** Bytes [offset, offset + length) of the section: a fresh array (safe to keep). */
  read(offset: number, length: number): Uint8Array {
    checkRange(this.name, this.length, offset, length);
    if (this.cached) return this.cached.subarray(offset, offset + length);
    const out = new Uint8Array(length);
    readInto(this.source, this.start + offset, out);
    return out;
  }

  /** Fills `target` from `offset` (TruncatedError past the end): scans reuse one buffer. */
  readInto(offset: number, target: Uint8Array): void {
    checkRange(this.name, this.length, offset, target.length);
    if (this.cached) target.set(this.cached.subarray(offset, offset + target.length));
    else readInto(this.source, this.start + offset, target);
  }

  /** The whole section, read once and kept: for the medium-sized sections read at random (range lists). */
  whole(): Uint8Array {
    return (this.cached ??= this.read(0, this.length));
  }
}

/** A section's bytes: whole in memory, or read by ranges. */
export type SectionData = Uint8Array | LazySection;

/**
 * Bytes [offset, offset + length) of a section, clipped at its end: a view of a whole section, a fresh read
 * of a lazy one. `offset` past the end gives an empty array (callers' bounds checks report it).
 */
export function sectionRange(data: SectionData, offset: number, length: number): Uint8Array {
  const start = Math.max(0, Math.min(offset, data.length));
  const end = Math.max(start, Math.min(data.length, offset + Math.max(0, length)));
  return data instanceof LazySection ? data.read(start, end - start) : data.subarray(start, end);
}

/** The whole section (read and kept once, for a lazy one). */
export function sectionWhole(data: SectionData): Uint8Array {
  return data instanceof LazySection ? data.whole() : data;
}
