// Source lines for `dis -l`, `dis -s`, `list` and `sym`: address → file and line from the vmlinux's DWARF line
// tables, answered the way gdb's find_pc_line does (crash asks gdb), and source text through a callback the
// adapter passes in (the core never touches the file system).
import { Dwarf } from "../debuginfo/dwarf/dwarf";
import { DwarfLines, filePath, readLineHeader, runLineProgram, type LineTableHeader } from "../debuginfo/dwarf/line";
import { sectionData } from "../debuginfo/dwarf/reader";
import { KdwError } from "../io/errors";

export interface SourceLocation {
  /** The path as gdb prints it in `dis -l` and `sym`: the unit's comp_dir joined with the file's. */
  file: string;
  /** The path relative to the comp_dir, as gdb's `list` and crash's `dis -s` show it. */
  displayFile: string;
  line: number;
}

/** A line table entry's extent: the line's code from `start` up to (not including) `end`. */
export interface SourceRange extends SourceLocation {
  start: bigint;
  end: bigint;
}

/** Address → source line, at run-time (KASLR-relocated) addresses. */
export interface SourceLines {
  locate(address: bigint): SourceLocation | undefined;
  /** gdb's find_pc_line: the line table entry holding `address`, where it starts and the next one starts. */
  range?(address: bigint): SourceRange | undefined;
  /** gdb's `info line FILE:LINE`: the first code of that line in the unit whose source is FILE. */
  lineRange?(file: string, line: number): SourceRange | undefined;
}

/** Reads a source file, given a path relative to the user's source tree; undefined when absent. */
export type SourceReader = (path: string) => string | undefined;

/** One unit's line table, decoded once into sorted columns. */
interface UnitRows {
  header: LineTableHeader;
  hi: Uint32Array;
  lo: Uint32Array;
  file: Uint32Array;
  line: Uint32Array;
  /** Bit 0: is_stmt; bit 1: end of sequence. */
  flags: Uint8Array;
}

const IS_STMT = 1;
const END_SEQUENCE = 2;
/** Units whose decoded rows are kept (a `dis -l` touches one or two; `bt -l` one per frame). */
const UNIT_CACHE = 16;
/** More rows than one unit's line program has (vmlinux's largest: a few hundred thousand). */
const MAX_ROWS = 1 << 22;
/** More line programs than .debug_line holds (vmlinux: one per compile unit, about 2,200). */
const MAX_LINE_PROGRAMS = 1 << 20;

function decodeRows(dwarf: Dwarf, header: LineTableHeader): UnitRows {
  const rows: number[] = [];
  runLineProgram(dwarf, header, (hi, lo, file, line, _column, isStmt, end) => {
    rows.push(hi, lo, file, line, (isStmt ? IS_STMT : 0) | (end ? END_SEQUENCE : 0));
    return rows.length < MAX_ROWS * 5;
  });
  const n = rows.length / 5;
  // gdb sorts each line table by address, end-of-sequence markers first among rows at the same address
  // (buildsym.c, end_symtab_with_blockvector); the sort is stable otherwise.
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => rows[a * 5]! - rows[b * 5]! || rows[a * 5 + 1]! - rows[b * 5 + 1]! || (rows[b * 5 + 4]! & END_SEQUENCE) - (rows[a * 5 + 4]! & END_SEQUENCE) || a - b);
  const out: UnitRows = { header, hi: new Uint32Array(n), lo: new Uint32Array(n), file: new Uint32Array(n), line: new Uint32Array(n), flags: new Uint8Array(n) };
  order.forEach((src, i) => {
    out.hi[i] = rows[src * 5]!;
    out.lo[i] = rows[src * 5 + 1]!;
    out.file[i] = rows[src * 5 + 2]!;
    out.line[i] = rows[src * 5 + 3]!;
    out.flags[i] = rows[src * 5 + 4]!;
  });
  return out;
}

/** Index of the row gdb reports for (hi:lo): the last at or before it, preferring a statement at that address. */
export function rowAt(rows: Pick<UnitRows, "hi" | "lo" | "flags">, hi: number, lo: number): number {
  let a = 0;
  let b = rows.hi.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    const mh = rows.hi[mid]!;
    if (mh < hi || (mh === hi && rows.lo[mid]! <= lo)) a = mid + 1;
    else b = mid;
  }
  let best = a - 1;
  if (best < 0 || rows.flags[best]! & END_SEQUENCE) return -1;
  if (!(rows.flags[best]! & IS_STMT)) {
    let t = best;
    while (t > 0 && rows.hi[t - 1] === rows.hi[t] && rows.lo[t - 1] === rows.lo[t] && !(rows.flags[t]! & IS_STMT) && !(rows.flags[t - 1]! & END_SEQUENCE)) t--;
    if (rows.flags[t]! & IS_STMT) best = t;
  }
  return best;
}

/** Source lines from one object's DWARF; `slide` is added to its link-time addresses (the KASLR offset). */
export class DwarfSourceLines implements SourceLines {
  private readonly lines: DwarfLines;
  private readonly units = new Map<number, UnitRows | null>();

  constructor(
    dwarf: Dwarf,
    private readonly slide: bigint,
  ) {
    this.lines = new DwarfLines(dwarf);
  }

  locate(address: bigint): SourceLocation | undefined {
    const linkAddress = address - this.slide;
    const unit = this.lines.unitFor(linkAddress);
    if (unit === undefined) return undefined;
    const rows = this.rowsOf(unit);
    if (!rows) return undefined;
    const i = rowAt(rows, Number(linkAddress >> 32n), Number(linkAddress & 0xffff_ffffn));
    if (i < 0 || rows.line[i] === 0) return undefined;
    const file = filePath(rows.header, rows.file[i]!);
    const compDir = rows.header.directories[0] ?? "";
    const displayFile = compDir && file.startsWith(compDir + "/") ? file.slice(compDir.length + 1) : file;
    return { file, displayFile, line: rows.line[i]! };
  }

  range(address: bigint): SourceRange | undefined {
    const linkAddress = address - this.slide;
    const unit = this.lines.unitFor(linkAddress);
    if (unit === undefined) return undefined;
    const rows = this.rowsOf(unit);
    if (!rows) return undefined;
    const i = rowAt(rows, Number(linkAddress >> 32n), Number(linkAddress & 0xffff_ffffn));
    if (i < 0 || rows.line[i] === 0) return undefined;
    return this.entry(rows, i);
  }

  lineRange(file: string, line: number): SourceRange | undefined {
    // The line programs whose own source file (file 0 in DWARF 5, 1 before) is FILE: found by one pass over the
    // .debug_line headers, kept (a file built into several objects has several).
    let found: SourceRange | undefined;
    for (const h of this.programsOf(file)) {
      const rows = decodeRows(this.lines.dwarf, h);
      for (let i = 0; i < rows.line.length; i++) {
        if (rows.line[i] !== line || !(rows.flags[i]! & IS_STMT) || rows.flags[i]! & END_SEQUENCE) continue;
        const e = this.entry(rows, i);
        if (!found || e.start < found.start) found = e;
        break;
      }
    }
    return found;
  }

  private primaries: { name: string; header: LineTableHeader }[] | undefined;

  private programsOf(file: string): LineTableHeader[] {
    if (!this.primaries) {
      this.primaries = [];
      const dwarf = this.lines.dwarf;
      const size = sectionData(dwarf.sections, "line").length;
      for (let offset = 0, n = 0; offset < size && n < MAX_LINE_PROGRAMS; n++) {
        let h: LineTableHeader;
        try {
          h = readLineHeader(dwarf, offset, undefined, 8);
        } catch (err) {
          if (err instanceof KdwError) break;
          throw err;
        }
        const index = h.version >= 5 ? 0 : 1;
        if (h.files[index]) {
          // The path below the comp_dir, as gdb shows it ("kernel/panic.c").
          const path = filePath(h, index);
          const compDir = h.directories[0] ?? "";
          this.primaries.push({ name: compDir && path.startsWith(compDir + "/") ? path.slice(compDir.length + 1) : path, header: h });
        }
        if (h.programEnd <= offset) break;
        offset = h.programEnd;
      }
    }
    const exact = this.primaries.filter((p) => p.name === file);
    return (exact.length ? exact : this.primaries.filter((p) => p.name.endsWith("/" + file))).map((p) => p.header);
  }

  /** Row i as a range, at run-time addresses: it ends where the next row at a higher address starts. */
  private entry(rows: UnitRows, i: number): SourceRange {
    const at = (j: number): bigint => (BigInt(rows.hi[j]!) << 32n) | BigInt(rows.lo[j]!);
    const start = at(i);
    let j = i + 1;
    while (j < rows.line.length && at(j) <= start) j++;
    const end = j < rows.line.length ? at(j) : start;
    const file = filePath(rows.header, rows.file[i]!);
    const compDir = rows.header.directories[0] ?? "";
    const displayFile = compDir && file.startsWith(compDir + "/") ? file.slice(compDir.length + 1) : file;
    return { file, displayFile, line: rows.line[i]!, start: start + this.slide, end: end + this.slide };
  }

  private rowsOf(unit: number): UnitRows | undefined {
    let rows = this.units.get(unit);
    if (rows === undefined) {
      const header = this.lines.headerForUnit(unit);
      rows = header ? decodeRows(this.lines.dwarf, header) : null;
      this.units.set(unit, rows);
      if (this.units.size > UNIT_CACHE) this.units.delete(this.units.keys().next().value!);
    }
    return rows ?? undefined;
  }
}

/**
 * Source lines of a vmlinux, opened on first use (reading .debug_info and .debug_line costs about a second);
 * undefined answers when the vmlinux has no DWARF. `reader` opens (or returns) the shared DWARF reader.
 */
export function lazyVmlinuxSourceLines(reader: () => Dwarf | null, kaslrOffset: bigint): SourceLines {
  let opened: DwarfSourceLines | null | undefined;
  const open = (): DwarfSourceLines | null => {
    if (opened === undefined) {
      const dwarf = reader();
      opened = dwarf ? new DwarfSourceLines(dwarf, kaslrOffset) : null;
    }
    return opened;
  };
  return {
    locate: (address) => open()?.locate(address),
    range: (address) => open()?.range(address),
    lineRange: (file, line) => open()?.lineRange(file, line),
  };
}

/** "file: line" as crash prints it before a `dis -l` group and after `sym`. */
export function lineText(loc: SourceLocation): string {
  return `${loc.file}: ${loc.line}`;
}

/**
 * Finds a DWARF path in the user's source tree: the path itself, then with leading directories dropped one at
 * a time (`debian/build/build_amd64_none_cloud-amd64/kernel/kexec_core.c` → `kernel/kexec_core.c`).
 */
export function readSourceFile(read: SourceReader, path: string): { path: string; text: string } | undefined {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  for (let i = 0; i < parts.length; i++) {
    if (parts.slice(i).includes("..")) continue;
    const candidate = parts.slice(i).join("/");
    const text = read(candidate);
    if (text !== undefined) return { path: candidate, text };
  }
  return undefined;
}
