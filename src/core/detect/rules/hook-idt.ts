// The interrupt descriptor table (volatility3's check_idt): every present gate must lead to core kernel
// text (the asm_exc_* and irq entry stubs). A gate into module code intercepts that exception or interrupt.
import { hookRule } from "../hook-rule";
import { noIdt } from "./requirements";

export const hookIdtRule = hookRule({
  id: "hook-idt",
  version: 1,
  title: "IDT vectors",
  kinds: ["idt"],
  mitre: ["T1014", "T1574"],
  requires: [noIdt],
  falsePositives: "Hypervisor guest drivers do not install IDT gates outside core text on x86-64; none known.",
  describe: (r) => `IDT ${r.site.target}`,
});
