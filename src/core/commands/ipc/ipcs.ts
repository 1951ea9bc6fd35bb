// crash's `ipcs` (ipcs.c cmd_ipcs): the System V shared memory segments, semaphore arrays and message queues
// of an IPC namespace (the init task's, or -n a task's), all of them or those an id or address names.
import { KdwError } from "../../io/errors";
import { msgQueues, semArrays, shmSegments, taskIpcNamespace, type IpcIds, type MsgQueue, type SemArray, type ShmSegment } from "../../kernel/ipc/ipc";
import { taskTable } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand } from "../command";
import { requireTaskArg } from "../shared/task-args";
import { invalidOptionUsage } from "../shared/usage";
import { formatIpcs } from "./ipcs-format";

const SYNOPSIS = "[-smMq] [-n pid|task] [id | addr]";

export interface IpcsResult {
  /** The struct ipc_namespace read. */
  namespace: bigint;
  /** -M: shared memory with its pages and inode. */
  verbose: boolean;
  shm?: IpcIds<ShmSegment>;
  sem?: IpcIds<SemArray>;
  msg?: IpcIds<MsgQueue>;
  /** With ids or addresses: what each one named, in the order given. */
  lookups?: { value: string; shm: ShmSegment[]; sem: SemArray[]; msg: MsgQueue[] }[];
}

interface IpcsOptions {
  shm: boolean;
  sem: boolean;
  msg: boolean;
  verbose: boolean;
  task?: string;
  values: string[];
}

/** crash's stol: decimal digits are decimal, anything else hexadecimal. */
function valueOf(word: string): bigint {
  if (/^\d+$/.test(word)) return BigInt(word);
  if (/^(0x)?[0-9a-f]{1,16}$/i.test(word)) return BigInt("0x" + word.replace(/^0x/i, ""));
  throw new CommandError("ipcs", `invalid expression: ${word}`);
}

export const ipcsCommand = defineCommand({
  name: "ipcs",
  summary: "System V IPC facilities",
  help: `SYNOPSIS
  ipcs ${SYNOPSIS}

DESCRIPTION
  This command provides information on the System V IPC facilities.  With no
  arguments, the command will display kernel usage of all three facilities.

       -s  show semaphore arrays.
       -m  show shared memory segments.
       -M  show shared memory segments with additional details.
       -q  show message queues.
       id  show the data associated with this resource ID.
     addr  show the data associated with this virtual address of a
           shmid_kernel, sem_array or msq_queue.

  For kernels supporting namespaces, the -n option may be used to
  display the IPC facilities with respect to the namespace of a
  specified task:

  -n pid   a process PID.
  -n task  a hexadecimal task_struct pointer.

  An object that cannot be read is named on an error line and the others are
  shown.`,
  options: { flags: "smMq", values: "n", invalid: invalidOptionUsage("ipcs", SYNOPSIS) },
  parse(args): IpcsOptions {
    return { shm: args.has("m") || args.has("M"), sem: args.has("s"), msg: args.has("q"), verbose: args.has("M"), task: args.value("n"), values: [...args.operands] };
  },
  execute(ctx, o): IpcsResult {
    for (const v of o.values) valueOf(v);
    const all = !o.shm && !o.sem && !o.msg;
    const task = o.task !== undefined ? requireTaskArg(ctx.prog, "ipcs", o.task) : taskTable(ctx.prog).tasks.find((t) => t.pid === 0);
    let namespace: bigint;
    try {
      namespace = task ? taskIpcNamespace(ctx.prog, task.address) : ctx.prog.symbolAddress("init_ipc_ns");
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("ipcs", `cannot determine ipc_namespace location: ${err.message}`);
      throw err;
    }
    const r: IpcsResult = { namespace, verbose: o.verbose };
    if (all || o.shm) r.shm = shmSegments(ctx.prog, namespace, ctx.interrupt);
    if (all || o.sem) r.sem = semArrays(ctx.prog, namespace, ctx.interrupt);
    if (all || o.msg) r.msg = msgQueues(ctx.prog, namespace, ctx.interrupt);
    if (o.values.length) {
      const live = <T extends { deleted: boolean; id: number; address: bigint }>(ids: IpcIds<T> | undefined, v: bigint): T[] => (ids ? ids.objects.filter((x) => !x.deleted && (BigInt(x.id) === v || x.address === v)).slice(0, 1) : []);
      r.lookups = o.values.map((value) => {
        const v = valueOf(value);
        return { value, shm: live(r.shm, v), sem: live(r.sem, v), msg: live(r.msg, v) };
      });
    }
    return r;
  },
  format: formatIpcs,
  errors: (r) => {
    const lines = [r.shm, r.sem, r.msg].flatMap((ids) => ids?.problems ?? []).map((p) => `ipcs: ${p}`);
    return lines.length ? lines : undefined;
  },
});
