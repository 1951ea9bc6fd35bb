// Debuginfo found by build id: temporary folders laid out like each place kdw looks (next to the dump,
// --debuginfo DIR, KDW_DEBUGINFO_PATH, /usr/lib/debug/.build-id and boot/, the debuginfod cache), each with a
// decoy of another build id that must be refused, and the kdw command using what it found. The fixture's
// vmlinux is linked in, never copied; the decoys are small ELF files built here.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { debuginfoPlaces, resolveDebuginfo, type DebuginfoPlaces } from "../../../src/cli/debuginfo-search";
import { buildElf, buildNotes } from "../../fixtures/elf-builder";
import { fixture, haveFixtures, manifest } from "../../fixtures";

const KDW = join(__dirname, "../../../bin/kdw.cjs");
const tmp = mkdtempSync(join(tmpdir(), "kdw-debuginfo-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DECOY_ID = "0123456789abcdef0123456789abcdef01234567";

/** An ELF executable with only a GNU build-id note. */
function writeDecoy(path: string, buildId = DECOY_ID): string {
  const desc = Uint8Array.from(buildId.match(/../g)!.map((b) => parseInt(b, 16)));
  const elf = buildElf({ type: 2, machine: 62, sections: [{ name: ".notes", type: 7, data: buildNotes([{ name: "GNU", type: 3, desc }]) }] });
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, elf.bytes);
  return path;
}

function link(target: string, path: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  symlinkSync(target, path);
  return path;
}

/** A fresh folder with the dump linked in, and places that point nowhere unless a test says so. */
function layout(name: string): { dir: string; dump: string; places: DebuginfoPlaces } {
  const dir = join(tmp, name);
  const dump = link(fixture("dump.lzo")!, join(dir, "evidence", "dump.lzo"));
  return { dir, dump, places: { dirs: [], systemDebugRoot: join(dir, "usr-lib-debug"), debuginfodCache: join(dir, "debuginfod_client") } };
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux", "manifest.json"))("debuginfo found by build id", () => {
  const id = () => ({ buildId: manifest().kernel.build_id, release: manifest().kernel.osrelease });
  const vmlinux = () => fixture("vmlinux")!;

  it("next to the dump: a decoy of another build is refused, the matching vmlinux is used", () => {
    const l = layout("next");
    const decoy = writeDecoy(join(l.dir, "evidence", "vmlinux-a-decoy"));
    const real = link(vmlinux(), join(l.dir, "evidence", "vmlinux-b"));
    const r = resolveDebuginfo(l.dump, id(), l.places);
    expect(r.path).toBe(real);
    expect(r.place).toBe("next to the dump");
    expect(r.notes).toEqual([`debuginfo: refused ${decoy} (next to the dump): build id ${DECOY_ID}, the dump's is ${id().buildId}`, `debuginfo: ${real} (next to the dump; build id ${id().buildId})`]);
  });

  it("--debuginfo DIR and KDW_DEBUGINFO_PATH folders, searched like the dump's folder and like a debug root", () => {
    const l = layout("dirs");
    writeDecoy(join(l.dir, "dbg1", "vmlinux"));
    const real = link(vmlinux(), join(l.dir, "dbg2", "usr", "lib", "debug", "boot", `vmlinux-${id().release}`));
    const places = debuginfoPlaces([join(l.dir, "dbg1")], { KDW_DEBUGINFO_PATH: join(l.dir, "dbg2"), HOME: l.dir, KDW_DEBUG_ROOT: l.places.systemDebugRoot });
    expect(places.dirs).toEqual([join(l.dir, "dbg1"), join(l.dir, "dbg2")]);
    const r = resolveDebuginfo(l.dump, id(), places);
    expect(r.path).toBe(real);
    expect(r.place).toBe(`debuginfo folder ${join(l.dir, "dbg2")}`);
    expect(r.notes[0]).toMatch(/^debuginfo: refused .*dbg1\/vmlinux \(debuginfo folder .*dbg1\): build id 0123/);
  });

  it("/usr/lib/debug/.build-id/xx/rest.debug: a decoy at the right path but of another build is refused; boot/vmlinux-RELEASE is next", () => {
    const l = layout("system");
    const byId = join(l.places.systemDebugRoot, ".build-id", id().buildId.slice(0, 2), `${id().buildId.slice(2)}.debug`);
    writeDecoy(byId);
    const boot = link(vmlinux(), join(l.places.systemDebugRoot, "boot", `vmlinux-${id().release}`));
    const r = resolveDebuginfo(l.dump, id(), l.places);
    expect(r.notes[0]).toBe(`debuginfo: refused ${byId} (${l.places.systemDebugRoot}): build id ${DECOY_ID}, the dump's is ${id().buildId}`);
    expect(r.path).toBe(boot);
    rmSync(byId);
    link(vmlinux(), byId);
    expect(resolveDebuginfo(l.dump, id(), l.places).path).toBe(byId);
  });

  it("the debuginfod client cache: BUILDID/debuginfo", () => {
    const l = layout("debuginfod");
    const cached = link(vmlinux(), join(l.places.debuginfodCache, id().buildId, "debuginfo"));
    const r = resolveDebuginfo(l.dump, id(), l.places);
    expect([r.path, r.place]).toEqual([cached, "the debuginfod cache"]);
    expect(debuginfoPlaces([], { XDG_CACHE_HOME: "/x/cache" }).debuginfodCache).toBe("/x/cache/debuginfod_client");
    expect(debuginfoPlaces([], { DEBUGINFOD_CACHE_PATH: "/y", HOME: "/h" }).debuginfodCache).toBe("/y");
  });

  it("none matched: says so and what stands in; a dump without a build id is not searched for", () => {
    const l = layout("none");
    writeDecoy(join(l.dir, "evidence", "vmlinux"));
    const r = resolveDebuginfo(l.dump, id(), l.places);
    expect(r.path).toBeUndefined();
    expect(r.notes.at(-1)).toMatch(/^debuginfo: none matched build id bb603a91\S+ \(searched next to the dump, .*\); symbols, types and ORC come from the dump \(kallsyms, BTF\)$/);
    expect(resolveDebuginfo(l.dump, { release: id().release }, l.places).notes).toEqual(["debuginfo: the dump's VMCOREINFO has no BUILD-ID, so none is searched for (name the vmlinux to use one); symbols, types and ORC come from the dump (kallsyms, BTF)"]);
  });

  it("kdw console DUMP uses what it found, says which file, and --no-debuginfo uses the dump alone", () => {
    const l = layout("cli");
    const cached = link(vmlinux(), join(l.places.debuginfodCache, id().buildId, "debuginfo"));
    const env = { ...process.env, HOME: l.dir, KDW_DEBUG_ROOT: l.places.systemDebugRoot, DEBUGINFOD_CACHE_PATH: l.places.debuginfodCache, KDW_DEBUGINFO_PATH: "", KDW_CACHE_DIR: join(l.dir, "kdw-cache") };
    const run = (...args: string[]) => spawnSync(process.execPath, [KDW, "console", ...args, "-c", "sys"], { encoding: "latin1", env });
    const found = run(l.dump);
    expect(found.status).toBe(0);
    expect(found.stderr).toBe(`kdw: debuginfo: ${cached} (the debuginfod cache; build id ${id().buildId})\n`);
    expect(found.stdout.split("\n")[0]).toBe(`      KERNEL: ${cached}  [TAINTED]`);
    const alone = run(l.dump, "--no-debuginfo");
    expect(alone.status).toBe(0);
    expect(alone.stderr).toBe("kdw: debuginfo: not searched (--no-debuginfo): symbols, types and ORC come from the dump (kallsyms, BTF)\n");
    expect(alone.stdout.split("\n")[0]).toBe("      KERNEL: (no vmlinux: kallsyms and BTF from the dump)  [TAINTED]");
    // The rest of sys is the same either way.
    expect(alone.stdout.split("\n").slice(1)).toEqual(found.stdout.split("\n").slice(1));
    const decoy = writeDecoy(join(l.dir, "decoy-vmlinux"));
    const refused = spawnSync(process.execPath, [KDW, "console", decoy, l.dump, "-c", "sys"], { encoding: "latin1", env });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^kdw: .*decoy-vmlinux does not match .*dump\.lzo: build id 0123456789abcdef/);
  });
});
