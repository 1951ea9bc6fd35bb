// The PCI device tree (drivers/pci: `pci_root_buses`, a list of struct pci_bus linked through `node`; each
// bus's devices on `devices` through pci_dev.bus_list, its child buses on `children` through `node`), read
// the way crash's `dev -p` reads it on kernels that have no global pci_devices list (dev.c do_pci2,
// walk_devices, walk_buses). Every list walk is bounded; the bus tree's depth is capped; a bad pointer ends
// the walk of that list with a problem, and what was read before it stays.
import { KdwError, WalkAborted } from "../../io/errors";
import { layout, members, optional } from "../../program/layout";
import { listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";

const PCI_LAYOUT = layout({
  ...members("pci_bus", { node: "node", parent: "parent", children: "children", devices: "devices", self: "self", busDev: "dev" }),
  ...members("pci_dev", { busList: "bus_list", device: "device", vendor: "vendor", class: "class", hdrType: "hdr_type", pcieFlags: optional("pcie_flags_reg"), dev: "dev" }),
  kobjName: "device.kobj.name",
});

/** More buses below a root than PCI allows (256 per domain) several times over: deeper is a loop. */
const MAX_BUS_DEPTH = 256;
/** A bus has at most 256 functions (32 slots of 8). */
const MAX_LIST = 4096;

export interface PciDevice {
  address: bigint;
  /** The device's name ("0000:00:03.0": dev.kobj.name). */
  name: string;
  vendor: number;
  device: number;
  /** class >> 8: base class and subclass ("0200" Ethernet). */
  classCode: number;
  hdrType: number;
  /** pcie_flags_reg, where the kernel has it (the PCIe capability flags; 0 for a plain PCI device). */
  pcieFlags?: number;
}

export interface PciBus {
  address: bigint;
  /** The bus's name ("0000:00"). */
  name: string;
  parent: bigint;
  /** pci_bus.self: the bridge leading to it (undefined for a root bus). */
  self?: PciDevice;
  devices: PciDevice[];
  children: PciBus[];
}

export interface PciTree {
  roots: PciBus[];
  /** The PCI dev struct has pcie_flags_reg (crash's TYPE column). */
  hasPcieFlags: boolean;
  problems: WalkAborted[];
}

function kobjName(prog: Program, obj: bigint, devOffset: number): string {
  const l = PCI_LAYOUT.of(prog);
  const name = prog.readU64(obj + BigInt(devOffset + l.kobjName));
  if (name === 0n) return "";
  let s = "";
  for (const c of prog.readCString(name, 256)) s += String.fromCharCode(c);
  return s;
}

function readDevice(prog: Program, dev: bigint): PciDevice {
  const l = PCI_LAYOUT.of(prog);
  return {
    address: dev,
    name: kobjName(prog, dev, l.dev),
    vendor: prog.read(dev + BigInt(l.vendor), 2).reduce((v, b, i) => v | (b << (8 * i)), 0),
    device: prog.read(dev + BigInt(l.device), 2).reduce((v, b, i) => v | (b << (8 * i)), 0),
    classCode: prog.readU32(dev + BigInt(l.class)) >>> 8,
    hdrType: prog.read(dev + BigInt(l.hdrType), 1)[0]!,
    ...(l.pcieFlags !== undefined ? { pcieFlags: prog.read(dev + BigInt(l.pcieFlags), 2).reduce((v, b, i) => v | (b << (8 * i)), 0) } : {}),
  };
}

/** The entries of a bus's list (devices or children), bounded; a bad node is a problem, the entries before it stay. */
function entries(prog: Program, head: bigint, type: string, member: string, what: string, problems: WalkAborted[]): bigint[] {
  const out: bigint[] = [];
  try {
    for (const o of listForEachEntry(prog, head, prog.type(type), member, { budget: MAX_LIST, what })) out.push(o.address!);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(err instanceof WalkAborted ? err : new WalkAborted(what, err.message, out.length));
  }
  return out;
}

function readBus(prog: Program, bus: bigint, depth: number, problems: WalkAborted[]): PciBus {
  const l = PCI_LAYOUT.of(prog);
  const what = `pci_bus ${bus.toString(16)}`;
  const self = prog.readU64(bus + BigInt(l.self));
  const result: PciBus = { address: bus, name: kobjName(prog, bus, l.busDev), parent: prog.readU64(bus + BigInt(l.parent)), devices: [], children: [] };
  const guard = (f: () => void): void => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(new WalkAborted(what, err.message, 0));
    }
  };
  if (self !== 0n) guard(() => (result.self = readDevice(prog, self)));
  for (const dev of entries(prog, bus + BigInt(l.devices), "struct pci_dev", "bus_list", `${what} devices`, problems)) guard(() => result.devices.push(readDevice(prog, dev)));
  if (depth >= MAX_BUS_DEPTH) {
    problems.push(new WalkAborted(what, `buses nested deeper than ${MAX_BUS_DEPTH}`, 0));
    return result;
  }
  for (const child of entries(prog, bus + BigInt(l.children), "struct pci_bus", "node", `${what} children`, problems)) guard(() => result.children.push(readBus(prog, child, depth + 1, problems)));
  return result;
}

/** Every root bus on pci_root_buses with its devices and child buses; undefined when the kernel has no such list. */
export function pciTree(prog: Program): PciTree | undefined {
  if (!prog.hasSymbol("pci_root_buses")) return undefined;
  const l = PCI_LAYOUT.of(prog);
  const problems: WalkAborted[] = [];
  const roots: PciBus[] = [];
  for (const bus of entries(prog, prog.symbolAddress("pci_root_buses"), "struct pci_bus", "node", "pci_root_buses", problems)) {
    try {
      roots.push(readBus(prog, bus, 0, problems));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      problems.push(new WalkAborted(`pci_bus ${bus.toString(16)}`, err.message, 0));
    }
  }
  return { roots, hasPcieFlags: l.pcieFlags !== undefined, problems };
}
