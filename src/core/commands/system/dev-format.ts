// crash's dev text: CHRDEV and BLKDEV tables (dump_chrdevs, dump_blkdevs_v3), dev -d's disks, dev -p's PCI
// tree (do_pci2, walk_devices, walk_buses), dev -i's resource trees (do_io, do_resource_list) and the device
// dumps of -V and -v (devdump_info, devdump_extract).
import type { DiskRow } from "../../kernel/system/devices";
import type { PciBus, PciDevice } from "../../kernel/system/pci";
import type { ResourceTree } from "../../kernel/system/resources";
import { formatMemory } from "../shared/memory-display";
import { escapeControl } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { DevResult } from "./dev";

const hex = (v: bigint): string => v.toString(16);

/** " %3d      %-13s " then the address and the operations' symbol, or a centred "(none)". */
function majorRow(major: number, name: string, address: bigint, fops: bigint, fopsSymbol: string): string {
  const head = ` ${String(major).padStart(3)}      ${escapeControl(name).padEnd(13)} `;
  if (fops === 0n) return `${head} ${center("(none)", VADDR_PRLEN)}`;
  return `${head} ${hex(address).padStart(VADDR_PRLEN)}  ${fopsSymbol || hex(fops)}`;
}

/** display_all_diskio's header and rows (no DRV column: request_queue.in_flight is gone since 4.x). */
export function formatDiskIo(rows: readonly DiskRow[]): string[] {
  const header = `MAJOR ${"GENDISK".padEnd(VADDR_PRLEN + 2)} NAME       ${"REQUEST_QUEUE".padEnd(VADDR_PRLEN + 2)} TOTAL  READ WRITE `;
  const num = (n: number): string => String(n >>> 0).padStart(5);
  return [
    header,
    ...rows.map(
      (r) =>
        `${num(r.major)} ${hex(r.gendisk).padEnd(VADDR_PRLEN)}   ${escapeControl(r.name).padEnd(10)} ${hex(r.queue).padEnd(VADDR_PRLEN)}   ${String(r.io.read + r.io.write).padStart(5)} ${num(r.io.read)} ${num(r.io.write)} `,
    ),
  ];
}

/** include/uapi/linux/pci_regs.h PCI_EXP_TYPE_* names as crash's fill_pcie_type spells them. */
const PCIE_TYPES: Record<number, string> = { 0: "ENDPOINT", 1: "LEG_END", 4: "ROOT_PORT", 5: "UPSTREAM", 6: "DOWNSTREAM", 7: "PCI_BRIDGE", 8: "PCIE_BRIDGE", 9: "RC_END", 10: "RC_EC" };

function pcieType(d: PciDevice): string {
  const type = d.pcieFlags === undefined ? "" : (PCIE_TYPES[(d.pcieFlags & 0xf0) >> 4] ?? "");
  // PCI_HEADER_TYPE_BRIDGE, PCI_HEADER_TYPE_CARDBUS
  return d.hdrType === 1 || d.hdrType === 2 ? `${type} [BRIDGE]` : type;
}

function pciDeviceLine(d: PciDevice, withType: boolean): string {
  const cols = [hex(d.address).padEnd(VADDR_PRLEN), center(escapeControl(d.name), 12), center(d.classCode.toString(16).padStart(4, "0"), 6), center(`${d.vendor.toString(16)}:${d.device.toString(16)}`, 9)];
  if (withType) cols.push(center(pcieType(d), 10));
  return "  " + cols.join(" ");
}

/** walk_devices: the header, the bus's bridge (self), then its devices. */
function pciDevices(bus: PciBus, withType: boolean): string[] {
  const header = [center("PCI DEV", VADDR_PRLEN), center("DO:BU:SL.FN", 12), center("CLASS", 6), center("PCI_ID", 9), ...(withType ? [center("TYPE", 10)] : [])].join(" ");
  return ["  " + header, ...(bus.self ? [pciDeviceLine(bus.self, withType)] : []), ...bus.devices.map((d) => pciDeviceLine(d, withType))];
}

/** walk_buses: each child bus with its parent, its devices, a blank line, then its own children. */
function pciBuses(bus: PciBus, withType: boolean): string[] {
  return bus.children.flatMap((c) => [`  ${center("PCI BUS", VADDR_PRLEN)} ${center("PARENT BUS", VADDR_PRLEN)}`, `  ${hex(c.address).padEnd(VADDR_PRLEN)} ${hex(c.parent).padEnd(VADDR_PRLEN)}`, ...pciDevices(c, withType), "", ...pciBuses(c, withType)]);
}

/** do_resource_list: "%8lx  %04lx-%04lx  name" (8 hex digits past 0xffff), names past column 80 wrapped at a space. */
function resourceLines(tree: ResourceTree): string[] {
  const size = tree.rootEnd > 0xffffn ? 8 : 4;
  const wrap = VADDR_PRLEN + 2 + (size * 2 + 1) + 2;
  const lines = [`${center("RESOURCE", VADDR_PRLEN)}  ${center("RANGE", size * 2 + 1)}  NAME`];
  for (const e of tree.entries) {
    const head = `${hex(e.address).padStart(8)}  ${hex(e.start).padStart(size, "0")}-${hex(e.end).padStart(size, "0")}`;
    const name = e.name === undefined ? "(unknown)" : escapeControl(e.name);
    if (wrap + name.length <= 80) {
      lines.push(`${head}  ${name}`);
      continue;
    }
    // crash cuts at the last space that leaves at least the overflow for the next line.
    const over = wrap + name.length - 80;
    let cut = -1;
    for (let p = name.length - 1, c = 0; p > 0; p--, c++) {
      if (name[p] !== " ") continue;
      if (c >= over) {
        cut = p;
        break;
      }
    }
    if (cut < 0) lines.push(`${head}  ${name}`);
    else lines.push(`${head}  ${name.slice(0, cut)}`, " ".repeat(wrap) + name.slice(cut + 1));
  }
  return lines;
}

export function formatDev(r: DevResult): string {
  if (r.kind === "disks") return formatDiskIo(r.disks).join("\n");
  if (r.kind === "pci") {
    return r.roots.flatMap((b) => [`${center("ROOT BUS", VADDR_PRLEN)} ${center("BUSNAME", 7)}`, `${hex(b.address).padEnd(VADDR_PRLEN)} ${center(escapeControl(b.name), 7)}`, ...pciDevices(b, r.hasPcieFlags), ...pciBuses(b, r.hasPcieFlags), ""]).join("\n") + "\n";
  }
  if (r.kind === "io") return [...resourceLines(r.ioport), "", ...resourceLines(r.iomem)].join("\n") + "\n";
  if (r.kind === "deviceDumps") {
    // "%s " INDEX, " %s " OFFSET and "  %s " SIZE (LONG_LONG_PRLEN and LONG_PRLEN: 16), then each dump.
    const header = `INDEX  ${"OFFSET".padEnd(16)}   ${"SIZE".padEnd(16)} NAME`;
    return [header, ...r.dumps.map((d) => `${center(String(d.index), 5)}  0x${d.offset.toString(16).padEnd(16)} ${String(d.size).padEnd(16)} ${escapeControl(d.name)}`)].join("\n") + "\n";
  }
  if (r.kind === "deviceDump") return `DEVICE: ${escapeControl(r.name)}\n` + formatMemory(BigInt(r.offset), r.bytes, { size: 64, ascii: true });
  return [
    `CHRDEV    NAME           ${center("CDEV", VADDR_PRLEN)}  ${"OPERATIONS".padEnd(VADDR_PRLEN)}`,
    ...r.chrdevs.map((d) => majorRow(d.major, d.name, d.cdev, d.fops, d.fopsSymbol)),
    "",
    `BLKDEV    NAME           ${center("GENDISK", VADDR_PRLEN, true)}  ${"OPERATIONS".padEnd(VADDR_PRLEN)}`,
    ...r.blkdevs.map((d) => majorRow(d.major, d.name || "(unknown)", d.gendisk, d.fops, d.fopsSymbol)),
  ].join("\n");
}
