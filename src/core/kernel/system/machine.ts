// What crash's `mach` shows of an x86_64 machine (x86_64.c x86_64_display_machine_stats, x86_64_display_memmap,
// kernel.c hypervisor_init): the hypervisor the kernel found (pv_info.name, or the older x86_hyper), the
// BIOS memory map (e820_table, 4.14+; the e820 array before), which CPUs are online, and the names crash gives
// the IST exception stacks — from the IDT, by the name of the handler that uses each IST slot
// (x86_64_exception_stacks_init), so a slot no vector uses is "(unknown)".
import { KdwError, MissingDebugInfo } from "../../io/errors";
import { layout, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { idtGates } from "../hooks/idt";

/** Most e820 entries read (E820_MAX_ENTRIES is 128 + 3 * MAX_NUMNODES: 3200 with 1024 nodes). */
const MAX_E820_ENTRIES = 4096;
const MAX_CPUS = 8192;

const MACHINE_LAYOUT = layout({
  pvInfoName: optional("pv_info.name"),
  hyperName: optional("hypervisor_x86.name"),
  e820Count: optional("e820_table.nr_entries"),
  e820Entries: optional("e820_table.entries"),
  entryAddr: optional("e820_entry.addr"),
  entrySize: optional("e820_entry.size"),
  entryType: optional("e820_entry.type"),
  ceaDF: optional("cea_exception_stacks.DF_stack"),
  ceaNMI: optional("cea_exception_stacks.NMI_stack"),
  ceaDB: optional("cea_exception_stacks.DB_stack"),
  ceaMCE: optional("cea_exception_stacks.MCE_stack"),
  ceaVC: optional("cea_exception_stacks.VC_stack"),
});

function tryRead<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

function cString(prog: Program, ptr: bigint): string | undefined {
  if (ptr === 0n) return undefined;
  const b = tryRead(() => prog.readCString(ptr, 256));
  return b ? String.fromCharCode(...b) : undefined;
}

/** crash's kt->hypervisor: "bare hardware", "KVM", ..., or "(undetermined)". */
export function hypervisorName(prog: Program): string {
  const l = MACHINE_LAYOUT.of(prog);
  if (prog.hasSymbol("pv_info") && l.pvInfoName !== undefined) {
    const name = cString(prog, tryRead(() => prog.readU64(prog.symbolAddress("pv_info") + BigInt(l.pvInfoName!))) ?? 0n);
    if (name !== undefined) return name;
  }
  if (prog.hasSymbol("x86_hyper")) {
    const hyper = tryRead(() => prog.readU64(prog.symbolAddress("x86_hyper")));
    if (hyper === 0n) return "bare hardware";
    if (hyper !== undefined && l.hyperName !== undefined) {
      const name = cString(prog, tryRead(() => prog.readU64(hyper + BigInt(l.hyperName!))) ?? 0n);
      if (name !== undefined) return name;
    }
  }
  return "(undetermined)";
}

export interface E820Entry {
  addr: bigint;
  size: bigint;
  type: number;
}

/** The BIOS memory map the kernel kept (e820_table; before 4.14 the e820 struct e820map). */
export function e820Map(prog: Program): E820Entry[] {
  const l = MACHINE_LAYOUT.of(prog);
  let table: bigint;
  let countOff: number;
  let entriesOff: number;
  if (prog.hasSymbol("e820_table") && l.e820Count !== undefined && l.e820Entries !== undefined) {
    table = prog.readU64(prog.symbolAddress("e820_table"));
    countOff = l.e820Count;
    entriesOff = l.e820Entries;
  } else if (prog.hasSymbol("e820")) {
    // struct e820map { __u32 nr_map; struct e820entry map[]; } (before 4.14), the symbol itself or a pointer.
    const sym = prog.symbolAddress("e820");
    table = (prog.symbolSize("e820") ?? 0) === 8 ? prog.readU64(sym) : sym;
    countOff = prog.memberOffset("struct e820map", "nr_map") ?? 0;
    entriesOff = prog.memberOffset("struct e820map", "map") ?? 4;
  } else throw new MissingDebugInfo("neither e820 or e820_table symbols exist");
  const entryType = prog.findType("struct e820_entry") ?? prog.findType("struct e820entry");
  const entrySize = entryType ? prog.sizeOf(entryType) : 20;
  const addrOff = l.entryAddr ?? 0;
  const sizeOff = l.entrySize ?? 8;
  const typeOff = l.entryType ?? 16;
  const count = Math.min(MAX_E820_ENTRIES, prog.readU32(table + BigInt(countOff)));
  const bytes = prog.read(table + BigInt(entriesOff), count * entrySize);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: E820Entry[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * entrySize;
    out.push({ addr: dv.getBigUint64(o + addrOff, true), size: dv.getBigUint64(o + sizeOff, true), type: dv.getUint32(o + typeOff, true) });
  }
  return out;
}

/** The online CPUs (__cpu_online_mask), or undefined when the mask cannot be read. */
export function onlineCpus(prog: Program, cpus: number): boolean[] | undefined {
  if (!prog.hasSymbol("__cpu_online_mask")) return undefined;
  const n = Math.min(cpus, MAX_CPUS);
  const words = tryRead(() => prog.read(prog.symbolAddress("__cpu_online_mask"), Math.ceil(n / 64) * 8));
  if (!words) return undefined;
  return Array.from({ length: n }, (_, c) => ((words[c >> 3]! >> (c & 7)) & 1) === 1);
}

/** crash's name of each IST slot (x86_64_exception_stacks_init), and its stack size by that name. */
export function exceptionStackNames(prog: Program, symbolName: (addr: bigint) => string | undefined): { names: string[]; sizes: number[] } {
  const names: string[] = Array.from({ length: 7 }, () => "(unknown)");
  for (const g of idtGates(prog).gates) {
    if (!g.ist) continue;
    const fn = symbolName(g.handler) ?? "";
    const i = g.ist - 1;
    if (fn.includes("nmi")) names[i] = "NMI";
    if (fn.includes("debug")) names[i] = "DEBUG";
    if (fn.includes("stack")) names[i] = "STACKFAULT";
    if (fn.includes("double")) names[i] = "DOUBLEFAULT";
    if (fn.includes("machine")) names[i] = "MCE";
    if (fn.includes("vmm")) names[i] = "VC";
  }
  const m = tryRead(() => MACHINE_LAYOUT.members(prog));
  const size = (k: "ceaDF" | "ceaNMI" | "ceaDB" | "ceaMCE" | "ceaVC") => m?.[k]?.size ?? 0;
  const bySlotName: Record<string, number> = { DEBUG: size("ceaDB"), NMI: size("ceaNMI"), DOUBLEFAULT: size("ceaDF"), MCE: size("ceaMCE"), VC: size("ceaVC") };
  return { names, sizes: names.map((n) => bySlotName[n] ?? 0) };
}
