// Line tables (.debug_line, DWARF 5 section 6.2; DWARF 2-4 headers too): address → file:line, as `dis -l`
// and `bt -l` print it. The state machine tracks addresses as two 32-bit halves: kernel addresses exceed 2^53
// and a BigInt per row would cost more than the whole decode.
import * as C from "./constants";
import { UnitAddressMap } from "./aranges";
import type { Dwarf } from "./dwarf";
import { sectionData, sectionLabel, SectionReader } from "./reader";
import { sectionRange } from "./section";
import { readInitialLength } from "./unit";

export interface LineTableHeader {
  readonly offset: number;
  readonly version: number;
  readonly addrSize: number;
  readonly minInstLength: number;
  readonly maxOpsPerInst: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  readonly standardOpcodeLengths: readonly number[];
  readonly directories: readonly string[];
  readonly files: readonly { name: string; dir: number }[];
  /** Offset of the first opcode, and of the end of the program. */
  readonly programStart: number;
  readonly programEnd: number;
}

export interface LineRow {
  address: bigint;
  /** The path as gdb (and so crash) builds it: dir[0] (comp_dir) + dir + file, or the absolute part. */
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
}

const TWO_32 = 0x1_0000_0000;
/** More opcodes than one unit's program has (vmlinux's largest: a few hundred thousand). */
const MAX_OPS = 1 << 26;
const MAX_ENTRIES = 1 << 20;

function readEntryFormats(r: SectionReader): number[][] {
  const count = r.u8();
  const formats: number[][] = [];
  for (let i = 0; i < count; i++) formats.push([r.uleb(), r.uleb()]);
  return formats;
}

/** One directory or file entry of a DWARF 5 header: its path and directory index. */
function readEntry(dwarf: Dwarf, r: SectionReader, formats: number[][]): { name: string; dir: number } {
  let name = "";
  let dir = 0;
  for (const [content, form] of formats) {
    let str: string | undefined;
    let num = 0;
    switch (form) {
      case C.DW_FORM_string:
        str = r.cstring();
        break;
      case C.DW_FORM_line_strp:
        str = dwarf.lineStr(r.u32());
        break;
      case C.DW_FORM_strp:
        str = dwarf.str(r.u32());
        break;
      case C.DW_FORM_udata:
        num = r.uleb();
        break;
      case C.DW_FORM_data1:
        num = r.u8();
        break;
      case C.DW_FORM_data2:
        num = r.u16();
        break;
      case C.DW_FORM_data4:
        num = r.u32();
        break;
      case C.DW_FORM_data8:
        r.skip(8);
        break;
      case C.DW_FORM_data16:
        r.skip(16); // DW_LNCT_MD5
        break;
      case C.DW_FORM_block:
        r.skip(r.uleb());
        break;
      default:
        r.fail(`unsupported form 0x${form!.toString(16)} in a line table entry`);
    }
    if (content === C.DW_LNCT_path && str !== undefined) name = str;
    else if (content === C.DW_LNCT_directory_index) dir = num;
  }
  return { name, dir };
}

/** unit_length, version, address_size and segment_selector_size (DWARF 5), header_length. */
const LINE_HEADER_PREFIX = 4 + 2 + 2 + 4;

export function readLineHeader(dwarf: Dwarf, offset: number, compDir: string | undefined, addrSize: number): LineTableHeader {
  // The fields that say where the header ends, then the header alone (a lazy .debug_line is not read whole).
  const data = sectionData(dwarf.sections, "line");
  const name = sectionLabel(dwarf.sections, "line");
  const pre = new SectionReader(sectionRange(data, offset, LINE_HEADER_PREFIX), name, offset, undefined, offset, data.length);
  const length = readInitialLength(pre, "line table");
  const programEnd = pre.pos + length;
  pre.limit(programEnd);
  const version = pre.u16();
  if (version < 2 || version > 5) pre.fail(`unsupported line table version ${version}`, offset);
  if (version >= 5) {
    addrSize = pre.u8();
    if (pre.u8() !== 0) pre.fail("segmented line tables are not supported");
  }
  const headerLength = pre.u32();
  const programStart = pre.pos + headerLength;
  if (programStart > programEnd) pre.fail("line table header longer than the table", offset);
  const r = new SectionReader(sectionRange(data, offset, programStart - offset), name, pre.pos, programStart, offset, data.length);
  const minInstLength = r.u8();
  const maxOpsPerInst = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.i8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) r.fail("line_range is 0", offset);
  if (maxOpsPerInst !== 1) r.fail("VLIW line tables (maximum_operations_per_instruction > 1) are not supported", offset);
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(r.u8());
  const directories: string[] = [];
  const files: { name: string; dir: number }[] = [];
  if (version >= 5) {
    const dirFormats = readEntryFormats(r);
    const nDirs = r.uleb();
    if (nDirs > MAX_ENTRIES) r.fail("too many directories");
    for (let i = 0; i < nDirs; i++) directories.push(readEntry(dwarf, r, dirFormats).name);
    const fileFormats = readEntryFormats(r);
    const nFiles = r.uleb();
    if (nFiles > MAX_ENTRIES) r.fail("too many files");
    for (let i = 0; i < nFiles; i++) files.push(readEntry(dwarf, r, fileFormats));
  } else {
    // DWARF 2-4: directory 0 is the unit's comp_dir; files are numbered from 1.
    directories.push(compDir ?? "");
    while (r.peek() !== 0) {
      if (directories.length > MAX_ENTRIES) r.fail("too many directories");
      directories.push(r.cstring());
    }
    r.skip(1);
    files.push({ name: "", dir: 0 });
    while (r.peek() !== 0) {
      if (files.length > MAX_ENTRIES) r.fail("too many files");
      const name = r.cstring();
      const dir = r.uleb();
      r.skipUleb();
      r.skipUleb();
      files.push({ name, dir });
    }
  }
  return { offset, version, addrSize, minInstLength, maxOpsPerInst, defaultIsStmt, lineBase, lineRange, opcodeBase, standardOpcodeLengths, directories, files, programStart, programEnd };
}

/** The path of file `index` as gdb builds it (crash prints gdb's string). */
export function filePath(h: LineTableHeader, index: number): string {
  const f = h.files[index];
  if (!f) return `<file ${index}>`;
  if (f.name.startsWith("/")) return f.name;
  const dir = h.directories[f.dir] ?? "";
  if (dir.startsWith("/") || f.dir === 0) return join(dir, f.name);
  return join(join(h.directories[0] ?? "", dir), f.name);
}

function join(a: string, b: string): string {
  if (a === "") return b;
  return a.endsWith("/") ? a + b : `${a}/${b}`;
}

/**
 * Runs the line program, calling `row` for each row (address as hi/lo halves). `row` returns false to stop.
 * Rows of a sequence come in address order; `endSequence` marks the address just past a sequence.
 */
export function runLineProgram(dwarf: Dwarf, h: LineTableHeader, row: (hi: number, lo: number, file: number, line: number, column: number, isStmt: boolean, endSequence: boolean) => boolean): void {
  const data = sectionData(dwarf.sections, "line");
  const r = new SectionReader(sectionRange(data, h.programStart, h.programEnd - h.programStart), sectionLabel(dwarf.sections, "line"), h.programStart, h.programEnd, h.programStart, data.length);
  let hi = 0;
  let lo = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStmt = h.defaultIsStmt;
  const reset = (): void => {
    hi = lo = column = 0;
    file = line = 1;
    isStmt = h.defaultIsStmt;
  };
  const advance = (n: number): void => {
    lo += n * h.minInstLength;
    if (lo >= TWO_32) {
      hi = (hi + Math.floor(lo / TWO_32)) >>> 0;
      lo %= TWO_32;
    }
  };
  for (let ops = 0; !r.atEnd; ops++) {
    if (ops > MAX_OPS) r.fail("line program does not end");
    const op = r.u8();
    if (op >= h.opcodeBase) {
      const adj = op - h.opcodeBase;
      advance(Math.floor(adj / h.lineRange));
      line += h.lineBase + (adj % h.lineRange);
      if (!row(hi, lo, file, line, column, isStmt, false)) return;
      continue;
    }
    switch (op) {
      case 0: {
        const len = r.uleb();
        const end = r.pos + len;
        if (len === 0 || end > h.programEnd) r.fail("bad extended opcode length");
        const sub = r.u8();
        if (sub === C.DW_LNE_end_sequence) {
          if (!row(hi, lo, file, line, column, isStmt, true)) return;
          reset();
        } else if (sub === C.DW_LNE_set_address) {
          if (len - 1 === 8) {
            lo = r.u32();
            hi = r.u32();
          } else if (len - 1 === 4) {
            lo = r.u32();
            hi = 0;
          } else r.fail(`DW_LNE_set_address with ${len - 1} bytes`);
        }
        r.pos = end; // DW_LNE_set_discriminator, define_file and vendor opcodes: skipped by length
        break;
      }
      case C.DW_LNS_copy:
        if (!row(hi, lo, file, line, column, isStmt, false)) return;
        break;
      case C.DW_LNS_advance_pc:
        advance(r.uleb());
        break;
      case C.DW_LNS_advance_line:
        line += r.sleb();
        break;
      case C.DW_LNS_set_file:
        file = r.uleb();
        break;
      case C.DW_LNS_set_column:
        column = r.uleb();
        break;
      case C.DW_LNS_negate_stmt:
        isStmt = !isStmt;
        break;
      case C.DW_LNS_set_basic_block:
        break;
      case C.DW_LNS_const_add_pc:
        advance(Math.floor((255 - h.opcodeBase) / h.lineRange));
        break;
      case C.DW_LNS_fixed_advance_pc:
        lo += r.u16();
        if (lo >= TWO_32) advance(0);
        break;
      default:
        // Opcodes this reader does not know: skip their ULEB128 operands as the header says.
        for (let i = 0; i < (h.standardOpcodeLengths[op - 1] ?? 0); i++) r.skipUleb();
    }
  }
}

export function toBig(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * The row for `address` in the line table at `offset`: the last row at or before it in the sequence that
 * contains it (what gdb and llvm-symbolizer report). Undefined when no sequence covers it.
 */
export function lineForAddress(dwarf: Dwarf, h: LineTableHeader, address: bigint): LineRow | undefined {
  const thi = Number(address >> 32n);
  const tlo = Number(address & 0xffff_ffffn);
  let found: LineRow | undefined;
  let cand: { hi: number; lo: number; file: number; line: number; column: number; isStmt: boolean } | undefined;
  runLineProgram(dwarf, h, (hi, lo, file, line, column, isStmt, end) => {
    const cmp = hi !== thi ? hi - thi : lo - tlo;
    if (cmp > 0 || end) {
      // Past the target: the candidate (if it is in this sequence) is the answer.
      if (cand && cmp > 0) {
        found = { address: toBig(cand.hi, cand.lo), file: filePath(h, cand.file), line: cand.line, column: cand.column, isStmt: cand.isStmt };
        return false;
      }
      cand = undefined;
      return true;
    }
    cand = { hi, lo, file, line, column, isStmt };
    return true;
  });
  return found;
}

/** Address → file:line over one object's DWARF, with the unit map and line headers built on first use. */
export class DwarfLines {
  private map: UnitAddressMap | undefined;
  private readonly headers = new Map<number, LineTableHeader>();

  constructor(readonly dwarf: Dwarf) {}

  /** The line table header of the unit at .debug_info offset `unitOffset`, or undefined without one. */
  headerForUnit(unitOffset: number): LineTableHeader | undefined {
    const u = this.dwarf.unitFor(this.dwarf.units().find((x) => x.offset === unitOffset)?.dieOffset ?? unitOffset);
    const attrs = this.dwarf.unitAttrs(u);
    if (attrs.stmtList === undefined) return undefined;
    let h = this.headers.get(attrs.stmtList);
    if (!h) {
      h = readLineHeader(this.dwarf, attrs.stmtList, attrs.compDir, u.addrSize);
      this.headers.set(attrs.stmtList, h);
    }
    return h;
  }

  /** .debug_info offset of the unit whose code holds `address` (link-time). */
  unitFor(address: bigint): number | undefined {
    return (this.map ??= UnitAddressMap.build(this.dwarf)).unitFor(address);
  }

  /** File and line of a link-time address, or undefined when no line table covers it. */
  lineFor(address: bigint): LineRow | undefined {
    const unit = this.unitFor(address);
    if (unit === undefined) return undefined;
    const h = this.headerForUnit(unit);
    return h && lineForAddress(this.dwarf, h, address);
  }

  /** The rows whose address is in [lowPc, highPc), in program order (`dis -l` over a function). */
  linesFor(lowPc: bigint, highPc: bigint): LineRow[] {
    const unit = this.unitFor(lowPc);
    const h = unit === undefined ? undefined : this.headerForUnit(unit);
    if (!h) return [];
    const rows: LineRow[] = [];
    runLineProgram(this.dwarf, h, (hi, lo, file, line, column, isStmt, end) => {
      if (end) return true;
      const a = toBig(hi, lo);
      if (a >= lowPc && a < highPc) rows.push({ address: a, file: filePath(h, file), line, column, isStmt });
      return rows.length < MAX_OPS;
    });
    return rows;
  }
}
