// The ARP cache (net/ipv4/arp.c `arp_tbl`, a struct neigh_table; include/net/neighbour.h): since 2.6.37 its
// hash table is neigh_table.nht -> struct neigh_hash_table { hash_buckets; hash_shift }, 1 << hash_shift
// buckets of struct neighbour chains linked by `next`. Each neighbour holds its IPv4 key (primary_key), its
// hardware address (ha), its device and its NUD state, what crash's `net -a` prints (net.c dump_arp,
// print_neighbour_q). Bounded: the bucket count and each chain are capped, a loop ends a chain.
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { layout, members, optional } from "../../program/layout";
import type { Program } from "../../program/program";
import { formatIpv4 } from "./net";
import { latin1UpToNul } from "../../io/latin1";

const NEIGH_LAYOUT = layout(
  {
    ...members("neigh_table", { nht: optional("nht"), keyLen: "key_len" }),
    hashBuckets: "neigh_hash_table.hash_buckets",
    hashShift: optional("neigh_hash_table.hash_shift"),
    hashMask: optional("neigh_hash_table.hash_mask"),
    ...members("neighbour", { next: "next", primaryKey: "primary_key", ha: "ha", dev: "dev", nudState: "nud_state" }),
    ...members("net_device", { devType: "type", addrLen: "addr_len", devName: "name" }),
  },
  (_o, m) => ({ haSize: m.ha.size, nameSize: m.devName.size }),
);

/** 2^20 buckets is far beyond any ARP table (the kernel grows it by doubling from 8). */
const MAX_BUCKETS = 1 << 20;
const MAX_CHAIN = 1 << 16;

export interface Neighbour {
  address: bigint;
  /** The IPv4 address (primary_key) as a dotted quad. */
  ip: string;
  /** ha[0 .. dev->addr_len). */
  hardwareAddress: number[];
  device: bigint;
  deviceName: string;
  /** net_device.type (ARPHRD_*). */
  deviceType: number;
  /** NUD_* bits. */
  state: number;
}

export interface ArpCache {
  neighbours: Neighbour[];
  problems: WalkAborted[];
}


/** Every entry of arp_tbl's hash, bucket by bucket, each chain in order. */
export function arpCache(prog: Program): ArpCache {
  if (!prog.hasSymbol("arp_tbl")) throw new MissingDebugInfo("arp_tbl does not exist in this kernel");
  const l = NEIGH_LAYOUT.of(prog);
  if (l.nht === undefined) throw new MissingDebugInfo("neigh_table has no nht (a kernel before 2.6.37)");
  const tbl = prog.symbolAddress("arp_tbl");
  const nht = prog.readU64(tbl + BigInt(l.nht));
  const out: ArpCache = { neighbours: [], problems: [] };
  if (nht === 0n) return out;
  let buckets: number;
  if (l.hashShift !== undefined) buckets = 2 ** Math.min(31, prog.readU32(nht + BigInt(l.hashShift)));
  else if (l.hashMask !== undefined) buckets = prog.readU32(nht + BigInt(l.hashMask)) + 1;
  else throw new MissingDebugInfo("neigh_hash_table has neither hash_shift nor hash_mask");
  if (buckets > MAX_BUCKETS) {
    out.problems.push(new WalkAborted("arp_tbl", `${buckets} hash buckets: only the first ${MAX_BUCKETS} read`, 0));
    buckets = MAX_BUCKETS;
  }
  const table = prog.readU64(nht + BigInt(l.hashBuckets));
  const heads = prog.read(table, buckets * 8);
  const dv = new DataView(heads.buffer, heads.byteOffset, heads.byteLength);
  for (let b = 0; b < buckets; b++) {
    const seen = new Set<bigint>();
    let n = dv.getBigUint64(b * 8, true);
    try {
      while (n !== 0n) {
        if (seen.has(n) || seen.size >= MAX_CHAIN) throw new WalkAborted(`arp_tbl bucket ${b}`, `loop at ${n.toString(16)}`, seen.size);
        seen.add(n);
        const dev = prog.readU64(n + BigInt(l.dev));
        const addrLen = dev === 0n ? 0 : Math.min(prog.read(dev + BigInt(l.addrLen), 1)[0]!, l.haSize);
        out.neighbours.push({
          address: n,
          ip: formatIpv4(prog.read(n + BigInt(l.primaryKey), 4)),
          hardwareAddress: [...prog.read(n + BigInt(l.ha), addrLen)],
          device: dev,
          deviceName: dev === 0n ? "" : latin1UpToNul(prog.read(dev + BigInt(l.devName), l.nameSize)),
          deviceType: dev === 0n ? 0 : prog.readU32(dev + BigInt(l.devType)) & 0xffff,
          state: prog.read(n + BigInt(l.nudState), 1)[0]!,
        });
        n = prog.readU64(n + BigInt(l.next));
      }
    } catch (err) {
      if (err instanceof WalkAborted) out.problems.push(err);
      else if (err instanceof KdwError) out.problems.push(new WalkAborted(`arp_tbl bucket ${b}`, err.message, seen.size));
      else throw err;
    }
  }
  return out;
}
