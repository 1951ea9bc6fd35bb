import { describe, expect, it } from "vitest";
import { formatType, formatTypeDefinition, formatTypeName } from "../../../../src/core/program/gdb-format/gdb-format";
import type { Type } from "../../../../src/core/debuginfo/types";
import { arr, char, constOf, enumOf, fn, int, long, ptr, struct, typedef, uint, ulong, union, ushort, voidT, volatileOf } from "./types";

const listHead = struct("list_head", 16, []);
const callbackHead = struct("callback_head", 16, []);

describe("gdb type names (c_print_type)", () => {
  it("spells DWARF base names the C way", () => {
    expect(formatTypeName(ulong)).toBe("unsigned long");
    expect(formatTypeName(long)).toBe("long");
    expect(formatTypeName(ushort)).toBe("unsigned short");
  });
  it("puts qualifiers where gdb does", () => {
    expect(formatType(ptr(constOf(struct("sched_class", 8, []))), "sched_class")).toBe("const struct sched_class *sched_class");
    expect(formatType(constOf(ptr(char)), "p")).toBe("char * const p");
    expect(formatType(ptr(constOf(char)))).toBe("const char *");
    expect(formatType(volatileOf(ulong), "jiffies")).toBe("volatile unsigned long jiffies");
  });
  it("writes function pointers, arrays and their combinations", () => {
    expect(formatType(ptr(fn(voidT, [ptr(callbackHead)])), "func")).toBe("void (*func)(struct callback_head *)");
    expect(formatType(ptr(fn(ptr(struct("page", 64, [])), [uint, typedef("gfp_t", uint)])), "alloc")).toBe("struct page *(*alloc)(unsigned int, gfp_t)");
    expect(formatType(ptr(fn(int, []))), "").toBe("int (*)(void)");
    expect(formatType(ptr(fn(int, [ptr(char)], true)), "printk")).toBe("int (*printk)(char *, ...)");
    expect(formatType(arr(ulong, 3), "numa_faults_locality")).toBe("unsigned long numa_faults_locality[3]");
    expect(formatType(arr(arr(int, 3), 2), "grid")).toBe("int grid[2][3]");
    expect(formatType(arr(ptr(fn(voidT, [int])), 4), "handlers")).toBe("void (*handlers[4])(int)");
    expect(formatType(ptr(arr(int, 4)), "rows")).toBe("int (*rows)[4]");
    expect(formatType(arr(char), "data")).toBe("char data[]");
    expect(formatTypeName(arr(ulong, 3))).toBe("unsigned long [3]");
  });
});

const taskLike = struct("task_like", 64, [
  ["usage", typedef("refcount_t", struct(undefined, 4, [["refs", int, 0]])), 0],
  ["flags", uint, 4],
  ["sched_reset_on_fork", uint, [8, 0, 1]],
  ["frozen", uint, [8, 1, 1]],
  [undefined, union(undefined, 16, [["rcu_users", typedef("refcount_t", int), 0], ["rcu", callbackHead, 0]]), 16],
  ["thread", struct(undefined, 8, [["sp", ulong, 0]]), 32],
  ["next", ptr(listHead), 40],
  ["func", ptr(fn(voidT, [ptr(callbackHead)])), 48],
  ["faults", arr(ulong, 1), 56],
]);

describe("ptype / crash whatis layout", () => {
  it("prints members one a line, expands anonymous types and bitfields, then SIZE", () => {
    expect(formatTypeDefinition(taskLike)).toBe(
      [
        "struct task_like {",
        "    refcount_t usage;",
        "    unsigned int flags;",
        "    unsigned int sched_reset_on_fork : 1;",
        "    unsigned int frozen : 1;",
        "    union {",
        "        refcount_t rcu_users;",
        "        struct callback_head rcu;",
        "    };",
        "    struct {",
        "        unsigned long sp;",
        "    } thread;",
        "    struct list_head *next;",
        "    void (*func)(struct callback_head *);",
        "    unsigned long faults[1];",
        "}",
        "SIZE: 64",
        "",
      ].join("\n"),
    );
  });
  it("shows an anonymous struct two levels down as struct {...}, as gdb's show -1 does", () => {
    const page = struct("page", 24, [
      [undefined, union(undefined, 16, [[undefined, struct(undefined, 16, [["lru", listHead, 0]]), 0]]), 0],
      ["flags", ulong, 16],
    ]);
    expect(formatTypeDefinition(page, { offsets: true })).toBe(
      ["struct page {", "       union {", "           struct {...};", "       };", "  [16] unsigned long flags;", "}", "SIZE: 24", ""].join("\n"),
    );
  });
  it("says <no data fields> and <incomplete type>, and lists enumerators with only the values that jump", () => {
    expect(formatTypeDefinition(struct("kmap_ctrl", 0, []))).toBe("struct kmap_ctrl {\n    <no data fields>\n}\nSIZE: 0\n");
    const declared: Type = { kind: "struct", name: "opaque", size: 0, members: [], declaration: true };
    expect(formatTypeDefinition(declared, { size: false })).toBe("struct opaque {\n    <incomplete type>\n}\n");
    const e = enumOf("pid_type", [["PIDTYPE_PID", 0n], ["PIDTYPE_TGID", 1n], ["PIDTYPE_MAX", 8n], ["PIDTYPE_NEXT", 9n]]);
    expect(formatType(e, "", 1)).toBe("enum pid_type {PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_MAX = 8, PIDTYPE_NEXT}");
    expect(formatType(struct("s", 4, [["kind", enumOf(undefined, [["A", 1n]]), 0]]), "", 1)).toBe("struct s {\n    enum {A = 1} kind;\n}");
  });
  it("prints typedefs as crash does: typedef <type> NAME;", () => {
    expect(formatTypeDefinition(typedef("pid_t", int))).toBe("typedef int pid_t;\nSIZE: 4\n");
    expect(formatTypeDefinition(typedef("atomic_t", struct(undefined, 4, [["counter", int, 0]])))).toBe("typedef struct {\n    int counter;\n} atomic_t;\nSIZE: 4\n");
  });
});

describe("hostile types end", () => {
  it("a typedef that names itself prints without hanging", () => {
    const loop: { kind: "typedef"; name: string; target: Type } = { kind: "typedef", name: "loop_t", target: int };
    loop.target = loop;
    expect(formatType(ptr(loop), "p")).toBe("loop_t *p");
    expect(formatType(loop, "", 1).length).toBeLessThan(1000);
  });
});

describe("crash struct -o (show_member_offset)", () => {
  it("right-aligns [offset] in the width of the size, leaves lines without a member blank", () => {
    expect(formatTypeDefinition(taskLike, { offsets: true })).toBe(
      [
        "struct task_like {",
        "   [0] refcount_t usage;",
        "   [4] unsigned int flags;",
        "   [8] unsigned int sched_reset_on_fork : 1;",
        "   [8] unsigned int frozen : 1;",
        "       union {",
        "  [16]     refcount_t rcu_users;",
        "  [16]     struct callback_head rcu;",
        "       };",
        "       struct {",
        // crash finds no `sp` in task_like: fields of a named nested struct get no offset.
        "           unsigned long sp;",
        "  [32] } thread;",
        "  [40] struct list_head *next;",
        "  [48] void (*func)(struct callback_head *);",
        "  [56] unsigned long faults[1];",
        "}",
        "SIZE: 64",
        "",
      ].join("\n"),
    );
  });
  it("prints hex with radix 16, addresses with an address, one member with .member", () => {
    const text = formatTypeDefinition(taskLike, { offsets: true, radix: 16 });
    // "  [0x4]" right-aligned in strlen("0x40") + 4 columns, then the line from its fourth character.
    expect(text.split("\n")[2]).toBe("   [0x4] unsigned int flags;");
    expect(text.endsWith("SIZE: 0x40\n")).toBe(true);
    expect(formatTypeDefinition(taskLike, { offsets: true, address: 0xffff888000001000n }).split("\n")[2]).toBe("  [ffff888000001004] unsigned int flags;");
    expect(formatTypeDefinition(taskLike, { member: "flags" })).toBe("struct task_like {\n   [4] unsigned int flags;\n}\n");
    expect(formatTypeDefinition(taskLike, { member: "rcu" })).toBe("struct task_like {\n  [16]     struct callback_head rcu;\n}\n");
    expect(formatTypeDefinition(taskLike, { member: "nosuch" })).toBe("struct task_like {\n}\n");
  });
  it("heads a member closing a named anonymous block with its struct { line", () => {
    const outer = struct("outer", 16, [
      ["a", int, 0],
      ["thread", struct(undefined, 8, [["sp", ulong, 0]]), 8],
    ]);
    expect(formatTypeDefinition(outer, { member: "thread" })).toBe("struct outer {\n       struct {\n   [8] } thread;\n}\n");
    // crash never clears its IN_UNION flag after an anonymous `union {...};`, so with both flags set it
    // prints the indentation and no `struct {` (symbols.c: show_member_offset).
    expect(formatTypeDefinition(taskLike, { member: "thread" })).toBe("struct task_like {\n         [32] } thread;\n}\n");
  });
});
