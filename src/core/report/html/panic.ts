// The panic task's backtrace with the faulting frame marked and its registers, then the code around the
// faulting instruction (and its source lines where debuginfo and a source tree have them).
import type { BacktraceFrame } from "../../session/contract";
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { badge } from "./format";

const REGISTER_ORDER = ["ip", "sp", "flags", "ax", "bx", "cx", "dx", "si", "di", "bp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "orig_ax", "cs", "ss"];

function frameRow(f: BacktraceFrame, fault: boolean, hiddenModules: Set<string>, lines: boolean): Html {
  const where = f.symbol ? h`${f.symbol}${f.offset ? `+0x${f.offset.toString(16)}` : ""}` : h`<span class="muted">no symbol</span>`;
  const mod = f.module ? h`[${f.module}]${hiddenModules.has(f.module) ? h` ${badge("hidden", "alert")}` : ""}` : "";
  const mark = fault ? h` ${badge("fault", "panic")}` : "";
  const regs = f.exception
    ? h`<tr class="${fault ? "fault" : ""}"><td></td><td colspan="${lines ? 5 : 4}"><div class="regs">${join(
        Object.entries(f.exception.registers)
          .sort(([a], [b]) => order(a) - order(b))
          .slice(0, 32)
          .map(([k, v]) => h`<span>${k.toUpperCase()} <b>${v}</b></span>`),
      )}</div></td></tr>`
    : "";
  return h`<tr class="${fault ? "fault" : ""}"><td class="r">${f.exception ? "exc" : `#${f.level}`}</td><td>${where}${mark}</td><td>${mod}</td><td>${f.pc}</td><td>${f.sp}</td>${lines ? h`<td class="wrap">${f.line ?? ""}</td>` : ""}</tr>${regs}`;
}

function order(reg: string): number {
  const i = REGISTER_ORDER.indexOf(reg);
  return i < 0 ? REGISTER_ORDER.length : i;
}

export function renderPanic(data: ReportData): Html {
  const p = data.panic;
  const parts: Html[] = [];
  const hidden = new Set(data.modules.items.filter((m) => m.hidden).map((m) => m.name));
  if (p.task) {
    parts.push(
      h`<p>Task <b class="m">${p.task.comm}</b> (pid ${p.task.pid}, task <span class="m">${p.task.task}</span>) on CPU ${p.task.cpu}${p.sysPanic ? h`; the kernel recorded the panic as <span class="m">${p.sysPanic}</span>` : ""}.</p>`,
    );
  }
  const bt = p.backtrace;
  if (bt) {
    const lines = bt.frames.some((f) => f.line);
    parts.push(h`<h3>Backtrace${bt.incomplete ? h` ${badge("incomplete", "alert")}` : ""}</h3>
<table class="frames"><thead><tr><th class="r">#</th><th>Function</th><th>Module</th><th>Address</th><th>Stack</th>${lines ? h`<th>Source</th>` : ""}</tr></thead>
<tbody>${join(bt.frames.map((f, i) => frameRow(f, i === p.faultingFrame, hidden, lines)))}</tbody></table>
<details class="fold"><summary>crash's bt text</summary><pre>${bt.text}</pre></details>`);
  } else parts.push(h`<p class="notice">The panic task's backtrace could not be read (see the warnings).</p>`);
  const dis = p.disassembly;
  if (dis && dis.instructions.length) {
    const lines = dis.instructions.map((ins, i) => {
      const fault = i === dis.faultIndex;
      const src = ins.line ? h`<span class="src">${ins.line}</span>` : "";
      return h`<div class="ln${fault ? " fault" : ""}"><span class="arrow">${fault ? "=>" : ""}</span><span>${ins.address}</span><span>${ins.location}</span><span>${ins.mnemonic} ${ins.operands}</span>${src}</div>`;
    });
    const f = p.fault;
    parts.push(h`<h3>Code around the fault${f?.symbol ? h` <span class="muted m">${f.symbol}${f.module ? ` [${f.module}]` : ""}</span>` : ""}</h3>
<div class="dis">${join(lines)}</div>
${f && !f.line ? h`<p class="small muted">No source lines: ${f.module ? `the module ${f.module} has no debuginfo loaded` : "the line tables do not cover this address"}.</p>` : ""}`);
  } else if (p.fault) {
    parts.push(h`<p class="notice">The code at the fault (<span class="m">${p.fault.address}</span>) could not be disassembled (see the warnings).</p>`);
  }
  if (p.source && p.source.lines.length) {
    const src = p.source;
    parts.push(h`<h3>Source <span class="muted m">${src.file}:${src.line}</span></h3>
<div class="source">${join(src.lines.map((l) => h`<div class="${l.line === src.line ? "cur" : ""}"><span class="faint">${String(l.line).padStart(5)}</span>  ${l.text}</div>`))}</div>`);
  }
  return join(parts, "\n");
}
