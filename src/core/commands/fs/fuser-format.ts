// crash's fuser text (filesys.c cmd_fuser, show_fuser): a header, then per task its pid, task, the quoted
// command name cut to crash's 16 columns, and its uses; or "No users of ... found".
import { escapeControl } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { FuserResult } from "./fuser";

const HEADER = ` PID   ${center("TASK", VADDR_PRLEN)}  COMM             USAGE`;

export function formatFuser(r: FuserResult): string {
  let out = "";
  for (const s of r.specs) {
    if (s.users.length === 0) {
      out += `No users of ${escapeControl(s.spec)} found\n`;
      continue;
    }
    out += HEADER + "\n";
    for (const u of s.users) {
      // show_fuser copies 16 characters of `"comm"` and blanks the last one (the closing quote or newline).
      const command = `"${escapeControl(u.task.comm)}"`.slice(0, 15).padEnd(16);
      out += `${String(u.task.pid).padStart(5)}  ${u.task.task.toString(16).padStart(VADDR_PRLEN)}  ${command} ${u.uses.map((x) => x + " ").join("")}\n`;
    }
  }
  return out;
}
