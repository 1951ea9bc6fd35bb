// search and mach on the second kernel, kdw's sample (Debian 13's 6.12, 4-level paging, vmalloc areas on the
// vmap_nodes lists of 6.9+), opened with no vmlinux, against crash 8.0.6 with the -dbg vmlinux
// (search-reference/sample, made by make-crash-references.sh). The sample ships with kdw: these run everywhere.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moduleViews } from "../../src/core/kernel/modules/views";
import { detectHz } from "../../src/core/kernel/system/sysinfo";
import { sampleManifest, sampleSession } from "../sample-session";

const DIR = join(__dirname, "search-reference", "sample");
const COMMANDS = readFileSync(join(DIR, "commands.txt"), "utf8")
  .split("\n")
  .filter((l) => l.includes("|"))
  .map((l) => [l.slice(0, l.indexOf("|")), l.slice(l.indexOf("|") + 1)] as const);

function crashOutput(name: string): string {
  return readFileSync(join(DIR, `${name}.txt`), "latin1");
}

describe("search and mach on the 6.12 sample (golden, crash 8.0.6)", () => {
  for (const [name, command] of COMMANDS) {
    it(`${command} equals crash's search-reference/sample/${name}.txt`, async () => {
      const s = await sampleSession();
      const r = s.run(command);
      const got = r.text + r.errors.map((e) => `${e}\n`).join("");
      if (name !== "mach") return void expect(got).toBe(crashOutput(name));
      // crash 8.0.6 takes HZ from a module on this kernel and prints 1000; the kernel's HZ is the manifest's
      // (its build configuration), and what kdw finds from the timekeeping: every other line is crash's.
      const hz = sampleManifest().kernel.hz;
      expect(crashOutput(name)).toContain("                    HZ: 1000\n");
      expect(detectHz(s.context.prog)).toBe(hz);
      expect(got).toBe(crashOutput(name).replace("HZ: 1000\n", `HZ: ${hz}\n`));
    });
  }

  it("the address searched is the struct module kdw finds off the module list", async () => {
    const s = await sampleSession();
    const searched = BigInt("0x" + COMMANDS.find(([n]) => n === "search-module")![1].split(" ")[1]);
    const hidden = moduleViews(s.context.prog).modules.filter((v) => !v.seenBy.includes("module-list"));
    expect(hidden.map((v) => v.module.address)).toEqual([searched]);
  });
});
