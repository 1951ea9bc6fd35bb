// The JIT images of loaded BPF programs and trampolines (kernel/bpf/core.c): bpf_kallsyms, a list of struct
// bpf_ksym { start, end, name[KSYM_NAME_LEN], lnode, ... } (5.8+), what /proc/kallsyms shows as
// bpf_prog_<tag>_<name> and bpf_trampoline_<key>. Code at these addresses is BPF's, not a module's, though it
// lies in the module area on x86-64. Bounded.
import { KdwError, WalkAborted } from "../../io/errors";
import { listForEachEntry } from "../../program/list";
import type { Program } from "../../program/program";
import { optionalType } from "../../program/optional-types";
import { latin1UpToNul } from "../../io/latin1";

const MAX_BPF_SYMBOLS = 1 << 16;

export interface BpfSymbol {
  start: bigint;
  end: bigint;
  name: string;
}

export interface BpfSymbols {
  symbols: BpfSymbol[];
  problems: WalkAborted[];
  absent?: string;
}

const cache = new WeakMap<Program, BpfSymbols>();

/** The BPF images the kernel names (bpf_kallsyms), read once per program. */
export function bpfSymbols(prog: Program): BpfSymbols {
  let s = cache.get(prog);
  if (!s) {
    s = readBpfSymbols(prog);
    cache.set(prog, s);
  }
  return s;
}

function readBpfSymbols(prog: Program): BpfSymbols {
  const out: BpfSymbols = { symbols: [], problems: [] };
  const t = optionalType(prog, "struct bpf_ksym");
  if (!t || !prog.hasSymbol("bpf_kallsyms")) {
    out.absent = "this kernel has no bpf_kallsyms list of struct bpf_ksym (before 5.8, or CONFIG_BPF_JIT off)";
    return out;
  }
  const startOff = prog.memberOffset(t, "start");
  const endOff = prog.memberOffset(t, "end");
  const nameOff = prog.memberOffset(t, "name");
  if (startOff === undefined || endOff === undefined || nameOff === undefined) return out;
  try {
    for (const k of listForEachEntry(prog, prog.symbolAddress("bpf_kallsyms"), t, "lnode", { budget: MAX_BPF_SYMBOLS, what: "bpf_kallsyms" })) {
      const a = k.address!;
      const bytes = prog.read(a + BigInt(nameOff), 128);
      const name = latin1UpToNul(bytes);
      out.symbols.push({ start: prog.readU64(a + BigInt(startOff)), end: prog.readU64(a + BigInt(endOff)), name });
    }
  } catch (err) {
    if (err instanceof WalkAborted) out.problems.push(err);
    else if (err instanceof KdwError) out.problems.push(new WalkAborted("bpf_kallsyms", err.message, out.symbols.length));
    else throw err;
  }
  return out;
}

/** The BPF image holding `addr`. */
export function bpfSymbolAt(symbols: BpfSymbols, addr: bigint): BpfSymbol | undefined {
  return symbols.symbols.find((s) => addr >= s.start && addr < s.end);
}
