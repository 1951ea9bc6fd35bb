// crash's mount text (filesys.c show_mounts).
import type { Mount } from "../../kernel/fs/mounts";
import { escapeControl as printable } from "../shared/escape";
import { center, VADDR_PRLEN } from "../shared/mkstring";
import type { MountResult } from "./mount";

/** show_mounts: devlen = strlen("DEVNAME") + 2. */
const DEVLEN = 9;

export const MOUNT_HEADER = `${center("MOUNT", VADDR_PRLEN)} ${center("SUPERBLK", VADDR_PRLEN)} ${"TYPE".padEnd(6)} ${"DEVNAME".padEnd(DEVLEN)} DIRNAME`;

/** One show_mounts row, with crash's squeeze of the TYPE and DEVNAME columns. */
export function formatMountRow(m: Mount): string {
  const hex = (v: bigint): string => v.toString(16).padStart(VADDR_PRLEN);
  const type = m.fsType !== undefined ? `${printable(m.fsType).padEnd(6)} ` : "unknown ";
  const dev = `${printable(m.devname ?? "(unknown)").padEnd(DEVLEN)} `;
  let cols = type + dev;
  // crash: while longer than 17 with a space before the last character, drop the last character.
  while (cols.length > 17 && cols[cols.length - 2] === " ") cols = cols.slice(0, -1);
  return `${hex(m.mount)} ${hex(m.superBlock)} ${cols}${printable(m.dirname.path).padEnd(10)}`;
}

export function formatMount(r: MountResult): string {
  return r.mounts.length === 0 && r.filtered ? "" : MOUNT_HEADER + "\n" + r.mounts.map((m) => formatMountRow(m) + "\n").join("");
}
