// npm run test:ui: the workbench in Debian's chromium against `kdw serve` (see workbench.ts, hostile.ts,
// scroll.ts). Needs the built renderer (npm run build) and the fixtures; without chromium or the fixtures
// it skips with the reason (under CI=true it fails).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fixturesDir, inCI } from "../fixtures";
import { haveChromium, CHROMIUM } from "./browser";
import { figures, results, SHOTS } from "./steps";
import { runWorkbench } from "./workbench";
import { runHostile } from "./hostile";
import { runScroll } from "./scroll";
import { runSample } from "./sample";

const renderer = fileURLToPath(new URL("../../out/renderer/index.html", import.meta.url));

function skipAll(reason: string): never {
  if (inCI) {
    process.stderr.write(`test:ui: ${reason}\n`);
    process.exit(1);
  }
  process.stdout.write(`SKIP test:ui: ${reason}\n`);
  process.exit(0);
}

if (!haveChromium()) skipAll(`no chromium at ${CHROMIUM} (apt-get install chromium)`);
if (!existsSync(renderer)) skipAll("the renderer is not built (npm run build)");
const only = process.argv.slice(2);
const want = (name: string): boolean => only.length === 0 || only.includes(name);

process.stdout.write("test:ui — the workbench in chromium against kdw serve\n");
// The sample is in the repository: its run needs no fixtures.
if (want("sample")) await runSample();
const haveFixtures = existsSync(`${fixturesDir}/dump.lzo`) && existsSync(`${fixturesDir}/vmlinux`);
if (!haveFixtures && ["workbench", "scroll", "hostile"].some(want)) {
  if (inCI) skipAll(`fixtures not found in ${fixturesDir} (run ../shared/fixtures/prepare.sh)`);
  process.stdout.write(`  skip  the fixture runs: fixtures not found in ${fixturesDir} (run ../shared/fixtures/prepare.sh)\n`);
}
if (haveFixtures && want("workbench")) await runWorkbench(fixturesDir);
if (haveFixtures && want("scroll")) await runScroll(fixturesDir);
if (haveFixtures && want("hostile")) {
  if (existsSync(`${fixturesDir}/dump.elf`)) await runHostile(fixturesDir);
  else skipAll(`dump.elf not found in ${fixturesDir} (prepare.sh makes it)`);
}

process.stdout.write("\nFigures (Performance API, reported not asserted):\n");
for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k}: ${v}\n`);
process.stdout.write(`Screenshots: ${SHOTS}\n`);
const failed = results.filter((r) => r.status === "fail");
const skipped = results.filter((r) => r.status === "skip");
process.stdout.write(`\n${results.length - failed.length - skipped.length} passed, ${failed.length} failed, ${skipped.length} skipped\n`);
if (inCI && skipped.length) process.stdout.write("(skipped steps are reported; they do not fail CI: each names what it waits for)\n");
process.exit(failed.length ? 1 : 0);
