// gdb's text, as kdw's gdb command produced it.
import type { GdbResult } from "./gdb";

export function formatGdb(r: GdbResult): string {
  return r.text;
}
