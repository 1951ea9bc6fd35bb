// Every ftrace_ops the function tracer calls (kernel/trace/ftrace.c): the list ftrace_ops_list, linked by
// ftrace_ops.next and ended by &ftrace_list_end, each with its callback (func), flags and the functions it
// is attached to — the filter hash of its func_hash (struct ftrace_ops_hash { notrace_hash, filter_hash }),
// a struct ftrace_hash { size_bits, buckets, count } of hlist chains of struct ftrace_func_entry { hlist,
// ip, direct (5.5-6.2) }. An empty filter hash means every traceable function. A direct entry is a call
// the fentry site makes straight to another address (BPF trampolines, ftrace direct calls); since 6.3 the
// target is the ops' own direct_call.
// Since 6.x fprobes are ftrace_ops too (struct fprobe embeds its ops): their entry and exit handlers are
// reported with the ops. Every walk is bounded and cycle-guarded.
import { KdwError, WalkAborted } from "../../io/errors";
import { hlistForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";
import { optionalType, optionalEnumerator } from "../../program/optional-types";
import { MAX_HOOKS, type HookSite } from "./site";

const MAX_OPS = 4096;
/** Entries read from one filter hash (every function of a kernel is about 60 000). */
export const MAX_HASH_ENTRIES = 1 << 17;
const MAX_HASH_BITS = 20;

/** include/linux/ftrace.h FTRACE_OPS_FL_* (bit order of 6.1), when the types do not name them. */
const FLAG_NAMES = ["ENABLED", "DYNAMIC", "SAVE_REGS", "SAVE_REGS_IF_SUPPORTED", "RECURSION", "STUB", "INITIALIZED", "DELETED", "ADDING", "REMOVING", "MODIFYING", "ALLOC_TRAMP", "IPMODIFY", "PID", "RCU", "TRACE_ARRAY", "PERMANENT", "DIRECT"];

export interface FtraceOps {
  address: bigint;
  func: bigint;
  flags: bigint;
  flagNames: string[];
  private: bigint;
  trampoline: bigint;
  /** The functions of the filter hash (ips), at most MAX_HASH_ENTRIES; empty with filterCount 0: all. */
  filter: bigint[];
  filterCount: number;
  notraceCount: number;
  /** Direct-call entries of the filter hash: the traced ip and where it calls. */
  direct: { ip: bigint; target: bigint; entry: bigint }[];
}

export interface FtraceScan {
  ops: FtraceOps[];
  sites: HookSite[];
  problems: WalkAborted[];
  absent?: string;
}

/** The ftrace_ops list with every callback as a hook site. */
export function ftraceOps(prog: Program): FtraceScan {
  const out: FtraceScan = { ops: [], sites: [], problems: [] };
  const t = optionalType(prog, "struct ftrace_ops");
  if (!t || !prog.hasSymbol("ftrace_ops_list")) {
    out.absent = "this kernel has no ftrace_ops_list (CONFIG_FUNCTION_TRACER off)";
    return out;
  }
  const off = (m: string) => prog.memberOffset(t, m);
  const funcOff = off("func");
  const nextOff = off("next");
  if (funcOff === undefined || nextOff === undefined) {
    out.absent = "struct ftrace_ops has no func/next";
    return out;
  }
  const flagsOff = off("flags");
  const privOff = off("private");
  const trampOff = off("trampoline");
  // 6.3+: one direct-call target per ops (ftrace_ops.direct_call) instead of one per hash entry.
  const directCallOff = off("direct_call");
  const funcHashOff = off("func_hash");
  const hashT = optionalType(prog, "struct ftrace_ops_hash");
  const filterOff = hashT && prog.memberOffset(hashT, "filter_hash");
  const notraceOff = hashT && prog.memberOffset(hashT, "notrace_hash");
  const end = prog.symbols.addressOf("ftrace_list_end") ?? 0n;
  const flagNames = flagNameTable(prog);
  const fprobe = fprobeLayout(prog);
  const what = "ftrace_ops_list";
  const seen = new Set<bigint>();
  let ops: bigint;
  try {
    ops = prog.readU64(prog.symbolAddress("ftrace_ops_list"));
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    out.problems.push(new WalkAborted(what, err.message, 0));
    return out;
  }
  while (ops !== 0n && ops !== end) {
    if (seen.has(ops)) {
      out.problems.push(new WalkAborted(what, `loop at ${hex(ops)}`, seen.size));
      break;
    }
    if (seen.size >= MAX_OPS) {
      out.problems.push(new WalkAborted(what, `more than ${MAX_OPS} ftrace_ops`, seen.size));
      break;
    }
    seen.add(ops);
    let next: bigint;
    try {
      const func = prog.readU64(ops + BigInt(funcOff));
      next = prog.readU64(ops + BigInt(nextOff));
      const flags = flagsOff === undefined ? 0n : prog.readU64(ops + BigInt(flagsOff));
      const rec: FtraceOps = {
        address: ops,
        func,
        flags,
        flagNames: flagNames.filter((_, i) => ((flags >> BigInt(i)) & 1n) === 1n),
        private: privOff === undefined ? 0n : prog.readU64(ops + BigInt(privOff)),
        trampoline: trampOff === undefined ? 0n : prog.readU64(ops + BigInt(trampOff)),
        filter: [],
        filterCount: 0,
        notraceCount: 0,
        direct: [],
      };
      if (funcHashOff !== undefined && filterOff !== undefined) {
        const funcHash = prog.readU64(ops + BigInt(funcHashOff));
        if (funcHash !== 0n) {
          const filter = prog.readU64(funcHash + BigInt(filterOff));
          readHash(prog, filter, rec, out.problems, true);
          if (notraceOff !== undefined) readHash(prog, prog.readU64(funcHash + BigInt(notraceOff)), rec, out.problems, false);
        }
      }
      if (directCallOff !== undefined) {
        const target = prog.readU64(ops + BigInt(directCallOff));
        if (target !== 0n) for (const ip of rec.filter) rec.direct.push({ ip, target, entry: ops + BigInt(directCallOff) });
      }
      out.ops.push(rec);
      addSites(out, rec, ops + BigInt(funcOff), fprobe, prog);
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(new WalkAborted(what, `ftrace_ops ${hex(ops)}: ${err.message}`, seen.size));
      break;
    }
    ops = next;
  }
  return out;
}

function addSites(out: FtraceScan, rec: FtraceOps, funcSlot: bigint, fprobe: FprobeLayout | undefined, prog: Program): void {
  if (out.sites.length >= MAX_HOOKS) return;
  const target = rec.filterCount === 0 ? "every traceable function" : rec.filterCount === 1 ? hex(rec.filter[0]!) : `${rec.filterCount} functions`;
  const details = `ftrace_ops ${hex(rec.address)} flags ${rec.flagNames.join("|") || "0"}${rec.notraceCount ? `, ${rec.notraceCount} excluded (notrace)` : ""}`;
  const base = { kind: "ftrace" as const, target, ...(rec.filterCount === 1 ? { targetAddress: rec.filter[0]! } : {}), holder: rec.address, slotSize: 8 as const, details };
  out.sites.push({ ...base, role: "func", handler: rec.func, slot: funcSlot, slotValue: rec.func });
  for (const d of rec.direct) out.sites.push({ ...base, target: hex(d.ip), targetAddress: d.ip, role: "direct", handler: d.target, slot: d.entry, slotValue: d.target });
  // An fprobe (struct fprobe { struct ftrace_ops ops; ...; entry_handler; exit_handler; }): the ops' func is the
  // kernel's fprobe_handler, the code that runs is the fprobe's.
  if (fprobe && rec.func === fprobe.handler) {
    const fp = rec.address - BigInt(fprobe.ops);
    for (const [role, o] of [["entry_handler", fprobe.entry], ["exit_handler", fprobe.exit]] as const) {
      if (o === undefined) continue;
      try {
        const h = prog.readU64(fp + BigInt(o));
        if (h !== 0n) out.sites.push({ ...base, role: `fprobe ${role}`, handler: h, slot: fp + BigInt(o), slotValue: h, holder: fp });
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
    }
  }
}

/** The ips of one ftrace_hash into `rec` (filter) or only its count (notrace). */
function readHash(prog: Program, hash: bigint, rec: FtraceOps, problems: WalkAborted[], filter: boolean): void {
  if (hash === 0n) return;
  const h = optionalType(prog, "struct ftrace_hash");
  const e = optionalType(prog, "struct ftrace_func_entry");
  if (!h || !e) return;
  const bitsOff = prog.memberOffset(h, "size_bits");
  const bucketsOff = prog.memberOffset(h, "buckets");
  const countOff = prog.memberOffset(h, "count");
  const ipOff = prog.memberOffset(e, "ip");
  const directOff = prog.memberOffset(e, "direct");
  if (bitsOff === undefined || bucketsOff === undefined || countOff === undefined || ipOff === undefined) return;
  const count = Number(prog.readU64(hash + BigInt(countOff)) & 0xffffffffn);
  if (!filter) {
    rec.notraceCount = count;
    return;
  }
  rec.filterCount = count;
  if (count === 0) return;
  const bits = Number(prog.readU64(hash + BigInt(bitsOff)));
  const what = `ftrace_hash ${hex(hash)} of ftrace_ops ${hex(rec.address)}`;
  if (bits > MAX_HASH_BITS) {
    problems.push(new WalkAborted(what, `size_bits ${bits} is more than ${MAX_HASH_BITS}`, 0));
    return;
  }
  const buckets = prog.readU64(hash + BigInt(bucketsOff));
  if (buckets === 0n) return;
  for (let b = 0; b < 1 << bits && rec.filter.length < MAX_HASH_ENTRIES; b++) {
    try {
      for (const entry of hlistForEachEntry(prog, buckets + BigInt(b * 8), e, "hlist", { budget: MAX_HASH_ENTRIES, what })) {
        const ip = prog.readU64(entry.address! + BigInt(ipOff));
        rec.filter.push(ip);
        if (directOff !== undefined) {
          const target = prog.readU64(entry.address! + BigInt(directOff));
          if (target !== 0n) rec.direct.push({ ip, target, entry: entry.address! + BigInt(directOff) });
        }
        if (rec.filter.length >= MAX_HASH_ENTRIES) break;
      }
    } catch (err) {
      if (err instanceof WalkAborted) problems.push(err);
      else if (err instanceof KdwError) problems.push(new WalkAborted(what, err.message, rec.filter.length));
      else throw err;
    }
  }
}

/** Flag names by bit: the kernel's own enumerator values where its types have them, 6.1's order else. */
function flagNameTable(prog: Program): string[] {
  const names: string[] = [];
  FLAG_NAMES.forEach((n, i) => {
    const v = optionalEnumerator(prog, `FTRACE_OPS_FL_${n}`);
    const bit = v !== undefined && v > 0n && (v & (v - 1n)) === 0n ? v.toString(2).length - 1 : i;
    if (bit < 64) names[bit] = n;
  });
  for (let i = 0; i < 64; i++) names[i] ??= `BIT${i}`;
  return names;
}

interface FprobeLayout {
  handler: bigint;
  ops: number;
  entry: number | undefined;
  exit: number | undefined;
}

function fprobeLayout(prog: Program): FprobeLayout | undefined {
  const handler = prog.symbols.addressOf("fprobe_handler");
  const t = optionalType(prog, "struct fprobe");
  const ops = t && prog.memberOffset(t, "ops");
  if (handler === undefined || !t || ops === undefined) return undefined;
  return { handler, ops, entry: prog.memberOffset(t, "entry_handler"), exit: prog.memberOffset(t, "exit_handler") };
}

function hex(v: bigint): string {
  return "0x" + v.toString(16);
}
