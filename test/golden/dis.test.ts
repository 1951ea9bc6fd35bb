// dis against crash 8.0.6's reference outputs (fixtures reference/: dis -l RA1..RA4, dis -rl RA3, the
// exception RIP in the hidden module, dis crash_kexec, dis __x64_sys_getdents64).
//
// Normalisation: none. The comparison is byte for byte — tabs, gdb's mnemonic padding and the trailing
// spaces of `ret    ` included — except that crash's file ends with one newline and the error lines
// (crash's WARNING, which its redirection wrote into the file ahead of the listing) come first.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { haveFixtures, reference } from "../fixtures";
import { dwarfOnlyError, fixtureSession, hasDwarf } from "../session-fixture";
import { dataOf } from "../data-of";

const CASES: [string, string][] = [
  ["dis-l-ra1", "dis -l ffffffff9fb64067 4"],
  ["dis-l-ra2", "dis -l ffffffff9fb650f8 4"],
  ["dis-l-ra3", "dis -l ffffffff9fa33d21 4"],
  ["dis-l-ra4", "dis -l ffffffff9fa7b4c9 4"],
  ["dis-rl-ra3", "dis -rl ffffffff9fa33d21"],
  ["dis-exception-rip", "dis ffffffffc05dc05e 6"],
  ["dis-crash_kexec", "dis crash_kexec"],
  ["dis-x64_sys_getdents64", "dis __x64_sys_getdents64"],
];

/**
 * What crash wrote: its error lines, then the listing — except `dis -s`, whose "source code is not
 * available" comes after the FILE/LINE lines it printed first.
 */
function asCrashFile(r: { text: string; errors: string[] }, errorsLast = false): string {
  const errors = r.errors.map((e) => e + "\n").join("");
  return errorsLast ? r.text + errors : errors + r.text;
}

/** With no vmlinux, -l and -s (source lines) answer one line saying they need DWARF; every other listing is crash's. */
function expectListing(cmd: string, r: { text: string; errors: string[] }, expected: string, errorsLast = false): void {
  const flags = cmd.split(" ").filter((a) => /^-[a-z]+$/.test(a)).join("");
  const noLines = /[ls]/.test(flags) ? dwarfOnlyError("dis", flags.includes("s") ? "-s needs DWARF line tables" : "-l needs DWARF line tables") : undefined;
  if (noLines) expect([r.text, r.errors]).toEqual(["", [noLines]]);
  else expect(asCrashFile(r, errorsLast)).toBe(expected);
}

/** More references from the same crash 8.0.6 build, made by make-crash-references.sh dis-reference (commands.txt). */
const EXTRA = new URL("./dis-reference/", import.meta.url);
const EXTRA_CASES = readFileSync(new URL("commands.txt", EXTRA), "utf8")
  .split("\n")
  .filter((l) => l.includes("|"))
  .map((l) => l.split("|") as [string, string]);

/**
 * Listings in the module that took itself off the module list: crash cannot name those addresses (it warns
 * "no associated kernel symbol found" and prints a bare listing); kdw names them from the module's own
 * in-memory kallsyms. The instructions must be crash's, the first label the kernel's own oops line
 * (reference/console.txt: "RIP: 0010:mz_getdents_pre+0x5e/0x1000 [mzoneinfo]").
 */
const HIDDEN_MODULE_CASES = new Set(["dis-exception-rip", "dis-exception-rip-3"]);

function expectHiddenModuleListing(r: { text: string; errors: string[] }, crashFile: string): void {
  expect(r.errors).toEqual([]);
  const crashLines = crashFile.split("\n").filter((l) => /^(=> | {3})0x/.test(l));
  expect(crashFile).toMatch(/^WARNING: [0-9a-f]+: no associated kernel symbol found\n/);
  const kdwLines = r.text.split("\n").filter((l) => l !== "");
  const strip = (l: string) => l.replace(/^(=> | {3})/, "").replace(/ <[^>]*>/g, "");
  expect(kdwLines.map(strip)).toEqual(crashLines.map(strip));
  const oops = /RIP: 0010:([\w.]+)\+0x([0-9a-f]+)\/0x[0-9a-f]+ \[(\w+)\]/.exec(reference("console.txt"))!;
  expect(kdwLines[0]).toMatch(new RegExp(`^0x[0-9a-f]+ <${oops[1]}\\+${parseInt(oops[2]!, 16)}>:\t`));
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("dis (golden)", () => {
  for (const [file, cmd] of CASES) {
    it(`${cmd} equals crash's ${file}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      if (HIDDEN_MODULE_CASES.has(file)) return expectHiddenModuleListing(r, reference(`${file}.txt`));
      expectListing(cmd, r, reference(`${file}.txt`));
    });
  }

  for (const [name, cmd] of EXTRA_CASES) {
    it(`${cmd} equals crash's dis-reference/${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      const file = readFileSync(new URL(`${name}.txt`, EXTRA), "utf8");
      if (HIDDEN_MODULE_CASES.has(name)) return expectHiddenModuleListing(r, file);
      expectListing(cmd, r, file, cmd.includes("-s"));
    });
  }

  it("names a kprobe's ftrace call by its target only, and marks only a function's first nopl as [FTRACE NOP]", () => {
    const s = fixtureSession()!;
    // __x64_sys_getdents64's fentry NOP was patched into a call to the kprobe's trampoline (module area).
    expect(s.run("dis __x64_sys_getdents64 1").text).toBe("0xffffffff9fd64fe0 <__x64_sys_getdents64>:\tcall   0xffffffffc05af000\n");
    const oops = s.run("dis -r ffffffff9fa33cdb").text.split("\n");
    expect(oops[0]).toMatch(/nopl {3}0x0\(%rax,%rax,1\) \[FTRACE NOP\]$/);
    expect(oops[oops.length - 2]).toBe("0xffffffff9fa33cdb <oops_end+91>:\tnopl   0x0(%rax,%rax,1)");
  });

  it.skipIf(!hasDwarf)("structured rows carry address, length, symbol and source line (needs DWARF)", () => {
    const r = fixtureSession()!.run("dis -l ffffffff9fa33d21 2");
    const data = dataOf(r.data);
    expect(data.lines.map((l) => [l.address, l.length, l.symbol])).toEqual([
      [0xffffffff9fa33d21n, 2, "oops_end+161"],
      [0xffffffff9fa33d23n, 7, "oops_end+163"],
    ]);
    expect(data.lines[1]!.source).toBe("debian/build/build_amd64_none_cloud-amd64/arch/x86/include/asm/preempt.h: 27");
  });

  it("errors as crash words them", () => {
    const s = fixtureSession()!;
    expect(s.run("dis nosuchsymbol").text).toBe("symbol not found: nosuchsymbol\npossible alternatives:\n  (none found)\n");
    expect(s.run("dis crash_kexec 0").errors).toEqual(["dis: invalid count argument: 0"]);
    expect(s.run("dis").errors).toEqual(["dis: address or symbol required"]);
    expect(s.run("dis -r -f crash_kexec").errors).toEqual(["dis: -r and -f are mutually exclusive"]);
    expect(s.run("dis -q crash_kexec").errors).toEqual(["dis: invalid option: -q"]);
  });
});
