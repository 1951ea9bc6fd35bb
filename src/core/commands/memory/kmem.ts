// crash's `kmem` (memory.c cmd_kmem, crash 8.0.6): its options read as crash's getopt reads them, then one
// mode, each in its own file: -i the summary (kmem-info.ts), -p/-m struct pages (kmem-pages.ts), -s/-S/-r
// slab caches (kmem-slab.ts), -f/-F the buddy free lists, -v/-V vmalloc and the vm counters, -n/-z nodes and
// zones, -g/-h/-o/-c/-C small tables (kmem-tables.ts), and an address alone (kmem-search.ts).
import { totalPages } from "../../kernel/tasks/mem";
import { CommandError, defineCommand, type CommandContext } from "../command";
import type { ParsedArgs } from "../options";
import { isHexAddress, parseHex } from "../shared/symbol-args";
import { parseCpuList } from "../shared/cpu-list";
import { cpuCount } from "../../kernel/tasks/sched";
import { formatKmem } from "./kmem-format";
import { KMEM_HELP } from "./kmem-help";
import { kmemInfo, type KmemInfo } from "./kmem-info";
import { kmemMemMap, kmemPages, type KmemPages } from "./kmem-pages";
import { kmemHstates, kmemPageFlags, kmemPageHash, kmemPerCpuOffsets, type CpuOffset, type KmemPageFlags } from "./kmem-tables";
import type { Hstate } from "../../kernel/mm/hugetlb";
import { kmemSearch, type KmemSearch } from "./kmem-search";
import { kmemSlabs, type KmemSlabs, type SlabRequest } from "./kmem-slab";
import { kmemVmalloc, kmemVmStat, type KmemVmalloc, type KmemVmStat } from "./kmem-vm";
import { kmemFree, kmemFreeSearch, type KmemFree, type KmemFreeSearch } from "./kmem-free";
import { kmemNodes, kmemZones, type KmemNodes, type ZoneStats } from "./kmem-nodes";

export type { KmemInfo, KmemInfoRow } from "./kmem-info";
export type { KmemPages } from "./kmem-pages";

export type KmemResult =
  | ({ kind: "info" } & KmemInfo)
  | ({ kind: "pages" } & KmemPages)
  | ({ kind: "slabs" } & KmemSlabs)
  | ({ kind: "vmalloc" } & KmemVmalloc)
  | ({ kind: "vmstat" } & KmemVmStat)
  | ({ kind: "nodes" } & KmemNodes)
  | { kind: "zones"; zones: ZoneStats[] }
  | ({ kind: "free" } & KmemFree)
  | { kind: "free-search"; searches: KmemFreeSearch[] }
  | { kind: "page-flags"; tables: KmemPageFlags[] }
  | { kind: "hstates"; hstates: Hstate[] }
  | { kind: "per-cpu-offsets"; cpus: CpuOffset[] }
  | { kind: "search"; searches: KmemSearch[] }
  | { kind: "usage"; usage: string; reason?: string }
  | { kind: "several"; parts: KmemResult[] };

/** The mode letters crash counts for "only one flag allowed!" (cmd_kmem). */
const MODES = ["s", "S", "p", "f", "F", "V", "o", "v", "C", "c", "i", "g", "h", "r"] as const;
type Mode = (typeof MODES)[number];
/** Modes that take no address (cmd_kmem: "no address arguments allowed with this option"). */
const NO_ADDRESS: readonly string[] = ["z", "n", "i", "F", "C", "V", "o", "h", "r"];

export type KmemOptions =
  | { mode: "info" }
  | { mode: "pages"; physical: boolean; values: bigint[]; members?: string }
  | { mode: "slabs"; request: SlabRequest; cpuSpec?: string }
  | { mode: "vmalloc"; physical: boolean; values: bigint[] }
  | { mode: "vmstat" }
  | { mode: "nodes" }
  | { mode: "zones" }
  | { mode: "free"; verbose: boolean; physical: boolean; values: bigint[] }
  | { mode: "page-flags"; values: bigint[] }
  | { mode: "hstates" }
  | { mode: "per-cpu-offsets" }
  | { mode: "page-hash"; verbose: boolean }
  | { mode: "search"; physical: boolean; values: bigint[] }
  | { mode: "usage"; reason?: string }
  | { mode: "several"; parts: KmemOptions[] };

/** crash's cmd_usage(SYNOPSIS): the synopsis of the help text. */
const USAGE = `Usage:\n${KMEM_HELP.slice("SYNOPSIS\n".length, KMEM_HELP.indexOf("\n\nDESCRIPTION"))}\nEnter "help kmem" for details.\n`;

/** A usage error: crash prints the reason (if any), then the usage. */
class KmemUsage {
  constructor(readonly reason?: string) {}
}

function execute(ctx: CommandContext, o: KmemOptions): KmemResult {
  switch (o.mode) {
    case "usage":
      return o.reason === undefined ? { kind: "usage", usage: USAGE } : { kind: "usage", usage: USAGE, reason: o.reason };
    case "several":
      return { kind: "several", parts: o.parts.map((p) => execute(ctx, p)) };
    case "info":
      return { kind: "info", ...kmemInfo(ctx) };
    case "pages":
      return { kind: "pages", ...(o.values.length ? kmemPages(ctx, o.values, o.physical, o.members) : kmemMemMap(ctx, o.members)) };
    case "slabs": {
      const request = o.cpuSpec === undefined ? o.request : { ...o.request, cpus: parseCpuList("kmem", o.cpuSpec, cpuCount(ctx.prog)) };
      return { kind: "slabs", ...kmemSlabs(ctx, request, totalPages(ctx.prog)) };
    }
    case "vmalloc":
      return { kind: "vmalloc", ...kmemVmalloc(ctx, o.values, o.physical) };
    case "vmstat":
      return { kind: "vmstat", ...kmemVmStat(ctx) };
    case "nodes":
      return { kind: "nodes", ...kmemNodes(ctx) };
    case "zones":
      return { kind: "zones", zones: kmemZones(ctx) };
    case "free":
      if (o.values.length) return { kind: "free-search", searches: o.values.map((v) => kmemFreeSearch(ctx, v, o.physical)) };
      return { kind: "free", ...kmemFree(ctx, o.verbose) };
    case "page-flags":
      return { kind: "page-flags", tables: (o.values.length ? o.values : [0n]).map((v) => kmemPageFlags(ctx, v)) };
    case "hstates":
      return { kind: "hstates", hstates: kmemHstates(ctx) };
    case "per-cpu-offsets":
      return { kind: "per-cpu-offsets", cpus: kmemPerCpuOffsets(ctx) };
    case "page-hash":
      return kmemPageHash(ctx, o.verbose);
    case "search":
      return { kind: "search", searches: o.values.map((v) => kmemSearch(ctx, v, o.physical, totalPages(ctx.prog))) };
  }
}

function errorsOf(r: KmemResult): readonly string[] {
  switch (r.kind) {
    case "info":
      return r.problems.map((p) => `kmem: ${p}`);
    case "pages":
    case "slabs":
    case "vmalloc":
    case "nodes":
    case "free":
      return r.errors;
    case "free-search":
      return r.searches.flatMap((s) => s.errors);
    case "search":
      return r.searches.flatMap((s) => s.errors);
    case "usage":
      return r.reason === undefined ? [] : [`kmem: ${r.reason}`];
    case "several":
      return r.parts.flatMap(errorsOf);
    default:
      return [];
  }
}

const KMEM_OPTIONS = { flags: "gsrFfpvczCinPVoh", values: "Im", optionalValues: "S" } as const;

export const kmemCommand = defineCommand({
  name: "kmem",
  summary: "kernel memory",
  help: KMEM_HELP,
  options: KMEM_OPTIONS,
  parse(args): KmemOptions {
    try {
      return parseKmem(args);
    } catch (err) {
      if (err instanceof KmemUsage) return err.reason === undefined ? { mode: "usage" } : { mode: "usage", reason: err.reason };
      throw err;
    }
  },
  execute,
  format: formatKmem,
  errors: errorsOf,
});

type KmemArgs = ParsedArgs<typeof KMEM_OPTIONS>;

function parseKmem(args: KmemArgs): KmemOptions {
  const given = MODES.filter((m) => args.has(m)).length + (args.values("m").length > 0 && !args.has("p") ? 1 : 0);
  if (given > 1) throw new KmemUsage("only one flag allowed!");
  const values: bigint[] = [];
  let name: string | undefined;
  let escaped = false;
  for (const a of args.operands) {
    if (isHexAddress(a)) {
      values.push(parseHex(a));
      continue;
    }
    if (name !== undefined) throw new CommandError("kmem", "only one kmem_cache reference is allowed");
    escaped = a.startsWith("\\");
    name = escaped ? a.slice(1) : a;
    if (!args.has("s") && !args.has("S") && !args.has("r")) throw new KmemUsage();
  }
  const memberList = args.value("m");
  const mode = memberList !== undefined ? "p" : MODES.find((m): m is Mode => args.has(m));
  if (values.length && NO_ADDRESS.some((m) => args.has(m as Mode))) throw new KmemUsage("no address arguments allowed with this option");
  const cpuSpec = args.value("S");
  if (cpuSpec !== undefined && !cpuSpec.startsWith("=")) throw new CommandError("kmem", "CPU-specific slab data to be displayed must be written as expected only e.g. -S=1,45.");
  // -n and -z are no "flag" to crash's count: they print after the others, before -V, -o and -g.
  const extra: KmemOptions[] = [...(args.has("n") ? [{ mode: "nodes" } as const] : []), ...(args.has("z") ? [{ mode: "zones" } as const] : [])];
  if (mode === undefined && !values.length && extra.length) return extra.length === 1 ? extra[0]! : { mode: "several", parts: extra };
  const main = mainMode(args, mode, values, { name, escaped, memberList, cpuSpec });
  if (!extra.length) return main;
  return { mode: "several", parts: mode === "V" || mode === "o" || mode === "g" ? [...extra, main] : [main, ...extra] };
}

function mainMode(args: KmemArgs, mode: Mode | undefined, values: bigint[], o: { name?: string; escaped: boolean; memberList?: string; cpuSpec?: string }): KmemOptions {
  switch (mode) {
    case "v":
      return { mode: "vmalloc", physical: args.has("P"), values };
    case "V":
      return { mode: "vmstat" };
    case "f":
    case "F":
      return { mode: "free", verbose: mode === "F", physical: args.has("P"), values };
    case "i":
      return { mode: "info" };
    case "p":
      return o.memberList === undefined ? { mode: "pages", physical: args.has("P"), values } : { mode: "pages", physical: args.has("P"), values, members: o.memberList };
    case "g":
      return { mode: "page-flags", values };
    case "h":
      return { mode: "hstates" };
    case "o":
      return { mode: "per-cpu-offsets" };
    case "c":
    case "C":
      return { mode: "page-hash", verbose: mode === "C" };
    case "s":
    case "S":
    case "r":
      return {
        mode: "slabs",
        cpuSpec: o.cpuSpec?.slice(1),
        request: {
          verbose: mode === "S",
          roots: mode === "r",
          name: o.name,
          list: o.name === "list" && !o.escaped,
          ignore: (args.value("I") ?? "").split(/[,\s]+/).filter(Boolean),
          addresses: values,
          physical: args.has("P"),
        },
      };
    case undefined:
      if (values.length) return { mode: "search", physical: args.has("P"), values };
      throw new KmemUsage();
  }
}
