// The backtrace of a task as frames (for panels and the report), with crash's `bt` text beside it.
import type { BacktraceLine } from "../../arch/x86_64/unwind-types";
import { stackContext, taskBacktrace } from "../../kernel/tasks/stack";
import { panicTask, taskTable } from "../../kernel/tasks/tasks";
import { KdwError } from "../../io/errors";
import { currentTask } from "../../commands/shared/task-args";
import type { BacktraceFrame, BacktraceReply, Problem, TaskRef } from "../contract";
import type { Session } from "../session";
import { hex, toProblem } from "../problems";
import { findTask, taskRow } from "./tasks";
import { symbolAt } from "./symbols";

export function backtrace(engine: Session, ref: TaskRef | undefined, withLines = false): BacktraceReply {
  const ctx = engine.context;
  const prog = ctx.prog;
  const task = ref ? findTask(prog, ref) : (panicTask(prog) ?? currentTask(ctx));
  const problems: Problem[] = [];
  const frames: BacktraceFrame[] = [];
  let incomplete: boolean;
  try {
    const sc = stackContext(prog, ctx.symbols, ctx.vmlinux, ctx.decoder);
    const bt = taskBacktrace(prog, sc, task, {});
    incomplete = bt.incomplete;
    let level = 0;
    for (const line of bt.lines) {
      const f = frameOf(line, level);
      if (!f) {
        if (line.kind === "error" || line.kind === "stop") problems.push({ code: "walk-aborted", message: line.text });
        continue;
      }
      level = f.level + 1;
      const at = symbolAt(ctx, BigInt(f.pc));
      if (at.symbol) {
        f.symbol ??= at.symbol.name;
        f.offset ??= at.offset;
        if (at.symbol.module !== undefined) f.module = at.symbol.module;
      }
      const l = withLines && f.module === undefined ? ctx.lineAt?.(BigInt(f.pc)) : undefined;
      if (l) f.line = l;
      frames.push(f);
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(toProblem(err));
    incomplete = true;
  }
  const text = engine.run(`bt ${task.address.toString(16)}`).text;
  return { task: taskRow(prog, taskTable(prog), task), frames, text, incomplete, problems };
}

function frameOf(line: BacktraceLine, nextLevel: number): BacktraceFrame | undefined {
  if (line.kind === "frame") {
    const f: BacktraceFrame = { level: line.level, pc: hex(line.ip), sp: hex(line.sp) };
    if (line.name) {
      f.symbol = line.name;
      f.offset = line.offset;
    }
    return f;
  }
  if (line.kind === "exception" && line.kernelMode && line.regs.ip !== undefined) {
    const registers: Record<string, `0x${string}`> = {};
    for (const [k, v] of Object.entries(line.regs)) registers[k] = hex(v);
    const f: BacktraceFrame = { level: nextLevel - 1, pc: hex(line.regs.ip), sp: hex(line.regs.sp), exception: { rip: hex(line.regs.ip), registers } };
    if (line.rip) {
      f.symbol = line.rip.name;
      f.offset = line.rip.offset;
    }
    return f;
  }
  return undefined;
}
