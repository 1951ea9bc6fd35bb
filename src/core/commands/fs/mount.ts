// crash's `mount` (filesys.c cmd_mount, show_mounts): the mounts of a mount namespace — init's unless
// `-n` names a task — one row each: MOUNT SUPERBLK TYPE DEVNAME DIRNAME.
import { KdwError } from "../../io/errors";
import { taskMounts, type Mount } from "../../kernel/fs/mounts";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { requireTaskArg } from "../shared/task-args";
import { formatMount, formatMountRow } from "./mount-format";

export interface MountResult {
  /** The task whose mount namespace was listed. */
  task: bigint;
  mntNs: bigint;
  /** The mounts shown (all, or those an argument matched, in argument order). */
  mounts: Mount[];
  /** Arguments were given (crash prints nothing, not even the header, when none matched). */
  filtered: boolean;
  problem?: string;
  errors: string[];
}

/** tools.c pathcmp: runs of slashes count as one, and a trailing slash is ignored. */
function pathEq(a: string, b: string): boolean {
  const norm = (p: string): string => p.replace(/\/+/g, "/").replace(/\/$/, "");
  return norm(a) === norm(b);
}

/** crash matches an argument against the fields of the row it prints for the mount. */
function mountMatches(m: Mount, wanted: string): boolean {
  const fields = formatMountRow(m).trim().split(/\s+/);
  if (fields.some((f) => pathEq(f, wanted))) return true;
  return /^[0-9a-fA-F]+$/.test(wanted) && fields.length === 5 && BigInt("0x" + wanted) === m.vfsmount;
}

/** crash's default namespace context: the task of the lowest pid from 1 up. */
function namespaceTask(ctx: CommandContext): Task {
  const tasks = taskTable(ctx.prog).tasks.filter((t) => t.pid >= 1);
  const first = tasks.reduce<Task | undefined>((a, t) => (a === undefined || t.pid < a.pid ? t : a), undefined);
  if (!first) throw new CommandError("mount", "no task to take a mount namespace from");
  return first;
}

interface MountOptions {
  taskWord?: string;
  wanted: string[];
}

export const mountCommand = defineCommand({
  name: "mount",
  summary: "mounted filesystem data",
  help: `SYNOPSIS
  mount [-n pid|task] [address | name | dirname] ...

DESCRIPTION
  Lists the mounted file systems of a mount namespace, one line each: the address of the struct mount,
  of its super_block, the file-system type, the device name and the directory it is mounted on.

    -n pid|task  use the mount namespace of this task (default: that of pid 1, init).
    argument     show only the mounts with a column equal to it: a struct mount, super_block or
                 struct vfsmount address, a file-system type, a device name or a directory (trailing
                 and repeated slashes do not matter). crash also matches the paths of a mount's open
                 files, which it finds through super_block.s_files; kernels since 3.x lack that list
                 (crash 8.0.6 then refuses the arguments), and kdw matches on the mount rows only.

  Directory names are built as crash builds them, from the mount point up through the parent mounts.`,
  options: { values: "n", invalid: (o) => `unsupported option: ${o} (usage: mount [-n pid|task] [address | name | dirname] ...)` },
  parse: (args): MountOptions => ({ taskWord: args.value("n"), wanted: args.operands.map((a) => (/^0x[0-9a-fA-F]+$/.test(a) ? a.slice(2) : a)) }),
  execute(ctx, o): MountResult {
    const task = o.taskWord !== undefined ? requireTaskArg(ctx.prog, "mount", o.taskWord) : namespaceTask(ctx);
    let list;
    try {
      list = taskMounts(ctx.prog, task.address);
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("mount", `cannot determine mount list location: ${err.message}`);
      throw err;
    }
    // With arguments, crash prints (under one header) each mount whose row has a field equal to one, as a
    // path (pathcmp) or, for a hexadecimal argument, the address of the mount's embedded struct vfsmount.
    const mounts = o.wanted.length === 0 ? list.mounts : o.wanted.flatMap((w) => list.mounts.filter((m) => mountMatches(m, w)));
    const errors = list.problem ? [`mount: list incomplete: ${list.problem.message}`] : [];
    for (const m of list.mounts) if (!m.dirname.complete) errors.push(`mount: ${m.mount.toString(16)}: mount point path incomplete: ${m.dirname.problem ?? ""}`);
    return { task: task.address, mntNs: list.mntNs, mounts, filtered: o.wanted.length > 0, ...(list.problem ? { problem: list.problem.message } : {}), errors };
  },
  format: formatMount,
  errors: (r) => r.errors,
});
