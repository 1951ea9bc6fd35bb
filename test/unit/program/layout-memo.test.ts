// The layout memo (program/layout-memo.ts) on the fixture's vmlinux: every declared member answered as BTF
// answers it without the memo (offset, bits, size, kind, count, the very Type), members a struct lacks and
// structs BTF lacks, the image kept by build id and read by the next session, images that do not fit (another
// BTF's, another kdw's layouts, not JSON, insane rows) not taken, and commands printing the same with and
// without it.
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { formatTypeName } from "../../../src/core/program/gdb-format/gdb-format";
import { declaredLayoutList, declaredLayouts, layout, type MemberInfo, type OptionalMember, type RequiredMember } from "../../../src/core/program/layout";
import { MODULE_LAYOUT } from "../../../src/core/kernel/modules/layout";
import { LayoutMemo } from "../../../src/core/program/layout-memo";
import { parseTypeName } from "../../../src/core/program/type-names";
import type { IndexCache } from "../../../src/core/program/opened-kernel";
import { Session } from "../../../src/core/session/session";
import { fixture, haveFixtures } from "../../fixtures";

/** An IndexCache in memory that counts its writes. */
function memoryCache(): IndexCache & { files: Map<string, Uint8Array>; writes: string[] } {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return {
    files,
    writes,
    read: (key) => files.get(key),
    write: (key, bytes) => {
      writes.push(key);
      files.set(key, bytes.slice());
    },
  };
}

function open(cache?: IndexCache): Session {
  return Session.open(new NodeFileSource("dump.lzo", fixture("dump.lzo")!), new NodeFileSource("vmlinux", fixture("vmlinux")!), { cache });
}

const layoutKey = (cache: { files: Map<string, Uint8Array> }): string => [...cache.files.keys()].find((k) => /\/layouts-v3-/.test(k))!;

/** A member's fields as a layout gives them, its type by name and size. */
function fields(m: MemberInfo | undefined): unknown {
  return m && { variant: m.variant, path: m.path, offset: m.offset, bitOffset: m.bitOffset, bitSize: m.bitSize, size: m.size, kind: m.kind, count: m.count, type: formatTypeName(m.type) };
}

describe.skipIf(!haveFixtures("dump.lzo", "vmlinux"))("layout memo (fixture vmlinux)", () => {
  it("answers every declared layout as BTF does without it, down to the Type object", () => {
    const prog = open(memoryCache()).kernel.program;
    expect(prog.layoutMemo).toBeDefined();
    const layouts = [...declaredLayoutList()]; // a copy: the layouts made below declare themselves too
    expect(layouts.length).toBeGreaterThan(40);
    let compared = 0;
    for (const l of layouts) {
      type Outcome = { members: Readonly<Record<string, MemberInfo | undefined>>; error?: undefined } | { members?: undefined; error: string };
      const outcome = (fn: () => Readonly<Record<string, MemberInfo | undefined>>): Outcome => {
        try {
          return { members: fn() };
        } catch (err) {
          return { error: (err as Error).message };
        }
      };
      const kept = outcome(() => l.members(prog));
      const memo = prog.layoutMemo;
      prog.layoutMemo = undefined;
      const live = outcome(() => layout(l.spec).members(prog));
      prog.layoutMemo = memo;
      expect(kept.error).toBe(live.error);
      if (!kept.members || !live.members) continue;
      for (const key of Object.keys(l.spec)) {
        expect(fields(kept.members[key]), key).toEqual(fields(live.members[key]));
        if (kept.members[key]) expect(kept.members[key]!.type).toBe(live.members[key]!.type);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it("keeps the structs the layouts name: each the very Type a lookup by name gives", () => {
    const prog = open(memoryCache()).kernel.program;
    const memo = prog.layoutMemo!;
    const names = new Set(declaredLayoutList().flatMap((l) => Object.values(l.spec).flatMap((s) => (typeof s === "string" ? [s] : Array.isArray(s) ? (s as readonly string[]) : (s as RequiredMember | OptionalMember).variants.map((v) => v.path)))).map((p) => p.split(".")[0]!));
    let kept = 0;
    for (const name of names) {
      for (const kind of ["struct", "union"]) {
        const t = memo.type(`${kind} ${name}`);
        if (t === undefined) continue;
        kept++;
        expect(t).toBe(parseTypeName(prog.types, `${kind} ${name}`));
      }
    }
    expect(kept).toBeGreaterThan(100);
    expect(memo.type("struct module")).toBe(prog.findType("struct module"));
    expect(memo.type("struct module_memory")).toBeUndefined(); // 6.4+: not in this BTF
    expect(memo.type("struct no_such_struct")).toBeUndefined();
    // Every name the layouts name is kept or recorded as one BTF lacks, rightly.
    const btf = open().kernel.btf!;
    let lacked = 0;
    for (const name of names) {
      for (const kind of ["struct", "union"]) {
        const n = `${kind} ${name}`;
        expect(memo.type(n) !== undefined || memo.lacks(n), n).toBe(true);
        if (!memo.lacks(n)) continue;
        lacked++;
        expect(parseTypeName(btf, n), n).toBeUndefined();
      }
    }
    expect(lacked).toBeGreaterThan(names.size);
    expect(memo.lacks("struct module_memory")).toBe(true);
    expect(memo.lacks("struct module")).toBe(false);
    expect(memo.lacks("struct no_such_struct")).toBe(false); // not a name the layouts name: not recorded
  });

  it("lets a layout that names a struct BTF lacks skip the lookup by name", () => {
    const prog = open(memoryCache()).kernel.program;
    const btf = open().kernel.btf!;
    const asked: string[] = [];
    const ts = prog.types as unknown as { btf: { findType: (name: string, kind: string) => unknown } };
    const own = ts.btf.findType.bind(ts.btf);
    ts.btf.findType = (name, kind) => {
      asked.push(`${kind} ${name}`);
      return own(name, kind);
    };
    const members = MODULE_LAYOUT.members(prog);
    expect(asked.filter((n) => n.endsWith(" module_memory"))).toEqual([]);
    // The same layout as without the memo (which asks BTF for module_memory, and finds none).
    const memo = prog.layoutMemo;
    prog.layoutMemo = undefined;
    const live = layout(MODULE_LAYOUT.spec).members(prog);
    prog.layoutMemo = memo;
    expect(members.memoryBase).toBeUndefined();
    for (const key of Object.keys(MODULE_LAYOUT.spec)) expect(fields(members[key as keyof typeof members]), key).toEqual(fields(live[key as keyof typeof live]));
    expect(asked.filter((n) => n.endsWith(" module_memory")).length).toBeGreaterThan(0);
    expect(parseTypeName(btf, "struct module_memory")).toBeUndefined();
  });

  it("keeps a member a BTF struct lacks as absent, and leaves a struct BTF lacks to be resolved live", () => {
    const memo = open(memoryCache()).kernel.program.layoutMemo!;
    // 6.1: task_struct has __state (5.14) and no state; struct module_memory is 6.4+.
    expect(memo.member("task_struct.state", "task_struct.state")).toBeNull();
    expect(memo.member("task_struct.__state", "state")).toMatchObject({ variant: "state", kind: "int", size: 4 });
    expect(memo.member("module_memory.base", "module_memory.base")).toBeUndefined();
    expect(memo.member("no_such_struct.at_all", "x")).toBeUndefined();
  });

  it("is written once per build and read by the next session", () => {
    const cache = memoryCache();
    open(cache);
    const key = layoutKey(cache);
    expect(key).toMatch(/^[0-9a-f]+\/layouts-v3-[0-9a-f]+-[0-9a-f]+$/);
    expect(cache.writes.filter((k) => k === key)).toHaveLength(1);
    const again = open(cache).kernel.program;
    expect(cache.writes.filter((k) => k === key)).toHaveLength(1);
    expect(again.layoutMemo?.member("task_struct.pid", "pid")).toMatchObject({ offset: expect.any(Number), size: 4, kind: "int" });
  });

  it("does not take an image made for another BTF, other layouts, or one that is not its JSON", () => {
    const cache = memoryCache();
    const prog = open(cache).kernel.program;
    const key = layoutKey(cache);
    const doc = JSON.parse(new TextDecoder().decode(cache.files.get(key)!)) as Record<string, unknown>;
    const btf = open().kernel.btf!;
    const image = (d: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify(d));
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), image(doc))).toBeDefined();
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), image({ ...doc, lastId: (doc.lastId as number) + 1 }))).toBeUndefined();
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), image({ ...doc, strLen: 7 }))).toBeUndefined();
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), image({ ...doc, format: "kdw-layouts-1" }))).toBeUndefined();
    expect(LayoutMemo.fromImage(btf, declaredLayouts() + " ", image(doc))).toBeUndefined();
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), new TextEncoder().encode("{not json"))).toBeUndefined();
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), new Uint8Array([0xff, 0xfe]))).toBeUndefined();
    // A file far bigger than any memo is not parsed (the same JSON, padded with spaces past 8 MiB).
    const padded = new TextEncoder().encode(JSON.stringify(doc) + " ".repeat(8 << 20));
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), padded)).toBeUndefined();
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), padded.subarray(0, padded.length - (1 << 20)))).toBeDefined();
    // An image that does not fit is replaced at open.
    cache.files.set(key, new TextEncoder().encode("[]"));
    open(cache);
    expect(cache.writes.filter((k) => k === key)).toHaveLength(2);
    expect(LayoutMemo.fromImage(btf, declaredLayouts(), cache.files.get(key)!)).toBeDefined();
    expect(prog.layoutMemo).toBeDefined();
  });

  it("resolves a row that is not sane live, with the right answer", () => {
    const cache = memoryCache();
    const prog = open(cache).kernel.program;
    const key = layoutKey(cache);
    const doc = JSON.parse(new TextDecoder().decode(cache.files.get(key)!)) as { rows: Record<string, unknown[]> };
    const good = doc.rows["task_struct.pid"]!;
    expect(good).toHaveLength(7);
    const btf = open().kernel.btf!;
    const bad: unknown[] = [
      [good[0]! as number + 1, ...good.slice(1)], // offset not bitOffset / 8
      [-1, -8, ...good.slice(2)],
      [...good.slice(0, 4), "struct-ish", ...good.slice(5)], // not a kind
      [...good.slice(0, 6), 1 << 30], // no such type id
      [...good.slice(0, 2), 0, ...good.slice(3)], // a bitfield 0 bits wide
      [2],
      "task_struct.pid",
    ];
    // A struct kept under an id that is not a struct, or out of range, is looked up live.
    const types = (ids: Record<string, unknown>) => LayoutMemo.fromImage(btf, declaredLayouts(), new TextEncoder().encode(JSON.stringify({ ...doc, types: ids })))!;
    const intId = (doc.rows["task_struct.pid"]! as number[])[6]!;
    for (const id of [intId, 0, -1, 1 << 30, "12", 1.5]) expect(types({ "struct task_struct": id }).type("struct task_struct"), String(id)).toBeUndefined();
    for (const row of bad) {
      const memo = LayoutMemo.fromImage(btf, declaredLayouts(), new TextEncoder().encode(JSON.stringify({ ...doc, rows: { ...doc.rows, "task_struct.pid": row } })))!;
      expect(memo.member("task_struct.pid", "pid"), JSON.stringify(row)).toBeUndefined();
      expect(memo.member("task_struct.comm", "comm")).toMatchObject({ kind: "array", count: 16 });
    }
    expect(prog.layoutMemo!.member("task_struct.pid", "pid")!.offset).toBe(good[0]);
  });

  it("commands print the same with and without it", () => {
    const withMemo = open(memoryCache());
    const without = open();
    expect(withMemo.kernel.program.layoutMemo).toBeDefined();
    expect(without.kernel.program.layoutMemo).toBeUndefined();
    for (const line of ["sys", "ps", "mod", "foreach files", "bt -a", "net", "kmem -i", "log | tail -5", "runq", "dev", "mount", "ipcs", "irq", "swap", "sig 1"]) {
      const a = withMemo.run(line);
      const b = without.run(line);
      expect(a.text.length, line).toBeGreaterThan(0);
      expect(a.text, line).toBe(b.text);
      expect(a.errors, line).toEqual(b.errors);
    }
  });
});
