// `search` over all of the fixture's memory: the hidden module's struct module (found by kdw's module views,
// as the detectors find it: the module that is not on the module list) looked for in kernel virtual memory
// (crash's default: the direct map covers all of physical memory, then vmalloc, vmemmap and the kernel text
// mapping), in physical memory, and a string search; kdw in-process beside crash 8.0.6 in one interactive
// process, both without start-up, and both whole processes with start-up. The goal: under 2 s for kdw.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { NodeFileSource } from "../../src/cli/node-file-source";
import { nodeCodecs } from "../../src/cli/node-codecs";
import { Session } from "../../src/core/session/session";
import { moduleViews } from "../../src/core/kernel/modules/views";
import { CrashSession } from "./crash-session";
import { fmtRatio, haveGnuTime, measure } from "./harness";

const KDW = resolve("bin/kdw.cjs");

export async function benchSearch(dump: string, vmlinux: string, crashPath: string | undefined, section: (title: string) => void): Promise<void> {
  section("search over all of the fixture's memory: kdw in-process (first and second run) beside crash 8.0.6 in one interactive process, without start-up (s); goal for kdw: under 2 s");
  if (!existsSync(dump) || !existsSync(vmlinux)) return void process.stdout.write("fixtures absent\n");
  const session = Session.open(new NodeFileSource("dump.lzo", dump), new NodeFileSource("vmlinux", vmlinux), { codecs: nodeCodecs });
  const hidden = moduleViews(session.context.prog).modules.find((v) => !v.seenBy.includes("module-list"));
  if (!hidden) return void process.stdout.write("no module off the module list in this dump: nothing to search for\n");
  const addr = hidden.module.address.toString(16);
  process.stdout.write(`the struct module off the module list: ${addr}\n`);
  const commands = [`search ${addr}`, `search -p ${addr}`, `search -K ${addr}`, "search -c mzoneinfo"];
  const crash = crashPath ? new CrashSession(crashPath, vmlinux, dump) : undefined;
  if (crash) process.stdout.write(`crash start-up: ${(await crash.startupSeconds).toFixed(1)} s\n`);
  else process.stdout.write("crash: not installed, or does not run (see the top); kdw figures only\n");
  process.stdout.write(`${"command".padEnd(30)}${"matches".padStart(8)}${"kdw 1st".padStart(9)}${"kdw 2nd".padStart(9)}${crash ? "crash".padStart(9) + "  kdw/crash" : ""}\n`);
  for (const c of commands) {
    const a = performance.now();
    const r = session.run(c);
    const b = performance.now();
    session.run(c);
    const k1 = (b - a) / 1000;
    const k2 = (performance.now() - b) / 1000;
    const matches = r.text === "" ? 0 : r.text.trimEnd().split("\n").length;
    let line = `${c.padEnd(30)}${String(matches).padStart(8)}${k1.toFixed(2).padStart(9)}${k2.toFixed(2).padStart(9)}`;
    if (crash) {
      const t = await crash.time(c);
      line += `${t.toFixed(2).padStart(9)}  ${fmtRatio(k1, t).padStart(9)}`;
    }
    process.stdout.write(line + "\n");
  }
  await crash?.close();
  if (!haveGnuTime) return;
  const first = commands[0]!;
  const kdw = measure("node", [KDW, "console", vmlinux, dump, "-c", first], { runs: 1 });
  const rows: [string, typeof kdw][] = [["kdw", kdw]];
  if (crashPath) rows.push(["crash", measure(crashPath, ["-s", vmlinux, dump], { input: `${first}\nq\n`, runs: 1 })]);
  process.stdout.write(`whole process, start-up included (${first}):\n`);
  for (const [name, m] of rows) process.stdout.write(`  ${name.padEnd(6)} ${m.wallSeconds.toFixed(2)} s  ${(m.peakKiB / 1024).toFixed(0)} MiB  time ratio kdw/${name} ${fmtRatio(kdw.wallSeconds, m.wallSeconds)}${m.ok ? "" : "  FAILED " + m.note}\n`);
}
