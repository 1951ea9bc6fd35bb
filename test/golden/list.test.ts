// `list` and `dis -s` over a small synthetic kernel source tree written by the test, with the fixture's
// real line tables (crash_kexec is at kernel/kexec_core.c:985; RA2 ffffffff9fb650f8 at
// arch/x86/include/asm/atomic.h:41). The layouts are gdb's `list` (NNN<tab>text, ten lines from five
// before) and crash's list_source_code (FILE:/LINE:, `* ` on the line, on to the function's `}`).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sourceTreeReader } from "../../src/cli/source-tree";
import type { CommandContext } from "../../src/core/commands/command";
import { disCommand } from "../../src/core/commands/code/dis";
import { readSourceFile } from "../../src/core/program/source-lines";
import { listCommand } from "../../src/core/commands/code/list";
import { haveFixtures } from "../fixtures";
import { fixtureSession } from "../session-fixture";

let tree = "";

/** `/* kexec_core.c N *\/` on every line but the few the test looks at. */
function source(name: string, lines: number, special: Record<number, string>): string {
  const out: string[] = [];
  for (let n = 1; n <= lines; n++) out.push(special[n] ?? `/* ${name} ${n} */`);
  return out.join("\n") + "\n";
}

beforeAll(() => {
  tree = mkdtempSync(join(tmpdir(), "kdw-src-"));
  mkdirSync(join(tree, "kernel"), { recursive: true });
  mkdirSync(join(tree, "arch/x86/include/asm"), { recursive: true });
  writeFileSync(join(tree, "kernel/kexec_core.c"), source("kexec_core.c", 1010, { 985: "void crash_kexec(struct pt_regs *regs)", 986: "{", 990: "\tif (x)\x1b[31m", 1006: "}" }));
  writeFileSync(join(tree, "arch/x86/include/asm/atomic.h"), source("atomic.h", 50, { 40: "{", 41: "\t__WRITE_ONCE(v->counter, i);", 42: "}" }));
});

afterAll(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
});

function ctx(withTree = true): CommandContext {
  const base = fixtureSession()!.context;
  return { ...base, state: { valueHistory: 0 }, readSource: withTree ? sourceTreeReader(tree) : undefined };
}

const lines = (from: number, to: number, name: string, mark?: number, special: Record<number, string> = {}) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)
    .map((n) => `${mark === undefined ? "" : n === mark ? "* " : "  "}${n}\t${special[n] ?? `/* ${name} ${n} */`}\n`)
    .join("");

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("list and dis -s (synthetic source tree)", () => {
  it("list FILE:LINE prints ten lines from five before", () => {
    const out = listCommand.run(ctx(), ["kernel/kexec_core.c:985"]);
    expect(out.text).toBe(lines(980, 989, "kexec_core.c", undefined, { 985: "void crash_kexec(struct pt_regs *regs)", 986: "{" }));
  });

  it("list FUNCTION finds the file through the DWARF path's suffixes; list continues; the end is an error", () => {
    const c = ctx();
    expect(listCommand.run(c, ["crash_kexec"]).text.split("\n")[0]).toBe("980\t/* kexec_core.c 980 */");
    // Line 990 holds an escape sequence: printed as ^[, never raw.
    expect(listCommand.run(c, []).text.split("\n")[0]).toBe("990\t\tif (x)^[[31m");
    const atomic = listCommand.run(c, ["*0xffffffff9fb650f8"]).text;
    expect(atomic.split("\n")[0]).toBe("0xffffffff9fb650f8 is in crash_kexec (arch/x86/include/asm/atomic.h:41).");
    expect(listCommand.run(c, []).text).toBe(lines(46, 50, "atomic.h"));
    expect(() => listCommand.run(c, [])).toThrow('list: Line number 56 out of range; "arch/x86/include/asm/atomic.h" has 50 lines.');
  });

  it("list errors: no tree, no file, out of range, not a function, paths that leave the tree", () => {
    expect(() => listCommand.run(ctx(false), ["crash_kexec"])).toThrow("list: no source tree: start kdw with --src DIR");
    expect(() => listCommand.run(ctx(), ["kernel/nosuch.c:1"])).toThrow("list: kernel/nosuch.c: No such file or directory.");
    expect(() => listCommand.run(ctx(), ["kernel/kexec_core.c:5000"])).toThrow("Line number 5000 out of range");
    // A word that is no function is a list's start to crash's list: its error, not gdb's.
    expect(() => listCommand.run(ctx(), ["no_such_function"])).toThrow("list: invalid argument: no_such_function");
    expect(() => listCommand.run(ctx(), ["../../../../../etc/passwd:1"])).toThrow("No such file or directory");
    expect(sourceTreeReader(tree)("../outside.c")).toBeUndefined();
    expect(sourceTreeReader(tree)("kernel")).toBeUndefined();
  });

  it("dis -s: FILE/LINE, then from five lines before to the function's closing brace", () => {
    const out = disCommand.run(ctx(), ["-s", "ffffffff9fb650f8"]);
    expect(out.errors).toEqual([]);
    expect(out.text).toBe("FILE: arch/x86/include/asm/atomic.h\nLINE: 41\n\n" + lines(36, 42, "atomic.h", 41, { 40: "{", 41: "\t__WRITE_ONCE(v->counter, i);", 42: "}" }) + "\n");
    const whole = disCommand.run(ctx(), ["-s", "crash_kexec"]).text.split("\n");
    expect(whole.slice(0, 4)).toEqual(["FILE: kernel/kexec_core.c", "LINE: 985", "", "  980\t/* kexec_core.c 980 */"]);
    expect(whole.slice(-3)).toEqual(["  1006\t}", "", ""]);
  });

  it("dis -s with a count: the line and that many after it", () => {
    const out = disCommand.run(ctx(), ["-s", "ffffffff9fb650f8", "2"]);
    expect(out.text.split("\n").slice(3, -2)).toEqual(lines(36, 43, "atomic.h", 41, { 40: "{", 41: "\t__WRITE_ONCE(v->counter, i);", 42: "}" }).trimEnd().split("\n"));
  });

  it("dis -s without the file says what crash says", () => {
    const out = disCommand.run(ctx(false), ["-s", "ffffffff9fb650f8"]);
    expect(out.text).toBe("FILE: arch/x86/include/asm/atomic.h\nLINE: 41\n\n");
    expect(out.errors).toEqual(["dis: ffffffff9fb650f8: source code is not available", ""]);
  });
});

describe("readSourceFile", () => {
  it("tries the path, then ever shorter suffixes, skipping any with ..", () => {
    const asked: string[] = [];
    const read = (p: string) => (asked.push(p), p === "kernel/x.c" ? "text" : undefined);
    expect(readSourceFile(read, "/build/linux/../kernel/x.c")).toEqual({ path: "kernel/x.c", text: "text" });
    expect(asked).toEqual(["kernel/x.c"]);
    asked.length = 0;
    expect(readSourceFile(read, "debian/build/b/kernel/x.c")?.path).toBe("kernel/x.c");
    expect(asked).toEqual(["debian/build/b/kernel/x.c", "build/b/kernel/x.c", "b/kernel/x.c", "kernel/x.c"]);
    expect(readSourceFile(read, "")).toBeUndefined();
  });
});
