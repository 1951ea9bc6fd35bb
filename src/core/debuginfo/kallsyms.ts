// The kernel's own symbol table, kallsyms, decoded from kernel memory: the way to get symbols with no vmlinux.
// Layout (kernel/kallsyms.c and scripts/kallsyms.c, 6.1): kallsyms_num_syms (u32); kallsyms_names, one entry
// per symbol: a length byte (bit 7 set: a second byte holds bits 7-14, 6.1+) then that many token codes;
// kallsyms_token_table, NUL-terminated token strings; kallsyms_token_index, u16[256] offsets into it. An
// expanded entry is the nm type letter followed by the name. kallsyms_offsets (s32[num_syms]) with
// kallsyms_relative_base give the addresses (CONFIG_KALLSYMS_BASE_RELATIVE).
// This layer cannot translate virtual addresses itself: callers pass a reader of kernel virtual memory.
import { DumpFormatError } from "../io/errors";
import { KallsymsImage } from "./kallsyms-image";
import type { SymbolTable } from "./symbols";

/** Reads `length` bytes of kernel virtual memory at `addr`; throws (InvalidAddressError, ExcludedPageError...) on failure. */
export type ReadVirtual = (addr: bigint, length: number) => Uint8Array;

/** Run-time addresses of the kallsyms tables (VMCOREINFO SYMBOL(kallsyms_*) gives them on Debian's 6.1). */
export interface KallsymsLocation {
  readonly numSyms: bigint;
  readonly names: bigint;
  readonly tokenTable: bigint;
  readonly tokenIndex: bigint;
  readonly offsets: bigint;
  readonly relativeBase: bigint;
}

export interface KallsymsOptions {
  /**
   * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP): a non-negative offset is an absolute value (per-CPU
   * symbols), a negative one is relative to kallsyms_relative_base - 1. Otherwise offsets are unsigned and
   * relative to the base. Default true.
   */
  readonly absolutePercpu?: boolean;
}

/** More symbols than any kernel has (a 6.1 distribution kernel has about 120,000 in kallsyms). */
export const MAX_KALLSYMS = 2_000_000;
const TOKEN_INDEX_SIZE = 256 * 2; // u16 kallsyms_token_index[256]
const MAX_TOKEN_TABLE = 0x10000; // token_index is u16: the table cannot usefully be larger
const CHUNK = 0x10000;
/** kallsyms_names of a big kernel is a few MiB: read whole when it is no larger than this. */
const MAX_NAMES_BYTES = 32 << 20;
const PAGE = 0x1000;

/** The tables' addresses from VMCOREINFO, or undefined when any is missing. */
export function kallsymsFromVmcoreinfo(symbol: (name: string) => bigint | undefined): KallsymsLocation | undefined {
  const numSyms = symbol("kallsyms_num_syms");
  const names = symbol("kallsyms_names");
  const tokenTable = symbol("kallsyms_token_table");
  const tokenIndex = symbol("kallsyms_token_index");
  const offsets = symbol("kallsyms_offsets");
  const relativeBase = symbol("kallsyms_relative_base");
  if (numSyms === undefined || names === undefined || tokenTable === undefined || tokenIndex === undefined || offsets === undefined || relativeBase === undefined) {
    return undefined;
  }
  return { numSyms, names, tokenTable, tokenIndex, offsets, relativeBase };
}

/** Sequential reads of a table of unknown length, in aligned chunks, so that a table is never read far past its use. */
class ChunkedBytes {
  private chunk: Uint8Array = new Uint8Array(0);
  /** Offset (from base) of chunk[0]; may be negative when base is not chunk-aligned. */
  private chunkStart = 0;
  private readonly misalign: number;
  constructor(
    private readonly read: ReadVirtual,
    private readonly base: bigint,
  ) {
    this.misalign = Number(base & BigInt(CHUNK - 1));
  }
  byte(off: number): number {
    const rel = off - this.chunkStart;
    if (rel >= 0 && rel < this.chunk.length) return this.chunk[rel]!;
    const abs = off + this.misalign; // offset from the chunk-aligned address below base
    try {
      this.chunkStart = abs - (abs % CHUNK) - this.misalign;
      this.chunk = this.read(this.base + BigInt(this.chunkStart), CHUNK);
    } catch {
      // A big read may run into an unreadable page past the table's end: fall back to the one page.
      this.chunkStart = abs - (abs % PAGE) - this.misalign;
      this.chunk = this.read(this.base + BigInt(this.chunkStart), PAGE);
    }
    return this.chunk[off - this.chunkStart]!;
  }
}

/**
 * kallsyms_names in one read when the token table follows it closely (scripts/kallsyms.c's order up to 6.3:
 * names, markers, token table); undefined otherwise, or when a page in between cannot be read.
 */
function namesBlock(read: ReadVirtual, loc: KallsymsLocation): Uint8Array | undefined {
  const gap = loc.tokenTable - loc.names;
  if (gap <= 0n || gap > BigInt(MAX_NAMES_BYTES)) return undefined;
  try {
    return read(loc.names, Number(gap));
  } catch {
    // Read in chunks instead, and fail where the names themselves are unreadable.
    return undefined;
  }
}


/**
 * Expands every entry of kallsyms_names into its type letter and its name: the token bytes of all names go
 * into one buffer, joined by newlines, decoded once (tens of ms for 87,000 symbols, instead of a string per
 * token). A name with a newline or NUL in it is no symbol name: the table is then refused.
 */
function expandNames(read: ReadVirtual, loc: KallsymsLocation, numSyms: number, tokens: Uint8Array[], where: (t: string, a: bigint) => string): { nameBytes: Uint8Array; nameStart: Int32Array; types: Uint8Array } {
  // The names as one block when they are followed by the token table, else in chunks (the 6.4+ order).
  const block = namesBlock(read, loc) ?? new Uint8Array(0);
  const chunked = new ChunkedBytes(read, loc.names);
  const limit = block.length;
  // The 256 tokens laid end to end: a token is [tokStart[b], tokEnd[b]) of tokBytes.
  const tokStart = new Int32Array(256);
  const tokEnd = new Int32Array(256);
  let maxToken = 0;
  for (const t of tokens) maxToken = Math.max(maxToken, t.length);
  const tokBytes = new Uint8Array(tokens.reduce((n, t) => n + t.length, 0));
  tokens.reduce((at, t, b) => {
    tokBytes.set(t, at);
    tokStart[b] = at;
    tokEnd[b] = at + t.length;
    return at + t.length;
  }, 0);
  const types = new Uint8Array(numSyms);
  const nameStart = new Int32Array(numSyms + 1);
  let buf = new Uint8Array(Math.min(numSyms * 32, 64 << 20));
  let pos = 0;
  let off = 0;
  for (let i = 0; i < numSyms; i++) {
    const entry = off;
    let len = off < limit ? block[off]! : chunked.byte(off);
    off++;
    if (len & 0x80) {
      len = (len & 0x7f) | ((off < limit ? block[off]! : chunked.byte(off)) << 7);
      off++;
    }
    if (len === 0) throw new DumpFormatError(where("kallsyms_names", loc.names), entry, `symbol ${i} has an empty name`);
    if (pos + len * maxToken + 1 > buf.length) {
      const bigger = new Uint8Array(Math.max(buf.length * 2, pos + len * maxToken + 1));
      bigger.set(buf);
      buf = bigger;
    }
    const start = pos;
    for (let k = 0; k < len; k++, off++) {
      const b = off < limit ? block[off]! : chunked.byte(off);
      for (let j = tokStart[b]!, e = tokEnd[b]!; j < e; j++) buf[pos++] = tokBytes[j]!;
    }
    if (pos - start < 2) throw new DumpFormatError(where("kallsyms_names", loc.names), entry, `symbol ${i} expands to ${pos - start} character(s)`);
    // The expansion's first character is the type letter; the name follows it.
    types[i] = buf[start]!;
    nameStart[i] = start + 1;
  }
  // The end of the last name, where a next type letter would be.
  nameStart[numSyms] = pos + 1;
  if (!KallsymsImage.wellFormed(buf, pos)) throw new DumpFormatError(where("kallsyms_names", loc.names), 0, "a symbol name holds a newline or NUL byte");
  return { nameBytes: buf.subarray(0, pos), nameStart, types };
}

function u32(bytes: Uint8Array, off: number): number {
  return (bytes[off]! | (bytes[off + 1]! << 8) | (bytes[off + 2]! << 16) | (bytes[off + 3]! << 24)) >>> 0;
}

/**
 * Decodes every symbol of kallsyms into a SymbolTable (names are stripped of .isra./.part./.llvm. as crash
 * shows them). Malformed tables give DumpFormatError naming the table and the offset in it.
 */
export function readKallsyms(read: ReadVirtual, loc: KallsymsLocation, options: KallsymsOptions = {}): SymbolTable {
  return decodeKallsyms(read, loc, options).symbolTable();
}

/** Decodes kallsyms into its bytes and columns: names resolve at once, the sorted table is built on demand. */
export function decodeKallsyms(read: ReadVirtual, loc: KallsymsLocation, options: KallsymsOptions = {}): KallsymsImage {
  const where = (table: string, addr: bigint): string => `kallsyms ${table} at ${addr.toString(16)}`;
  const numSyms = u32(read(loc.numSyms, 4), 0);
  if (numSyms === 0 || numSyms > MAX_KALLSYMS) throw new DumpFormatError(where("kallsyms_num_syms", loc.numSyms), 0, `absurd symbol count ${numSyms}`);

  const tokenIndexBytes = read(loc.tokenIndex, TOKEN_INDEX_SIZE);
  const tokenOffsets = new Uint16Array(256);
  let tokenTableLen = 0;
  for (let i = 0; i < 256; i++) {
    tokenOffsets[i] = tokenIndexBytes[2 * i]! | (tokenIndexBytes[2 * i + 1]! << 8);
    tokenTableLen = Math.max(tokenTableLen, tokenOffsets[i]!);
  }
  // The token table usually ends where the index starts; otherwise read up to the last token and a bit.
  const gap = loc.tokenIndex - loc.tokenTable;
  tokenTableLen = gap > 0n && gap <= BigInt(MAX_TOKEN_TABLE) ? Number(gap) : Math.min(MAX_TOKEN_TABLE, tokenTableLen + 256);
  const tokenTable = read(loc.tokenTable, tokenTableLen);
  const tokens: Uint8Array[] = [];
  for (let i = 0; i < 256; i++) {
    const start = tokenOffsets[i]!;
    const end = tokenTable.indexOf(0, start);
    if (start >= tokenTable.length || end < 0) throw new DumpFormatError(where("kallsyms_token_index", loc.tokenIndex), 2 * i, `token ${i} at ${start} is outside the token table (${tokenTable.length} bytes)`);
    tokens.push(tokenTable.subarray(start, end));
  }
  const { nameBytes, nameStart, types } = expandNames(read, loc, numSyms, tokens, where);

  const offsetBytes = read(loc.offsets, numSyms * 4);
  const baseBytes = read(loc.relativeBase, 8);
  const base = (BigInt(u32(baseBytes, 4)) << 32n) | BigInt(u32(baseBytes, 0));
  const absolutePercpu = options.absolutePercpu ?? true;
  const addrHi = new Uint32Array(numSyms);
  const addrLo = new Uint32Array(numSyms);
  const baseHi = Number(base >> 32n);
  const baseLo = Number(base & 0xffff_ffffn);
  for (let i = 0; i < numSyms; i++) {
    const raw = u32(offsetBytes, 4 * i);
    const signed = raw | 0;
    let hi: number;
    let lo: number;
    if (absolutePercpu && signed >= 0) {
      hi = 0;
      lo = raw;
    } else {
      // base + (u32)offset, or base - 1 - offset for a negative one: in both cases an unsigned 33-bit delta.
      const delta = absolutePercpu ? -1 - signed : raw;
      const sum = baseLo + delta;
      lo = sum >>> 0;
      hi = (baseHi + Math.floor(sum / 0x1_0000_0000)) >>> 0;
    }
    addrHi[i] = hi;
    addrLo[i] = lo;
  }
  return new KallsymsImage({ nameBytes, nameStart, types, addrHi, addrLo });
}
