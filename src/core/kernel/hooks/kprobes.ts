// Every registered kprobe and kretprobe (kernel/kprobes.c): the hash table kprobe_table[KPROBE_TABLE_SIZE]
// of hlist chains of struct kprobe, every entry of every chain (not only each bucket's first). Several probes
// on one address hang off an aggregate probe (its pre_handler is aggr_pre_handler) on its `list`; a
// kretprobe is the struct kretprobe around its kprobe (pre_handler_kretprobe) with its own handler and
// entry_handler. struct kprobe: hlist, list, addr, symbol_name, offset, pre_handler, post_handler,
// (fault_handler before 5.14), flags. Every walk is bounded and cycle-guarded.
import { KdwError, WalkAborted } from "../../io/errors";
import { hlistForEachEntry, listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";
import { optionalType } from "../../program/optional-types";
import { MAX_HOOKS, type HookSite } from "./site";
import { latin1String as latin1 } from "../../io/latin1";

/** include/linux/kprobes.h KPROBE_FLAG_*. */
export const KPROBE_FLAGS: readonly [number, string][] = [
  [1, "GONE"],
  [2, "DISABLED"],
  [4, "OPTIMIZED"],
  [8, "FTRACE"],
  [16, "ON_FUNC_ENTRY"],
];
const MAX_TABLE_SIZE = 1 << 12;
const MAX_CHAIN = 1 << 12;
const MAX_SYMBOL_NAME = 512;

export interface Kprobe {
  /** The struct kprobe. */
  address: bigint;
  /** kprobe.addr: the probed instruction. */
  addr: bigint;
  symbolName?: string;
  offset: number;
  preHandler: bigint;
  postHandler: bigint;
  faultHandler?: bigint;
  flags: number;
  /** The bucket of kprobe_table it hangs in. */
  bucket: number;
  /** Set for the probes hanging off an aggregate probe: the aggregate. */
  aggregate?: bigint;
  /** Set when this is the kprobe inside a struct kretprobe. */
  kretprobe?: { address: bigint; handler: bigint; entryHandler: bigint };
}

export interface KprobeScan {
  probes: Kprobe[];
  sites: HookSite[];
  problems: WalkAborted[];
  /** Why there is nothing to walk (no kprobe_table in this kernel), when so. */
  absent?: string;
}

interface KprobeLayout {
  list: number;
  addr: number;
  symbolName: number | undefined;
  offset: number | undefined;
  pre: number;
  post: number | undefined;
  fault: number | undefined;
  flags: number | undefined;
  retKp: number | undefined;
  retHandler: number | undefined;
  retEntry: number | undefined;
}

function layout(prog: Program): KprobeLayout | undefined {
  const kp = optionalType(prog, "struct kprobe");
  if (!kp) return undefined;
  const off = (m: string) => prog.memberOffset(kp, m);
  const list = off("list");
  const addr = off("addr");
  const pre = off("pre_handler");
  if (list === undefined || addr === undefined || pre === undefined || off("hlist") === undefined) return undefined;
  const ret = optionalType(prog, "struct kretprobe");
  return {
    list,
    addr,
    pre,
    symbolName: off("symbol_name"),
    offset: off("offset"),
    post: off("post_handler"),
    fault: off("fault_handler"),
    flags: off("flags"),
    retKp: ret && prog.memberOffset(ret, "kp"),
    retHandler: ret && prog.memberOffset(ret, "handler"),
    retEntry: ret && prog.memberOffset(ret, "entry_handler"),
  };
}

/** Every kprobe in kprobe_table, with the handler slots as hook sites. */
export function kprobes(prog: Program): KprobeScan {
  const out: KprobeScan = { probes: [], sites: [], problems: [] };
  const l = layout(prog);
  if (!prog.hasSymbol("kprobe_table") || !l) {
    out.absent = "this kernel has no kprobe_table (CONFIG_KPROBES off) or no struct kprobe in its types";
    return out;
  }
  const kpType = prog.type("struct kprobe");
  const table = prog.symbolAddress("kprobe_table");
  const size = Math.min(MAX_TABLE_SIZE, Math.floor((prog.symbolSize("kprobe_table") || 64 * 8) / 8));
  const aggr = prog.symbols.addressOf("aggr_pre_handler");
  const kret = prog.symbols.addressOf("pre_handler_kretprobe");
  const u64 = (a: bigint) => prog.readU64(a);
  const read = (address: bigint, bucket: number, aggregate?: bigint): Kprobe => {
    const k: Kprobe = {
      address,
      addr: u64(address + BigInt(l.addr)),
      offset: l.offset === undefined ? 0 : prog.readU32(address + BigInt(l.offset)),
      preHandler: u64(address + BigInt(l.pre)),
      postHandler: l.post === undefined ? 0n : u64(address + BigInt(l.post)),
      flags: l.flags === undefined ? 0 : prog.readU32(address + BigInt(l.flags)),
      bucket,
    };
    if (l.fault !== undefined) k.faultHandler = u64(address + BigInt(l.fault));
    if (aggregate !== undefined) k.aggregate = aggregate;
    if (l.symbolName !== undefined) {
      try {
        const p = u64(address + BigInt(l.symbolName));
        if (p !== 0n) k.symbolName = latin1(prog.readCString(p, MAX_SYMBOL_NAME));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
    }
    if (kret !== undefined && k.preHandler === kret && l.retKp !== undefined && l.retHandler !== undefined) {
      const r = address - BigInt(l.retKp);
      k.kretprobe = { address: r, handler: u64(r + BigInt(l.retHandler)), entryHandler: l.retEntry === undefined ? 0n : u64(r + BigInt(l.retEntry)) };
    }
    return k;
  };
  const addSites = (k: Kprobe) => {
    const flags = KPROBE_FLAGS.filter(([bit]) => k.flags & bit).map(([, n]) => n).join("|");
    const details = `kprobe ${hex(k.address)}${flags ? ` flags ${flags}` : ""}${k.symbolName ? ` symbol_name "${k.symbolName}"+${k.offset}` : ""}`;
    const site = (kind: HookSite["kind"], role: string, slot: bigint, handler: bigint, holder: bigint) => {
      if (handler === 0n || out.sites.length >= MAX_HOOKS) return;
      out.sites.push({ kind, target: k.symbolName ?? hex(k.addr), targetAddress: k.addr, targetSlot: k.address + BigInt(l.addr), handler, role, slot, slotSize: 8, slotValue: handler, holder, details });
    };
    if (k.kretprobe) {
      site("kretprobe", "handler", k.kretprobe.address + BigInt(l.retHandler!), k.kretprobe.handler, k.kretprobe.address);
      if (l.retEntry !== undefined) site("kretprobe", "entry_handler", k.kretprobe.address + BigInt(l.retEntry), k.kretprobe.entryHandler, k.kretprobe.address);
      if (l.post !== undefined) site("kprobe", "post_handler", k.address + BigInt(l.post), k.postHandler, k.address);
      return;
    }
    site("kprobe", "pre_handler", k.address + BigInt(l.pre), k.preHandler, k.address);
    if (l.post !== undefined) site("kprobe", "post_handler", k.address + BigInt(l.post), k.postHandler, k.address);
    if (l.fault !== undefined && k.faultHandler) site("kprobe", "fault_handler", k.address + BigInt(l.fault), k.faultHandler, k.address);
  };

  for (let b = 0; b < size; b++) {
    const what = `kprobe_table[${b}]`;
    try {
      for (const obj of hlistForEachEntry(prog, table + BigInt(b * 8), kpType, "hlist", { budget: MAX_CHAIN, what })) {
        if (out.probes.length >= MAX_HOOKS) throw new WalkAborted("kprobe_table", `more than ${MAX_HOOKS} kprobes`, out.probes.length);
        const k = read(obj.address!, b);
        out.probes.push(k);
        if (aggr !== undefined && k.preHandler === aggr) {
          // An aggregate probe: the registered probes are on its list.
          const listWhat = `aggregate kprobe ${hex(k.address)} list`;
          try {
            for (const child of listForEachEntry(prog, k.address + BigInt(l.list), kpType, "list", { budget: MAX_CHAIN, what: listWhat })) {
              const c = read(child.address!, b, k.address);
              out.probes.push(c);
              addSites(c);
            }
          } catch (err) {
            if (err instanceof WalkAborted) out.problems.push(err);
            else if (err instanceof KdwError) out.problems.push(new WalkAborted(listWhat, err.message, 0));
            else throw err;
          }
        } else addSites(k);
      }
    } catch (err) {
      if (err instanceof WalkAborted) out.problems.push(err);
      else if (err instanceof KdwError) out.problems.push(new WalkAborted(what, err.message, 0));
      else throw err;
    }
  }
  return out;
}

function hex(v: bigint): string {
  return "0x" + v.toString(16);
}


