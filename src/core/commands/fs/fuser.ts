// crash's `fuser` (filesys.c cmd_fuser, show_fuser): the tasks that use a file, named by its full path or by
// the address of its inode (or of a struct file, dentry or vm_area_struct, as crash's text search also finds),
// as their root or working directory, through an open descriptor, or by mapping it.
import { fileUsers, type FileUse } from "../../kernel/fs/fuser";
import { taskTable } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand } from "../command";
import { taskRef, type TaskRef } from "../shared/task-header";
import { usageError } from "../shared/usage";
import { isKernelVaddr } from "../shared/kvaddr";
import { formatFuser } from "./fuser-format";

export interface FuserSpecResult {
  /** The argument as crash echoes it (a leading 0x removed). */
  spec: string;
  users: { task: TaskRef; uses: FileUse[] }[];
}

export interface FuserResult {
  specs: FuserSpecResult[];
  errors: string[];
}

export const fuserCommand = defineCommand({
  name: "fuser",
  summary: "file users",
  help: `SYNOPSIS
  fuser [pathname | inode]

DESCRIPTION
  This command displays the tasks using specified files or sockets.
  Tasks will be listed that reference the file as the current working
  directory, root directory, an open file descriptor, or that mmap the
  file.  If the file is held open in the kernel by the lockd server on
  behalf of a client discretionary file lock, the client hostname is
  listed.

    pathname  the full pathname of the file.
    inode     the hexadecimal inode address for the file.

  NOTE: This commmand does not expect arguments other than inode address
  or full pathname.  If others are specified, the command may accept them,
  but an unexpected output can be displayed.

  An address also matches an open file's struct file or dentry and a mapping's
  vm_area_struct (crash finds those in its text search too). Paths are compared
  whole: crash's text search also matches a path's tail ("/null" finds
  /dev/null).`,
  options: {},
  parse(args): string[] {
    if (args.operands.length === 0) throw usageError("fuser", "[pathname | inode]");
    return [...args.operands];
  },
  execute(ctx, words): FuserResult {
    const tasks = taskTable(ctx.prog).tasks;
    const out: FuserResult = { specs: [], errors: [] };
    for (const word of words) {
      let spec: { path: string } | { address: bigint };
      if (word.startsWith("/")) spec = { path: word };
      else {
        const value = /^(0x)?[0-9a-f]+$/i.test(word) && word.replace(/^0x/i, "").length <= 16 ? BigInt("0x" + word.replace(/^0x/i, "")) : undefined;
        if (value === undefined || !isKernelVaddr(value)) throw new CommandError("fuser", `invalid argument: ${word}`);
        spec = { address: value };
      }
      const users = fileUsers(ctx.prog, tasks, spec, ctx.interrupt);
      for (const u of users) for (const p of u.problems) out.errors.push(`fuser: PID ${u.task.pid}: ${p}`);
      out.specs.push({ spec: /^0x[0-9a-f]+$/i.test(word) ? word.slice(2) : word, users: users.filter((u) => u.uses.length > 0).map((u) => ({ task: taskRef(u.task), uses: u.uses })) });
    }
    return out;
  },
  format: formatFuser,
  errors: (r) => (r.errors.length ? r.errors : undefined),
});
