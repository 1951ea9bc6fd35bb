// What crash prints for each entry a walker found (list -s, tree -s/-S, sbitmapq -s): a whole structure
// (dump_struct), chosen members as gdb prints them (dump_struct_member), or members read straight from memory
// (tree -S, tools.c dump_struct_members_fast and print_value).
import { findMember, resolveType, sizeOf, type Type } from "../../debuginfo/types";
import { KdwError } from "../../io/errors";
import { formatMemberValues, formatStructValue, formatValue } from "../../program/gdb-format/gdb-format";
import { CommandError, type CommandContext } from "../command";
import { lookupTypeArg, valueOptions } from "./type-args";
import { escapeControl } from "./escape";
import { moduleKallsymsAt } from "../../kernel/modules/module-symbols";

/** One -s/-S argument, checked: `struct` or `struct.member[,member]`. */
export interface StructSpec {
  name: string;
  type: Type;
  members: { name: string; offset: number; size: number; type: Type; pointer: boolean; string: boolean }[];
  /** -S: read 1-8 byte members from memory instead of printing through gdb. */
  fast: boolean;
}

function isChar(t: Type): boolean {
  const r = resolveType(t);
  return r.kind === "int" && r.size === 1;
}

/** The declared type with const/volatile peeled but typedefs kept: gdb's MEMBER_TYPE code, as crash reads it. */
function declaredKind(t: Type): Type["kind"] {
  let cur = t;
  for (let i = 0; i < 16 && (cur.kind === "const" || cur.kind === "volatile" || cur.kind === "restrict" || cur.kind === "atomic"); i++) cur = cur.target;
  return cur.kind;
}

/** fill_member_offsets: the struct and each member, or crash's error for the first that is not there. */
export function structSpec(ctx: CommandContext, command: string, arg: string, fast: boolean): StructSpec {
  const dot = arg.indexOf(".");
  const name = dot < 0 ? arg : arg.slice(0, dot);
  const type = lookupTypeArg(ctx.prog, name, "struct");
  if (!type) throw new CommandError(command, dot < 0 ? `invalid structure name: ${name}` : `Can't get offset of '${arg}'`);
  const spec: StructSpec = { name, type, members: [], fast };
  if (dot < 0) return spec;
  for (const m of arg.slice(dot + 1).split(",").filter(Boolean)) {
    let t: Type = type;
    let offset = 0;
    for (const part of m.split(".")) {
      const found = findMember(t, part.replace(/\[\d+\]$/, ""));
      if (!found) throw new CommandError(command, `Can't get offset of '${name}.${m}'`);
      offset += found.bitOffset / 8;
      t = found.member.type;
    }
    const r = resolveType(t);
    // crash's is_ptr is gdb's TYPE_CODE of the declared type: a typedef of a pointer is no pointer to it.
    const pointer = declaredKind(t) === "pointer";
    const string = (r.kind === "array" && isChar(r.element)) || (r.kind === "pointer" && isChar(r.target));
    spec.members.push({ name: m, offset: Math.floor(offset), size: sizeOf(t), type: t, pointer, string });
  }
  return spec;
}

/** print_value: `  member = VALUE` (hex for pointers and -x, else unsigned decimal), a text symbol's name. */
function fastMember(ctx: CommandContext, addr: bigint, m: StructSpec["members"][number], radix: 10 | 16): string {
  const at = addr + BigInt(m.offset);
  // read_string: a string that cannot be read is empty.
  const text = (addr: bigint, max: number): string => {
    try {
      return escapeControl([...ctx.prog.readCString(addr, max)].map((c) => String.fromCharCode(c)).join(""));
    } catch (err) {
      if (err instanceof KdwError) return "";
      throw err;
    }
  };
  if (m.size > 8) return `  ${m.name} = "${text(at, m.size)}"\n`;
  const b = ctx.prog.read(at, m.size);
  let v = 0n;
  for (let i = m.size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  const r = m.pointer ? 16 : radix;
  let line = `  ${m.name} = ${r === 16 ? "0x" + v.toString(16) : v.toString()}`;
  if (m.string) {
    if (m.pointer) line += `  "${text(v, 1500)}"`;
    else line += `  ${m.name} = "${text(at, m.size)}"`;
  } else {
    // value_search + is_symbol_text: the symbol at or below the value, when it is a text symbol.
    const core = ctx.symbols.symbolAt(v);
    const sym = core ? { name: core.symbol.name, type: core.symbol.type } : moduleKallsymsAt(ctx.prog, v);
    if (sym && (sym.type === "t" || sym.type === "T")) line += ` <${escapeControl(sym.name)}>`;
  }
  return line + "\n";
}

/** The text crash prints for one -s/-S argument at `addr` (a KdwError when its memory cannot be read). */
export function formatEntryStruct(ctx: CommandContext, spec: StructSpec, addr: bigint, radix: 10 | 16 | undefined): string {
  const gdb = (): { bytes: Uint8Array; opts: ReturnType<typeof valueOptions> & { name: string; radix?: 10 | 16 } } => ({ bytes: ctx.prog.read(addr, sizeOf(spec.type)), opts: { ...valueOptions(ctx, addr), name: spec.name, radix } });
  if (spec.members.length === 0) {
    const g = gdb();
    return formatStructValue(spec.type, g.bytes, g.opts);
  }
  let out = "";
  let printed: { bytes: Uint8Array; opts: ReturnType<typeof gdb>["opts"] } | undefined;
  for (const m of spec.members) {
    if (spec.fast && ((m.size > 0 && m.size <= 8) || m.string)) out += fastMember(ctx, addr, m, radix ?? 10);
    else {
      printed ??= gdb();
      // A nested member (`irq_data.irq`) prints under its whole path, as crash's parse_for_member_extended.
      if (m.name.includes(".")) out += `  ${m.name} = ${formatValue(m.type, printed.bytes.subarray(m.offset, m.offset + m.size), { ...printed.opts, address: addr + BigInt(m.offset) })},\n`;
      else out += formatMemberValues(spec.type, printed.bytes, [m.name], printed.opts);
    }
  }
  return out;
}
