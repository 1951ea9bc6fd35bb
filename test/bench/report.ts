// `kdw report` on the main fixture from process start, beside `kdw console … -c sys` (the goal: at most
// twice as long), run alternately so both see the same machine load; the report's size; and where its time
// goes in-process (open, each query phase, rendering; hashing runs in a worker meanwhile), and the hashing
// thread's time alone (what the report waits for last).
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildReportData, renderReportHtml } from "../../src/core/session/report";
import { SessionService } from "../../src/core/session/service";
import { nodeHost } from "../../src/cli/host";
import { hashFiles } from "../../src/cli/hash-files";
import { fmtRatio, haveGnuTime, measure, median } from "./harness";

const ROUNDS = 5;
const KDW = resolve("bin/kdw.cjs");

export async function benchReport(dump: string, vmlinux: string): Promise<void> {
  process.stdout.write(`\n== kdw report from process start vs kdw console -c sys: alternating, median of ${ROUNDS} (wall s, peak RSS); goal report/sys <= 2x\n`);
  if (!existsSync(dump) || !existsSync(vmlinux)) return void process.stdout.write("fixtures absent\n");
  if (!haveGnuTime) return void process.stdout.write("/usr/bin/time not found (apt-get install time)\n");
  const dir = mkdtempSync(join(tmpdir(), "kdw-bench-report-"));
  try {
    const out = join(dir, "report.html");
    const sys: { wall: number; rss: number }[] = [];
    const rep: { wall: number; rss: number }[] = [];
    let failed = "";
    for (let i = 0; i < ROUNDS; i++) {
      const s = measure("node", [KDW, "console", vmlinux, dump, "-c", "sys"], { runs: 1 });
      const r = measure("node", [KDW, "report", vmlinux, dump, "-o", out, "--json", join(dir, "report.json")], { runs: 1 });
      if (!r.ok) failed = r.note ?? "failed";
      sys.push({ wall: s.wallSeconds, rss: s.peakKiB });
      rep.push({ wall: r.wallSeconds, rss: r.peakKiB });
    }
    const sysWall = median(sys.map((x) => x.wall));
    const repWall = median(rep.map((x) => x.wall));
    process.stdout.write(`console -c sys ${sysWall.toFixed(3)} s  ${(median(sys.map((x) => x.rss)) / 1024).toFixed(0)} MiB\n`);
    process.stdout.write(`report         ${repWall.toFixed(3)} s  ${(median(rep.map((x) => x.rss)) / 1024).toFixed(0)} MiB  report/sys ${fmtRatio(repWall, sysWall)}${failed ? `  FAILED ${failed}` : ""}\n`);
    if (!failed) process.stdout.write(`report size: HTML ${(statSync(out).size / 1024).toFixed(0)} KiB, JSON ${(statSync(join(dir, "report.json")).size / 1024).toFixed(0)} KiB\n`);

    // In-process phases (one run, warm caches), with the evidence hashed in the same thread this time.
    const service = new SessionService(nodeHost());
    let t = performance.now();
    let current = "open";
    const phases: string[] = [];
    const lap = (next: string) => {
      const now = performance.now();
      phases.push(`${current} ${(now - t).toFixed(0)}`);
      t = now;
      current = next;
    };
    const opened = await service.call("open", { dump, vmlinux });
    lap("start");
    const data = await buildReportData((m, p, o) => service.call(m, p, o), { opened, tool: { version: "bench" }, onProgress: (phase) => lap(phase) });
    lap("render");
    const html = renderReportHtml(data);
    lap("");
    await service.call("close", {});
    process.stdout.write(`in-process phases (ms): ${phases.filter((p) => !/^(start|done|hashes) /.test(p)).join(", ")}; HTML ${(html.length / 1024).toFixed(0)} KiB\n`);
    // What a report waits for last: its hashing thread over the dump and the vmlinux, timed alone here.
    const h0 = performance.now();
    const hashed = await hashFiles({ dump, vmlinux }).done;
    const hashSeconds = (performance.now() - h0) / 1000;
    const bytes = statSync(dump).size + statSync(vmlinux).size;
    process.stdout.write(
      `kdw report's hashing thread alone (SHA-256 of the dump and the vmlinux, ${(bytes / 2 ** 20).toFixed(0)} MiB${hashed.dump?.sha256 && hashed.vmlinux?.sha256 ? "" : ", FAILED"}): ${hashSeconds.toFixed(3)} s, ${fmtRatio(hashSeconds, sysWall)} of console -c sys\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
