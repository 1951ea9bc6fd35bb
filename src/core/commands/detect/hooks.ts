// `hooks`: one table of every hook found — kprobes, kretprobes, ftrace_ops, netfilter hooks, tracepoint
// probes, and the entries of the syscall tables, x64_sys_call, the IDT and the /proc operations that do not
// lead where the kernel put them — with target, handler, the handler's owner and where it is recorded.
import { detectContextOf } from "../../detect/cached";
import type { Hook } from "../../detect/finding";
import { hookJson } from "../../detect/hooks";
import { CommandError, defineCommand } from "../command";
import { formatHooks } from "./hooks-format";

export interface HooksResult {
  json: boolean;
  hooks: Hook[];
  /** How much each source checked. */
  checked: Record<string, number>;
  absent: { source: string; reason: string }[];
  problems: { source: string; message: string }[];
}

export const hooksCommand = defineCommand({
  name: "hooks",
  summary: "every hook on the kernel's control flow, and its owner (kdw)",
  help: `SYNOPSIS
  hooks [-j]

DESCRIPTION
  Lists every kprobe and kretprobe (every chain of kprobe_table), every ftrace_ops on ftrace_ops_list and
  the functions it traces, every netfilter hook of every network namespace and every tracepoint probe;
  and the entries of sys_call_table, the call sites of x64_sys_call, the IDT gates and the /proc and
  socket operations that lead outside the kernel's own code. For each: what is hooked, the handler, its
  symbol and owner (the kernel, a module — "(hidden)" when it is off the module list — BPF, or unknown),
  and the address the hook is recorded at. The kernel's own machinery is marked.

    -j  the hooks as JSON (the "hooks" array of findings -j).`,
  options: { flags: "j" },
  parse(args): { json: boolean } {
    if (args.operands.length) throw new CommandError("hooks", `unexpected argument: ${args.operands[0]}`);
    return { json: args.has("j") };
  },
  execute(ctx, o): HooksResult {
    const scan = detectContextOf(ctx.prog, { symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux }).hooks;
    return { json: o.json, hooks: scan.hooks.map(hookJson), checked: { ...scan.checked }, absent: [...scan.absent], problems: [...scan.problems] };
  },
  format: formatHooks,
});
