// What rules need from a dump, each with the plain sentence said when it is missing.
import type { DetectContext } from "../context";
import type { Requirement } from "../rule";

function symbol(what: string, name: string, sentence: string): Requirement {
  return { what, missing: (ctx: DetectContext) => (ctx.prog.hasSymbol(name) ? undefined : sentence) };
}

export const noKprobes = symbol("kprobe_table", "kprobe_table", "this kernel was built without kprobes (no kprobe_table): there are none to check");
export const noFtrace = symbol("ftrace_ops_list", "ftrace_ops_list", "this kernel was built without the function tracer (no ftrace_ops_list)");
export const noSyscallTable = symbol("sys_call_table", "sys_call_table", "the symbol sys_call_table is absent from this kernel's symbols");
export const noDispatcher: Requirement = {
  what: "x64_sys_call and an x86-64 decoder",
  missing: (ctx) =>
    !ctx.prog.hasSymbol("x64_sys_call")
      ? "this kernel has no x64_sys_call (before 6.9 and its stable backports it dispatches through sys_call_table, checked by hook-syscall-table)"
      : !ctx.options.decoder
        ? "no x86-64 decoder was given, so x64_sys_call's call sites cannot be disassembled"
        : undefined,
};
export const noIdt = symbol("idt_table", "idt_table", "this kernel has no idt_table symbol");
export const noNetfilter = symbol("init_net", "init_net", "this kernel has no init_net (no networking)");
export const noTracepoints = symbol("__start___tracepoints_ptrs", "__start___tracepoints_ptrs", "this kernel has no tracepoint table (__start___tracepoints_ptrs)");
export const taskList = symbol("init_task", "init_task", "the symbol init_task is absent: no task list to read");
export const moduleList = symbol("modules", "modules", "this kernel has no module list (CONFIG_MODULES off)");
export const runqueues = symbol("runqueues", "runqueues", "the per-CPU runqueues are absent from this kernel's symbols");
