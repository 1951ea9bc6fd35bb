// The call sites inside x64_sys_call (and ia32_sys_call): since 6.9, and in the stable backports to 6.6,
// 6.1, 5.15 and 5.10, the syscall entry code calls through this switch instead of indexing sys_call_table,
// so a rootkit can patch one rel32 call displacement (FlipSwitch) and leave the table clean. Every direct
// call or jump leaving the function must reach a function of the syscall table (or a system call entry)
// in core kernel text.
import { hookRule } from "../hook-rule";
import { noDispatcher } from "./requirements";

export const hookSyscallDispatchRule = hookRule({
  id: "hook-syscall-dispatch",
  version: 1,
  title: "x64_sys_call call sites",
  kinds: ["x64_sys_call", "ia32_sys_call"],
  mitre: ["T1014", "T1574"],
  requires: [noDispatcher],
  falsePositives: "None known: the function is never patched by the kernel itself (its ftrace NOP at the entry is not a call site it reports).",
  describe: (r) => `${r.site.target} (${r.site.role})`,
});
