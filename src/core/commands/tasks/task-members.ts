// crash's `task -R` (task.c task_struct_member, parse_task_thread): the members asked for, picked out of the
// printed task_struct and thread_info. A plain name is every line `  NAME = ...` of either struct (with the
// lines of its value when that is a block), so `flags` shows task_struct.flags and thread_info.flags; a
// name with a dot or an index goes through parse_for_member_extended (`se.exec_start`).
import { parseForMemberExtended } from "../../program/gdb-format/member-extended";

export interface MemberPick {
  /** The lines crash prints for the members, in the order asked. */
  text: string;
  /** crash's INFO lines for names that are not members ("...: not a task_struct or thread_info member"). */
  errors: string[];
}

/** parse_task_thread for one plain name over the printed structs' lines (each line keeps its "\n"). */
function parseTaskThread(lines: readonly string[], member: string): string {
  let out = "";
  let randomized = false;
  let lookfor2 = "";
  let lookfor3 = "";
  for (const buf of lines) {
    if (buf === "  {\n") randomized = true;
    else if (randomized && (buf === "  }, \n" || buf === "  },\n")) randomized = false;
    if (lookfor2) {
      out += buf;
      if (buf.startsWith(lookfor2)) lookfor2 = "";
      continue;
    }
    if (lookfor3) {
      out += buf;
      if (buf.includes(lookfor3)) lookfor3 = "";
      continue;
    }
    const lookfor1 = `${randomized ? "  " : ""}  ${member} = `;
    if (!buf.startsWith(lookfor1)) continue;
    out += buf;
    if (buf.includes("{{\n")) lookfor2 = `${randomized ? "  " : ""}    }},`;
    else if (buf.includes(" = {\n")) lookfor2 = " ".repeat(buf.length - buf.trimStart().length) + "}";
    else if (buf.includes("{")) lookfor3 = "},";
  }
  return out;
}

/**
 * task_struct_member: `structs` is the task_struct's print followed by the thread_info's (when the kernel
 * has one); `isMember` says whether a plain name is a member of either struct.
 */
export function pickTaskMembers(structs: string, members: readonly string[], isMember: (name: string) => boolean): MemberPick {
  const lines = structs.split(/(?<=\n)/);
  const pick: MemberPick = { text: "", errors: [] };
  for (const m of members) {
    if (m.includes(".") || m.includes("[")) {
      const found = parseForMemberExtended(structs, m);
      if (found === undefined) pick.errors.push(`task: invalid data structure member reference: ${m}`);
      else pick.text += found;
      continue;
    }
    if (!isMember(m)) pick.errors.push(`task: ${m}: not a task_struct or thread_info member`);
    pick.text += parseTaskThread(lines, m);
  }
  return pick;
}
