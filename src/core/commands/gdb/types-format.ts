// whatis, ptype, struct and union print gdb's text as it is.
import type { GdbTextResult } from "./types";

export function formatGdbText(r: GdbTextResult): string {
  return r.text;
}
