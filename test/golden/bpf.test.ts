// `bpf` against crash 8.0.6 on the fixture (cmds-reference/bpf-*.txt: the fixture's kernel has no BPF
// program or map loaded, so crash prints its empty answers and errors); then programs and maps built in an
// overlay of the real kernel (its 6.1 struct bpf_prog, bpf_prog_aux and bpf_map, linked into prog_idr and
// map_idr's XArrays): the tables, -p/-m details, -t/-T translated instructions, -j JIT code, -s, and an IDR
// entry that points nowhere. The expected text is written out here from what was built.
import { describe, expect, it } from "vitest";
import { haveFixtures } from "../fixtures";
import { buildBpfOverlay as build, xaLeaf } from "../fixtures/bpf-overlay";
import { fixtureSession } from "../session-fixture";
import { cmdsRef, cmdsRefCommand } from "./cmds-ref";
import { bpfObjects } from "../../src/core/kernel/bpf/bpf";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("bpf (golden)", () => {
  for (const name of ["bpf", "bpf-P", "bpf-M", "bpf-PM-jTs"]) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} equals crash's ${name}.txt (nothing loaded)`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.errors).toEqual([]);
      expect(r.text).toBe(cmdsRef(name));
    });
  }
  for (const name of ["bpf-p-1", "bpf-m-1", "bpf-t", "bpf-j", "bpf-s", "bpf-x", "bpf-arg"]) {
    const cmd = cmdsRefCommand(name);
    it(`${cmd} fails as crash's ${name}.txt`, () => {
      const r = fixtureSession()!.run(cmd);
      expect(r.text).toBe("");
      expect(r.errors.join("\n") + "\n").toBe(cmdsRef(name));
    });
  }
  it("finds no program and no map in the fixture's prog_idr and map_idr", () => {
    const objs = bpfObjects(fixtureSession()!.context.prog);
    expect(objs).toEqual({ programs: [], maps: [], problems: [] });
  });
});

const hex = (n: bigint): string => n.toString(16);

const PROG_HEADER = " ID      BPF_PROG       BPF_PROG_AUX   BPF_PROG_TYPE       TAG        USED_MAPS";
const MAP_HEADER = " ID      BPF_MAP          BPF_MAP_TYPE     MAP_FLAGS";

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("bpf on programs and maps built in an overlay of the fixture's kernel", () => {
  it("lists programs (type, tag, maps used) and maps (type, flags) in crash's columns", () => {
    const { run, p, aux, mapA, mapB } = build(fixtureSession()!.context);
    const r = run();
    expect(r.errors).toBeUndefined();
    expect(r.text).toBe(
      [
        PROG_HEADER,
        ` 7   ${hex(p)} ${hex(aux)}    KPROBE     01020304050607ab    3,5    `,
        "",
        MAP_HEADER,
        ` 3   ${hex(mapA)}         HASH          00000000 `,
        ` 5   ${hex(mapB)}     PERCPU_ARRAY      00000004 `,
        "",
      ].join("\n"),
    );
  });

  it("-p shows the program's sizes, load time (the dump's clock, UTC), licence and name; -m a map's", () => {
    const { run, p, aux, mapB, bootSeconds } = build(fixtureSession()!.context);
    const d = new Date(Number(bootSeconds) * 1000);
    const two = (n: number) => String(n).padStart(2, "0");
    const when = `${["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()]} ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
    expect(run("-p", "7").text).toBe(
      [PROG_HEADER, ` 7   ${hex(p)} ${hex(aux)}    KPROBE     01020304050607ab    3,5    `, "     XLATED: 40  JITED: 6  MEMLOCK: 4096", `     LOAD_TIME: ${when}`, '     GPL_COMPATIBLE: yes  NAME: "hide"  UID: (unknown)', ""].join("\n"),
    );
    // 6.1 keeps no pages for maps: MEMLOCK is crash's estimate, here 2 entries of (4 + 16 × 4 possible CPUs) bytes, one page.
    expect(run("-m", "5").text).toBe([MAP_HEADER, ` 5   ${hex(mapB)}     PERCPU_ARRAY      00000004 `, "     KEY_SIZE: 4  VALUE_SIZE: 12  MAX_ENTRIES: 2  MEMLOCK: 4096", "     NAME: (unused)  UID: (unused)", ""].join("\n"));
    expect(run("-p", "8").errors).toEqual(["bpf: invalid program ID: 8"]);
  });

  it("-t translates the instructions (map and helper named), -T adds their bytes", () => {
    const { run, mapA, lookup, callBase } = build(fixtureSession()!.context);
    const imm = Number(lookup - callBase);
    const lines = run("-p", "7", "-T").text.split("\n");
    const at = lines.indexOf("") + 1;
    const le32 = (n: number) => [0, 8, 16, 24].map((s) => ((n >>> s) & 0xff).toString(16).padStart(2, "0")).join(" ");
    const lo = Number(mapA & 0xffffffffn);
    const hi = Number(mapA >> 32n);
    expect(lines.slice(at, at + 9)).toEqual([
      "   0: (18) r1 = map[id:3]",
      `       18 11 00 00 ${le32(lo)} 00 00 00 00 ${le32(hi)}`,
      `   2: (85) call bpf_map_lookup_elem#${imm}`,
      `       85 00 00 00 ${le32(imm)}`,
      "   3: (b7) r0 = 1",
      "       b7 00 00 00 01 00 00 00",
      "   4: (95) exit",
      "       95 00 00 00 00 00 00 00",
      "",
    ]);
  });

  it("-j disassembles the JIT image; -s dumps the structures", () => {
    const { run, code } = build(fixtureSession()!.context);
    const j = run("-p", "7", "-j").text.split("\n");
    const at = j.indexOf("") + 1;
    expect(j.slice(at, at + 4)).toEqual([`   0x${hex(code)}:\tpush   %rbp `, `   0x${hex(code + 1n)}:\tmov    %rsp,%rbp `, `   0x${hex(code + 4n)}:\tleave   `, `   0x${hex(code + 5n)}:\tret     `]);
    const s = run("-p", "7", "-s", "-x").text;
    expect(s).toContain("\nstruct bpf_prog {\n  pages = 0x1,\n");
    expect(s).toContain("\nstruct bpf_prog_aux {\n");
    expect(s).toContain("  len = 0x5,\n");
  });

  it("names an IDR entry that points nowhere and keeps the other objects", () => {
    const { prog, space, run, idrHead, mapA } = build(fixtureSession()!.context);
    space.patch(idrHead("map_idr"), xaLeaf(prog, space, { 3: mapA, 5: 0xffffc90300000040n }));
    const r = run("-M");
    expect(r.text.split("\n")[1]).toBe(` 3   ${hex(mapA)}         HASH          00000000 `);
    expect(r.errors).toEqual([expect.stringMatching(/^bpf: bpf_map ffffc90300000040 \(id 5\): /)]);
  });
});
