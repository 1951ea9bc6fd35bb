// Tab completion for the console: command names first, then (for later words) symbols and struct names.
import type { Session } from "../session";
import type { CompleteReply } from "../contract";

const MAX_CANDIDATES = 200;

export function complete(engine: Session, line: string, cursor: number): CompleteReply {
  const upTo = line.slice(0, Math.min(cursor, line.length));
  const from = Math.max(upTo.lastIndexOf(" "), upTo.lastIndexOf("|"), upTo.lastIndexOf(";")) + 1;
  const word = upTo.slice(from);
  const first = upTo.slice(0, from).trim() === "";
  const out = new Set<string>();
  if (first) {
    for (const c of engine.commands.list) for (const n of [c.name, ...(c.aliases ?? [])]) if (n.startsWith(word)) out.add(n);
    for (const n of ["q", "exit"]) if (n.startsWith(word)) out.add(n);
    return { from, candidates: [...out].sort().slice(0, MAX_CANDIDATES) };
  }
  if (word.length < 2 || word.startsWith("-") || /^[0-9]/.test(word)) return { from, candidates: [] };
  const head = upTo.trim().split(/\s+/)[0] ?? "";
  // struct/union/ptype/whatis take type names (and member paths after a dot).
  if (["struct", "union", "ptype", "whatis", "list"].includes(head)) {
    const types = engine.context.prog.types as { names?: (prefix: string, limit: number) => string[] };
    for (const n of types.names?.(word, MAX_CANDIDATES) ?? []) out.add(n);
  }
  const prefix = new RegExp(`^${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
  for (const s of engine.context.symbols.search(prefix)) {
    out.add(s.name);
    if (out.size >= MAX_CANDIDATES) break;
  }
  return { from, candidates: [...out].sort().slice(0, MAX_CANDIDATES) };
}
