// crash's `dev` (dev.c cmd_dev): the character device majors (dump_chrdevs) and block device majors
// (dump_blkdevs_v3); `dev -d` / `dev -D` the disks' in-flight I/O (display_all_diskio); `dev -p` the PCI
// buses and devices (do_pci2); `dev -i` the I/O port and I/O memory resource trees (do_io); `dev -V` /
// `dev -v INDEX` the device dumps in the vmcore (devdump_info, devdump_extract).
import { deviceDumps } from "../../dump/device-dumps";
import { KdwError } from "../../io/errors";
import { blkdevs, chrdevs, diskIo, type BlockDevice, type CharDevice, type DiskRow } from "../../kernel/system/devices";
import { pciTree, type PciBus } from "../../kernel/system/pci";
import { resourceTree, type ResourceTree } from "../../kernel/system/resources";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { valueToSymstr } from "../shared/symbol-args";
import { formatDev } from "./dev-format";

/** The operations' symbol as crash prints it ("" when no symbol covers it). */
type WithOpsSymbol<T> = T & { fopsSymbol: string };

export type DevResult =
  | { kind: "majors"; chrdevs: WithOpsSymbol<CharDevice>[]; blkdevs: WithOpsSymbol<BlockDevice>[]; problems: string[] }
  | { kind: "disks"; disks: DiskRow[]; problems: string[] }
  | { kind: "pci"; roots: PciBus[]; hasPcieFlags: boolean; problems: string[] }
  | { kind: "io"; ioport: ResourceTree; iomem: ResourceTree; problems: string[] }
  | { kind: "deviceDumps"; dumps: { index: number; name: string; offset: number; size: number }[]; problems: string[] }
  | { kind: "deviceDump"; name: string; offset: number; bytes: Uint8Array; problems: string[] };

type DevOptions = { view: "majors" | "pci" | "io" | "deviceDumps" } | { view: "disks"; nonzero: boolean } | { view: "deviceDump"; index: number };

const withSymbol = <T extends { fops: bigint }>(ctx: CommandContext, rows: readonly T[]): WithOpsSymbol<T>[] => rows.map((r) => ({ ...r, fopsSymbol: r.fops === 0n ? "" : valueToSymstr(ctx, r.fops) }));

const USAGE = "usage: dev [-i | -p | -d | -D ] [-V | -v index [file]]";

function parse(args: { flags: readonly string[]; value(l: "v"): string | undefined; operands: readonly string[] }): DevOptions {
  // crash acts on the first of -d, -D, -i, -p and -V it meets.
  for (const f of args.flags) {
    if (f === "d" || f === "D") return { view: "disks", nonzero: f === "D" };
    if (f === "i") return { view: "io" };
    if (f === "p") return { view: "pci" };
    if (f === "V") return { view: "deviceDumps" };
  }
  const v = args.value("v");
  if (v === undefined) {
    if (args.operands.length) throw new CommandError("dev", USAGE);
    return { view: "majors" };
  }
  if (args.operands.length > 1) throw new CommandError("dev", USAGE);
  if (args.operands.length === 1) throw new CommandError("dev", "-v index file: kdw does not write files from a command (use `dev -v INDEX > FILE` for the text)");
  // atoi: the leading digits, 0 when there are none.
  const m = /^\s*([+-]?\d+)/.exec(v);
  return { view: "deviceDump", index: m ? Number(m[1]) : 0 };
}

function execute(ctx: CommandContext, o: DevOptions): DevResult {
  const prog = ctx.prog;
  switch (o.view) {
    case "disks": {
      const io = diskIo(prog);
      const disks = o.nonzero ? io.rows.filter((r) => r.io.read + r.io.write !== 0) : io.rows;
      return { kind: "disks", disks, problems: io.problems.map((p) => p.message) };
    }
    case "pci": {
      const tree = pciTree(prog);
      if (!tree) throw new CommandError("dev", "-p option not supported or applicable on this architecture or kernel");
      if (tree.roots.length === 0 && tree.problems.length === 0) throw new CommandError("dev", "no PCI devices found on this system.");
      return { kind: "pci", roots: tree.roots, hasPcieFlags: tree.hasPcieFlags, problems: tree.problems.map((p) => p.message) };
    }
    case "io": {
      if (!prog.hasSymbol("ioport_resource") || !prog.hasSymbol("iomem_resource")) return { kind: "io", ioport: { rootEnd: 0n, entries: [] }, iomem: { rootEnd: 0n, entries: [] }, problems: [] };
      const ioport = resourceTree(prog, prog.symbolAddress("ioport_resource"), "ioport_resource");
      const iomem = resourceTree(prog, prog.symbolAddress("iomem_resource"), "iomem_resource");
      return { kind: "io", ioport, iomem, problems: [ioport.problem, iomem.problem].flatMap((p) => (p ? [p.message] : [])) };
    }
    case "deviceDumps": {
      const dumps = deviceDumps(prog.dump.notes ?? []);
      if (dumps.length === 0) throw new CommandError("dev", "no device dumps found in this dumpfile");
      return { kind: "deviceDumps", dumps: dumps.map(({ index, name, offset, size }) => ({ index, name, offset, size })), problems: [] };
    }
    case "deviceDump": {
      const dumps = deviceDumps(prog.dump.notes ?? []);
      if (dumps.length === 0) throw new CommandError("dev", "no device dumps found in this dumpfile");
      const d = dumps[o.index];
      if (o.index < 0 || !d) throw new CommandError("dev", `no device dump found at index: ${o.index}`);
      // crash shows whole 64-bit words from the file, so the last one may run past the dump's data.
      const words = Math.ceil(d.size / 8);
      let bytes: Uint8Array;
      try {
        bytes = prog.dump.source.read(d.offset, words * 8);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        bytes = d.data;
      }
      return { kind: "deviceDump", name: d.name, offset: d.offset, bytes, problems: [] };
    }
    case "majors": {
      const chr = chrdevs(prog);
      const blk = blkdevs(prog);
      return { kind: "majors", chrdevs: withSymbol(ctx, chr.rows), blkdevs: withSymbol(ctx, blk.rows), problems: [...chr.problems, ...blk.problems].map((p) => p.message) };
    }
  }
}

export const devCommand = defineCommand({
  name: "dev",
  summary: "device data",
  help: `SYNOPSIS
  dev [-i | -p | -d | -D ] [-V | -v index [file]]

DESCRIPTION
  With no option, lists the registered character device majors (CHRDEV: major, name, the
  cdev and its file_operations) and block device majors (BLKDEV: major, name, the first
  gendisk of that major and its block_device_operations). A major with no operations found
  shows "(none)".

    -i  the I/O port and I/O memory resource trees (ioport_resource, iomem_resource): each
        struct resource, its range and its name, children after their parent.
    -p  the PCI root buses, their devices (address, domain:bus:slot.function, class, vendor:device,
        PCIe type) and their child buses, from pci_root_buses.
    -d  for each disk (ram and loop devices left out): its major, gendisk, name, request queue
        and the requests in flight: TOTAL, READ and WRITE.
    -D  the same, only for disks with requests in flight.
    -V  the device dumps the vmcore holds (NT_VMCOREDD notes): index, file offset, size, name.
    -v index  one device dump's data, as rd -64 shows memory, by file offset. (crash's form with a
        file name writes the raw data there; kdw writes no files from a command: use > FILE.)

  Block majors that share a hash slot of major_names[] are all listed (crash shows only the
  first of each slot).`,
  options: { flags: "dDpiV", values: "v" },
  parse,
  execute,
  format: formatDev,
  errors: (r) => r.problems.map((p) => `dev: ${p}`),
});
