// Types as the user names them (whatis, struct, list -s, task) and the memory and symbol callbacks gdb's
// value printing needs (program/gdb-format), failing soft as gdb does (`<error: ...>` in the value).
import type { Type } from "../../debuginfo/types";
import type { ValueFormatOptions } from "../../program/gdb-format/gdb-format";
import type { Program } from "../../program/program";
import type { CommandContext } from "../command";
import { moduleKallsymsAt } from "../../kernel/modules/module-symbols";
import { escapeControl } from "./escape";

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
      // gdb keeps no minimal symbol for the compiler's local labels (.LC0: string literals).
      if (s !== undefined) return s.symbol.name.startsWith(".L") ? undefined : s.offset === 0 ? s.symbol.name : `${s.symbol.name}+${s.offset}`;
      // A module's address: the module's own kallsyms, as crash gives them to gdb (`<__this_module+8>`).
      const m = moduleKallsymsAt(ctx.prog, a);
      return m === undefined ? undefined : m.offset === 0n ? escapeControl(m.name) : `${escapeControl(m.name)}+${m.offset}`;
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
