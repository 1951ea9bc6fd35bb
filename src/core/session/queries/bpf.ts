// The loaded eBPF programs and maps (kernel/bpf/bpf.ts) in the contract's shape: what the workbench, the
// report and the detectors read where the console prints `bpf`.
import { bpfObjects } from "../../kernel/bpf/bpf";
import { bootTimeNs, crashTime } from "../../kernel/system/sysinfo";
import type { Program } from "../../program/program";
import type { BpfMapInfo, BpfProgramInfo, BpfReply } from "../contract";
import { hex } from "../problems";

export function bpfReply(prog: Program, interrupt?: () => void): BpfReply {
  const objs = bpfObjects(prog, interrupt);
  const now = crashTime(prog);
  const up = bootTimeNs(prog);
  const boot = now !== undefined && up !== undefined ? BigInt(now) * 1_000_000_000n - up : undefined;
  const programs = objs.programs.map((p): BpfProgramInfo => {
    const row: BpfProgramInfo = {
      id: p.id,
      address: hex(p.address),
      aux: hex(p.aux),
      type: p.typeName,
      typeValue: p.type,
      tag: p.tag,
      usedMaps: p.usedMaps,
      insnCount: p.insnCount,
      jited: p.jited,
      jitedLen: p.jitedLen,
      bpfFunc: hex(p.bpfFunc),
    };
    if (p.jitSymbol !== undefined) row.jitSymbol = p.jitSymbol;
    if (p.memlock !== undefined) row.memlock = p.memlock;
    if (p.loadTime !== undefined) {
      row.loadTimeNs = p.loadTime.toString();
      if (boot !== undefined) row.loadedAt = new Date(Number((boot + p.loadTime) / 1_000_000n)).toISOString();
    }
    if (p.gplCompatible !== undefined) row.gplCompatible = p.gplCompatible;
    if (p.name !== undefined) row.name = p.name;
    if (p.uid !== undefined) row.uid = p.uid;
    if (p.attachFuncName !== undefined) row.attachFuncName = p.attachFuncName;
    return row;
  });
  const maps = objs.maps.map((m): BpfMapInfo => {
    const row: BpfMapInfo = { id: m.id, address: hex(m.address), type: m.typeName, typeValue: m.type, flags: m.flags, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries };
    if (m.name !== undefined) row.name = m.name;
    if (m.uid !== undefined) row.uid = m.uid;
    return row;
  });
  const reply: BpfReply = { programs, maps, problems: objs.problems.map((message) => ({ code: "walk-aborted", message })) };
  if (objs.absent !== undefined) reply.absent = objs.absent;
  return reply;
}
