// crash's dev text: CHRDEV and BLKDEV tables (dump_chrdevs, dump_blkdevs_v3) and dev -d's disks.
import type { DiskRow } from "../../kernel/system/devices";
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

export function formatDev(r: DevResult): string {
  if (r.kind === "disks") return formatDiskIo(r.disks).join("\n");
  return [
    `CHRDEV    NAME           ${center("CDEV", VADDR_PRLEN)}  ${"OPERATIONS".padEnd(VADDR_PRLEN)}`,
    ...r.chrdevs.map((d) => majorRow(d.major, d.name, d.cdev, d.fops, d.fopsSymbol)),
    "",
    `BLKDEV    NAME           ${center("GENDISK", VADDR_PRLEN, true)}  ${"OPERATIONS".padEnd(VADDR_PRLEN)}`,
    ...r.blkdevs.map((d) => majorRow(d.major, d.name || "(unknown)", d.gendisk, d.fops, d.fopsSymbol)),
  ].join("\n");
}
