// mod -D, -r, -o, -g, -R against crash 8.0.6 on the fixture (test/golden/options-reference/mod-*.txt), and
// mod -g's section symbols against the kernel's own section addresses and the .ko's section sizes.
import { describe, expect, it } from "vitest";
import { moduleFileFinder } from "../../src/cli/module-files";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { ElfFile } from "../../src/core/dump/elf";
import { moduleSectionAddresses } from "../../src/core/kernel/modules/debuginfo";
import { modTreeModules, moduleList } from "../../src/core/kernel/modules/modules";
import { fixture, haveFixtures } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { asCrashPrints, optionCases, optionReference } from "./options-reference";

const KO = "mzoneinfo.ko";

function session() {
  const s = fixtureSession()!;
  // The CLI's finder (NAME.ko next to the vmlinux, or the file named); fixtureSession has none of its own.
  s.context.findModuleFile ??= moduleFileFinder(fixture("vmlinux")!);
  return s;
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux", KO))("mod options (golden)", () => {
  for (const c of optionCases("mod-")) {
    it(`${c.command} equals crash's ${c.name}.txt`, () => {
      expect(normalize(asCrashPrints(session().run(c.command)))).toBe(normalize(optionReference(c.name)));
    });
  }

  it("mod -g -s: each loaded section's start and end are symbols, at the kernel's sect_attrs addresses", () => {
    // crash cannot load this module (it is off the list), so the answer is checked from the kernel's data: the
    // section addresses the kernel recorded (module.sect_attrs) and the sizes in the .ko's section headers.
    const s = session();
    const prog = s.context.prog;
    const listed = new Set(moduleList(prog).modules.map((m) => m.address));
    const hidden = modTreeModules(prog).modules.find((m) => !listed.has(m.address))!;
    expect(s.run(`mod -g -s ${hidden.name} ${fixture(KO)}`).errors).toEqual([]);
    const loaded = s.context.moduleDebuginfo!.get(hidden.address)!;
    const elf = ElfFile.open(new NodeFileSource(KO, fixture(KO)!));
    const text = moduleSectionAddresses(prog, hidden).sections.find((x) => x.name === ".text")!;
    const size = BigInt(elf.sections.find((x) => x.name === ".text")!.size);
    expect(loaded.symbols.lookup("_MODULE_SECTION_START [.text]")?.address).toBe(text.address);
    expect(loaded.symbols.lookup("_MODULE_SECTION_END [.text]")?.address).toBe(text.address + size);
    // Loaded without -g, the same module has no such symbols.
    s.run("mod -D");
    s.run(`mod -s ${hidden.name} ${fixture(KO)}`);
    expect(s.context.moduleDebuginfo!.get(hidden.address)!.symbols.lookup("_MODULE_SECTION_START [.text]")).toBeUndefined();
    s.run("mod -D");
  });

  it("two modes at once are one line", () => {
    expect(session().run("mod -o -t").errors).toEqual(["mod: -t, -o: only one of -t, -s, -S, -d, -D, -o, -R"]);
    expect(session().run("mod -z").errors).toEqual(["mod: invalid option: -z"]);
  });
});
