// crash's `bpf` (bpf.c cmd_bpf, do_bpf): the loaded eBPF programs and maps; -p/-P a program's sizes, load
// time, licence, name and uid; -m/-M a map's; -t/-T its translated instructions (with -T their bytes); -j
// its JIT image disassembled; -s the structures themselves.
import { fullInstruction, formatInstruction } from "../../arch/x86_64/disasm";
import { KdwError } from "../../io/errors";
import { formatStructValue } from "../../program/gdb-format/gdb-format";
import { optionalEnumerator } from "../../program/optional-types";
import { bpfObjects, bpfProgramInsns, enumMaxNameLength, type BpfMap, type BpfProgram } from "../../kernel/bpf/bpf";
import { formatXlated, type BpfNames } from "../../kernel/bpf/insn";
import { bootTimeNs, crashTime, cpuCounts } from "../../kernel/system/sysinfo";
import { CommandError, defineCommand, type CommandContext } from "../command";
import { valueToSymstr } from "../shared/symbol-args";
import { valueOptions } from "../shared/type-args";
import { invalidOptionUsage } from "../shared/usage";
import { formatBpf } from "./bpf-format";

const SYNOPSIS = "[[-p ID | -P] [-tTj]] [[-m ID] | -M] [-s] [-xd]";
/** A JIT image larger than this is corrupt (BPF_COMPLEXITY_LIMIT_INSNS × the longest x86 sequence per insn). */
const MAX_JIT_BYTES = 64 << 20;
const PAGE_SIZE = 4096;

export interface BpfProgramRow {
  program: BpfProgram;
  /** -p/-P: the load time in seconds since the epoch (boot time from the dump's clock + load_time). */
  loadTimeUtc?: number;
  /** -t/-T: the translated instructions as crash prints them. */
  xlated?: string;
  /** -j: the JIT image, one line per instruction ("" entries when the program is not jited). */
  jit?: string[];
  /** -s: bpf_prog and bpf_prog_aux as gdb prints them. */
  structs?: string[];
}

export interface BpfMapRow {
  map: BpfMap;
  /** MEMLOCK: pages × PAGE_SIZE where the kernel keeps them, else crash's estimate (bpf_map_memory_size). */
  memlock?: number;
  struct?: string;
}

export interface BpfResult {
  /** The width crash gives the type columns (from the longest enum bpf_prog_type / bpf_map_type name). */
  progTypeWidth: number;
  mapTypeWidth: number;
  showPrograms: boolean;
  showMaps: boolean;
  progVerbose: boolean;
  mapVerbose: boolean;
  programs: BpfProgramRow[];
  maps: BpfMapRow[];
  /** The kernel has no BPF (CONFIG_BPF_SYSCALL off): crash says the command is not supported. */
  absent?: string;
  errors: string[];
}

interface BpfOptions {
  progId?: number;
  mapId?: number;
  allProgs: boolean;
  allMaps: boolean;
  xlated: boolean;
  opcodes: boolean;
  jit: boolean;
  structs: boolean;
  radix?: 10 | 16;
}

const BPF_MAP_TYPE_PERCPU = new Set([5, 6, 10, 21]); // PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH, PERCPU_CGROUP_STORAGE
const BPF_MAP_TYPE_FD = new Set([3, 4, 8, 12, 13]); // PROG_ARRAY, PERF_EVENT_ARRAY, CGROUP_ARRAY, ARRAY_OF_MAPS, HASH_OF_MAPS

/** crash's bpf_map_memory_size: what a map of this shape charges, for kernels that no longer record it. */
function mapMemorySize(m: BpfMap, cpus: number): number {
  const round = (n: number, to: number): number => Math.ceil(n / to) * to;
  const valsize = BPF_MAP_TYPE_PERCPU.has(m.type) ? round(m.valueSize, 8) * cpus : BPF_MAP_TYPE_FD.has(m.type) ? 4 : m.valueSize;
  return round(m.maxEntries * round(m.keySize + valsize, 8), PAGE_SIZE);
}

function idArg(kind: "p" | "m", v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) throw new CommandError("bpf", `invalid ${kind === "p" ? "program" : "map"} ID: ${v}`);
  return Number(v);
}

/** The names an instruction listing gives: maps by their address, helpers by func_id_str or their symbol. */
function bpfNames(ctx: CommandContext, maps: readonly BpfMap[]): BpfNames {
  const byAddress = new Map(maps.map((m) => [m.address, m.id]));
  const maxId = optionalEnumerator(ctx.prog, "__BPF_FUNC_MAX_ID");
  const funcIdStr = ctx.prog.symbols.addressOf("func_id_str");
  const callBase = ctx.prog.symbols.addressOf("__bpf_call_base");
  return {
    imm64: (v) => (byAddress.has(v) ? `map[id:${byAddress.get(v)}]` : undefined),
    helper: (insn) => {
      try {
        if (maxId !== undefined && funcIdStr !== undefined && insn.imm >= 0 && BigInt(insn.imm) < maxId) {
          const p = ctx.prog.readU64(funcIdStr + BigInt(insn.imm * 8));
          return [...ctx.prog.readCString(p, 128)].map((c) => String.fromCharCode(c)).join("");
        }
        if (callBase !== undefined) {
          const at = ctx.symbols.symbolAt(BigInt.asUintN(64, callBase + BigInt(insn.imm)));
          if (at && at.offset === 0) return at.symbol.name;
        }
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
      return undefined;
    },
  };
}

/** The JIT image as gdb's x/i lists it, each line's last number named as crash names it. */
function jitLines(ctx: CommandContext, p: BpfProgram): string[] {
  const decoder = ctx.decoder;
  if (!decoder) throw new CommandError("bpf", "no x86-64 instruction decoder in this build of kdw");
  if (p.jitedLen > MAX_JIT_BYTES) throw new CommandError("bpf", `program ${p.id}: jited_len ${p.jitedLen} is implausible`);
  const bytes = ctx.prog.read(p.bpfFunc, p.jitedLen);
  const end = p.bpfFunc + BigInt(p.jitedLen);
  const lines: string[] = [];
  let pc = p.bpfFunc;
  while (pc < end) {
    const decoded = decoder.decode(bytes.subarray(Number(pc - p.bpfFunc)), pc, 64);
    if (decoded.length === 0) break;
    for (const loose of decoded) {
      const insn = fullInstruction(loose);
      if (insn.address >= end) break;
      lines.push(`   0x${insn.address.toString(16)}:\t${formatInstruction(insn, (a) => valueToSymstr(ctx, a) || undefined)} `);
      pc = insn.address + BigInt(insn.length);
    }
  }
  return lines;
}

export const bpfCommand = defineCommand({
  name: "bpf",
  summary: "extended Berkeley Packet Filter (eBPF)",
  help: `SYNOPSIS
  bpf ${SYNOPSIS}

DESCRIPTION

  This command provides information on currently-loaded eBPF programs and maps.
  With no arguments, basic information about each loaded eBPF program and map
  is displayed.  For each eBPF program, its ID number, the addresses of its
  bpf_prog and bpf_prog_aux data structures, its type, tag, and the IDs of the
  eBPF maps that it uses are displayed.  For each eBPF map, its ID number, the
  address of its bpf_map data structure, its type, and the hexadecimal value of
  its map_flags are displayed.

    -p ID  displays the basic information specific to the program ID, plus the
           size in bytes of its translated bytecode, the size in bytes of its
           jited code, the number of bytes locked into memory, the time that
           the program was loaded, whether it is GPL compatible, its name
           string, and its UID.
    -P     same as -p, but displays the basic and extra data for all programs.
    -m ID  displays the basic information specific to the map ID, plus the
           size in bytes of its key and value, the maximum number of key-value
           pairs that can be stored within the map, the number of bytes locked
           into memory, its name string, and its UID.
    -M     same as -m, but displays the basic and extra data for all maps.
    -t     translate the bytecode of the specified program ID.
    -T     same as -t, but also dump the bytecode of each instruction.
    -j     disassemble the jited code of the specified program ID.
    -s     with -p or -P, dump the bpf_prog and bpf_prog_aux data structures.
           with -m or -M, dump the bpf_map structure.
    -x     with -s, override default output format with hexadecimal format.
    -d     with -s, override default output format with decimal format.

  LOAD_TIME is the dump's own clock (the crash time less the boot time, plus the
  program's load_time), in UTC: crash 8.0.6 adds load_time to the boot time of the
  machine it runs on. MEMLOCK is bpf_prog.pages × the page size (crash keeps it in
  16 bits and prints 0 from 16 pages on). -d is decimal (crash 8.0.6 takes it as
  -x). Since 5.11 the kernel keeps no uid for programs and maps: UID reads
  "(unknown)" and "(unused)" as crash prints it.`,
  options: { flags: "PMtTjsxd", values: "pm", invalid: invalidOptionUsage("bpf", SYNOPSIS) },
  parse(args): BpfOptions {
    const o: BpfOptions = {
      progId: idArg("p", args.value("p")),
      mapId: idArg("m", args.value("m")),
      allProgs: args.has("P"),
      allMaps: args.has("M"),
      xlated: args.has("t") || args.has("T"),
      opcodes: args.has("T"),
      jit: args.has("j"),
      structs: args.has("s"),
      radix: args.has("x") ? 16 : args.has("d") ? 10 : undefined,
    };
    if (args.has("x") && args.has("d")) throw new CommandError("bpf", "-d and -x are mutually exclusive");
    const progs = o.progId !== undefined || o.allProgs;
    const maps = o.mapId !== undefined || o.allMaps;
    if (o.jit && !progs) throw new CommandError("bpf", "-j option only applicable with -p or -P");
    if (o.xlated && !progs) throw new CommandError("bpf", "-t option only applicable with -p or -P");
    if (o.structs && !progs && !maps) throw new CommandError("bpf", "-s option requires either -p, -P, -m or -M");
    if (o.radix && !progs && !maps) throw new CommandError("bpf", `-${args.has("x") ? "x" : "d"} option requires -s`);
    if (args.operands.length) throw new CommandError("bpf", `invalid argument: ${args.operands[0]}`);
    return o;
  },
  execute(ctx, o): BpfResult {
    const objs = bpfObjects(ctx.prog, ctx.interrupt);
    const result: BpfResult = {
      progTypeWidth: Math.min(13, Math.max(0, enumMaxNameLength(ctx.prog, "bpf_prog_type") - "BPF_PROG_TYPE_".length)),
      // crash takes the map type width with the program prefix's length too (bpf.c bpf_type_size_init).
      mapTypeWidth: Math.max(0, enumMaxNameLength(ctx.prog, "bpf_map_type") - "BPF_PROG_TYPE_".length),
      showPrograms: false,
      showMaps: false,
      progVerbose: o.progId !== undefined || o.allProgs,
      mapVerbose: o.mapId !== undefined || o.allMaps,
      programs: [],
      maps: [],
      errors: objs.problems.map((p) => `bpf: ${p}`),
    };
    if (objs.absent) throw new CommandError("bpf", `command not supported or applicable on this architecture or kernel (${objs.absent})`);
    if (o.progId !== undefined && !objs.programs.some((p) => p.id === o.progId)) return { ...result, errors: [...result.errors, `bpf: invalid program ID: ${o.progId}`] };
    if (o.mapId !== undefined && !objs.maps.some((m) => m.id === o.mapId)) return { ...result, errors: [...result.errors, `bpf: invalid map ID: ${o.mapId}`] };
    const any = o.progId !== undefined || o.allProgs || o.mapId !== undefined || o.allMaps;
    result.showPrograms = !any || o.progId !== undefined || o.allProgs;
    result.showMaps = !any || o.mapId !== undefined || o.allMaps;
    const boot = (() => {
      const now = crashTime(ctx.prog);
      const up = bootTimeNs(ctx.prog);
      return now !== undefined && up !== undefined ? BigInt(now) * 1_000_000_000n - up : undefined;
    })();
    const names = bpfNames(ctx, objs.maps);
    if (result.showPrograms) {
      for (const p of objs.programs) {
        if (!o.allProgs && o.progId !== undefined && p.id !== o.progId) continue;
        ctx.interrupt?.();
        const row: BpfProgramRow = { program: p };
        if (result.progVerbose && boot !== undefined && p.loadTime !== undefined) row.loadTimeUtc = Number((boot + p.loadTime) / 1_000_000_000n);
        try {
          if (o.jit) row.jit = p.jitedLen ? jitLines(ctx, p) : [];
          if (o.xlated) row.xlated = formatXlated(bpfProgramInsns(ctx.prog, p), names, o.opcodes);
          if (o.structs) {
            const dump = (type: string, addr: bigint): string => formatStructValue(ctx.prog.type(`struct ${type}`), ctx.prog.read(addr, ctx.prog.sizeOf(`struct ${type}`)), { ...valueOptions(ctx, addr), name: type, radix: o.radix });
            row.structs = [dump("bpf_prog", p.address), dump("bpf_prog_aux", p.aux)];
          }
        } catch (err) {
          if (!(err instanceof KdwError)) throw err;
          result.errors.push(`bpf: program ${p.id}: ${err.message}`);
        }
        result.programs.push(row);
      }
    }
    if (result.showMaps) {
      const cpus = cpuCounts(ctx.prog).possible ?? 1;
      for (const m of objs.maps) {
        if (!o.allMaps && o.mapId !== undefined && m.id !== o.mapId) continue;
        const row: BpfMapRow = { map: m, memlock: m.memlockPages !== undefined ? m.memlockPages * PAGE_SIZE : mapMemorySize(m, cpus) || undefined };
        if (o.structs) {
          try {
            row.struct = formatStructValue(ctx.prog.type("struct bpf_map"), ctx.prog.read(m.address, ctx.prog.sizeOf("struct bpf_map")), { ...valueOptions(ctx, m.address), name: "bpf_map", radix: o.radix });
          } catch (err) {
            if (!(err instanceof KdwError)) throw err;
            result.errors.push(`bpf: map ${m.id}: ${err.message}`);
          }
        }
        result.maps.push(row);
      }
    }
    return result;
  },
  format: formatBpf,
  errors: (r) => (r.errors.length ? r.errors : undefined),
});
