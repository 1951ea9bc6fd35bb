// crash's text for a backtrace (x86_64.c x86_64_print_stack_entry, x86_64_exception_frame,
// x86_64_display_full_frame): frame lines, exception frames, `bt -f` words, stack transitions, errors; and
// the views that are not traces: -e / -E (x86_64_eframe_search), -r (raw_stack_dump), -v
// (check_stack_overflow), -O's note.
import type { FoundEframe } from "../../arch/x86_64/eframe-search";
import type { Backtrace, BacktraceLine, PtRegs } from "../../arch/x86_64/unwind-types";
import { formatMemory } from "../shared/memory-display";
import { formatTaskHeader } from "../shared/task-header";
import type { BtResult, BtTask, BtTextEntry } from "./bt";

export interface BtFormatOptions {
  /** -s / -x: name+offset (decimal, or hex with -x). */
  symbolOffsets?: "dec" | "hex";
  /** -l: "file: line" of each line of the backtrace, in its order ("" where there is none). */
  sources?: readonly string[];
  /** -F / -FF: the words' labels by hex value (format_stack_entry); a word without one is shown in hex. */
  wordLabels?: Readonly<Record<string, string>>;
}

/** Each task's block: its header, then its trace (or text symbols, or its error), blocks separated by a blank line. */
export function formatBt(r: BtResult): string {
  if (r.message !== undefined) return r.message + "\n";
  if (r.overflows) {
    if (r.overflows.length === 0) return "No stack overflows detected\n";
    return r.overflows.map((o) => [formatTaskHeader(o.task), ...o.signs.map((s) => `  ${s}`), ""].join("\n") + "\n").join("");
  }
  if (r.stacks) {
    // "CPU n IRQ STACK:", the frames found (each after a blank line), then a blank line or "(none found)".
    return r.stacks.map((s) => `CPU ${s.cpu} ${s.name === "IRQ" ? "IRQ" : `${s.name} EXCEPTION`} STACK:\n` + (s.frames.length ? s.frames.map((f) => formatFoundEframe(f).join("\n") + "\n").join("") + "\n" : "(none found)\n\n")).join("");
  }
  // -R: crash prints each referring task's header and trace, then a blank line.
  if (r.reference !== undefined) return r.tasks.map((t) => formatBtTask(t, { symbolOffsets: r.offsets, sources: t.sources, wordLabels: t.wordLabels }).join("\n") + "\n\n").join("");
  return r.tasks.map((t) => formatBtTask(t, { symbolOffsets: r.offsets, sources: t.sources, wordLabels: t.wordLabels }).join("\n") + "\n").join("\n");
}

/** x86_64_exception_frame with EFRAME_SEARCH: a blank line, "KERNEL-MODE EXCEPTION FRAME AT: addr", the RIP's name, the registers. */
export function formatFoundEframe(f: FoundEframe): string[] {
  const out = ["", `  ${f.kernelMode ? "KERNEL" : "USER"}-MODE EXCEPTION FRAME AT: ${f.at.toString(16)}`];
  if (f.kernelMode) out.push(`    [exception RIP: ${f.rip ? f.rip.name + (f.rip.offset ? `+${f.rip.offset}` : "") : (f.ripMessage ?? "unknown or invalid address")}]`);
  return [...out, ...formatRegs(f.regs)];
}

function formatBtTask(t: BtTask, o: BtFormatOptions): string[] {
  const lines = [formatTaskHeader(t)];
  if (t.error !== undefined) lines.push(`bt: ${t.error}`);
  else if (t.raw) lines.push(...formatMemory(t.raw.base, t.raw.bytes, { size: 64, ascii: false, symbols: t.raw.symbols }).replace(/\n$/, "").split("\n"));
  else if (t.eframes) lines.push(...t.eframes.flatMap(formatFoundEframe));
  else if (t.textSymbols) lines.push(...t.textSymbols.flatMap(formatTextEntry));
  else if (t.backtrace) lines.push(...formatBacktrace(t.backtrace, o));
  return lines;
}

function formatTextEntry(e: BtTextEntry): string | string[] {
  switch (e.kind) {
    case "eframe":
      return [...(e.rip !== undefined ? [`    [exception RIP: ${e.rip}]`] : []), ...formatRegs(e.regs)];
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
        const pair = l.words.slice(k, k + 2).map((w) => (o.wordLabels?.[w.toString(16)]?.padEnd(16, " ") ?? h16(w)) + " ");
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
