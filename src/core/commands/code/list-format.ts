// list's text: gdb's source lines, or crash's list walk (each entry's address, then its structures).
import { formatSourceLines } from "../shared/source-format";
import type { ListResult } from "./list";

export function formatList(r: ListResult): string {
  if (r.kind === "source") return (r.header ?? "") + formatSourceLines(r.lines, false);
  if (r.empty) return "(empty)\n";
  return r.entries.map((e) => e.address.toString(16) + "\n" + e.structs.join("")).join("");
}
