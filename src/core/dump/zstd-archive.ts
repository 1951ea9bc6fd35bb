// A vmcore compressed as a whole with zstd (`zstd vmcore`, `zstd -19 --long=27 dump.kdump`): how dumps are
// often shipped between people, and how kdw's own sample is committed. kdw unpacks it in memory and opens what
// is inside as any other vmcore; the file itself is only read.
//
// Every frame is walked before anything is decoded (codec/zstd.ts: no dictionary, a bounded window, blocks
// inside the file, none of the input known to hang fzstd), and the output is bounded before it is allocated:
// by the content sizes the frames declare when they all do (the zstd tool writes them for a file), else as it
// comes. Skippable frames (RFC 8878 3.1.2) are skipped.
import { Decompress } from "fzstd";
import { BytesSource, type ByteSource } from "../io/byte-source";
import { CodecError, DumpFormatError } from "../io/errors";
import { walkZstdFrame } from "../codec/zstd";
import type { ArchiveDecoder } from "../codec";

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** RFC 8878 3.1.2: 0x184D2A50 to 0x184D2A5F, little-endian; a 4-byte size follows. */
const SKIPPABLE_LOW = 0x184d2a50;
/** The largest window kdw lets fzstd allocate: 2^27 is what `zstd --long` uses by default. */
const MAX_WINDOW = 1 << 28;
/** What kdw unpacks in memory by default; a larger dump is unpacked with the zstd tool first. */
export const MAX_UNPACKED = 2 ** 31;
/** The largest compressed file kdw reads whole. */
const MAX_PACKED = 2 ** 31;

/** True when `head` (the file's first bytes) starts with a zstd frame's magic number. */
export function isZstdArchive(head: Uint8Array): boolean {
  return head.length >= 4 && ZSTD_MAGIC.every((b, i) => head[i] === b);
}

/** The unpacked bytes of a zstd archive, named after the archive (offsets in messages are the unpacked ones). */
export class UnpackedSource extends BytesSource {
  constructor(
    readonly archive: ByteSource,
    bytes: Uint8Array,
  ) {
    super(`${archive.name} (unpacked)`, bytes);
  }
}

function u32(d: Uint8Array, at: number): number {
  return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
}

function mib(n: number): string {
  return n < 2 ** 20 ? `${n} bytes` : `${(n / 2 ** 20).toFixed(0)} MiB`;
}

interface Frame {
  start: number;
  end: number;
  contentSize: number | undefined;
}

/** Every data frame of the archive, checked; throws DumpFormatError naming the file and the offset. */
function frames(name: string, input: Uint8Array): Frame[] {
  const out: Frame[] = [];
  let pos = 0;
  while (pos < input.length) {
    if (input.length - pos >= 8 && (u32(input, pos) & 0xfffffff0) === SKIPPABLE_LOW) {
      const skip = 8 + u32(input, pos + 4);
      if (skip > input.length - pos) throw new DumpFormatError(name, pos, "zstd skippable frame runs past the end of the file");
      pos += skip;
      continue;
    }
    try {
      const f = walkZstdFrame(input, pos, { maxWindow: MAX_WINDOW });
      out.push({ start: pos, end: f.end, contentSize: f.contentSize });
      pos = f.end;
    } catch (e) {
      if (e instanceof CodecError) throw new DumpFormatError(name, pos, `zstd archive: ${e.reason}`);
      throw e;
    }
  }
  if (out.length === 0) throw new DumpFormatError(name, 0, "zstd archive holds no data frame");
  return out;
}

export interface UnpackOptions {
  /** At most this many bytes are unpacked (MAX_UNPACKED by default). */
  limit?: number;
  /** A faster decoder from the adapter, used when every frame declares its size; fzstd otherwise. */
  decoder?: ArchiveDecoder;
}

/**
 * Unpacks a whole-file zstd archive in memory. Throws DumpFormatError naming the file and the offset for
 * anything that is not a well-formed archive, or that unpacks to more than the limit.
 */
export function unpackZstdArchive(source: ByteSource, options: UnpackOptions = {}): UnpackedSource {
  const limit = options.limit ?? MAX_UNPACKED;
  const name = source.name;
  const tooBig = (what: string): DumpFormatError =>
    new DumpFormatError(name, 0, `zstd archive unpacks to ${what}; kdw unpacks at most ${mib(limit)} in memory: unpack it first (zstd -d)`);
  if (source.size > MAX_PACKED) throw new DumpFormatError(name, 0, `zstd archive of ${mib(source.size)} is larger than kdw reads whole (${mib(MAX_PACKED)}): unpack it first (zstd -d)`);
  const input = source.read(0, source.size);
  const list = frames(name, input);
  const declared = list.every((f) => f.contentSize !== undefined) ? list.reduce((n, f) => n + f.contentSize!, 0) : undefined;
  if (declared !== undefined && declared > limit) throw tooBig(mib(declared));
  if (declared !== undefined && options.decoder !== undefined) return new UnpackedSource(source, viaDecoder(name, input, list, declared, options.decoder));
  const chunks: Uint8Array[] = [];
  const output = declared !== undefined ? new Uint8Array(declared) : undefined;
  let produced = 0;
  for (const f of list) {
    const frameStart = produced;
    let ended = false;
    try {
      const stream = new Decompress((chunk: Uint8Array, final?: boolean) => {
        if (produced + chunk.length > (declared ?? limit)) {
          throw declared !== undefined ? new DumpFormatError(name, f.start, `zstd archive: frames unpack to more than the ${declared} bytes they declare`) : tooBig(`more than ${mib(limit)}`);
        }
        if (output !== undefined) output.set(chunk, produced);
        else chunks.push(chunk.slice());
        produced += chunk.length;
        if (final === true) ended = true;
      });
      stream.push(input.subarray(f.start, f.end), true);
    } catch (e) {
      if (e instanceof DumpFormatError) throw e;
      throw new DumpFormatError(name, f.start, `zstd archive: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!ended) throw new DumpFormatError(name, f.start, "zstd archive: a frame does not end");
    if (f.contentSize !== undefined && produced - frameStart !== f.contentSize) {
      throw new DumpFormatError(name, f.start, `zstd archive: frame unpacks to ${produced - frameStart} bytes, it declares ${f.contentSize}`);
    }
  }
  if (output !== undefined) return new UnpackedSource(source, output);
  return new UnpackedSource(source, concat(chunks));
}

/** The adapter's decoder over the frames (skippable ones left out), its output checked against the sizes. */
function viaDecoder(name: string, input: Uint8Array, list: Frame[], declared: number, decoder: ArchiveDecoder): Uint8Array {
  const data = list.length === 1 ? input.subarray(list[0]!.start, list[0]!.end) : concat(list.map((f) => input.subarray(f.start, f.end)));
  let out: Uint8Array;
  try {
    out = decoder(data, declared);
  } catch (e) {
    throw new DumpFormatError(name, 0, `zstd archive: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out.length !== declared) throw new DumpFormatError(name, 0, `zstd archive: unpacks to ${out.length} bytes, its frames declare ${declared}`);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The file the user named: the archive for a dump unpacked from one, else the source itself. */
export function evidenceSource(source: ByteSource): ByteSource {
  return source instanceof UnpackedSource ? source.archive : source;
}

/**
 * The first `length` bytes the archive unpacks to (fewer when it is shorter), through the streaming decoder,
 * which stops soon after: enough for a header and VMCOREINFO without unpacking the whole dump.
 */
export function unpackZstdPrefix(source: ByteSource, length: number): Uint8Array {
  const name = source.name;
  const input = source.read(0, Math.min(source.size, MAX_PACKED));
  const first = frames(name, input)[0]!;
  const out = new Uint8Array(length);
  let produced = 0;
  const stream = new Decompress((chunk: Uint8Array) => {
    const take = Math.min(chunk.length, length - produced);
    out.set(chunk.subarray(0, take), produced);
    produced += take;
  });
  const STEP = 1 << 16;
  try {
    for (let at = first.start; at < first.end && produced < length; at += STEP) {
      const end = Math.min(first.end, at + STEP);
      stream.push(input.subarray(at, end), end === first.end);
    }
  } catch (e) {
    throw new DumpFormatError(name, first.start, `zstd archive: ${e instanceof Error ? e.message : String(e)}`);
  }
  return out.subarray(0, produced);
}
