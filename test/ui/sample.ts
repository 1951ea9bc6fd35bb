// The workbench on kdw's own sample, as a first-time user meets it: `kdw serve` with nothing open, the welcome
// screen's "Open the sample", the summary of a kernel the detectors were not written against. Needs no
// fixtures (the sample is in the repository), so it runs on a fresh clone too.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch } from "./browser";
import { serve } from "./serve";
import { check, figure, SHOTS, step } from "./steps";

interface SampleTruth {
  kernel: { osrelease: string };
  module: { name: string };
  panic: { pid: number; comm: string };
}

const truth = JSON.parse(readFileSync(fileURLToPath(new URL("../../samples/manifest.json", import.meta.url)), "utf8")) as SampleTruth;

export async function runSample(): Promise<void> {
  const server = await serve([]);
  const browser = await launch({ colorScheme: "dark" });
  const { page } = browser;
  try {
    await step("sample: the welcome screen opens kdw's sample; the summary names its release, panic task and hidden module", page, async () => {
      await page.goto(server.url);
      await page.waitForSelector("[data-testid=open-sample]");
      const t0 = await page.evaluate(() => performance.now());
      await page.click("[data-testid=open-sample]");
      await page.waitForSelector("[data-testid=summary] .panic-text", { timeout: 120_000 });
      await page.waitForFunction(() => performance.getEntriesByName("kdw:summary-painted").length > 0);
      const painted = await page.evaluate(() => performance.getEntriesByName("kdw:summary-painted")[0]!.startTime);
      figure("sample: Open the sample clicked → summary painted (unpacks the 12 MB zstd archive, no vmlinux)", `${Math.round(painted - t0)} ms`);
      await page.waitForFunction((m) => (document.querySelector("[data-testid=summary]")?.textContent ?? "").includes(m), truth.module.name, { timeout: 60_000 });
      const strip = (await page.textContent("[data-testid=summary]")) ?? "";
      check(strip.includes(truth.kernel.osrelease), `the summary names the release ${truth.kernel.osrelease}`);
      check(strip.includes(`${truth.panic.comm} (${truth.panic.pid})`), "the panic task is in the summary");
      await page.waitForSelector("[data-testid=task-tree] .trow");
      await page.waitForTimeout(120);
      await page.screenshot({ path: `${SHOTS}13-sample-first-screen.png` });
      check(browser.errors.length === 0, browser.errors.join("\n"));
      check(browser.foreign.length === 0, `requests beyond kdw serve: ${browser.foreign.join(", ")}`);
    });
  } finally {
    await browser.close();
    await server.stop();
  }
}
