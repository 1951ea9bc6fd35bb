// `kdw demo`: the README's main job on a fresh clone. Opens kdw's own sample (samples/dump.kdump.zst: Debian
// 13's 6.12 cloud kernel, crashed by a rootkit that hid itself) with no vmlinux, as an analyst would a dump
// from an unknown host: the console's `sys`, the panic task's `bt` and the findings from high up, then the
// incident report. Both go through the same adapters as `kdw DUMP -c` and `kdw report`.
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { parse } from "./args";
import { FileArgumentError } from "./evidence";
import { runConsole } from "./console";
import { runReport } from "./report";
import { SAMPLE_DUMP } from "./host";

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parse(args, { output: { type: "string", short: "o" } });
  const dump = SAMPLE_DUMP;
  if (!existsSync(dump)) throw new FileArgumentError(`${dump}: the sample is not here (it ships with kdw's repository, under samples/)`);
  const near = relative(process.cwd(), dump);
  const shown = near !== "" && !near.startsWith("..") ? near : dump;
  const output = values.output ?? "report.html";
  process.stdout.write(
    `kdw demo: ${shown}, a kdump of Debian 13's 6.12 cloud kernel that panicked in a rootkit which had hidden\n` +
      `itself (samples/README.md). Opened with no vmlinux: symbols, types and unwind tables come from the dump.\n` +
      `The same as: kdw ${shown} --no-debuginfo -c "sys; bt; findings -s high"\n\n`,
  );
  const consoleStatus = await runConsole([dump, "--no-debuginfo", "-c", "sys; bt; findings -s high"]);
  process.stdout.write(`\nThe incident report (the same as: kdw report ${shown} --no-debuginfo -o ${output}):\n`);
  const reportStatus = await runReport([dump, "--no-debuginfo", "-o", output]);
  process.stdout.write(`\nNext: kdw ${shown} (the console: "help" lists crash's commands), or kdw serve ${shown} (the workbench).\n`);
  return consoleStatus !== 0 ? consoleStatus : reportStatus;
}
