// The system call tables, entry by entry (volatility3's check_syscall): an entry that points outside core
// kernel text, or at a core function that is no system call, replaces that system call for every process.
import { hookRule } from "../hook-rule";
import { noSyscallTable } from "./requirements";

export const hookSyscallTableRule = hookRule({
  id: "hook-syscall-table",
  version: 1,
  title: "system call table entries",
  kinds: ["syscall-table"],
  mitre: ["T1014", "T1574"],
  requires: [noSyscallTable],
  falsePositives: "None known on unmodified kernels: the tables are read-only after boot. Without the kernel's symbols only the owner (core text or not) is checked, not the function's name.",
  describe: (r) => r.site.target,
});
