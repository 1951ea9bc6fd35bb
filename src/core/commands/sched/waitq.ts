// crash's `waitq` (kernel.c cmd_waitq, dump_waitq): the tasks queued on a wait queue, named by a symbol,
// by struct.member and the structure's address, or by the wait_queue_head's address.
import { KdwError } from "../../io/errors";
import { pollingTask, waitQueueEntries } from "../../kernel/sched/waitqueue";
import { taskTable } from "../../kernel/tasks/tasks";
import { CommandError, defineCommand } from "../command";
import { valueToSymstr } from "../shared/symbol-args";
import { taskRef, type TaskRef } from "../shared/task-header";
import { lookupTypeArg } from "../shared/type-args";
import { formatWaitq } from "./waitq-format";
import { usageError } from "../shared/usage";

const SYNOPSIS = " [ symbol ] | [ struct.member struct_addr ] | [ address ]";

export interface WaitqEntryRow {
  entry: bigint;
  private: bigint;
  func: bigint;
  /** The wake function's symbol ("" when none). */
  funcSymbol: string;
  /** The task waiting: private itself, or a poll/select waiter's polling_task. */
  task?: TaskRef;
  via?: "private" | "poll";
}

export type WaitqResult =
  | { kind: "queue"; head: bigint; name?: string; entries: WaitqEntryRow[]; problem?: string }
  /** crash's notes on stdout for a struct.member it cannot use. */
  | { kind: "note"; text: string };

const NUMBER = /^(0x[0-9a-f]+|[0-9a-f]+)$/i;

export const waitqCommand = defineCommand({
  name: "waitq",
  summary: "list tasks queued on a wait queue",
  help: `SYNOPSIS
  waitq ${SYNOPSIS}

DESCRIPTION
  This command walks the wait queue list displaying the tasks which
  are blocked on the specified wait queue.  The command differentiates
  between the old- and new-style wait queue structures used by the kernel.
  It can be invoked with the following argument types:

                     symbol  a global symbol of a wait queue.
  struct.member struct_addr  a structure name and wait queue member combination
                             followed by the structure's hexadecimal address.
                    address  a hexadecimal wait queue pointer.

  An entry whose private is not a task is named on an error line with its wake
  function (crash stops at it silently); a poll or select waiter (pollwake) is
  shown as the task polling. A queue that loops or holds a bad pointer keeps the
  tasks read before the fault.`,
  options: { raw: true },
  parse(args): string[] {
    if (args.operands.length < 1 || args.operands.length > 2) throw usageError("waitq", SYNOPSIS);
    return [...args.operands];
  },
  execute(ctx, words): WaitqResult {
    const [first, second] = words as [string, string | undefined];
    let head: bigint;
    let name: string | undefined;
    if (NUMBER.test(first)) head = BigInt(/^0x/i.test(first) ? first : "0x" + first);
    else if (first.includes(".")) {
      const [struct, member] = [first.slice(0, first.indexOf(".")), first.slice(first.indexOf(".") + 1)];
      if (second === undefined) return { kind: "note", text: `must supply an address for ${struct}` };
      if (!NUMBER.test(second)) throw new CommandError("waitq", `invalid address: ${second}`);
      const type = lookupTypeArg(ctx.prog, struct, "struct");
      const off = type && ctx.prog.memberOffset(type, member);
      if (off === undefined) return { kind: "note", text: `${member} is not a member of ${struct}` };
      head = BigInt(/^0x/i.test(second) ? second : "0x" + second) + BigInt(off);
    } else {
      const addr = ctx.prog.symbols.addressOf(first);
      if (addr === undefined) throw new CommandError("waitq", `symbol not found: ${first}`);
      head = addr;
      name = first;
    }
    const table = taskTable(ctx.prog);
    let q;
    try {
      q = waitQueueEntries(ctx.prog, head);
    } catch (err) {
      if (err instanceof KdwError) throw new CommandError("waitq", err.message);
      throw err;
    }
    const entries = q.entries.map((e): WaitqEntryRow => {
      ctx.interrupt?.();
      const row: WaitqEntryRow = { entry: e.address, private: e.private, func: e.func, funcSymbol: valueToSymstr(ctx, e.func) };
      const direct = table.byAddress.get(e.private);
      if (direct) return { ...row, task: taskRef(direct), via: "private" };
      if (row.funcSymbol === "pollwake") {
        const polling = pollingTask(ctx.prog, e.private);
        const t = polling !== undefined ? table.byAddress.get(polling) : undefined;
        if (t) return { ...row, task: taskRef(t), via: "poll" };
      }
      return row;
    });
    return { kind: "queue", head, ...(name !== undefined ? { name } : {}), entries, ...(q.problem ? { problem: q.problem.message } : {}) };
  },
  format: formatWaitq,
  errors: (r) => {
    if (r.kind !== "queue") return undefined;
    const lines = r.entries.filter((e) => !e.task).map((e) => `waitq: entry ${e.entry.toString(16)}: private ${e.private.toString(16)} is not a task (func ${e.funcSymbol || e.func.toString(16)})`);
    if (r.problem) lines.push(`waitq: ${r.problem}`);
    return lines.length ? lines : undefined;
  },
});
