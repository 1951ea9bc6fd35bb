// The kernel as built: what the vmlinux file holds at an address of a table the kernel never changes after
// boot (sys_call_table is in .rodata), with the KASLR slide applied to the pointers in it, as the kernel's
// relocation at boot does. An entry that differs from the file was changed in memory. Reads the file (not
// the dump); undefined where the file has no bytes for the address (a .bss or .data..ro_after_init table
// filled at run time, such as idt_table).
import { kernelRelocationWindow } from "../../debuginfo/symbols";
import type { ElfFile } from "../../dump/elf";
import { KdwError } from "../../io/errors";
import type { Program } from "../../program/program";

const SHT_NOBITS = 8;
const SHF_WRITE = 1;

export class BuiltImage {
  private readonly slide: bigint;
  private readonly window: { lo: bigint; hi: bigint };

  private constructor(
    private readonly vmlinux: ElfFile,
    slide: bigint,
  ) {
    this.slide = slide;
    this.window = kernelRelocationWindow(vmlinux);
  }

  /** The image for `prog` (its slide from _stext), or undefined when the vmlinux cannot place it. */
  static of(prog: Program, vmlinux: ElfFile | undefined): BuiltImage | undefined {
    const table = vmlinux?.symbols();
    if (!vmlinux || !table) return undefined;
    const i = table.indexOf("_stext");
    const run = prog.symbols.addressOf("_stext");
    if (i < 0 || run === undefined) return undefined;
    return new BuiltImage(vmlinux, run - table.value(i));
  }

  /**
   * `count` 8-byte words at run-time address `addr` as the vmlinux has them, pointers slid; undefined
   * unless a read-only, file-backed section holds all of them (.rodata is linked writable on x86-64 and
   * made read-only at boot by mark_rodata_ro: it counts as read-only).
   */
  words(addr: bigint, count: number): bigint[] | undefined {
    const link = addr - this.slide;
    const s = this.vmlinux.sections.find((x) => x.type !== SHT_NOBITS && x.addr !== 0n && (x.name === ".rodata" || (x.flags & SHF_WRITE) === 0) && link >= x.addr && link + BigInt(count * 8) <= x.addr + BigInt(x.size));
    if (!s) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = this.vmlinux.source.read(s.offset + Number(link - s.addr), count * 8);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      return undefined;
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Array.from({ length: count }, (_, i) => {
      const v = dv.getBigUint64(i * 8, true);
      return v >= this.window.lo && v <= this.window.hi ? BigInt.asUintN(64, v + this.slide) : v;
    });
  }
}
