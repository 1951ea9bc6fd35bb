// The hugetlb page sizes (mm/hugetlb.c: struct hstate hstates[HUGE_MAX_HSTATE]), as crash's kmem -h lists
// them: each registered size (order != 0) with its free and total huge pages and its name.
import { KdwError } from "../../io/errors";
import { dataView } from "../../io/little-endian";
import { layout, members } from "../../program/layout";
import type { Program } from "../../program/program";
import { latin1 } from "../modules/read";

/** HUGE_MAX_HSTATE is 2 on x86_64; more than this is not a table of hstates. */
const MAX_HSTATES = 64;

const HSTATE = layout(members("hstate", { order: "order", nrHugePages: "nr_huge_pages", freeHugePages: "free_huge_pages", name: "name" }));

export interface Hstate {
  address: bigint;
  order: number;
  free: bigint;
  total: bigint;
  name: string;
}

/** Every hstate with a non-zero order; undefined when the kernel has no hugetlb (no hstates[]). */
export function hstates(prog: Program): Hstate[] | undefined {
  if (!prog.hasSymbol("hstates") || !prog.findType("struct hstate")) return undefined;
  const l = HSTATE.of(prog);
  const nameLen = HSTATE.members(prog).name.size;
  const size = prog.sizeOf("struct hstate");
  if (size <= 0) return undefined;
  const count = Math.min(MAX_HSTATES, Math.floor((prog.symbolExtent("hstates") ?? size) / size));
  const base = prog.symbolAddress("hstates");
  const out: Hstate[] = [];
  for (let i = 0; i < count; i++) {
    const address = base + BigInt(i * size);
    let dv: DataView;
    try {
      dv = dataView(prog.read(address, size));
    } catch (err) {
      if (err instanceof KdwError) break;
      throw err;
    }
    const order = dv.getInt32(l.order, true);
    if (!order) continue;
    const nameBytes = new Uint8Array(dv.buffer, dv.byteOffset + l.name, nameLen);
    const nul = nameBytes.indexOf(0);
    out.push({
      address,
      order,
      free: dv.getBigInt64(l.freeHugePages, true),
      total: dv.getBigInt64(l.nrHugePages, true),
      name: latin1(nul < 0 ? nameBytes : nameBytes.subarray(0, nul)),
    });
  }
  return out;
}
