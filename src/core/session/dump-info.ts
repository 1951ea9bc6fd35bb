// `kdw info`: what a dump is, before any debuginfo. A structured result (for --json, the UI and the report)
// and its text layout.
import { evidenceSource } from "../dump/zstd-archive";
import type { DumpInfo } from "./contract";
import type { Dump, PhysRange } from "../dump/dump";
import { escapeControl } from "../commands/shared/escape";
import { iomemTopLevel, systemRamBytes, type ReadKernel } from "../kernel/mm/iomem";
import { pagesToSize } from "../kernel/system/sysinfo";
import { openBareKernel } from "../program/open-bare";

/** The VMCOREINFO fields `kdw info` shows first, in this order; the rest follow in --json. */
const KEY_FIELDS = [
  "OSRELEASE",
  "BUILD-ID",
  "PAGESIZE",
  "KERNELOFFSET",
  "NUMBER(phys_base)",
  "SYMBOL(_stext)",
  "SYMBOL(init_uts_ns)",
  "SYMBOL(swapper_pg_dir)",
  "NUMBER(pgtable_l5_enabled)",
  "CRASHTIME",
];

/** The contract declares what `kdw info` answers; this file fills it in. */
export type { DumpInfo };

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(12, "0");
}

const DUMP_LEVEL_BITS: [number, string][] = [
  [1, "zero pages (kept as one shared zero page)"],
  [2, "cache pages"],
  [4, "cache private"],
  [8, "user pages"],
  [16, "free pages"],
];

export function describeDumpLevel(level: number): string {
  const parts = DUMP_LEVEL_BITS.filter(([bit]) => level & bit).map(([, what]) => what);
  return parts.length ? `${level} (excludes ${parts.join(", ")})` : `${level} (nothing excluded)`;
}

function systemRam(dump: Dump, kernel: IomemRoot | undefined): { systemRamBytes?: number; systemRam?: string } {
  const bytes = kernelSystemRam(dump, kernel);
  return bytes === undefined ? {} : { systemRamBytes: bytes, systemRam: pagesToSize(Math.floor(bytes / dump.pageSize), dump.pageSize) };
}

/** Where the kernel's iomem_resource tree is, when a kernel is already open (no need to decode kallsyms). */
export interface IomemRoot {
  space: ReadKernel;
  iomemResource: bigint;
}

/** System RAM as the kernel recorded it, when VMCOREINFO lets kdw find iomem_resource without a vmlinux. */
function kernelSystemRam(dump: Dump, kernel: IomemRoot | undefined): number | undefined {
  let root = kernel;
  if (!root) {
    const k = openBareKernel(dump);
    const iomemResource = k?.addressOf("iomem_resource");
    if (!k || iomemResource === undefined) return undefined;
    root = { space: k.space, iomemResource };
  }
  const { ranges } = iomemTopLevel(root.space, root.iomemResource);
  const bytes = systemRamBytes(ranges);
  return bytes > 0n ? Number(bytes) : undefined;
}

/** `kernel`: the open kernel's iomem_resource, which spares decoding the dump's own kallsyms to find it. */
export function dumpInfo(dump: Dump, fileSize: number, kernel?: IomemRoot): DumpInfo {
  const stats = dump.pageStats();
  const ranges: PhysRange[] = dump.memoryRanges;
  const vmci: Record<string, string> = {};
  for (const [k, v] of dump.vmcoreinfo?.entries ?? []) vmci[k] = v;
  const crashTime = dump.vmcoreinfo?.crashTime;
  return {
    file: evidenceSource(dump.source).name,
    fileSize,
    format: dump.format.description,
    kind: dump.format.kind,
    compressions: Object.keys(stats.byCompression).sort(),
    dumpLevel: dump.format.dumpLevel,
    pageSize: dump.pageSize,
    cpus: dump.cpus.length,
    memoryRanges: ranges.map((r) => ({ start: hex(r.start), end: hex(r.end), bytes: r.end - r.start })),
    memoryBytes: ranges.reduce((s, r) => s + (r.end - r.start), 0),
    ...systemRam(dump, kernel),
    pagesPresent: stats.present,
    pagesExcluded: stats.excluded,
    pagesByCompression: stats.byCompression,
    vmcoreinfo: vmci,
    crashTime: crashTime !== undefined ? new Date(crashTime * 1000).toISOString() : undefined,
    details: dump.format.details,
  };
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}


export function formatDumpInfo(info: DumpInfo): string {
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`${(k + ":").padEnd(14)}${v}`);
  row("file", `${escapeControl(info.file)} (${info.fileSize} bytes)`);
  row("format", info.format);
  row("compression", info.compressions.map((c) => `${c} (${info.pagesByCompression[c]} pages)`).join(", ") || "-");
  if (info.dumpLevel !== undefined) row("dump level", describeDumpLevel(info.dumpLevel));
  row("page size", String(info.pageSize));
  row("cpus", String(info.cpus));
  if (info.systemRam) row("system RAM", `${info.systemRam} (${info.systemRamBytes} bytes, the kernel's "System RAM" resources)`);
  row("memory", `${mb(info.memoryBytes)} (${info.memoryBytes} bytes) in the dump, in ${info.memoryRanges.length} ranges`);
  for (const r of info.memoryRanges) lines.push(`${"".padEnd(14)}${r.start} - ${r.end}  ${mb(r.bytes)}`);
  row("pages", `${info.pagesPresent} present, ${info.pagesExcluded} excluded`);
  if (info.crashTime) row("crash time", info.crashTime);
  if (info.sha256) row("sha256", info.sha256);
  const keys = Object.keys(info.vmcoreinfo);
  if (keys.length === 0) row("vmcoreinfo", "none in this dump");
  else {
    lines.push("vmcoreinfo:");
    for (const k of KEY_FIELDS) if (k in info.vmcoreinfo) lines.push(`  ${k}=${escapeControl(info.vmcoreinfo[k]!)}`);
    lines.push(`  (${keys.length} entries in all; --json lists every one)`);
  }
  return lines.join("\n") + "\n";
}
