// Loaded eBPF programs and maps (include/linux/bpf.h, kernel/bpf/syscall.c), as crash's `bpf` reads them
// (bpf.c): prog_idr and map_idr are IDRs (their XArray idr_rt, 4.20+) of struct bpf_prog and struct bpf_map
// by id. For each program its type, tag, the maps it uses, its translated (xlated) instructions and its JIT
// image; for each map its type, sizes and flags. Members that moved: bpf_prog_aux.user (4.15-5.10) and
// bpf_map.user / bpf_map.memory.user (before 5.11, when charging moved to memcg) are gone in 6.1; bpf_map.pages
// (before 5.3) became bpf_map.memory.pages (5.3-5.10), then nothing. Every walk is bounded; an object that
// cannot be read is named and the rest kept. The JIT image's name comes from bpf_kallsyms (hooks/bpf.ts).
import { KdwError, MissingDebugInfo, WalkAborted } from "../../io/errors";
import { u64le } from "../../io/little-endian";
import { layout, optional } from "../../program/layout";
import { optionalType } from "../../program/optional-types";
import type { Program } from "../../program/program";
import { xaForEach } from "../../program/xarray";
import { bpfSymbolAt, bpfSymbols } from "../hooks/bpf";
import { latin1UpToNul as latin1 } from "../../io/latin1";

/** IDs are ints: no IDR holds more; a walk past this is corrupt. */
const MAX_BPF_OBJECTS = 1 << 20;
/** bpf_prog.len is u32, but BPF_COMPLEXITY_LIMIT_INSNS is 1M: more translated instructions than this are corrupt. */
export const MAX_BPF_INSNS = 1 << 20;
/** bpf_prog_aux.used_map_cnt is bounded by MAX_USED_MAPS (64) in the verifier. */
const MAX_USED_MAPS = 64;
/** include/uapi/linux/bpf.h: sizeof(struct bpf_insn). */
export const BPF_INSN_SIZE = 8;

const BPF = layout(
  {
    progPages: optional("bpf_prog.pages"),
    progGpl: optional("bpf_prog.gpl_compatible"),
    progJited: optional("bpf_prog.jited"),
    progType: "bpf_prog.type",
    progLen: "bpf_prog.len",
    progJitedLen: "bpf_prog.jited_len",
    progTag: "bpf_prog.tag",
    progBpfFunc: "bpf_prog.bpf_func",
    progAux: "bpf_prog.aux",
    progInsnsi: "bpf_prog.insnsi",
    auxId: "bpf_prog_aux.id",
    auxUsedMapCnt: "bpf_prog_aux.used_map_cnt",
    auxUsedMaps: "bpf_prog_aux.used_maps",
    auxUser: optional("bpf_prog_aux.user"),
    auxLoadTime: optional("bpf_prog_aux.load_time"),
    auxName: optional("bpf_prog_aux.name"),
    auxAttachFuncName: optional("bpf_prog_aux.attach_func_name"),
    mapType: "bpf_map.map_type",
    mapKeySize: "bpf_map.key_size",
    mapValueSize: "bpf_map.value_size",
    mapMaxEntries: "bpf_map.max_entries",
    mapFlags: "bpf_map.map_flags",
    mapId: "bpf_map.id",
    mapName: optional("bpf_map.name"),
    mapPages: optional("bpf_map.pages", "bpf_map.memory.pages"),
    mapUser: optional("bpf_map.user", "bpf_map.memory.user"),
    userUid: optional("user_struct.uid"),
    idrRt: "idr.idr_rt",
  },
  (_o, m, prog) => ({
    progSize: prog.sizeOf("struct bpf_prog"),
    auxSize: prog.sizeOf("struct bpf_prog_aux"),
    mapSize: prog.sizeOf("struct bpf_map"),
    auxNameLen: m.auxName?.size ?? 0,
    mapNameLen: m.mapName?.size ?? 0,
  }),
);

export interface BpfProgram {
  id: number;
  /** The struct bpf_prog and its struct bpf_prog_aux. */
  address: bigint;
  aux: bigint;
  /** enum bpf_prog_type: its value and its name without BPF_PROG_TYPE_ ("" when the kernel has none). */
  type: number;
  typeName: string;
  /** bpf_prog.tag: the hash of the program's instructions, 8 bytes as 16 hex digits. */
  tag: string;
  /** The ids of the maps it uses (bpf_prog_aux.used_maps), in its order. */
  usedMaps: number[];
  /** bpf_prog.len translated instructions. */
  insnCount: number;
  jited: boolean;
  jitedLen: number;
  /** bpf_func: the JIT image (or the interpreter), and bpf_kallsyms' name for it. */
  bpfFunc: bigint;
  jitSymbol?: string;
  /** Bytes charged for the program: bpf_prog.pages × PAGE_SIZE (undefined when the kernel has no pages). */
  memlock?: number;
  /** bpf_prog_aux.load_time: CLOCK_BOOTTIME ns at load. */
  loadTime?: bigint;
  gplCompatible?: boolean;
  /** bpf_prog_aux.name; "" when unset. */
  name?: string;
  /** The uid that loaded it (bpf_prog_aux.user->uid), on kernels that keep it (before 5.11). */
  uid?: number;
  /** What a tracing program attaches to (bpf_prog_aux.attach_func_name). */
  attachFuncName?: string;
}

export interface BpfMap {
  id: number;
  address: bigint;
  type: number;
  typeName: string;
  flags: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** bpf_map.pages or .memory.pages × PAGE_SIZE before 5.11; undefined after (crash estimates it). */
  memlockPages?: number;
  name?: string;
  uid?: number;
}

export interface BpfObjects {
  programs: BpfProgram[];
  maps: BpfMap[];
  /** Objects or walks that could not be read; the rest are in the lists. */
  problems: string[];
  /** Why the kernel has no BPF to list (no prog_idr, no struct bpf_prog). */
  absent?: string;
}

/** The names of an enum's values, with the prefix removed (BPF_PROG_TYPE_KPROBE -> KPROBE). */
function enumNames(prog: Program, name: string, prefix: string): Map<bigint, string> {
  const t = optionalType(prog, `enum ${name}`);
  const out = new Map<bigint, string>();
  if (t?.kind !== "enum") return out;
  for (const e of t.enumerators) if (e.name.startsWith(prefix) && !out.has(e.value)) out.set(e.value, e.name.slice(prefix.length));
  return out;
}

/** The longest enumerator name of `enum name` (crash sizes its type columns by it). */
export function enumMaxNameLength(prog: Program, name: string): number {
  const t = optionalType(prog, `enum ${name}`);
  return t?.kind === "enum" ? Math.max(0, ...t.enumerators.map((e) => e.name.length)) : 0;
}


/** The (id, object) pairs of an IDR: its XArray, whose index is the id (idr_base is 0 for both BPF IDRs). */
function idrObjects(prog: Program, symbol: string, problems: string[]): { id: number; address: bigint }[] {
  const out: { id: number; address: bigint }[] = [];
  try {
    for (const e of xaForEach(prog, prog.symbolAddress(symbol) + BigInt(BPF.of(prog).idrRt), { budget: MAX_BPF_OBJECTS, what: symbol })) {
      if ((e.entry & 3n) !== 0n) continue; // a value entry is no object
      out.push({ id: Number(e.index), address: e.entry });
    }
  } catch (err) {
    if (!(err instanceof WalkAborted)) throw err;
    problems.push(err.message);
  }
  return out;
}

function readUid(prog: Program, user: bigint): number | undefined {
  const off = BPF.of(prog).userUid;
  if (user === 0n || off === undefined) return undefined;
  try {
    return prog.readU32(user + BigInt(off));
  } catch (err) {
    if (err instanceof KdwError) return undefined;
    throw err;
  }
}

function readMap(prog: Program, id: number, address: bigint, types: Map<bigint, string>): BpfMap {
  const l = BPF.of(prog);
  const b = prog.read(address, l.mapSize);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = dv.getInt32(l.mapType, true);
  const map: BpfMap = {
    id,
    address,
    type,
    typeName: types.get(BigInt(type)) ?? "",
    flags: dv.getUint32(l.mapFlags, true),
    keySize: dv.getUint32(l.mapKeySize, true),
    valueSize: dv.getUint32(l.mapValueSize, true),
    maxEntries: dv.getUint32(l.mapMaxEntries, true),
  };
  if (l.mapPages !== undefined) map.memlockPages = dv.getUint32(l.mapPages, true);
  if (l.mapName !== undefined) map.name = latin1(b.subarray(l.mapName, l.mapName + l.mapNameLen));
  if (l.mapUser !== undefined) {
    const uid = readUid(prog, u64le(b, l.mapUser));
    if (uid !== undefined) map.uid = uid;
  }
  return map;
}

function readProgram(prog: Program, id: number, address: bigint, types: Map<bigint, string>, mapIds: Map<bigint, number>): BpfProgram {
  const l = BPF.of(prog);
  const m = BPF.members(prog);
  const view = BPF.view(prog, prog.read(address, l.progSize));
  const aux = view.pointer("progAux");
  const a = prog.read(aux, l.auxSize);
  const adv = new DataView(a.buffer, a.byteOffset, a.byteLength);
  const type = view.s32("progType");
  const tag = [...view.memberBytes("progTag").subarray(0, 8)].map((x) => x.toString(16).padStart(2, "0")).join("");
  const usedCnt = Math.min(adv.getUint32(l.auxUsedMapCnt, true), MAX_USED_MAPS);
  const usedMapsArr = u64le(a, l.auxUsedMaps);
  const usedMaps: number[] = [];
  if (usedCnt > 0 && usedMapsArr !== 0n) {
    const arr = prog.read(usedMapsArr, usedCnt * 8);
    for (let i = 0; i < usedCnt; i++) {
      const mid = mapIds.get(u64le(arr, i * 8));
      if (mid !== undefined) usedMaps.push(mid);
    }
  }
  const bpfFunc = view.pointer("progBpfFunc");
  const p: BpfProgram = {
    id,
    address,
    aux,
    type,
    typeName: types.get(BigInt(type)) ?? "",
    tag,
    usedMaps,
    insnCount: view.u32("progLen"),
    jited: m.progJited !== undefined ? view.bitfield("progJited") === 1 : view.u32("progJitedLen") > 0,
    jitedLen: view.u32("progJitedLen"),
    bpfFunc,
  };
  const sym = bpfSymbolAt(bpfSymbols(prog), bpfFunc);
  if (sym) p.jitSymbol = sym.name;
  if (l.progPages !== undefined) p.memlock = view.u16("progPages") * 4096;
  if (l.auxLoadTime !== undefined) p.loadTime = u64le(a, l.auxLoadTime);
  if (m.progGpl !== undefined) p.gplCompatible = view.bitfield("progGpl") === 1;
  if (l.auxName !== undefined) p.name = latin1(a.subarray(l.auxName, l.auxName + l.auxNameLen));
  if (l.auxUser !== undefined) {
    const uid = readUid(prog, u64le(a, l.auxUser));
    if (uid !== undefined) p.uid = uid;
  }
  if (l.auxAttachFuncName !== undefined) {
    const ptr = u64le(a, l.auxAttachFuncName);
    if (ptr !== 0n) {
      try {
        p.attachFuncName = latin1(prog.readCString(ptr, 512));
      } catch (err) {
        if (!(err instanceof KdwError)) throw err;
      }
    }
  }
  return p;
}

/** Every loaded BPF program and map, by id. */
export function bpfObjects(prog: Program, interrupt?: () => void): BpfObjects {
  const out: BpfObjects = { programs: [], maps: [], problems: [] };
  if (!prog.hasSymbol("prog_idr") || !prog.hasSymbol("map_idr") || !optionalType(prog, "struct bpf_prog")) {
    out.absent = "this kernel has no prog_idr or map_idr (CONFIG_BPF_SYSCALL off)";
    return out;
  }
  try {
    BPF.of(prog);
  } catch (err) {
    if (err instanceof MissingDebugInfo) {
      out.absent = err.message;
      return out;
    }
    throw err;
  }
  const mapTypes = enumNames(prog, "bpf_map_type", "BPF_MAP_TYPE_");
  const progTypes = enumNames(prog, "bpf_prog_type", "BPF_PROG_TYPE_");
  const mapIds = new Map<bigint, number>();
  for (const { id, address } of idrObjects(prog, "map_idr", out.problems)) {
    interrupt?.();
    mapIds.set(address, id);
    try {
      out.maps.push(readMap(prog, id, address, mapTypes));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(`bpf_map ${address.toString(16)} (id ${id}): ${err.message}`);
    }
  }
  for (const { id, address } of idrObjects(prog, "prog_idr", out.problems)) {
    interrupt?.();
    try {
      out.programs.push(readProgram(prog, id, address, progTypes, mapIds));
    } catch (err) {
      if (!(err instanceof KdwError)) throw err;
      out.problems.push(`bpf_prog ${address.toString(16)} (id ${id}): ${err.message}`);
    }
  }
  return out;
}

/** A program's translated instructions (bpf_prog.insnsi), bpf_prog.len of them, read at once. */
export function bpfProgramInsns(prog: Program, p: BpfProgram): Uint8Array {
  if (p.insnCount > MAX_BPF_INSNS) throw new WalkAborted(`bpf_prog ${p.address.toString(16)}`, `len ${p.insnCount} is over ${MAX_BPF_INSNS} instructions`, 0);
  return prog.read(p.address + BigInt(BPF.of(prog).progInsnsi), p.insnCount * BPF_INSN_SIZE);
}
