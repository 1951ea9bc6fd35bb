// Every kprobe and kretprobe with its handlers (kprobe_table, every chain): a probe whose handler is not the
// kernel's own runs someone's code each time the probed function is called, before or after it — the
// simplest way for a module to hook a system call (volatility3 has no kprobe plugin; tracee's hooked
// syscall check compares handlers to text).
import { hookRule } from "../hook-rule";
import { noKprobes } from "./requirements";

export const hookKprobeRule = hookRule({
  id: "hook-kprobe",
  version: 1,
  title: "kprobes and kretprobes",
  kinds: ["kprobe", "kretprobe"],
  mitre: ["T1014", "T1574"],
  kernelInfo: true,
  requires: [noKprobes],
  falsePositives: "Tracing and security tools put kprobes on kernel functions: perf, ftrace kprobe events and BPF kprobes run through the kernel's own dispatcher (info here); out-of-tree tools (SystemTap, LTTng, some EDR agents) load their own module, which is then high until recognised by the analyst.",
  describe: (r) => `${r.site.kind} on ${r.targetSymbol ?? r.site.target}`,
});
