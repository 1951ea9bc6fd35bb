import { defineConfig } from "vitest/config";

/**
 * The golden tests that run again with other debuginfo (test/session-fixture.ts, KDW_TEST_DEBUGINFO): with no
 * vmlinux (kallsyms, BTF, ORC from the dump) and with a separate debug file (objcopy --only-keep-debug).
 * Tests inside them that need DWARF skip in the no-vmlinux run, saying so.
 */
const GOLDEN_OTHER_DEBUGINFO = [
  "sys", "ps", "log", "mod", "bt", "foreach-bt", "files", "net", "mount", "kmem", "task", "types", "sym",
  "dev", "irq", "runq", "timer", "vm", "rd", "vtop", "set", "list-walk", "dis", "ps-options", "task-options", "system-options", "files-options", "vm-options", "net-options", "bt-options", "mod-options",
].map((n) => `test/golden/${n}.test.ts`);

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "default", include: ["test/unit/**/*.test.ts", "test/golden/**/*.test.ts", "test/ui/report/**/*.test.ts"] } },
      { extends: true, test: { name: "no-vmlinux", include: GOLDEN_OTHER_DEBUGINFO, env: { KDW_TEST_DEBUGINFO: "none" } } },
      { extends: true, test: { name: "debug-file", include: GOLDEN_OTHER_DEBUGINFO, env: { KDW_TEST_DEBUGINFO: "debug-file" } } },
    ],
  },
});
