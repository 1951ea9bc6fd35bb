// What crash's `p`, `struct`/`union NAME ADDR` and `struct NAME.member ADDR` print, built on gdb's value
// and type printing (gdb-format-value.ts, gdb-format-type.ts, gdb-format-decl.ts). Pure formatting over
// Type objects and bytes: the commands find the types, read the memory and number the history.
import type { Type } from "../../debuginfo/types";
import { pointerPrefix, formatValue, type ValueFormatOptions } from "./value";

export { formatValue, pointerPrefix, type ValueFormatOptions } from "./value";
export { formatType, formatTypeName } from "./type";
export { formatTypeDefinition, type TypeDefinitionOptions } from "./decl";
export { formatCharLiteral, formatString, CRASH_PRINT_MAX, CRASH_REPEAT_THRESHOLD } from "./chars";

export interface PrintOptions extends ValueFormatOptions {
  /** gdb's value history number: `$3`. */
  history: number;
  /**
   * crash's cmd_p passes the symbol name when the argument is exactly a symbol (`p jiffies`, not
   * `p init_task.comm`), and prints `NAME = ` before gdb's `$N = ` (symbols.c: process_gdb_output).
   */
  leader?: string;
}

/**
 * crash's `p EXPR` output: `$N = value` (a top-level pointer gets gdb's `(type *) ` prefix), or
 * `NAME = $N = value` for a bare symbol. With a leader, a `{` on the first line that does not end it is
 * moved to a line of its own (`jiffies_64 = $1 = \n {1, 2}`), as process_gdb_output does.
 */
export function formatPrint(type: Type, bytes: Uint8Array, opts: PrintOptions): string {
  const gdbLine = `$${opts.history} = ` + pointerPrefix(type) + formatValue(type, bytes, opts) + "\n";
  if (opts.leader === undefined) return gdbLine;
  const nl = gdbLine.indexOf("\n");
  const first = gdbLine.slice(0, nl + 1);
  const brace = first.indexOf("{");
  if (brace >= 0 && first[brace + 1] !== "\n") {
    return `${opts.leader} = ` + gdbLine.slice(0, brace) + "\n {" + gdbLine.slice(brace + 1);
  }
  return `${opts.leader} = ` + gdbLine;
}

export interface StructValueOptions extends ValueFormatOptions {
  /** The name as given to the command (`task_struct`, or a typedef's name). */
  name: string;
  /** `union` for the union command; crash prints `struct` otherwise, typedefs included (print_struct). */
  keyword?: "struct" | "union";
}

/** `struct task_struct ADDR`: `struct task_struct {` ... `}` (symbols.c: print_struct / print_union). */
export function formatStructValue(type: Type, bytes: Uint8Array, opts: StructValueOptions): string {
  return `${opts.keyword ?? "struct"} ${opts.name} ` + formatValue(type, bytes, opts) + "\n";
}

function leadingSpaces(line: string): number {
  let n = 0;
  while (n < line.length && line[n] === " ") n++;
  return n;
}

/**
 * crash's parse_for_member(PARSE_FOR_DATA): picks one member's lines out of the printed struct, as text.
 * Lines keep their `\n`. Ported as it is, quirks included (it matches `  NAME ` anywhere in a line outside
 * named nested blocks, so a member of an anonymous union is found at its own indentation).
 */
function parseForMember(lines: readonly string[], member: string): string {
  const lookfor1 = `  ${member} `;
  const lookfor2 = `  ${member}[`;
  let out = "";
  let pos = 0;
  let indent = 0;
  let on = 0;
  let embed = 0;
  let array = false;
  for (;;) {
    while (pos < lines.length) {
      let buf = lines[pos++]!;
      const lead = leadingSpaces(buf);
      if ((embed && lead === embed) || (buf.includes("}}") && embed === lead - 2)) embed = 0;
      if (!on && !embed && buf.includes("= {") && !buf.includes(lookfor1)) embed = lead;
      if (embed) continue;
      if (buf.includes(lookfor1) || buf.includes(lookfor2)) {
        on++;
        if (buf.includes("= {")) indent = lead;
        if (buf.includes("[")) array = true;
      }
      if (!on) continue;
      if ((indent && on > 1 && lead === indent && !buf.includes("}")) || buf[0] === "}") break;
      if (indent && on > 1 && indent === lead - 2 && buf.includes("}}")) {
        out += buf;
        break;
      }
      if (!indent) {
        const p = buf.indexOf(", \n");
        if (p >= 0) buf = buf.slice(0, p) + "\n";
        out += buf;
        break;
      }
      if (buf.includes("}") && lead === indent) {
        const p = buf.indexOf("}, \n");
        if (p >= 0) buf = buf.slice(0, p) + "}\n";
        out += buf;
        break;
      }
      out += buf;
      on++;
    }
    if (!array || pos >= lines.length) break;
    on = 0;
    array = false;
  }
  return out;
}

/**
 * `struct task_struct.pid,comm ADDR`: for each member, its lines as they appear in the printed struct
 * (`  pid = 0,`), trailing comma kept (symbols.c: do_datatype_addr, dump_struct_member).
 */
export function formatMemberValues(type: Type, bytes: Uint8Array, members: readonly string[], opts: StructValueOptions): string {
  const text = formatStructValue(type, bytes, opts);
  const lines = text.split(/(?<=\n)/);
  return members.map((m) => parseForMember(lines, m)).join("");
}
