// Every ftrace_ops on ftrace_ops_list with its callback and the functions of its filter hash: ftrace-based
// hooking (what many modern LKM rootkits use, with FTRACE_OPS_FL_IPMODIFY to redirect the traced function)
// shows as an ops whose callback is module code. The kernel's own ops (kprobes' kprobe_ftrace_ops, the
// function tracer, perf, live patching's klp_ftrace_handler) have core callbacks and are info.
import { hookRule } from "../hook-rule";
import { noFtrace } from "./requirements";

export const hookFtraceRule = hookRule({
  id: "hook-ftrace",
  version: 1,
  title: "ftrace_ops callbacks",
  kinds: ["ftrace"],
  mitre: ["T1014", "T1574"],
  kernelInfo: true,
  requires: [noFtrace],
  falsePositives: "BPF trampolines (fentry/fexit programs) are ftrace direct calls into BPF images (medium: check the program). Live patches run through the kernel's klp_ftrace_handler (info) and redirect to the livepatch module's functions, which this rule does not follow.",
  describe: (r) => `ftrace_ops on ${r.targetSymbol ?? r.site.target}${r.site.role === "direct" ? " (direct call)" : ""}`,
});
