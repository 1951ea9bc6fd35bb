// search's text, as crash prints it (memory.c search_ulong & co., display_with_pre_and_post, report_match):
//   ADDR: VALUE LABEL            a match (the label is "(symbol)" or "(expression)", or nothing, after a space)
//   ADDR: CHARS                  a string match, 56 characters from its address, '.' for the unprintable
//   PID: ...  TASK: ...          before a task's first match on its stack (-t), after a blank line but the first
//   search: TEXT                 crash's INFO lines (rounding down the start, overriding a mode)
// With -x, each match is its context before, the match with its address right-aligned, its context after,
// and a blank line; the context in rd's layout (entries and their ASCII).
import { formatMemory, type EntrySize } from "../shared/memory-display";
import { formatTaskHeader } from "../shared/task-header";
import type { SearchContextRun, SearchResult } from "./search";

const VADDR_PRLEN = 16;

function runs(list: readonly SearchContextRun[] | undefined, size: EntrySize): string {
  return (list ?? []).map((r) => formatMemory(r.address, r.bytes, { size })).join("");
}

export function formatSearch(r: SearchResult): string {
  const width = r.mode === "ulong" ? 8 : r.mode === "uint" ? 4 : 2;
  const size = (width * 8) as EntrySize;
  let out = "";
  for (const item of r.items) {
    switch (item.kind) {
      case "note":
        out += `search: ${item.text}\n`;
        break;
      case "task":
        out += `${item.first ? "" : "\n"}${formatTaskHeader(item.task)}\n`;
        break;
      case "chars":
        out += `${item.address.toString(16)}: ${item.text}\n`;
        break;
      case "value": {
        const line = `${item.value.toString(16)} ${r.labels[item.index] ?? ""}\n`;
        if (!r.context) {
          out += `${item.address.toString(16)}: ${line}`;
          break;
        }
        out += runs(item.before, size);
        out += `${item.address.toString(16).padStart(VADDR_PRLEN)}:  ${line}`;
        out += runs(item.after, size);
        out += "\n";
        break;
      }
    }
  }
  return out;
}
