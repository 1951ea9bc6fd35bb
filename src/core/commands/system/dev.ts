// crash's `dev` (dev.c cmd_dev): the character device majors (dump_chrdevs) and block device majors
// (dump_blkdevs_v3); `dev -d` / `dev -D` the disks' in-flight I/O (display_all_diskio).
import { blkdevs, chrdevs, diskIo, type BlockDevice, type CharDevice, type DiskRow } from "../../kernel/system/devices";
import { CommandError, type Command, type CommandContext } from "../command";
import { escapeControl } from "../shared/escape";
import { valueToSymstr } from "./timer";

const VADDR_PRLEN = 16;

/** crash's mkstring(CENTER): the odd space goes right, or left with RJUST. */
function center(s: string, width: number, rjust = false): string {
  const extra = width - s.length;
  if (extra <= 0) return s;
  const left = extra % 2 && rjust ? (extra >> 1) + 1 : extra >> 1;
  return " ".repeat(left) + s + " ".repeat(extra - left);
}

const hex = (v: bigint): string => v.toString(16);

/** " %3d      %-13s " then the address and the operations' symbol, or a centred "(none)". */
function majorRow(ctx: CommandContext, major: number, name: string, address: bigint, fops: bigint): string {
  const head = ` ${String(major).padStart(3)}      ${escapeControl(name).padEnd(13)} `;
  if (fops === 0n) return `${head} ${center("(none)", VADDR_PRLEN)}`;
  return `${head} ${hex(address).padStart(VADDR_PRLEN)}  ${valueToSymstr(ctx, fops) || hex(fops)}`;
}

export function formatChrdevs(ctx: CommandContext, rows: readonly CharDevice[]): string[] {
  const header = `CHRDEV    NAME           ${center("CDEV", VADDR_PRLEN)}  ${"OPERATIONS".padEnd(VADDR_PRLEN)}`;
  return [header, ...rows.map((r) => majorRow(ctx, r.major, r.name, r.cdev, r.fops))];
}

export function formatBlkdevs(ctx: CommandContext, rows: readonly BlockDevice[]): string[] {
  const header = `BLKDEV    NAME           ${center("GENDISK", VADDR_PRLEN, true)}  ${"OPERATIONS".padEnd(VADDR_PRLEN)}`;
  return [header, ...rows.map((r) => majorRow(ctx, r.major, r.name || "(unknown)", r.gendisk, r.fops))];
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

export const devCommand: Command = {
  name: "dev",
  summary: "device data",
  help: `NAME
  dev - device data

SYNOPSIS
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
  run(ctx, args) {
    let disk: "all" | "nonzero" | undefined;
    for (const a of args) {
      if (a === "-d") disk ??= "all";
      else if (a === "-D") disk ??= "nonzero";
      else throw new CommandError("dev", `invalid argument: ${a}`);
    }
    if (disk) {
      const io = diskIo(ctx.prog);
      const rows = disk === "nonzero" ? io.rows.filter((r) => r.io.read + r.io.write !== 0) : io.rows;
      return { data: { disks: rows }, text: formatDiskIo(rows).join("\n"), errors: io.problems.map((p) => `dev: ${p.message}`) };
    }
    const chr = chrdevs(ctx.prog);
    const blk = blkdevs(ctx.prog);
    const text = [...formatChrdevs(ctx, chr.rows), "", ...formatBlkdevs(ctx, blk.rows)].join("\n");
    const errors = [...chr.problems, ...blk.problems].map((p) => `dev: ${p.message}`);
    return { data: { chrdevs: chr.rows, blkdevs: blk.rows }, text, errors };
  },
};
