// crash's memory display (memory.c: display_memory): the layout of `rd` and of `kdw read --phys`.
// Entries are read little-endian; 2, 4, 8 or 16 per line for 64/32/16/8-bit; an ASCII column after three
// spaces, padded on a short last line to where it would have started on a full one.

export type EntrySize = 8 | 16 | 32 | 64;

export interface MemoryDisplayOptions {
  size: EntrySize;
  /** Print the ASCII column (crash's default for hex display; off with -s, -d, -D). */
  ascii?: boolean;
  /** `-s`: the `symbol+offset` of each entry whose value is inside the kernel's symbol range, by entry index. */
  symbols?: readonly (string | undefined)[];
  /** `-d` / `-D`: signed / unsigned decimal instead of hex. */
  decimal?: "signed" | "unsigned";
}

const VADDR_PRLEN = 16;
const ENTRIES_PER_LINE: Record<EntrySize, number> = { 8: 16, 16: 8, 32: 4, 64: 2 };
const ASCII_START: Record<EntrySize, number> = { 8: 51 + VADDR_PRLEN, 16: 43 + VADDR_PRLEN, 32: 39 + VADDR_PRLEN, 64: 37 + VADDR_PRLEN };
const HEX_WIDTH: Record<EntrySize, number> = { 8: 2, 16: 4, 32: 8, 64: 16 };
const DEC_WIDTH: Record<EntrySize, [number, number]> = { 8: [3, 3], 16: [5, 5], 32: [12, 12], 64: [15, 20] };

function readEntry(view: DataView, off: number, size: EntrySize): bigint {
  switch (size) {
    case 8:
      return BigInt(view.getUint8(off));
    case 16:
      return BigInt(view.getUint16(off, true));
    case 32:
      return BigInt(view.getUint32(off, true));
    case 64:
      return view.getBigUint64(off, true);
  }
}

function signedOf(v: bigint, size: EntrySize): bigint {
  return BigInt.asIntN(size, v);
}

/** Formats `bytes` (read from `address`) as crash's `rd` does; returns the text with a final newline. */
export function formatMemory(address: bigint, bytes: Uint8Array, options: MemoryDisplayOptions): string {
  const { size } = options;
  const typesz = size / 8;
  const perLine = ENTRIES_PER_LINE[size];
  const ascii = options.ascii ?? true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Math.floor(bytes.length / typesz);
  const lines: string[] = [];
  let line = "";
  let chars = "";
  for (let i = 0; i < count; i++) {
    const off = i * typesz;
    if (i % perLine === 0) {
      if (i) lines.push(ascii ? `${line}  ${chars}` : line);
      line = (address + BigInt(off)).toString(16).padStart(VADDR_PRLEN, " ") + ":  ";
      chars = "";
    }
    const value = readEntry(view, off, size);
    const sym = size === 64 || size === 32 ? options.symbols?.[i] : undefined;
    if (sym) line += sym.padEnd(16, " ") + " ";
    else if (options.decimal === "signed") line += signedOf(value, size).toString().padStart(DEC_WIDTH[size][0], " ") + " ";
    else if (options.decimal === "unsigned") line += value.toString().padStart(DEC_WIDTH[size][1], " ") + " ";
    else line += value.toString(16).padStart(HEX_WIDTH[size], "0") + " ";
    for (let j = 0; j < typesz; j++) {
      const c = bytes[off + j]!;
      chars += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
    }
  }
  if (count === 0) return "";
  if (ascii) line = line.padEnd(ASCII_START[size], " ") + "  " + chars;
  lines.push(line);
  return lines.join("\n") + "\n";
}

/**
 * crash's `rd -a`: printable characters from `address`, 60 per line, stopping at the first unprintable one
 * (the string's end). crash prints no newline after the last line.
 */
export function formatAscii(address: bigint, bytes: Uint8Array): string {
  let out = "";
  let a = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c >= 0x7f) break;
    if (a % 60 === 0) {
      if (i) out += "\n";
      out += (address + BigInt(i)).toString(16).padStart(VADDR_PRLEN, " ") + ":  ";
    }
    out += String.fromCharCode(c);
    a++;
  }
  return out;
}
