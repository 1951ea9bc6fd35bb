// The kernel's physical resource tree (kernel/resource.c: iomem_resource, what /proc/iomem shows). Its
// top-level "System RAM" entries are the RAM the firmware reported: including memory a dump does not hold
// (the crashkernel reservation), which is why `kdw info` reads it.
import { KdwError, WalkAborted } from "../../io/errors";
import { u64le as u64 } from "../../io/little-endian";

/**
 * struct resource (include/linux/ioport.h) since 4.6: start, end, name, flags, desc, parent, sibling, child.
 * Read without debuginfo, so the layout is checked on the root (its name must read as a string).
 */
const RES_START = 0;
const RES_END = 8;
const RES_NAME = 16;
const RES_SIBLING = 48;
const RES_CHILD = 56;
const MAX_TOP_LEVEL = 4096;

export interface IomemRange {
  start: bigint;
  end: bigint;
  name: string;
}

export interface ReadKernel {
  read(addr: bigint, length: number): Uint8Array;
}

function cstring(mem: ReadKernel, addr: bigint): string {
  if (addr === 0n) return "";
  const b = mem.read(addr, Math.min(64, 4096 - Number(addr & 0xfffn)));
  const nul = b.indexOf(0);
  return String.fromCharCode(...b.subarray(0, nul < 0 ? b.length : nul));
}

/** The top-level entries under iomem_resource, in order; a bad pointer ends the walk after what was read. */
export function iomemTopLevel(mem: ReadKernel, root: bigint): { ranges: IomemRange[]; stopped?: WalkAborted } {
  const ranges: IomemRange[] = [];
  const seen = new Set<bigint>();
  try {
    let node = u64(mem.read(root + BigInt(RES_CHILD), 8), 0);
    while (node !== 0n) {
      if (seen.has(node) || ranges.length >= MAX_TOP_LEVEL) return { ranges, stopped: new WalkAborted("iomem_resource", seen.has(node) ? `loop at ${node.toString(16)}` : "too many entries", ranges.length) };
      seen.add(node);
      const r = mem.read(node, 64);
      ranges.push({ start: u64(r, RES_START), end: u64(r, RES_END), name: cstring(mem, u64(r, RES_NAME)) });
      node = u64(r, RES_SIBLING);
    }
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    return { ranges, stopped: new WalkAborted("iomem_resource", err.message, ranges.length) };
  }
  return { ranges };
}

/** Bytes of "System RAM" at the top of the resource tree. */
export function systemRamBytes(ranges: IomemRange[]): bigint {
  return ranges.filter((r) => r.name === "System RAM" && r.end >= r.start).reduce((s, r) => s + (r.end - r.start + 1n), 0n);
}
