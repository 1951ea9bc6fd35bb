// Tab completion for the console: command names for the first word (q and exit too); then the command's
// options for a word starting with "-"; structure and member names where a command takes a type
// (`struct task_struct.se.lo`, `list -s module.na`, `task -R pi`, after a comma too); symbols elsewhere.
// Types come from BTF only: a Tab never opens DWARF.
import { resolveType, type Type } from "../../debuginfo/types";
import { memberPath } from "../../commands/shared/member-path";
import type { Session } from "../session";
import type { CompleteReply } from "../contract";

const MAX_CANDIDATES = 200;
/** Commands whose arguments are types (`struct task_struct`), and list's -s/-S/-o/-O/-l values. */
const TYPE_COMMANDS = ["struct", "union", "ptype", "whatis", "list"];

/** The members of a struct or union, anonymous ones looked through, in declaration order. */
function memberNames(type: Type, depth = 0): string[] {
  const t = resolveType(type);
  if ((t.kind !== "struct" && t.kind !== "union") || depth > 8) return [];
  return t.members.flatMap((m) => (m.name !== undefined ? [m.name] : memberNames(m.type, depth + 1)));
}

/** `task_struct.se.lo` (or `task_struct.pid,co`): the type's members that complete the last one. */
function completeMember(engine: Session, word: string, typeName?: string): string[] {
  const dot = word.indexOf(".");
  const name = typeName ?? word.slice(0, dot);
  const rest = typeName ? word : word.slice(dot + 1);
  const lead = typeName ? "" : `${name}.`;
  const comma = rest.lastIndexOf(",");
  const done = rest.slice(0, comma + 1);
  const current = rest.slice(comma + 1);
  const lastDot = current.lastIndexOf(".");
  const parent = lastDot < 0 ? "" : current.slice(0, lastDot);
  const partial = current.slice(lastDot + 1);
  const prog = engine.context.prog;
  const type = prog.types.findType(name, "struct") ?? prog.types.findType(name, "union") ?? prog.types.findType(name, "typedef");
  if (!type) return [];
  const at = parent === "" ? type : memberPath(type, parent)?.type;
  if (!at) return [];
  const prefix = `${lead}${done}${parent === "" ? "" : parent + "."}`;
  return memberNames(at)
    .filter((m) => m.startsWith(partial))
    .map((m) => prefix + m);
}

export function complete(engine: Session, line: string, cursor: number): CompleteReply {
  const upTo = line.slice(0, Math.min(cursor, line.length));
  const from = Math.max(upTo.lastIndexOf(" "), upTo.lastIndexOf("|"), upTo.lastIndexOf(";")) + 1;
  const word = upTo.slice(from);
  const before = upTo.slice(0, from).trim().split(/\s+/).filter(Boolean);
  const out = new Set<string>();
  const done = (): CompleteReply => ({ from, candidates: [...out].sort().slice(0, MAX_CANDIDATES) });
  if (before.length === 0) {
    for (const c of engine.commands.list) for (const n of [c.name, ...(c.aliases ?? [])]) if (n.startsWith(word)) out.add(n);
    for (const n of ["q", "exit"]) if (n.startsWith(word)) out.add(n);
    return done();
  }
  const head = before[0]!;
  const previous = before.at(-1);
  if (word.startsWith("-")) {
    for (const o of engine.commands.find(head)?.optionWords ?? []) if (o.startsWith(word)) out.add(o);
    return done();
  }
  if (/^[0-9]/.test(word)) return done();
  // task -R takes task_struct members.
  if (head === "task" && previous === "-R") {
    for (const m of completeMember(engine, word, "task_struct")) out.add(m);
    return done();
  }
  if (TYPE_COMMANDS.includes(head)) {
    if (word.includes(".")) {
      for (const m of completeMember(engine, word)) out.add(m);
      return done();
    }
    if (word.length >= 1) for (const n of engine.context.prog.types.names?.(word, MAX_CANDIDATES) ?? []) out.add(n);
  }
  if (word.length < 2) return done();
  const prefix = new RegExp(`^${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
  for (const s of engine.context.symbols.search(prefix)) {
    out.add(s.name);
    if (out.size >= MAX_CANDIDATES) break;
  }
  return done();
}
