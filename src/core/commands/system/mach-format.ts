// mach's text (x86_64.c x86_64_display_machine_stats, x86_64_display_memmap, x86_64_display_cpu_data): labels
// right-aligned to 22 columns, stack bases as 16 hex digits, e820 ranges and their type names.
import type { MachResult, MachStackRow, MachStats } from "./mach";

const E820_TYPES = ["(invalid type)", "E820_RAM", "E820_RESERVED", "E820_ACPI", "E820_NVS", "E820_UNUSABLE"];

const hex16 = (v: bigint) => v.toString(16).padStart(16, "0");

function e820Type(type: number): string {
  if (type < E820_TYPES.length) return E820_TYPES[type]!;
  if (type === 12) return "E820_PRAM";
  if (type === 128) return "E820_RESERVED_KERN";
  return `type ${type}`;
}

function stackRow(r: MachStackRow): string {
  return `${`CPU ${r.cpu}`.padStart(22)}: ${hex16(r.base)}${r.available ? "" : " [unavailable]"}${r.offline ? " [OFFLINE]" : ""}\n`;
}

function formatStats(s: MachStats): string {
  const line = (label: string, value: string | number) => `${label.padStart(22)}: ${value}\n`;
  let out = line("MACHINE TYPE", s.machine);
  out += line("MEMORY SIZE", s.memorySize ?? "(unknown)");
  out += `${"CPUS".padStart(22)}: ${s.cpus}${s.offline ? ` [OFFLINE: ${s.offline}]` : ""}\n`;
  if (s.hypervisor !== "(undetermined)" && s.hypervisor !== "bare hardware") out += line("HYPERVISOR", s.hypervisor);
  out += line("PROCESSOR SPEED", s.mhz ? `${s.mhz} Mhz` : "(unknown)");
  out += line("HZ", s.hz ?? 0);
  out += line("PAGE SIZE", s.pageSize);
  out += line("KERNEL VIRTUAL BASE", s.kernelVirtualBase.toString(16));
  out += line("KERNEL VMALLOC BASE", s.vmallocBase.toString(16));
  out += line("KERNEL VMEMMAP BASE", s.vmemmapBase.toString(16));
  out += line("KERNEL START MAP", s.startMap.toString(16));
  out += line("KERNEL MODULES BASE", s.modulesBase.toString(16));
  out += line("KERNEL STACK SIZE", s.stackSize);
  out += line("IRQ STACK SIZE", s.irqStackSize);
  out += `${"IRQ STACKS".padStart(22)}:\n`;
  for (const r of s.irqStacks) out += stackRow(r);
  for (const e of s.exceptionStacks) {
    out += `${e.name.padStart(11)} STACK SIZE: ${e.size}\n`;
    out += `${e.name} STACKS:\n`.padStart(24);
    for (const r of e.cpus) out += stackRow(r);
  }
  return out;
}

export function formatMach(r: MachResult): string {
  let out = "";
  if (r.memmap) {
    out += "      PHYSICAL ADDRESS RANGE         TYPE\n";
    for (const e of r.memmap) out += `${hex16(e.addr)} - ${hex16((e.addr + e.size) & ((1n << 64n) - 1n))}  ${e820Type(e.type)}\n`;
  }
  if (r.cpuData) {
    r.cpuData.forEach((c, i) => {
      const sep = i ? "\n" : "";
      if (c.cpu === "boot") out += `BOOT CPU:\n${c.text}`;
      else if (c.offline) out += `${sep}CPU ${c.cpu}: [OFFLINE]\n`;
      else out += `${sep}CPU ${c.cpu}:\n${c.text}`;
    });
  }
  if (r.stats) out += formatStats(r.stats);
  return out;
}
