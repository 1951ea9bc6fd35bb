// crash's data-type commands: `whatis`, `ptype`, `struct`, `union` (symbols.c cmd_whatis, cmd_struct,
// cmd_union, cmd_ptype) over the TypeSystem. The declarations and values are gdb's text
// (program/gdb-format), which reads memory as it prints values (strings, symbols): that text is the result;
// types-format.ts lays it out.
import { resolveType, sizeOf } from "../../debuginfo/types";
import { formatMemberValues, formatStructValue, formatType, formatTypeDefinition } from "../../program/gdb-format/gdb-format";
import { CommandError, defineCommand } from "../command";
import { operandText } from "../options";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { lookupTypeArg, valueOptions } from "../shared/type-args";
import { formatNestedMember, isNestedMember, memberExists } from "../shared/member-path";
import { formatGdbText } from "./types-format";
import { optionalType } from "../../program/optional-types";
import { POINTER_HELP } from "./types-help";

/** What gdb printed for a type or symbol: its declaration, or the values of a structure in memory. */
export interface GdbTextResult {
  /** The type or symbol as the user named it. */
  name: string;
  /** `struct NAME ADDR`: where the structure was read. */
  address?: bigint;
  /** gdb's text. */
  text: string;
  /** crash's errors among what was printed (a member the structure lacks, met after the ones it has). */
  errors?: string[];
}

export const whatisCommand = defineCommand({
  name: "whatis",
  summary: "search symbol table for data or type information",
  help: `SYNOPSIS
  whatis [[-o] [struct | union | typedef | symbol]]

DESCRIPTION
  Shows the definition of a structure, union, enum or typedef (with its size), or the declaration of a
  kernel symbol. -o prefixes each structure member with its offset.`,
  options: { flags: "o", dashOperands: true },
  parse: (args) => ({ offsets: args.has("o"), arg: operandText("whatis", args.operands, "argument") }),
  execute(ctx, o): GdbTextResult {
    const arg = o.arg;
    if (!/^(struct|union|enum)\s/.test(arg) && ctx.prog.hasSymbol(arg)) {
      const type = ctx.prog.declaredType(arg);
      if (!type) throw new CommandError("whatis", `${arg}: type unknown (${ctx.prog.noDwarf ? `a global's type needs DWARF: ${ctx.prog.noDwarf}` : "no DWARF for this symbol"})`);
      return { name: arg, text: formatType(type, arg) + ";\n" };
    }
    const type = lookupTypeArg(ctx.prog, arg);
    if (!type) throw new CommandError("whatis", `invalid data structure reference: ${arg}`);
    return { name: arg, text: formatTypeDefinition(type, { offsets: o.offsets, name: arg.replace(/^(struct|union|enum)\s+/, ""), size: true }) };
  },
  format: formatGdbText,
});

export const ptypeCommand = defineCommand({
  name: "ptype",
  summary: "print the type of a data type or symbol",
  help: `SYNOPSIS
  ptype [struct | union | typedef | symbol]

DESCRIPTION
  Prints the definition of a type, or the type of a symbol, as gdb's ptype does (without crash's SIZE).`,
  options: { raw: true },
  parse: (args) => operandText("ptype", args.operands, "argument"),
  execute(ctx, arg): GdbTextResult {
    const type = ctx.prog.hasSymbol(arg) ? ctx.prog.declaredType(arg) : lookupTypeArg(ctx.prog, arg);
    if (!type) throw new CommandError("ptype", `No symbol "${arg}" in current context.`);
    return { name: arg, text: "type = " + formatTypeDefinition(type, { size: false }) };
  },
  format: formatGdbText,
});

interface StructOptions {
  /** The first argument as typed: `task_struct.pid,comm`. */
  spec: string;
  name: string;
  members: string[];
  offsets: boolean;
  radix?: 10 | 16;
  address?: string;
  count?: string;
}

/** struct, union, and crash's pointer-to short-cut `*`, which takes whichever of the two the type is. */
function structLike<const K extends "struct" | "union" | "*">(keyword: K) {
  const pointer = keyword === "*";
  return defineCommand({
    name: keyword,
    summary: pointer ? "pointer-to short-cut" : `${keyword} contents`,
    help: pointer
      ? POINTER_HELP
      : `SYNOPSIS
  ${keyword} ${keyword}_name[.member[,member]] [-o] [-x|-d] [address | symbol] [count]

DESCRIPTION
  Without an address, shows the ${keyword}'s definition and size (-o: with member offsets). With an address
  or symbol, shows the ${keyword} at that address, or only the named members. A count shows that many
  consecutive ${keyword}s (a negative count ends at the address).`,
    options: { flags: "oxd", dashOperands: true },
    parse(args): StructOptions {
      const [spec, address, count] = args.operands;
      if (!spec) throw new CommandError(keyword, `${keyword} name required`);
      if (spec.endsWith(",") || spec.endsWith(".")) throw new CommandError(keyword, `invalid format: ${spec}`);
      const dot = spec.indexOf(".");
      const name = dot < 0 ? spec : spec.slice(0, dot);
      const members = dot < 0 ? [] : spec.slice(dot + 1).split(",").filter(Boolean);
      return { spec, name, members, offsets: args.has("o"), radix: args.has("x") ? 16 : args.has("d") ? 10 : undefined, address, count };
    },
    execute(ctx, o): GdbTextResult {
      const { name, members, radix } = o;
      // cmd_datatype_common: the address first, then the type, then each member as it is printed.
      let addr: bigint | undefined;
      if (o.address !== undefined) {
        const symAddr = ctx.prog.symbols.addressOf(o.address);
        if (symAddr !== undefined) addr = symAddr;
        else if (isHexAddress(o.address)) {
          addr = parseHex(o.address);
          if (addr < ctx.addressSpace.layout.pageOffsetBase) throw new CommandError(keyword, `invalid kernel virtual address: ${o.address}`);
        } else {
          const alternatives = ctx.symbols.search(o.address).map((s) => `  ${s.address.toString(16)} (${s.type}) ${s.name}`);
          // crash prints this (and no "struct:") and stops.
          return { name, text: "", errors: [`symbol not found: ${o.address}\npossible alternatives:\n${alternatives.length ? alternatives.join("\n") : "  (none found)"}`] };
        }
      }
      // `*` takes a struct or a union: both asked of BTF first, so that a union is found without opening DWARF.
      const type = pointer
        ? (optionalType(ctx.prog, `struct ${name}`) ?? optionalType(ctx.prog, `union ${name}`) ?? lookupTypeArg(ctx.prog, name))
        : lookupTypeArg(ctx.prog, name, keyword as "struct" | "union");
      const core = type && resolveType(type);
      if (!type || !core || (core.kind !== "struct" && core.kind !== "union") || (members.length > 0 && !memberExists(type, members[0]!))) {
        throw new CommandError(keyword, `invalid data structure reference: ${o.spec}`);
      }
      if (!pointer && core.kind !== keyword) throw new CommandError(keyword, `data type mismatch: ${name} is not a ${keyword}`);
      const kind = pointer ? core.kind : (keyword as "struct" | "union");
      if (addr === undefined) {
        const text = members.length
          ? members.map((m) => formatTypeDefinition(type, { offsets: o.offsets, member: m, radix })).join("")
          : formatTypeDefinition(type, { offsets: o.offsets, name, radix, size: true });
        return { name, text };
      }
      const count = o.count !== undefined ? Number(o.count) : 1;
      if (!Number.isInteger(count) || count === 0 || Math.abs(count) > 100_000) throw new CommandError(keyword, `invalid count: ${o.count}`);
      const size = sizeOf(type);
      const start = count < 0 ? addr - BigInt((Math.abs(count) - 1) * size) : addr;
      let text = "";
      const errors: string[] = [];
      for (let i = 0; i < Math.abs(count); i++) {
        ctx.interrupt?.();
        const a = start + BigInt(i * size);
        if (o.offsets) {
          text += formatTypeDefinition(type, { offsets: true, address: a, name, radix, size: false });
          continue;
        }
        const bytes = ctx.prog.read(a, size);
        const opts = { ...valueOptions(ctx, a), name, keyword: kind, radix };
        if (!members.length) {
          text += formatStructValue(type, bytes, opts);
          continue;
        }
        for (const m of members) {
          if (!memberExists(type, m)) return { name, address: addr, text, errors: [...errors, `${keyword}: invalid data structure reference: ${name}.${m}`] };
          if (!isNestedMember(m)) text += formatMemberValues(type, bytes, [m], opts);
          else {
            const nested = formatNestedMember(type, bytes, m, opts);
            if (nested === undefined) errors.push(`${keyword}: invalid data structure member reference: ${m}`);
            else text += nested;
          }
        }
      }
      return { name, address: addr, text, ...(errors.length ? { errors } : {}) };
    },
    errors: (r) => r.errors,
    format: formatGdbText,
  });
}

export const structCommand = structLike("struct");
export const unionCommand = structLike("union");
export const pointerCommand = structLike("*");
