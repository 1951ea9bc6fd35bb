// crash's sym text: `address (type) name[+offset] [module] [file: line]` per symbol.
import type { SymEntry, SymResult, SymRow } from "./sym";

export function formatSymRow(r: SymRow): string {
  const base = `${r.address.toString(16)} (${r.type}) ${r.name}${r.offset ? `+${r.offset}` : ""}${r.module !== undefined ? ` [${r.module}]` : ""}`;
  return (r.line ? `${base} ${r.line}` : base) + "\n";
}

function formatEntry(e: SymEntry): string {
  switch (e.kind) {
    case "symbol":
      return formatSymRow(e.row);
    case "noneFound":
      return "(none found)\n";
    case "notFound":
      return `symbol not found: ${e.name}\npossible alternatives:\n` + (e.alternatives.length ? e.alternatives.map((a) => "  " + formatSymRow(a)).join("") : "  (none found)\n");
  }
}

export function formatSym(r: SymResult): string {
  return r.entries.map(formatEntry).join("");
}
