// Probes attached to tracepoints: perf, ftrace events and BPF attach through the kernel's own functions
// (not reported); a module's probe function on, say, sched_process_exec or sys_enter watches or alters
// every event.
import { hookRule } from "../hook-rule";
import { noTracepoints } from "./requirements";

export const hookTracepointRule = hookRule({
  id: "hook-tracepoint",
  version: 1,
  title: "tracepoint probes",
  kinds: ["tracepoint"],
  mitre: ["T1014"],
  registration: true,
  requires: [noTracepoints],
  falsePositives: "In-tree modules with their own tracepoint probes (drivers, kvm) are low; out-of-tree tracing and security products (LTTng, EDR agents) are high until recognised.",
  describe: (r) => `tracepoint ${r.site.target}`,
});
