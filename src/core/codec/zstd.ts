// zstd pages: makedumpfile compresses each page with ZSTD_compressCCtx() (one RFC 8878 Zstandard frame; the
// content size is known, so the frame is single-segment and carries Frame_Content_Size) and reads it back
// with ZSTD_decompressDCtx().
//
// fzstd decodes the blocks. It trusts its input more than evidence deserves, so this file first walks the frame
// itself (RFC 8878 section 3.1.1): one frame, no dictionary, a bounded window, a content size equal to the page
// size when present, block headers that stay inside the input, nothing after the frame. It also refuses the one
// input known to make fzstd 0.1.1 loop forever: Huffman weights described by an FSE table whose only symbol has
// all of the probability (the weight decoder then reads 0 bits per step and never reaches its end; zstd's own
// encoder writes such weights raw). fzstd's streaming decoder is used because it reports each block's size, so
// a short or long stream is caught.
import { Decompress } from "fzstd";
import { CodecError } from "../io/errors";
import { asCodecError } from "./codec-error";

const CODEC = "zstd";

// RFC 8878 3.1.1: Magic_Number, then Frame_Header_Descriptor bits.
const ZSTD_MAGIC = 0xfd2fb528;
const FHD_FCS_FLAG_SHIFT = 6;
const FHD_SINGLE_SEGMENT = 0x20;
const FHD_RESERVED = 0x08;
const FHD_CHECKSUM = 0x04;
const FHD_DICT_ID_MASK = 0x03;
const BLOCK_HEADER_LEN = 3;
const BLOCK_MAX_SIZE = 128 * 1024; // 3.1.1.2.4 Block_Maximum_Size
const BLOCK_RAW = 0;
const BLOCK_RLE = 1;
const BLOCK_COMPRESSED = 2;
const CHECKSUM_LEN = 4;
const LITERALS_COMPRESSED = 2; // 3.1.1.3.1.1 Literals_Block_Type: Compressed_Literals_Block (new Huffman tree)
/** The largest window kdw accepts: a page frame needs no more than its page, and fzstd allocates the window. */
const MAX_WINDOW = 8 << 20;

function hex(n: number): string {
  return "0x" + n.toString(16);
}

function byteAt(d: Uint8Array, i: number): number {
  return i < d.length ? d[i]! : 0;
}

function msb(v: number): number {
  return 31 - Math.clz32(v);
}

/**
 * True when the FSE table description at `pos` (RFC 8878 4.1.1), read the way fzstd reads it, gives one symbol
 * the whole table. Only the Huffman weights' table matters (accuracy log at most 6).
 */
function fseTableIsSingleSymbol(d: Uint8Array, pos: number): boolean {
  const accuracyLog = (byteAt(d, pos) & 15) + 5;
  if (accuracyLog > 6) return false; // fzstd rejects this itself
  const tableSize = 1 << accuracyLog;
  let bitPos = pos * 8 + 4;
  let remaining = tableSize;
  let symbol = -1;
  let nonzero = 0;
  let full = false;
  while (symbol < 255 && remaining > 0) {
    const bits = msb(remaining + 1);
    const at = bitPos >> 3;
    const mask = (1 << (bits + 1)) - 1;
    let val = ((byteAt(d, at) | (byteAt(d, at + 1) << 8) | (byteAt(d, at + 2) << 16)) >> (bitPos & 7)) & mask;
    const lowMask = (1 << bits) - 1;
    const maxSmall = mask - remaining - 1;
    const small = val & lowMask;
    if (small < maxSmall) {
      bitPos += bits;
      val = small;
    } else {
      bitPos += bits + 1;
      if (val > lowMask) val -= maxSmall;
    }
    const prob = val - 1;
    symbol++;
    if (prob === -1) {
      remaining -= 1;
      nonzero++;
    } else {
      remaining -= prob;
      if (prob > 0) nonzero++;
      if (prob === tableSize) full = true;
    }
    if (prob === 0) {
      let repeat: number;
      do {
        const rat = bitPos >> 3;
        repeat = ((byteAt(d, rat) | (byteAt(d, rat + 1) << 8)) >> (bitPos & 7)) & 3;
        bitPos += 2;
        symbol += repeat;
      } while (repeat === 3 && symbol < 255);
    }
  }
  return full && nonzero === 1;
}

/** What a frame may be: its content size when the caller knows it, and the largest window kdw allocates. */
export interface FrameRules {
  /** The exact output size (a page); a frame that declares or produces more or another size is refused. */
  contentSize?: number;
  maxWindow: number;
}

/** The frame walked: where it ends in the input, and the content size it declares (if it does). */
export interface FrameExtent {
  end: number;
  contentSize: number | undefined;
}

/**
 * Walks the frame that starts at `start` of `input` (RFC 8878 3.1.1) without decoding it; throws CodecError
 * unless it is a frame kdw will hand to fzstd. Returns the offset just past it.
 */
export function walkZstdFrame(input: Uint8Array, start: number, rules: FrameRules): FrameExtent {
  const end = input.length;
  const at = (n: number): string => hex(start + n);
  if (end - start < 4 + 1 + BLOCK_HEADER_LEN) throw new CodecError(CODEC, `frame of ${end - start} bytes at input offset ${hex(start)} is too short`);
  const magic = (input[start]! | (input[start + 1]! << 8) | (input[start + 2]! << 16) | (input[start + 3]! << 24)) >>> 0;
  if (magic !== ZSTD_MAGIC) throw new CodecError(CODEC, `bad magic ${hex(magic)} at input offset ${hex(start)}`);
  const fhd = input[start + 4]!;
  if (fhd & FHD_RESERVED) throw new CodecError(CODEC, `reserved bit set in the frame header descriptor at input offset ${at(4)}`);
  const singleSegment = (fhd & FHD_SINGLE_SEGMENT) !== 0;
  const fcsFlag = fhd >> FHD_FCS_FLAG_SHIFT;
  const dictIdLen = [0, 1, 2, 4][fhd & FHD_DICT_ID_MASK]!;
  const fcsLen = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  let pos = start + 5;
  let window = 0;
  if (!singleSegment) {
    const wd = input[pos++]!;
    const windowBase = 2 ** (10 + (wd >> 3));
    window = windowBase + (windowBase / 8) * (wd & 7);
  }
  if (end - pos < dictIdLen + fcsLen) throw new CodecError(CODEC, "truncated frame header");
  let dictId = 0;
  for (let i = dictIdLen - 1; i >= 0; i--) dictId = dictId * 256 + input[pos + i]!;
  pos += dictIdLen;
  if (dictId !== 0) throw new CodecError(CODEC, `frame needs dictionary ${dictId}`);
  let contentSize: number | undefined;
  if (fcsLen > 0) {
    let fcs = 0;
    for (let i = fcsLen - 1; i >= 0; i--) fcs = fcs * 256 + input[pos + i]!;
    if (fcsLen === 2) fcs += 256;
    pos += fcsLen;
    if (rules.contentSize !== undefined && fcs !== rules.contentSize) throw new CodecError(CODEC, `frame content size ${fcs}, expected ${rules.contentSize}`);
    if (singleSegment) window = fcs;
    contentSize = fcs;
  }
  if (window > rules.maxWindow) throw new CodecError(CODEC, `window of ${window} bytes is larger than ${rules.maxWindow}`);
  const blockMax = Math.min(BLOCK_MAX_SIZE, Math.max(window, 1));
  const outputLimit = rules.contentSize ?? contentSize;
  let knownOutput = 0;
  for (;;) {
    if (end - pos < BLOCK_HEADER_LEN) throw new CodecError(CODEC, `truncated block header at input offset ${hex(pos)}`);
    const header = input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >> 3;
    const body = pos + BLOCK_HEADER_LEN;
    let stored: number;
    if (type === BLOCK_RAW || type === BLOCK_RLE) {
      stored = type === BLOCK_RAW ? size : 1;
      knownOutput += size;
      if (outputLimit !== undefined && knownOutput > outputLimit) throw new CodecError(CODEC, `output longer than the expected ${outputLimit} bytes`);
    } else if (type === BLOCK_COMPRESSED) {
      stored = size;
      if (size > blockMax) throw new CodecError(CODEC, `compressed block of ${size} bytes at input offset ${hex(pos)} exceeds ${blockMax}`);
      const lit = byteAt(input, body);
      if ((lit & 3) === LITERALS_COMPRESSED) {
        const literalsHeaderLen = [3, 3, 4, 5][(lit >> 2) & 3]!;
        const tree = body + literalsHeaderLen;
        if (byteAt(input, tree) < 128 && fseTableIsSingleSymbol(input, tree + 1)) {
          throw new CodecError(CODEC, `Huffman weights at input offset ${hex(tree)} use a single-symbol FSE table`);
        }
      }
    } else {
      throw new CodecError(CODEC, `reserved block type at input offset ${hex(pos)}`);
    }
    if (end - body < stored) throw new CodecError(CODEC, `block at input offset ${hex(pos)} runs past the input`);
    pos = body + stored;
    if (last) break;
  }
  if (fhd & FHD_CHECKSUM) pos += CHECKSUM_LEN;
  if (pos > end) throw new CodecError(CODEC, "truncated content checksum");
  return { end: pos, contentSize };
}

/** Walks the one frame of a page; throws CodecError unless it is a frame kdw will hand to fzstd. */
function checkFrame(input: Uint8Array, expectedSize: number): void {
  const { end } = walkZstdFrame(input, 0, { contentSize: expectedSize, maxWindow: MAX_WINDOW });
  if (end !== input.length) throw new CodecError(CODEC, `${input.length - end} bytes of trailing data after the frame`);
}

/** Decompresses one zstd frame that must produce exactly `output.length` bytes. */
export function zstdDecompressInto(input: Uint8Array, output: Uint8Array): void {
  const expectedSize = output.length;
  checkFrame(input, expectedSize);
  let produced = 0;
  let overrun = false;
  try {
    const stream = new Decompress((chunk: Uint8Array) => {
      if (overrun) return;
      if (chunk.length > expectedSize - produced) {
        overrun = true;
        return;
      }
      output.set(chunk, produced);
      produced += chunk.length;
    });
    stream.push(input, true);
  } catch (e) {
    throw asCodecError(CODEC, e);
  }
  if (overrun) throw new CodecError(CODEC, `output longer than the expected ${expectedSize} bytes`);
  if (produced !== expectedSize) throw new CodecError(CODEC, `output is ${produced} bytes, expected ${expectedSize}`);
}
