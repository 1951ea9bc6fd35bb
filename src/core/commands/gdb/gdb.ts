// crash's `gdb` (gdb_interface.c cmd_gdb): the gdb commands analysts reach for through crash, answered from
// kdw's own types, expression evaluator, symbols and line tables instead of a gdb: p[/x|/d], ptype, whatis,
// list, info symbol, info line, info address, x. Output as gdb prints it; what gdb cannot answer is crash's
// "gdb request failed" line (and the reason on a second line, which crash does not give).
import { resolveType, type Type } from "../../debuginfo/types";
import { KdwError } from "../../io/errors";
import { formatPrint, formatType, formatTypeDefinition } from "../../program/gdb-format/gdb-format";
import { readSourceFile, type SourceRange } from "../../program/source-lines";
import { CommandError, defineCommand, type CommandContext, type ConsoleState } from "../command";
import { Evaluator, valueType, type Value } from "../shared/c-expr";
import { LINES_TO_LIST, sliceLines, splitLines } from "../shared/source-listing";
import { lookupTypeArg, valueOptions } from "../shared/type-args";
import { usageError } from "../shared/usage";
import { formatGdb } from "./gdb-format";

/** What gdb printed, as lines of text (its own layout); `history` when it numbered a value. */
export interface GdbResult {
  command: string;
  text: string;
  history?: number;
}

/** gdb's last_source_error, per console: the file whose source was last missing ("in FILE" the next time). */
const lastSourceError = new WeakMap<ConsoleState, string>();

/** Thrown for what gdb refuses: crash shows only "gdb request failed"; kdw adds why. */
class GdbFailed extends CommandError {
  constructor(
    command: string,
    readonly reason: string,
  ) {
    super("gdb", `gdb request failed: ${command}\ngdb: ${reason}`);
  }
}

const hexAddr = (a: bigint): string => `0x${a.toString(16)}`;

/** `sym` or `sym+off` for gdb's <...> after an address (core kernel symbols, as gdb knows them). */
function symOff(ctx: CommandContext, a: bigint): string {
  const at = ctx.symbols.symbolAt(a);
  return at ? (at.offset ? `${at.symbol.name}+${at.offset}` : at.symbol.name) : "";
}

/** A gdb expression's value, or the reason gdb gives. */
function evaluate(ctx: CommandContext, command: string, expr: string): Value {
  try {
    return new Evaluator(ctx.prog, "gdb").evaluate(expr);
  } catch (err) {
    if (err instanceof KdwError) throw new GdbFailed(command, err instanceof CommandError ? err.detail : err.message);
    throw err;
  }
}

/** The type an argument of ptype/whatis names: a type, a symbol (variable or function) or an expression. */
function typeOf(ctx: CommandContext, command: string, arg: string): { type: Type; isTypeName: boolean } {
  if (/^(struct|union|enum)\s/.test(arg) || (!ctx.prog.hasSymbol(arg) && /^[A-Za-z_]\w*$/.test(arg) && lookupTypeArg(ctx.prog, arg))) {
    const t = lookupTypeArg(ctx.prog, arg);
    if (!t) throw new GdbFailed(command, `No struct type named ${arg.replace(/^\w+\s+/, "")}.`);
    return { type: t, isTypeName: true };
  }
  if (ctx.prog.hasSymbol(arg)) {
    const fn = ctx.prog.types.findFunction(arg);
    const v = ctx.prog.declaredType(arg);
    if (v) return { type: v, isTypeName: false };
    if (fn) return { type: fn.type, isTypeName: false };
  }
  return { type: valueType(ctx.prog, evaluate(ctx, command, arg)), isTypeName: false };
}

function print(ctx: CommandContext, command: string, fmt: string | undefined, expr: string): GdbResult {
  if (!expr) throw new GdbFailed(command, "expression required");
  const value = evaluate(ctx, command, expr);
  const type = valueType(ctx.prog, value);
  let bytes: Uint8Array;
  if (value.kind === "num") {
    bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, value.value, true);
  } else {
    try {
      bytes = value.obj.bytes();
    } catch (err) {
      if (err instanceof KdwError) throw new GdbFailed(command, `Cannot access memory at address 0x${(value.obj.address ?? 0n).toString(16)}`);
      throw err;
    }
  }
  const history = ++ctx.state.valueHistory;
  const opts = { ...valueOptions(ctx, value.kind === "obj" ? value.obj.address : undefined), history };
  const text = formatPrint(type, bytes, fmt === "x" ? { ...opts, format: "x" } : fmt === "d" ? { ...opts, radix: 10 } : opts);
  return { command, text, history };
}

/** whatis: the declared type's name one level deep (a typedef name unrolls once). */
function whatis(ctx: CommandContext, command: string, arg: string): GdbResult {
  const { type, isTypeName } = typeOf(ctx, command, arg);
  const shown = isTypeName && type.kind === "typedef" ? type.target : type;
  return { command, text: `type = ${formatType(shown, "")}\n` };
}

/** ptype: typedefs resolved (check_typedef); a struct, union or enum is spelled out, anything else named. */
function ptype(ctx: CommandContext, command: string, arg: string): GdbResult {
  let { type } = typeOf(ctx, command, arg);
  for (let i = 0; i < 64 && type.kind === "typedef"; i++) type = type.target;
  const core = resolveType(type);
  if (core === type && (core.kind === "struct" || core.kind === "union" || core.kind === "enum")) return { command, text: "type = " + formatTypeDefinition(type, { size: false }) };
  return { command, text: `type = ${formatType(type, "")}\n` };
}

/** The address a linespec names: FUNCTION, *ADDRESS, or FILE:LINE (the first code of that line). */
function linespec(ctx: CommandContext, command: string, spec: string): { range?: SourceRange; address?: bigint; fileLine?: { file: string; line: number } } {
  const fileLine = /^(.+):(\d+)$/.exec(spec);
  if (fileLine) return { fileLine: { file: fileLine[1]!, line: Number(fileLine[2]) }, range: ctx.sourceLines?.lineRange?.(fileLine[1]!, Number(fileLine[2])) };
  let address: bigint;
  if (spec.startsWith("*")) {
    const v = evaluate(ctx, command, spec.slice(1));
    address = v.kind === "obj" && v.obj.address !== undefined && resolveType(v.obj.type).kind === "function" ? v.obj.address : v.kind === "num" ? v.value : BigInt.asUintN(64, v.obj.value());
  } else {
    const a = ctx.prog.symbols.addressOf(spec);
    if (a === undefined || !ctx.prog.types.findFunction(spec)) throw new GdbFailed(command, `Function "${spec}" not defined.`);
    address = a;
  }
  if (ctx.prog.noDwarf) throw new GdbFailed(command, `no line number information: ${ctx.prog.noDwarf}`);
  return { address, range: ctx.sourceLines?.range?.(address) };
}

function infoLine(ctx: CommandContext, command: string, spec: string): GdbResult {
  const l = linespec(ctx, command, spec);
  if (!l.range) {
    if (l.fileLine) throw new GdbFailed(command, `Line ${l.fileLine.line} of "${l.fileLine.file}" is at an address with no code, or no such file.`);
    return { command, text: `No line number information available for address ${hexAddr(l.address!)}${symOff(ctx, l.address!) ? ` <${symOff(ctx, l.address!)}>` : ""}\n` };
  }
  const r = l.range;
  const name = (a: bigint): string => (symOff(ctx, a) ? ` <${symOff(ctx, a)}>` : "");
  return { command, text: `Line ${r.line} of "${r.displayFile}" starts at address ${hexAddr(r.start)}${name(r.start)} and ends at ${hexAddr(r.end)}${name(r.end)}.\n` };
}

function list(ctx: CommandContext, command: string, spec: string): GdbResult {
  let header = "";
  let file: string;
  let display: string;
  let line: number;
  const fileLine = /^(.+):(\d+)$/.exec(spec);
  if (fileLine) {
    file = display = fileLine[1]!;
    line = Number(fileLine[2]);
  } else {
    const l = linespec(ctx, command, spec);
    const loc = l.range ?? (l.address !== undefined ? ctx.sourceLines?.locate(l.address) : undefined);
    if (!loc) throw new GdbFailed(command, `no line number information for ${spec}`);
    file = loc.file;
    display = loc.displayFile;
    line = loc.line;
    if (spec.startsWith("*")) {
      const fn = ctx.symbols.symbolAt(l.address!);
      header = `${hexAddr(l.address!)} is in ${fn?.symbol.name ?? "??"} (${display}:${line}).\n`;
    }
  }
  const first = Math.max(line - LINES_TO_LIST / 2, 1);
  const found = ctx.readSource ? readSourceFile(ctx.readSource, file) : undefined;
  if (!found) {
    // gdb's print_source_lines_base: the error once, then "in FILE" while the same file stays missing.
    const again = lastSourceError.get(ctx.state) === display;
    lastSourceError.set(ctx.state, display);
    return { command, text: header + (again ? `${first}\tin ${display}\n` : `${first}\t${display}: No such file or directory.\n`) };
  }
  lastSourceError.delete(ctx.state);
  return { command, text: header + sliceLines(splitLines(found.text), first, first + LINES_TO_LIST - 1).map((l) => `${l.line}\t${l.text}\n`).join("") };
}

/** The vmlinux section holding a (run-time) address, by the ELF section headers and the KASLR slide. */
function sectionOf(ctx: CommandContext, address: bigint): string | undefined {
  const slide = ctx.prog.vmcoreinfo?.kernelOffset ?? 0n;
  const link = address - slide;
  for (const s of ctx.vmlinux?.sections ?? []) {
    if (s.addr !== 0n && (s.flags & 2) !== 0 && link >= s.addr && link < s.addr + BigInt(s.size)) return s.name; // SHF_ALLOC
  }
  return undefined;
}

function infoSymbol(ctx: CommandContext, command: string, arg: string): GdbResult {
  const v = evaluate(ctx, command, arg);
  const address = v.kind === "num" ? v.value : v.obj.address !== undefined && resolveType(v.obj.type).kind !== "pointer" && resolveType(v.obj.type).kind !== "int" ? v.obj.address : BigInt.asUintN(64, v.obj.value());
  const at = ctx.symbols.symbolAt(address);
  const section = at ? sectionOf(ctx, address) : undefined;
  if (!at || (ctx.vmlinux && !section)) return { command, text: `No symbol matches ${arg}.\n` };
  const where = section ?? ({ T: ".text", t: ".text", D: ".data", d: ".data", B: ".bss", b: ".bss", R: ".rodata", r: ".rodata" } as Record<string, string>)[at.symbol.type] ?? "?";
  return { command, text: `${at.symbol.name}${at.offset ? ` + ${at.offset}` : ""} in section ${where}\n` };
}

function infoAddress(ctx: CommandContext, command: string, name: string): GdbResult {
  const a = ctx.prog.symbols.addressOf(name);
  if (a === undefined) throw new GdbFailed(command, `No symbol "${name}" in current context.`);
  if (ctx.prog.types.findFunction(name)) return { command, text: `Symbol "${name}" is a function at address ${hexAddr(a)}.\n` };
  // gdb relocates a per-CPU symbol (an offset in .data..percpu) by the KASLR slide like any other.
  const perCpu = sectionOf(ctx, a) === undefined && a < 0x1_0000_0000n ? a + (ctx.prog.vmcoreinfo?.kernelOffset ?? 0n) : a;
  return { command, text: `Symbol "${name}" is static storage at address ${hexAddr(perCpu)}.\n` };
}

/** x/NFU ADDR for the formats analysts use: x (hex) and d (decimal), units b h w g. */
function examine(ctx: CommandContext, command: string, fmt: string, arg: string): GdbResult {
  // gdb's /NFU: a count, then format and unit letters in either order.
  const m = /^(\d*)([xdubhwg]*)$/.exec(fmt);
  const letters = m?.[2] ?? "";
  if (!m || [...letters].filter((c) => "xdu".includes(c)).length > 1 || [...letters].filter((c) => "bhwg".includes(c)).length > 1) throw new GdbFailed(command, `kdw's x knows the formats x, d and u with units b, h, w, g`);
  const count = Math.min(Number(m[1] || "1"), 4096);
  const unit = [...letters].find((c) => "bhwg".includes(c)) ?? "w";
  const size = { b: 1, h: 2, w: 4, g: 8 }[unit as "b" | "h" | "w" | "g"];
  const radix = letters.includes("d") ? "d" : letters.includes("u") ? "u" : "x";
  const v = evaluate(ctx, command, arg);
  const start = v.kind === "num" ? v.value : v.obj.address ?? BigInt.asUintN(64, v.obj.value());
  const perLine = size === 8 ? 2 : size === 4 ? 4 : size === 2 ? 8 : 8;
  let text = "";
  for (let i = 0; i < count; i += perLine) {
    const a = start + BigInt(i * size);
    const name = symOff(ctx, a);
    text += `${hexAddr(a)}${name ? ` <${name}>` : ""}:`;
    let bytes: Uint8Array;
    try {
      bytes = ctx.prog.read(a, Math.min(perLine, count - i) * size);
    } catch {
      throw new GdbFailed(command, `Cannot access memory at address ${hexAddr(a)}`);
    }
    for (let j = 0; j * size < bytes.length; j++) {
      let u = 0n;
      for (let k = size - 1; k >= 0; k--) u = (u << 8n) | BigInt(bytes[j * size + k]!);
      text += "\t" + (radix === "x" ? `0x${u.toString(16).padStart(size * 2, "0")}` : radix === "u" ? u.toString() : BigInt.asIntN(size * 8, u).toString());
    }
    text += "\n";
  }
  return { command, text };
}

export const gdbCommand = defineCommand({
  name: "gdb",
  summary: "gdb command",
  help: `SYNOPSIS
  gdb command ...

DESCRIPTION
  This command passes its arguments directly to gdb for processing.
  This is typically not necessary, but where ambiguities between crash and
  gdb command names exist, this will force the command to be executed by gdb.

  Alternatively, if "set gdb on" is entered, the session will be run in a
  mode where all commands are passed directly to gdb.  When running in that
  mode, native crash commands may be executed by preceding them with the
  "crash" directive.  To restore native crash mode, enter "set gdb off".

  kdw has no gdb and no "set gdb on" mode: it answers the gdb commands analysts use through crash from
  its own types, expressions, symbols and line tables, in gdb's layout:
    p[/x|/d] EXPR          print an expression (numbered $1, $2, ... with p)
    ptype TYPE|EXPR        a type's definition, or an expression's type
    whatis TYPE|EXPR       a type's name, one typedef unrolled
    list FUNC|FILE:LINE|*ADDR   ten source lines (with --src DIR)
    info symbol ADDR       the symbol and section holding an address
    info line FUNC|FILE:LINE|*ADDR   where a line's code starts and ends
    info address SYM       where a symbol is
    x/NFU ADDR             memory as words (formats x d u, units b h w g)
  Anything else is crash's "gdb request failed". Where gdb refuses, kdw says why
  on a second line (crash does not).`,
  options: { raw: true },
  parse(args): string[] {
    if (args.operands.length === 0) throw usageError("gdb", "command ...");
    return [...args.operands];
  },
  execute(ctx, words): GdbResult {
    const command = words.join(" ");
    const [verb, ...rest] = words as [string, ...string[]];
    const arg = rest.join(" ").trim();
    const pm = /^(p|print|output|call)(?:\/([xd]))?$/.exec(verb);
    if (pm) return print(ctx, command, pm[2], arg);
    const xm = /^x(?:\/(\S*))?$/.exec(verb);
    if (xm) return examine(ctx, command, xm[1] ?? "", arg);
    if (verb === "ptype") return ptype(ctx, command, arg);
    if (verb === "whatis") return whatis(ctx, command, arg);
    if (verb === "list" || verb === "l") return list(ctx, command, arg);
    if (verb === "info" && rest[0] === "symbol") return infoSymbol(ctx, command, rest.slice(1).join(" "));
    if (verb === "info" && rest[0] === "line") return infoLine(ctx, command, rest.slice(1).join(" "));
    if (verb === "info" && rest[0] === "address") return infoAddress(ctx, command, rest.slice(1).join(" "));
    if (verb === "sizeof") return print(ctx, command, undefined, `sizeof(${arg})`);
    throw new GdbFailed(command, `kdw's gdb does not know "${verb}${verb === "info" && rest[0] ? " " + rest[0] : ""}"`);
  },
  format: formatGdb,
});
