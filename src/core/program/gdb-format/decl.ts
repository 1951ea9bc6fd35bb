// crash's data type declarations (`whatis task_struct`, `struct list_head`, `struct -o list_head`,
// `struct task_struct.pid`): gdb's `ptype` text with crash's fix-ups (symbols.c: do_datatype_declaration,
// show_member_offset). crash post-processes gdb's lines as text, and so do we, so that its quirks carry over:
// offsets come from a by-name lookup in the outer struct (anonymous members included, fields of named
// nested anonymous structs not), and lines it cannot parse get no offset.
import { findMember, resolveType, sizeOf, type Type } from "../../debuginfo/types";
import { formatType, peelQualifiers } from "./type";

export interface TypeDefinitionOptions {
  /** Name the typedef was asked by (crash prints `typedef ... NAME;`); defaults to the typedef's own name. */
  name?: string;
  /** crash's `-o`: prefix members with their byte offsets. */
  offsets?: boolean;
  /** `struct NAME.member`: print only that member's line, with its offset, and no SIZE. */
  member?: string;
  /** `struct -o NAME ADDR`: offsets are shown as addresses (hex, no 0x). */
  address?: bigint;
  /** crash's output radix: 16 prints SIZE and offsets in hex. */
  radix?: 10 | 16;
  /** Print the `SIZE: n` line (crash's whatis/struct/union do; plain gdb ptype does not). */
  size?: boolean;
}

interface OffsetState {
  inUnion: boolean;
  inStruct: boolean;
}

/** parse_line: whitespace-separated words. */
function words(line: string): string[] {
  return line.split(/\s+/).filter((w) => w.length > 0);
}

/** The member name crash finds on a ptype line (show_member_offset), or undefined. */
function memberNameOfLine(line: string): string | undefined {
  const args = words(line);
  let target: string | undefined;
  if (line.includes(":")) {
    for (let i = 1; i < args.length; i++) {
      if (args[i] === ":") {
        target = args[i - 1];
        break;
      }
    }
  } else if (args.length > 0) {
    let i = 0;
    for (; i < args.length; i++) {
      if (!line.includes("(*")) continue;
      const a = args[i]!;
      let rest: string | undefined;
      if (a.startsWith("(*")) rest = a.slice(2);
      else if (a.startsWith("*(*")) rest = a.slice(3);
      else if (a.startsWith("**(*")) rest = a.slice(4);
      else continue;
      const close = rest.indexOf(")");
      if (close < 0) continue;
      target = rest.slice(0, close);
      break;
    }
    if (i === args.length) {
      const last = args[args.length - 1]!;
      target = last.includes(";") ? last : undefined;
    }
  }
  if (target === undefined) return undefined;
  // replace_string(target, "*[];()", ' '), clean_line, null_first_space
  const cleaned = target.replace(/[*[\];()]/g, " ").trim();
  const name = cleaned.split(" ")[0] ?? "";
  return name.length > 0 ? name : undefined;
}

function memberOffset(t: Type, name: string): number | undefined {
  const found = findMember(t, name);
  return found ? Math.floor(found.bitOffset / 8) : undefined;
}

function formatNumber(n: number | bigint, radix: 10 | 16): string {
  return radix === 16 ? "0x" + n.toString(16) : n.toString();
}

/** One member line of `struct -o` (show_member_offset); undefined when the line is not printed. */
function offsetLine(t: Type, line: string, state: OffsetState, opts: TypeDefinitionOptions, sizeText: string): string | undefined {
  if (!line.startsWith("    ")) return "rejecting: " + line;
  if (line.startsWith("    union {")) state.inUnion = true;
  if (line.startsWith("    struct {")) state.inStruct = true;
  const endOfBlock = line.startsWith("    } ");
  const radix = opts.radix ?? 10;
  const width = sizeText.length + 4;
  const clearBlock = (): void => {
    if (endOfBlock) state.inUnion = state.inStruct = false;
  };
  const target = memberNameOfLine(line);
  const empty = (): string | undefined => {
    clearBlock();
    return opts.member !== undefined ? undefined : " ".repeat(sizeText.length + 1) + line;
  };
  if (target === undefined) return empty();
  if (opts.member !== undefined && opts.member !== target) {
    clearBlock();
    return undefined;
  }
  const offset = memberOffset(t, target);
  if (offset === undefined) return empty();
  const label = opts.address !== undefined ? `  [${(opts.address + BigInt(offset)).toString(16)}]` : `  [${formatNumber(offset, radix)}]`;
  let out = "";
  if (endOfBlock && opts.member !== undefined) {
    out += " ".repeat(width + 1);
    if (state.inUnion && !state.inStruct) out += "union {\n";
    else if (state.inStruct && !state.inUnion) out += "struct {\n";
    state.inUnion = state.inStruct = false;
  }
  return out + label.padStart(width) + line.slice(3);
}

/**
 * What crash prints for `whatis NAME`, `struct NAME`, `union NAME` (and with `-o`, or `.member`):
 * gdb's ptype body, then `SIZE: n`. A typedef prints as `typedef <type> NAME;` (a multi-line one ends
 * `} NAME;`), as crash writes it.
 */
export function formatTypeDefinition(type: Type, opts: TypeDefinitionOptions = {}): string {
  const { core } = peelQualifiers(type);
  const isTypedef = core.kind === "typedef";
  const name = opts.name ?? (core.kind === "typedef" ? core.name : "");
  const text = formatType(type, "", 1, 0);
  const lines = text.split("\n");
  const multiline = lines[0]!.includes("{");
  const radix = opts.radix ?? 10;
  const showOffsets = (opts.offsets ?? false) || opts.member !== undefined;
  const size = sizeOf(type);
  const sizeText = formatNumber(size, radix);
  const layout = resolveType(type);
  const state: OffsetState = { inUnion: false, inStruct: false };
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i === 0) {
      if (multiline) out.push((isTypedef ? "typedef " : "") + line);
      else out.push((isTypedef ? "typedef " : "") + line + " " + name + ";");
      return;
    }
    if (multiline && line.startsWith("}") && isTypedef) {
      out.push(line + " " + name + ";");
      return;
    }
    if (showOffsets && (line.startsWith(" ") || line.startsWith("\t"))) {
      const shown = offsetLine(layout, line, state, opts, sizeText);
      if (shown !== undefined) out.push(shown);
      return;
    }
    out.push(line);
  });
  if (opts.member === undefined && (opts.size ?? true)) out.push("SIZE: " + sizeText);
  return out.join("\n") + "\n";
}
