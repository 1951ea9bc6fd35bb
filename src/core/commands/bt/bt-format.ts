// crash's text for a backtrace (x86_64.c x86_64_print_stack_entry, x86_64_exception_frame,
// x86_64_display_full_frame): frame lines, exception frames, `bt -f` words, stack transitions, errors.
import type { Backtrace, BacktraceLine, PtRegs } from "../../arch/x86_64/unwind-types";
import { formatTaskHeader } from "../shared/task-header";
import type { BtResult, BtTask, BtTextEntry } from "./bt";

export interface BtFormatOptions {
  /** -s / -x: name+offset (decimal, or hex with -x). */
  symbolOffsets?: "dec" | "hex";
  /** -l: "file: line" of each line of the backtrace, in its order ("" where there is none). */
  sources?: readonly string[];
}

/** Each task's block: its header, then its trace (or text symbols, or its error), blocks separated by a blank line. */
export function formatBt(r: BtResult): string {
  return r.tasks.map((t) => formatBtTask(t, { symbolOffsets: r.offsets, sources: t.sources }).join("\n") + "\n").join("\n");
}

function formatBtTask(t: BtTask, o: BtFormatOptions): string[] {
  const lines = [formatTaskHeader(t)];
  if (t.error !== undefined) lines.push(`bt: ${t.error}`);
  else if (t.textSymbols) lines.push(...t.textSymbols.map(formatTextEntry));
  else if (t.backtrace) lines.push(...formatBacktrace(t.backtrace, o));
  return lines;
}

function formatTextEntry(e: BtTextEntry): string {
  switch (e.kind) {
    case "start":
      return `${" ".repeat(14)}START: ${e.name}${e.name === "thread_return" ? " (schedule)" : ""} at ${e.rip.toString(16)}`;
    case "word":
      return `  [${e.address.toString(16).padStart(16)}] ${e.name} at ${e.value.toString(16)}`;
    case "unreadable":
      return `    [kdw: stack page at ${e.address.toString(16)} cannot be read]`;
  }
}

const h16 = (v: bigint) => v.toString(16).padStart(16, "0");

export function formatRegs(r: PtRegs): string[] {
  return [
    `    RIP: ${h16(r.ip)}  RSP: ${h16(r.sp)}  RFLAGS: ${r.flags.toString(16).padStart(8, "0")}`,
    `    RAX: ${h16(r.ax)}  RBX: ${h16(r.bx)}  RCX: ${h16(r.cx)}`,
    `    RDX: ${h16(r.dx)}  RSI: ${h16(r.si)}  RDI: ${h16(r.di)}`,
    `    RBP: ${h16(r.bp)}   R8: ${h16(r.r8)}   R9: ${h16(r.r9)}`,
    `    R10: ${h16(r.r10)}  R11: ${h16(r.r11)}  R12: ${h16(r.r12)}`,
    `    R13: ${h16(r.r13)}  R14: ${h16(r.r14)}  R15: ${h16(r.r15)}`,
    `    ORIG_RAX: ${h16(r.orig_ax)}  CS: ${r.cs.toString(16).padStart(4, "0")}  SS: ${r.ss.toString(16).padStart(4, "0")}`,
  ];
}

function formatLine(l: BacktraceLine, o: BtFormatOptions, source: string | undefined): string[] {
  switch (l.kind) {
    case "frame": {
      let name = l.name;
      if (o.symbolOffsets && l.offset) name += o.symbolOffsets === "hex" ? `+0x${l.offset.toString(16)}` : `+${l.offset}`;
      const out = [`${l.level < 10 ? " " : ""}#${l.level} [${l.sp.toString(16).padStart(8)}] ${name} at ${l.ip.toString(16)}`];
      if (source) out.push(`    ${source}`);
      return out;
    }
    case "exception": {
      const out: string[] = [];
      if (l.kernelMode) {
        const rip = l.rip ? l.rip.name + (l.rip.offset ? `+${l.rip.offset}` : "") : (l.ripMessage ?? "unknown or invalid address");
        out.push(`    [exception RIP: ${rip}]`);
      }
      out.push(...formatRegs(l.regs));
      if (l.kernelMode && l.rip && source) out.push(`    ${source}`);
      return out;
    }
    case "words": {
      const out: string[] = [];
      for (let k = 0; k < l.words.length; k += 2) {
        const pair = l.words.slice(k, k + 2).map((w) => h16(w) + " ");
        out.push(`    ${(l.addr + BigInt(k * 8)).toString(16)}: ${pair.join("")}`);
      }
      return out;
    }
    case "transition":
      return [l.text];
    case "error":
      return `bt: ${l.text}`.split("\n");
    case "stop":
      return [`    [kdw: backtrace stopped: ${l.text}]`];
  }
}

/** The lines of one backtrace, without the task header. */
export function formatBacktrace(bt: Backtrace, o: BtFormatOptions = {}): string[] {
  const out: string[] = [];
  bt.lines.forEach((l, i) => out.push(...formatLine(l, o, o.sources?.[i])));
  return out;
}
