// crash's data-type commands: `whatis`, `ptype`, `struct`, `union` (symbols.c cmd_whatis, cmd_struct,
// cmd_union, cmd_ptype) over the TypeSystem and gdb-style formatting (gdb-format*.ts).
import { resolveType, sizeOf, type Type } from "../debuginfo/types";
import type { Program } from "../program/program";
import { CommandError, type Command, type CommandContext } from "./command";
import { formatMemberValues, formatStructValue, formatType, formatTypeDefinition, type ValueFormatOptions } from "./gdb-format";
import { isHexAddress, parseHex } from "./symbol-args";

/** Memory reads and symbol names for value printing, failing soft (gdb prints <error: ...> itself). */
export function valueOptions(ctx: CommandContext, address?: bigint): ValueFormatOptions {
  return {
    address,
    readMemory: (a, n) => {
      try {
        return ctx.prog.read(a, n);
      } catch {
        return undefined;
      }
    },
    symbolize: (a) => {
      const s = ctx.symbols.symbolAt(a);
      return s === undefined ? undefined : s.offset === 0 ? s.symbol.name : `${s.symbol.name}+${s.offset}`;
    },
  };
}

/** A type by the name given to whatis/struct/union: "task_struct", "struct task_struct", "pid_t". */
export function lookupTypeArg(prog: Program, name: string, prefer?: "struct" | "union"): Type | undefined {
  const tagged = /^(struct|union|enum)\s+(\S+)$/.exec(name);
  if (tagged) return prog.types.findType(tagged[2]!, tagged[1] as "struct" | "union" | "enum");
  if (prefer) {
    const t = prog.types.findType(name, prefer);
    if (t) return t;
  }
  return prog.types.findType(name, "struct") ?? prog.types.findType(name, "union") ?? prog.types.findType(name, "typedef") ?? prog.types.findType(name, "enum") ?? prog.findType(name);
}

function radixOf(flags: Set<string>): 10 | 16 | undefined {
  return flags.has("x") ? 16 : flags.has("d") ? 10 : undefined;
}

export const whatisCommand: Command = {
  name: "whatis",
  summary: "search symbol table for data or type information",
  help: `NAME
  whatis - search symbol table for data or type information

SYNOPSIS
  whatis [[-o] [struct | union | typedef | symbol]]

DESCRIPTION
  Shows the definition of a structure, union, enum or typedef (with its size), or the declaration of a
  kernel symbol. -o prefixes each structure member with its offset.`,
  run(ctx, args) {
    const offsets = args.includes("-o");
    const rest = args.filter((a) => a !== "-o");
    const arg = rest.join(" ");
    if (!arg) throw new CommandError("whatis", "argument required");
    if (!/^(struct|union|enum)\s/.test(arg) && ctx.prog.hasSymbol(arg)) {
      const type = ctx.prog.declaredType(arg);
      if (!type) throw new CommandError("whatis", `${arg}: type unknown (${ctx.prog.noDwarf ? `a global's type needs DWARF: ${ctx.prog.noDwarf}` : "no DWARF for this symbol"})`);
      return { data: { symbol: arg }, text: formatType(type, arg) + ";\n" };
    }
    const type = lookupTypeArg(ctx.prog, arg);
    if (!type) throw new CommandError("whatis", `invalid data structure reference: ${arg}`);
    return { data: { type: arg }, text: formatTypeDefinition(type, { offsets, name: arg.replace(/^(struct|union|enum)\s+/, ""), size: true }) };
  },
};

export const ptypeCommand: Command = {
  name: "ptype",
  summary: "print type of a data type or symbol",
  help: `NAME
  ptype - print the type of a data type or symbol

SYNOPSIS
  ptype [struct | union | typedef | symbol]

DESCRIPTION
  Prints the definition of a type, or the type of a symbol, as gdb's ptype does (without crash's SIZE).`,
  run(ctx, args) {
    const arg = args.join(" ");
    if (!arg) throw new CommandError("ptype", "argument required");
    const type = ctx.prog.hasSymbol(arg) ? ctx.prog.declaredType(arg) : lookupTypeArg(ctx.prog, arg);
    if (!type) throw new CommandError("ptype", `No symbol "${arg}" in current context.`);
    return { data: { type: arg }, text: "type = " + formatTypeDefinition(type, { size: false }) };
  },
};

function structLike(keyword: "struct" | "union"): Command {
  return {
    name: keyword,
    summary: `${keyword} contents`,
    help: `NAME
  ${keyword} - ${keyword} contents

SYNOPSIS
  ${keyword} ${keyword}_name[.member[,member]] [-o] [-x|-d] [address | symbol] [count]

DESCRIPTION
  Without an address, shows the ${keyword}'s definition and size (-o: with member offsets). With an address
  or symbol, shows the ${keyword} at that address, or only the named members. A count shows that many
  consecutive ${keyword}s (a negative count ends at the address).`,
    run(ctx, args) {
      const flags = new Set<string>();
      const rest: string[] = [];
      for (const a of args) {
        if (/^-[oxd]+$/.test(a)) for (const c of a.slice(1)) flags.add(c);
        else rest.push(a);
      }
      const spec = rest[0];
      if (!spec) throw new CommandError(keyword, `${keyword} name required`);
      const [name, memberList] = spec.split(".", 2) as [string, string | undefined];
      const members = memberList ? memberList.split(",").filter(Boolean) : [];
      const type = lookupTypeArg(ctx.prog, name, keyword);
      const core = type && resolveType(type);
      if (!type || !core || (core.kind !== "struct" && core.kind !== "union")) throw new CommandError(keyword, `invalid data structure reference: ${name}`);
      const radix = radixOf(flags);
      const addrArg = rest[1];
      if (addrArg === undefined) {
        const text = members.length
          ? members.map((m) => formatTypeDefinition(type, { offsets: flags.has("o"), member: m, radix })).join("")
          : formatTypeDefinition(type, { offsets: flags.has("o"), name, radix, size: true });
        return { data: { type: name }, text };
      }
      let addr: bigint;
      const symAddr = ctx.prog.symbols.addressOf(addrArg);
      if (symAddr !== undefined) addr = symAddr;
      else if (isHexAddress(addrArg)) addr = parseHex(addrArg);
      else throw new CommandError(keyword, `invalid address or symbol: ${addrArg}`);
      const count = rest[2] !== undefined ? Number(rest[2]) : 1;
      if (!Number.isInteger(count) || count === 0 || Math.abs(count) > 100_000) throw new CommandError(keyword, `invalid count: ${rest[2]}`);
      const size = sizeOf(type);
      const start = count < 0 ? addr - BigInt((Math.abs(count) - 1) * size) : addr;
      let text = "";
      for (let i = 0; i < Math.abs(count); i++) {
        const a = start + BigInt(i * size);
        if (flags.has("o")) {
          text += formatTypeDefinition(type, { offsets: true, address: a, name, radix, size: false });
          continue;
        }
        const bytes = ctx.prog.read(a, size);
        const opts = { ...valueOptions(ctx, a), name, keyword, radix };
        text += members.length ? formatMemberValues(type, bytes, members, opts) : formatStructValue(type, bytes, opts);
      }
      return { data: { type: name, address: addr }, text };
    },
  };
}

export const structCommand = structLike("struct");
export const unionCommand = structLike("union");
