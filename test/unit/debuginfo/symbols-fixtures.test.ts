// The fixture vmlinux's symtab, relocated by the dump's KERNELOFFSET, against crash 8.0.6's `sym` outputs
// (reference/sym-*.txt).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NodeFileSource } from "../../../src/cli/node-file-source";
import { symbolTableFromElf, type SymbolTable } from "../../../src/core/debuginfo/symbols";
import { ElfFile } from "../../../src/core/dump/elf";
import { openDump } from "../../../src/core/dump/open";
import { fixture, haveFixtures, reference } from "../../fixtures";

/** crash's `sym` line for a symbol: "ADDR (T) name[+offset]". The file:line tail comes from DWARF. */
function symLine(t: SymbolTable, addr: bigint): string {
  const r = t.symbolAt(addr);
  if (!r) return `symbol not found: ${addr.toString(16)}`;
  return `${addr.toString(16)} (${r.symbol.type}) ${r.symbol.name}${r.offset ? `+${r.offset}` : ""}`;
}

describe.skipIf(!haveFixtures("vmlinux", "dump.lzo", "reference/sym-init_task.txt"))("vmlinux symbols", () => {
  if (!haveFixtures("vmlinux", "dump.lzo", "reference/sym-init_task.txt")) return; // skipped: nothing to open while collecting
  const dump = openDump(new NodeFileSource(fixture("dump.lzo")!));
  const kaslrOffset = dump.vmcoreinfo!.kernelOffset!;
  const elf = ElfFile.open(new NodeFileSource(fixture("vmlinux")!));
  const table = symbolTableFromElf(elf, { kaslrOffset });

  it("takes the KASLR offset from VMCOREINFO", () => {
    expect(kaslrOffset).toBe(0x1ea00000n);
    // crash keeps 116,612 kernel symbols of the 118,810 in .symtab (`sym -l` before the modules)
    expect(table.count).toBe(116_612);
  });

  for (const name of ["init_task", "jiffies", "linux_banner"]) {
    it(`sym ${name}`, () => {
      const s = table.lookup(name)!;
      expect(`${s.address.toString(16)} (${s.type}) ${s.name}`).toBe(reference(`sym-${name}.txt`).trimEnd());
    });
  }

  it("sym ADDR of linux_banner (data) and of return address 1 (text, +offset)", () => {
    expect(symLine(table, 0xffffffffa0b1fa00n)).toBe(reference("sym-addr-banner.txt").trimEnd());
    // reference: "ffffffff9fb64067 (T) __crash_kexec+119 <file>: <line>"; the line part needs DWARF
    const ra1 = reference("sym-addr-ra1.txt").trimEnd();
    expect(ra1.startsWith(symLine(table, 0xffffffff9fb64067n) + " ")).toBe(true);
    expect(symLine(table, 0xffffffff9fb64067n)).toBe("ffffffff9fb64067 (T) __crash_kexec+119");
  });

  it("keeps per-CPU symbols as offsets and gives them no address lookup, as crash", () => {
    // crash: `sym runqueues` -> "31980 (D) runqueues"; `sym __per_cpu_end` -> "34000 (D) __per_cpu_end";
    // `sym 1f9c0` and `sym 0` -> "invalid address"
    expect(table.lookup("runqueues")).toMatchObject({ address: 0x31980n, type: "D" });
    expect(table.lookup("__per_cpu_end")).toMatchObject({ address: 0x34000n, type: "D" });
    expect(table.symbolAt(0x1f9c0n)).toBeUndefined();
    expect(table.symbolAt(0n)).toBeUndefined();
    // crash: `sym _text` -> ffffffff9fa00000 (T) _text; `sym L4_PAGE_OFFSET` -> symbol not found
    expect(table.lookup("_text")).toMatchObject({ address: 0xffffffff9fa00000n, type: "T" });
    expect(table.lookup("L4_PAGE_OFFSET")).toBeUndefined();
    // crash: `sym ffffffffa0b1fa05` -> "ffffffffa0b1fa05 (D) linux_banner+5"
    expect(symLine(table, 0xffffffffa0b1fa05n)).toBe("ffffffffa0b1fa05 (D) linux_banner+5");
  });

  it("finds names by substring as crash's sym -q", () => {
    // crash 8.0.6: `sym -q init_ta` lists these 20, in this order
    const expected = [
      "ffffffff9fbc4290 (T) ftrace_graph_init_task",
      "ffffffff9fc62740 (T) perf_event_init_task",
      "ffffffff9ff51b40 (T) blk_mq_init_tags",
      "ffffffff9ff93440 (T) sg_init_table",
      "ffffffffa00637b0 (T) acpi_tb_init_table_descriptor",
      "ffffffffa03d9e03 (t) blk_mq_init_tags.cold",
      "ffffffffa0b0e580 (d) ip6addrlbl_init_table",
      "ffffffffa0de7e44 (r) __ksymtab_init_task",
      "ffffffffa0decd28 (r) __ksymtab_sg_init_table",
      "ffffffffa0dff238 (r) __crc_init_task",
      "ffffffffa0e00c84 (r) __crc_sg_init_table",
      "ffffffffa0e06470 (r) __kstrtab_init_task",
      "ffffffffa0e0deaa (r) __kstrtabns_init_task",
      "ffffffffa0e0deaa (r) __kstrtabns_sg_init_table",
      "ffffffffa0e18cb2 (r) __kstrtab_sg_init_table",
      "ffffffffa1400000 (D) __start_init_task",
      "ffffffffa1404000 (D) __end_init_task",
      "ffffffffa141aa40 (D) init_task",
      "ffffffffa1a766c4 (T) rcu_init_tasks_generic",
      "ffffffffa1dcb838 (b) ext4_lazyinit_task",
    ];
    expect(table.search("init_ta").map((s) => `${s.address.toString(16)} (${s.type}) ${s.name}`)).toEqual(expected);
  });

  it("lists the start of sym -l as crash: per-CPU symbols first, then the text", () => {
    // crash 8.0.6 `sym -l`, first lines and the switch to the kernel text
    const head = table.inRange(0n, 0x19010n).map((s) => `${s.address.toString(16)} (${s.type}) ${s.name}`);
    expect(head).toEqual([
      "0 (D) __per_cpu_start",
      "0 (D) fixed_percpu_data",
      "1000 (D) cpu_debug_store",
      "2000 (D) irq_stack_backing_store",
      "6000 (D) cpu_tss_rw",
      "b000 (D) gdt_page",
      "c000 (d) exception_stacks",
      "18000 (d) entry_stack_storage",
      "19000 (D) cpu_l2c_shared_map",
      "19008 (D) cpu_llc_shared_map",
    ]);
    // crash: "34000 (D) __per_cpu_end", then "ffffffff9fa00000 (T) _stext", "_text", "startup_64"
    expect(table.inRange(0x34000n, 0xffffffff9fa00001n).map((s) => s.name)).toEqual(["__per_cpu_end", "_stext", "_text", "startup_64"]);
    expect(symLine(table, 0xffffffff9fa00000n)).toBe("ffffffff9fa00000 (T) _stext");
    // crash strips .isra./.part. (ftrace_regex_write.part.0.isra.0 -> ftrace_regex_write.part.0)
    expect(table.lookup("ftrace_regex_write.part.0")?.address).toBe(0xffffffff9fba2c40n);
    expect(table.lookup("nmi_handle")?.address).toBe(0xffffffff9fa343b0n);
  });

  it("is crash's whole kernel symbol list, line for line", () => {
    // sha256 of the kernel part of crash 8.0.6's `sym -l` (the lines before the first "MODULE START"),
    // 116,612 lines, made with: ../tools/crash-8.0.6 -s vmlinux dump.lzo, `sym -l > sym-l.txt`,
    // then awk '/MODULE START/{exit} {print}'. Too big to keep; its hash is enough to compare.
    const CRASH_SYM_L_KERNEL_SHA256 = "4f471c6891f50162ec859345cb71256abdb2e8ec04c060d2b7e8f7d2be9fdd0e";
    const hash = createHash("sha256");
    for (let i = 0; i < table.count; i++) {
      const s = table.at(i);
      hash.update(`${s.address.toString(16)} (${s.type}) ${s.name}\n`, "latin1");
    }
    expect(hash.digest("hex")).toBe(CRASH_SYM_L_KERNEL_SHA256);
  });
});
