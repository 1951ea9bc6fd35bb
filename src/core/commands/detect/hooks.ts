// `hooks`: one table of every hook found — kprobes, kretprobes, ftrace_ops, netfilter hooks, tracepoint
// probes, and the entries of the syscall tables, x64_sys_call, the IDT and the /proc operations that do not
// lead where the kernel put them — with target, handler, the handler's owner and where it is recorded.
import { hookJson } from "../../detect/hooks";
import { CommandError, type Command } from "../command";
import { formatHooks } from "./format";
import { detectContext } from "./run";

export const hooksCommand: Command = {
  name: "hooks",
  summary: "every hook on the kernel's control flow, and its owner (kdw)",
  help: `NAME
  hooks - every hook on the kernel's control flow, and its owner (kdw)

SYNOPSIS
  hooks [-j]

DESCRIPTION
  Lists every kprobe and kretprobe (every chain of kprobe_table), every ftrace_ops on ftrace_ops_list and
  the functions it traces, every netfilter hook of every network namespace and every tracepoint probe;
  and the entries of sys_call_table, the call sites of x64_sys_call, the IDT gates and the /proc and
  socket operations that lead outside the kernel's own code. For each: what is hooked, the handler, its
  symbol and owner (the kernel, a module — "(hidden)" when it is off the module list — BPF, or unknown),
  and the address the hook is recorded at. The kernel's own machinery is marked.

    -j  the hooks as JSON (the "hooks" array of findings -j).`,
  run(ctx, args) {
    for (const a of args) if (a !== "-j") throw new CommandError("hooks", a.startsWith("-") ? `invalid option: ${a}` : `unexpected argument: ${a}`);
    const scan = detectContext(ctx).hooks;
    const hooks = scan.hooks.map(hookJson);
    if (args.includes("-j")) return { data: hooks, text: JSON.stringify(hooks, null, 2) + "\n" };
    let text = formatHooks(hooks);
    const checked = Object.entries(scan.checked).map(([k, v]) => `${k} ${v}`).join(", ");
    text += `\nchecked: ${checked}\n`;
    for (const a of scan.absent) text += `not checked: ${a.source}: ${a.reason}\n`;
    for (const p of scan.problems) text += `problem: ${p.source}: ${p.message}\n`;
    return { data: hooks, text };
  },
};
