// The probes attached to tracepoints (kernel/tracepoint.c): every struct tracepoint of the kernel
// (__start___tracepoints_ptrs..__stop___tracepoints_ptrs) and of each module (module.tracepoints_ptrs,
// num_tracepoints), and its funcs: an array of struct tracepoint_func { func, data, prio } ended by a NULL
// func. tracepoint_ptr_t is an int offset from the entry itself (CONFIG_HAVE_ARCH_PREL32_RELOCATIONS,
// x86-64 since 4.19) or a plain pointer. Bounded per tracepoint and in total.
import { resolveType } from "../../debuginfo/types";
import { KdwError, WalkAborted } from "../../io/errors";
import type { Program } from "../../program/program";
import { optionalType } from "../../program/optional-types";
import type { KernelModule } from "../modules/read";
import { MAX_HOOKS, type HookSite } from "./site";
import { latin1String as latin1 } from "../../io/latin1";

const MAX_TRACEPOINTS = 1 << 16;
const MAX_PROBES_PER_TRACEPOINT = 256;

export interface TracepointScan {
  /** Tracepoints read (with or without probes). */
  tracepoints: number;
  sites: HookSite[];
  problems: WalkAborted[];
  absent?: string;
}

interface TpLayout {
  name: number;
  funcs: number;
  funcSize: number;
  func: number;
  data: number;
  /** sizeof(tracepoint_ptr_t): 4 (relative) or 8 (pointer). */
  ptrSize: 4 | 8;
}

function tpLayout(prog: Program): TpLayout | undefined {
  const tp = optionalType(prog, "struct tracepoint");
  const f = optionalType(prog, "struct tracepoint_func");
  if (!tp || !f) return undefined;
  const name = prog.memberOffset(tp, "name");
  const funcs = prog.memberOffset(tp, "funcs");
  const func = prog.memberOffset(f, "func");
  const data = prog.memberOffset(f, "data");
  if (name === undefined || funcs === undefined || func === undefined || data === undefined) return undefined;
  const ptrT = optionalType(prog, "tracepoint_ptr_t");
  const ptrSize = ptrT && resolveType(ptrT).kind !== "pointer" && prog.sizeOf(ptrT) === 4 ? 4 : 8;
  return { name, funcs, funcSize: prog.sizeOf(f), func, data, ptrSize };
}

/** The probes of every tracepoint of the kernel and of `modules`. */
export function tracepointProbes(prog: Program, modules: readonly KernelModule[] = []): TracepointScan {
  const out: TracepointScan = { tracepoints: 0, sites: [], problems: [] };
  const l = tpLayout(prog);
  if (!l || !prog.hasSymbol("__start___tracepoints_ptrs") || !prog.hasSymbol("__stop___tracepoints_ptrs")) {
    out.absent = "this kernel has no tracepoint table (__start___tracepoints_ptrs) or no struct tracepoint in its types";
    return out;
  }
  const start = prog.symbolAddress("__start___tracepoints_ptrs");
  const stop = prog.symbolAddress("__stop___tracepoints_ptrs");
  scanArray(prog, l, start, Number(stop - start) / l.ptrSize, "kernel", out);
  const modT = optionalType(prog, "struct module");
  const ptrsOff = modT && prog.memberOffset(modT, "tracepoints_ptrs");
  const numOff = modT && prog.memberOffset(modT, "num_tracepoints");
  if (ptrsOff !== undefined && numOff !== undefined) {
    for (const m of modules) {
      try {
        const n = prog.readU32(m.address + BigInt(numOff));
        const ptrs = prog.readU64(m.address + BigInt(ptrsOff));
        if (n > 0 && ptrs !== 0n) scanArray(prog, l, ptrs, n, `module ${m.name}`, out);
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
        out.problems.push(new WalkAborted(`tracepoints of module ${m.name}`, err.message, 0));
      }
    }
  }
  return out;
}

function scanArray(prog: Program, l: TpLayout, array: bigint, count: number, owner: string, out: TracepointScan): void {
  const what = `tracepoints of ${owner}`;
  if (!Number.isInteger(count) || count < 0 || count > MAX_TRACEPOINTS) {
    out.problems.push(new WalkAborted(what, `implausible count ${count}`, 0));
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = prog.read(array, count * l.ptrSize);
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    out.problems.push(new WalkAborted(what, err.message, 0));
    return;
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    const entry = array + BigInt(i * l.ptrSize);
    const tp = l.ptrSize === 4 ? BigInt.asUintN(64, entry + BigInt(dv.getInt32(i * 4, true))) : dv.getBigUint64(i * 8, true);
    out.tracepoints++;
    try {
      const funcs = prog.readU64(tp + BigInt(l.funcs));
      if (funcs === 0n) continue;
      let name = "";
      try {
        name = latin1(prog.readCString(prog.readU64(tp + BigInt(l.name)), 256));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
      for (let j = 0; j < MAX_PROBES_PER_TRACEPOINT; j++) {
        const at = funcs + BigInt(j * l.funcSize);
        const func = prog.readU64(at + BigInt(l.func));
        if (func === 0n) break;
        if (out.sites.length >= MAX_HOOKS) return;
        const data = prog.readU64(at + BigInt(l.data));
        out.sites.push({ kind: "tracepoint", target: name || `tracepoint ${hex(tp)}`, role: "probe", handler: func, slot: at + BigInt(l.func), slotSize: 8, slotValue: func, holder: tp, details: `tracepoint ${hex(tp)} (${owner}), probe data ${hex(data)}` });
      }
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(new WalkAborted(what, `tracepoint ${hex(tp)}: ${err.message}`, i));
    }
  }
}

function hex(v: bigint): string {
  return "0x" + v.toString(16);
}


