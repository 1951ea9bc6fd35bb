// What `list -s` and `list -S` print at each entry (tools.c: dump_struct, dump_struct_members,
// dump_struct_members_fast, print_value). -s is gdb's print of the structure, or of each member picked
// out of it; -S reads 1-, 2-, 4- and 8-byte members and strings straight from memory and prints them as
// `  name = value` (unsigned, hexadecimal for pointers and with -x), a text symbol after a pointer.
import { resolveType, sizeOf, type Type } from "../../debuginfo/types";
import { formatMemberValues, formatStructValue } from "../../program/gdb-format/gdb-format";
import { CommandError, type CommandContext } from "../command";
import { escapeControl } from "../shared/escape";
import { formatNestedMember, isNestedMember, memberPath } from "../shared/member-path";
import { lookupTypeArg, valueOptions } from "../shared/type-args";

/** crash's BUFSIZE: how much of a `char *` string -S reads. */
const STRING_MAX = 1500;

interface FastMember {
  name: string;
  offset: number;
  width: number;
  isPtr: boolean;
  isStr: boolean;
}

export interface ListStructSpec {
  /** The structure's name as given. */
  name: string;
  type?: Type;
  /** The members after the dot (none: the whole structure). */
  members: string[];
  /** -S: the members' offsets and widths, resolved before the walk (fill_member_offsets). */
  fast?: FastMember[];
}

/** A type without its const/volatile qualifiers (typedefs kept: is_string reads the declaration's text). */
function unqualified(t: Type): Type {
  let cur = t;
  for (let i = 0; i < 64 && (cur.kind === "const" || cur.kind === "volatile" || cur.kind === "restrict" || cur.kind === "atomic"); i++) cur = cur.target;
  return cur;
}

/** crash's is_string(): the member is declared `char x[…]`, `char *x` (or unsigned/signed char). */
function isStringMember(type: Type): boolean {
  const isChar = (t: Type) => {
    const c = unqualified(t);
    return c.kind === "int" && c.char === true;
  };
  const t = unqualified(type);
  if (t.kind === "pointer") return isChar(t.target);
  if (t.kind === "array") {
    const e = unqualified(t.element);
    return isChar(e) || (e.kind === "pointer" && isChar(e.target));
  }
  return isChar(t);
}

/** `struct[.member[,member]]` for -s/-S; -S resolves its members now, failing as fill_member_offsets does. */
export function parseMemberSpec(ctx: CommandContext, spec: string, fast: boolean): ListStructSpec {
  const dot = spec.indexOf(".");
  const name = dot < 0 ? spec : spec.slice(0, dot);
  const members = dot < 0 ? [] : spec.slice(dot + 1).split(/[,\s]+/).filter(Boolean);
  const type = lookupTypeArg(ctx.prog, name);
  const out: ListStructSpec = { name, members, ...(type ? { type } : {}) };
  if (fast && members.length) {
    out.fast = members.map((m) => {
      const at = type && memberPath(type, m);
      if (!at) throw new CommandError("list", `Can't get offset of '${name}.${m}'`);
      const core = resolveType(at.type);
      return { name: m, offset: at.offset, width: sizeOf(at.type), isPtr: core.kind === "pointer", isStr: isStringMember(at.type) };
    });
  }
  return out;
}

/** A NUL-terminated string read as read_string() does: what could be read, up to `max` bytes. */
function readString(ctx: CommandContext, addr: bigint, max: number): string {
  let out = "";
  for (let done = 0; done < max; ) {
    const n = Math.min(max - done, 4096 - Number((addr + BigInt(done)) & 0xfffn));
    let bytes: Uint8Array;
    try {
      bytes = ctx.prog.read(addr + BigInt(done), n);
    } catch {
      break;
    }
    const nul = bytes.indexOf(0);
    out += String.fromCharCode(...bytes.subarray(0, nul < 0 ? bytes.length : nul));
    if (nul >= 0) break;
    done += n;
  }
  return escapeControl(out);
}

function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** print_value(): one -S member at a structure address. */
function printValue(ctx: CommandContext, m: FastMember, base: bigint, radix: 10 | 16, errors: string[]): string {
  const addr = base + BigInt(m.offset);
  let v = 0n;
  if (m.width <= 8) {
    try {
      v = littleEndian(ctx.prog.read(addr, m.width));
    } catch {
      errors.push(`list: cannot access member: ${m.name} at ${addr.toString(16)}`);
      return "";
    }
  }
  let line = [1, 2, 4, 8].includes(m.width) ? `  ${m.name} = ${radix === 16 ? "0x" + v.toString(16) : v.toString(10)}` : "";
  if (m.isStr) line += m.isPtr ? `  "${readString(ctx, v, STRING_MAX)}"` : `  ${m.name} = "${readString(ctx, addr, m.width)}"`;
  else if (m.width === 8) {
    const at = ctx.symbols.symbolAt(v);
    if (at && (at.symbol.type === "t" || at.symbol.type === "T")) line += ` <${at.symbol.name}>`;
  }
  return line + "\n";
}

/** The structure's bytes at an address, or the line saying why they cannot be read. */
function readStruct(ctx: CommandContext, type: Type, at: bigint): Uint8Array | string {
  try {
    return ctx.prog.read(at, sizeOf(type));
  } catch (err) {
    return `list: cannot read ${at.toString(16)}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** What is printed for one -s/-S spec at one entry; `fatal` ends the walk (an unknown structure name). */
export function entryLines(ctx: CommandContext, spec: ListStructSpec, at: bigint, radix: 10 | 16 | undefined, errors: string[]): { texts: string[]; fatal?: string } {
  const type = spec.type;
  if (!type) return { texts: [], fatal: `list: invalid structure name: ${spec.name}` };
  const texts: string[] = [];
  if (spec.fast) {
    // dump_struct_members_fast prints nothing at an address that is not a kernel one.
    if (at < ctx.addressSpace.layout.pageOffsetBase) return { texts };
    for (const m of spec.fast) {
      if ((m.width > 0 && m.width <= 8) || m.isStr) texts.push(printValue(ctx, m, at, m.isPtr ? 16 : (radix ?? 10), errors));
      else texts.push(...entryLines(ctx, { name: spec.name, type, members: [m.name] }, at, radix, errors).texts);
    }
    return { texts };
  }
  const bytes = readStruct(ctx, type, at);
  if (typeof bytes === "string") {
    errors.push(bytes);
    return { texts };
  }
  const opts = { ...valueOptions(ctx, at), name: spec.name, radix };
  if (!spec.members.length) return { texts: [formatStructValue(type, bytes, opts)] };
  for (const m of spec.members) {
    const text = !memberPath(type, m) ? undefined : isNestedMember(m) ? formatNestedMember(type, bytes, m, opts) : formatMemberValues(type, bytes, [m], opts);
    if (text === undefined) errors.push(`list: invalid data structure member reference: ${m}`);
    else texts.push(text);
  }
  return { texts };
}
