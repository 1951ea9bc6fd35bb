// crash's `dev` (dev.c cmd_dev): the character device majors (dump_chrdevs) and block device majors
// (dump_blkdevs_v3); `dev -d` / `dev -D` the disks' in-flight I/O (display_all_diskio).
import { blkdevs, chrdevs, diskIo, type BlockDevice, type CharDevice, type DiskRow } from "../../kernel/system/devices";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { valueToSymstr } from "../shared/symbol-args";
import { formatDev } from "./dev-format";

/** The operations' symbol as crash prints it ("" when no symbol covers it). */
type WithOpsSymbol<T> = T & { fopsSymbol: string };

export type DevResult =
  | { kind: "majors"; chrdevs: WithOpsSymbol<CharDevice>[]; blkdevs: WithOpsSymbol<BlockDevice>[]; problems: string[] }
  | { kind: "disks"; disks: DiskRow[]; problems: string[] };

const withSymbol = <T extends { fops: bigint }>(ctx: CommandContext, rows: readonly T[]): WithOpsSymbol<T>[] => rows.map((r) => ({ ...r, fopsSymbol: r.fops === 0n ? "" : valueToSymstr(ctx, r.fops) }));

export const devCommand = defineCommand({
  name: "dev",
  summary: "device data",
  help: `SYNOPSIS
  dev [-d | -D]

DESCRIPTION
  With no option, lists the registered character device majors (CHRDEV: major, name, the
  cdev and its file_operations) and block device majors (BLKDEV: major, name, the first
  gendisk of that major and its block_device_operations). A major with no operations found
  shows "(none)".

  -d  for each disk (ram and loop devices left out): its major, gendisk, name, request queue
      and the requests in flight: TOTAL, READ and WRITE.
  -D  the same, only for disks with requests in flight.

  Block majors that share a hash slot of major_names[] are all listed (crash shows only the
  first of each slot). crash's -p, -i and -V are not provided.`,
  options: { flags: "dD", invalid: (o) => `invalid argument: ${o}` },
  parse(args): { disks?: "all" | "nonzero" } {
    if (args.operands.length) throw new CommandError("dev", `invalid argument: ${args.operands[0]}`);
    const first = args.flags[0];
    return first === "d" ? { disks: "all" } : first === "D" ? { disks: "nonzero" } : {};
  },
  execute(ctx, o): DevResult {
    if (o.disks) {
      const io = diskIo(ctx.prog);
      const disks = o.disks === "nonzero" ? io.rows.filter((r) => r.io.read + r.io.write !== 0) : io.rows;
      return { kind: "disks", disks, problems: io.problems.map((p) => p.message) };
    }
    const chr = chrdevs(ctx.prog);
    const blk = blkdevs(ctx.prog);
    return { kind: "majors", chrdevs: withSymbol(ctx, chr.rows), blkdevs: withSymbol(ctx, blk.rows), problems: [...chr.problems, ...blk.problems].map((p) => p.message) };
  },
  format: formatDev,
  errors: (r) => r.problems.map((p) => `dev: ${p}`),
});
