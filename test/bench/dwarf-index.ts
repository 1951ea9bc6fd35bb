// One cold build of the vmlinux's DWARF name index, in a process of its own, bundled as the CLI is (the
// bench runs it through esbuild into out/bench/): `node out/bench/dwarf-index.mjs VMLINUX THREADS` prints
// one JSON line with the wall and CPU time of opening the DWARF and building the index with THREADS threads
// (the caller's and THREADS - 1 worker threads; "default": what the CLI chooses on this machine), and the
// index image's SHA-256.
import { createHash } from "node:crypto";
import { nodeIndexWorkers } from "../../src/cli/index-workers";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { Dwarf } from "../../src/core/debuginfo/dwarf/dwarf";
import { dwarfSectionsFromElf } from "../../src/core/debuginfo/dwarf/elf-sections";
import { buildIndexParallel, type ParallelBuildReport } from "../../src/core/debuginfo/dwarf/index-parallel";
import { ElfFile } from "../../src/core/dump/elf";

const [path, threadsArg] = process.argv.slice(2);
const workers = threadsArg === "default" ? nodeIndexWorkers() : Number(threadsArg ?? 1) > 1 ? nodeIndexWorkers(Number(threadsArg) - 1) : undefined;
const source = new NodeFileSource("vmlinux", path!);
const t0 = performance.now();
const c0 = process.cpuUsage();
const dwarf = new Dwarf(dwarfSectionsFromElf(ElfFile.open(source))!);
const report: ParallelBuildReport = { threads: 0, ranges: 0, byCaller: 0, rebuilt: [] };
const index = buildIndexParallel(dwarf, source, workers, report);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const image = index.serialize();
process.stdout.write(
  JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, names: index.count, threads: report.threads, ranges: report.ranges, byCaller: report.byCaller, rebuilt: report.rebuilt, sha256: createHash("sha256").update(image).digest("hex"), rssMiB: process.memoryUsage().rss / 2 ** 20 }) + "\n",
);
