// mod and mod -t against crash 8.0.6's reference outputs, byte for byte; and the module walkers against the
// fixture's ground truth (manifest.json "module"): the hidden module is off the `modules` list (so neither
// crash nor `mod` shows it, and `mod -t` says "no tainted modules"), but mod_tree and sysfs still hold it.
import { describe, expect, it } from "vitest";
import { ElfFile } from "../../src/core/dump/elf";
import { modTreeModules, moduleKallsyms, moduleKsetEntries, moduleList, moduleParams, moduleTaintString, moduleUses } from "../../src/core/kernel/modules/modules";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { fixture, haveFixtures, manifest, reference } from "../fixtures";
import { fixtureSession, normalize } from "../session-fixture";
import { dataOf } from "../data-of";

interface ModuleTruth {
  module: { name: string; file: string; signed: boolean; hides_itself: boolean; taint: string };
}

/** The exception RIP of the oops, in the hidden module's text (fixtures README, reference/bt.txt). */
const EXCEPTION_RIP = 0xffffffffc05dc05en;

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux", "mzoneinfo.ko"))("mod (golden)", () => {
  const prog = () => fixtureSession()!.kernel.program;
  const truth = () => (manifest() as unknown as ModuleTruth).module;

  it("mod equals crash's mod.txt, byte for byte", () => {
    const r = fixtureSession()!.run("mod");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(reference("mod.txt"));
    expect(normalize(r.text)).toBe(normalize(reference("mod.txt")));
    const data = dataOf(r.data);
    expect(data.rows.map((m) => m.name)).toEqual(["virtio", "virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci", "failover", "virtio_blk", "net_failover", "virtio_net"]);
    expect(data.rows.every((m) => m.kallsyms)).toBe(true);
    expect(data.problems).toEqual([]);
  });

  it("mod -t equals crash's mod-t.txt", () => {
    const r = fixtureSession()!.run("mod -t");
    expect(r.errors).toEqual([]);
    expect(r.text).toBe(reference("mod-t.txt"));
    expect(dataOf(r.data).tainted).toEqual([]);
  });

  it("refuses crash's symbol-loading options and unknown options in one line", () => {
    const s = fixtureSession()!;
    // mod -s needs the adapter's file finder, which this fixture session has none of (test/golden/mod-s.test.ts).
    expect(s.run("mod -s virtio").errors).toEqual(["mod: -s: this kdw session cannot open module object files"]);
    // -r (gdb's -readnow) changes nothing in kdw: the list, as crash prints it (options-reference/mod-r.txt).
    expect(s.run("mod -r")).toMatchObject({ text: s.run("mod").text, errors: [] });
    expect(s.run("mod -z").errors).toEqual(["mod: invalid option: -z"]);
  });

  it("the module list is in the kernel's order (newest first) and reads every struct module field", () => {
    const list = moduleList(prog());
    expect(list.problems).toEqual([]);
    expect(list.modules.map((m) => m.name)[0]).toBe("virtio_net");
    const vpci = list.modules.find((m) => m.name === "virtio_pci")!;
    expect(vpci).toMatchObject({ stateName: "MODULE_STATE_LIVE", state: 0, taints: 0n, sigOk: true, version: "1" });
    expect(vpci.srcversion).toMatch(/^[0-9A-F]{23}$/);
    expect(vpci.regions.map((r) => r.name)).toEqual(["core", "init"]);
    // virtio_net uses net_failover and virtio_ring (and virtio): its target_list; virtio_ring's holders include it.
    const vnet = list.modules.find((m) => m.name === "virtio_net")!;
    const byAddr = new Map(list.modules.map((m) => [m.address, m.name]));
    expect(moduleUses(prog(), vnet).uses.map((a) => byAddr.get(a)).sort()).toEqual(["net_failover", "virtio", "virtio_ring"]);
    const ring = list.modules.find((m) => m.name === "virtio_ring")!;
    expect(moduleUses(prog(), ring).holders.map((a) => byAddr.get(a))).toContain("virtio_net");
    expect(moduleParams(prog(), vnet).params.map((p) => p.name).sort()).toEqual(["csum", "gso", "napi_tx", "napi_weight"]);
  });

  it("mod_tree holds every listed module and the one that left the list, which sysfs also still has", () => {
    const p = prog();
    const listed = moduleList(p).modules;
    const tree = modTreeModules(p);
    expect(tree.problems).toEqual([]);
    expect(tree.entries.every((e) => e.trees === 2 && e.region === "core")).toBe(true);
    const listedAddrs = new Set(listed.map((m) => m.address));
    expect(tree.modules.filter((m) => listedAddrs.has(m.address))).toHaveLength(listed.length);
    const hidden = tree.modules.filter((m) => !listedAddrs.has(m.address));
    expect(hidden.map((m) => m.name)).toEqual([truth().name]);
    const h = hidden[0]!;
    expect(EXCEPTION_RIP >= h.base && EXCEPTION_RIP < h.base + BigInt(h.size)).toBe(true);
    expect(moduleTaintString(p, h.taints)).toBe(truth().taint);
    expect(h.sigOk).toBe(truth().signed);
    expect(tree.addrMin <= h.base && h.base < tree.addrMax).toBe(true);
    const kset = moduleKsetEntries(p);
    expect(kset.problems).toEqual([]);
    expect(kset.entries.find((e) => e.module === h.address)?.name).toBe(truth().name);
    for (const m of listed) expect(kset.entries.some((e) => e.module === m.address && e.name === m.name)).toBe(true);
  });

  it("the hidden module's kallsyms agree with its object file's symbol table", () => {
    const p = prog();
    const listedAddrs = new Set(moduleList(p).modules.map((m) => m.address));
    const h = modTreeModules(p).modules.find((m) => !listedAddrs.has(m.address))!;
    const { symbols, problems } = moduleKallsyms(p, h);
    expect(problems).toEqual([]);
    const ko = ElfFile.open(new NodeFileSource(truth().file, fixture(truth().file)!)).symbols()!;
    const named = symbols.filter((s) => s.name !== "");
    expect(named.length).toBeGreaterThan(5);
    for (const s of named) expect(ko.lookup(s.name), s.name).toBeDefined();
    // The oops names the faulting function: the text symbol that holds the exception RIP.
    const fn = named.find((s) => s.type.toLowerCase() === "t" && EXCEPTION_RIP >= s.value && EXCEPTION_RIP < s.value + s.size)!;
    expect(fn).toBeDefined();
    expect(ko.lookup(fn.name)!.size).toBe(fn.size);
  });
});
