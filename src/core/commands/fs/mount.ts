// crash's `mount` (filesys.c cmd_mount, show_mounts): the mounts of a mount namespace — init's unless
// `-n` names a task — one row each: MOUNT SUPERBLK TYPE DEVNAME DIRNAME.
import { KdwError } from "../../io/errors";
import { taskMounts, type Mount } from "../../kernel/fs/mounts";
import { taskTable, type Task } from "../../kernel/tasks/tasks";
import { CommandError, type Command, type CommandContext } from "../command";
import { escapeControl as printable } from "../shared/escape";
import { mkCenter } from "./files";
import { resolveTaskArg } from "../tasks/set";

const VADDR_PRLEN = 16;
/** show_mounts: devlen = strlen("DEVNAME") + 2. */
const DEVLEN = 9;

export const MOUNT_HEADER = `${mkCenter("MOUNT", VADDR_PRLEN)} ${mkCenter("SUPERBLK", VADDR_PRLEN)} ${"TYPE".padEnd(6)} ${"DEVNAME".padEnd(DEVLEN)} DIRNAME`;

export interface MountResult {
  /** The task whose mount namespace was listed. */
  task: bigint;
  mntNs: bigint;
  mounts: Mount[];
  problem?: string;
}

/** One show_mounts row, with crash's squeeze of the TYPE and DEVNAME columns. */
export function formatMountRow(m: Mount): string {
  const hex = (v: bigint): string => v.toString(16).padStart(VADDR_PRLEN);
  const type = m.fsType !== undefined ? `${printable(m.fsType).padEnd(6)} ` : "unknown ";
  const dev = `${printable(m.devname ?? "(unknown)").padEnd(DEVLEN)} `;
  let cols = type + dev;
  // crash: while longer than 17 with a space before the last character, drop the last character.
  while (cols.length > 17 && cols[cols.length - 2] === " ") cols = cols.slice(0, -1);
  return `${hex(m.mount)} ${hex(m.superBlock)} ${cols}${printable(m.dirname.path).padEnd(10)}`;
}

/** tools.c pathcmp: runs of slashes count as one, and a trailing slash is ignored. */
function pathEq(a: string, b: string): boolean {
  const norm = (p: string): string => p.replace(/\/+/g, "/").replace(/\/$/, "");
  return norm(a) === norm(b);
}

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

export const mountCommand: Command = {
  name: "mount",
  summary: "mounted filesystem data",
  help: `NAME
  mount - mounted filesystem data

SYNOPSIS
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
  run(ctx: CommandContext, args: string[]) {
    let task: Task | undefined;
    const wanted: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "-n" && args[i + 1] !== undefined) {
        const arg = args[++i]!;
        task = resolveTaskArg(ctx.prog, arg);
        if (!task) throw new CommandError("mount", `invalid task or pid value: ${arg}`);
      } else if (a.startsWith("-")) throw new CommandError("mount", `unsupported option: ${a} (usage: mount [-n pid|task] [address | name | dirname] ...)`);
      else wanted.push(/^0x[0-9a-fA-F]+$/.test(a) ? a.slice(2) : a);
    }
    task ??= namespaceTask(ctx);
    let list;
    try {
      list = taskMounts(ctx.prog, task.address);
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("mount", `cannot determine mount list location: ${err.message}`);
      throw err;
    }
    // With arguments, crash prints (under one header) each mount whose row has a field equal to one, as a
    // path (pathcmp) or, for a hexadecimal argument, the address of the mount's embedded struct vfsmount.
    const mounts = wanted.length === 0 ? list.mounts : wanted.flatMap((w) => list.mounts.filter((m) => mountMatches(m, w)));
    const data: MountResult = { task: task.address, mntNs: list.mntNs, mounts, problem: list.problem?.message };
    const text = mounts.length === 0 && wanted.length > 0 ? "" : MOUNT_HEADER + "\n" + mounts.map((m) => formatMountRow(m) + "\n").join("");
    const errors = list.problem ? [`mount: list incomplete: ${list.problem.message}`] : [];
    for (const m of list.mounts) if (!m.dirname.complete) errors.push(`mount: ${m.mount.toString(16)}: mount point path incomplete: ${m.dirname.problem ?? ""}`);
    return { data, text, errors };
  },
};
