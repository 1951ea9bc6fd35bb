// Frame times while scrolling 10,000 rows (Performance API, reported): the task tree (the real panel in a
// harness page with 10,000 generated processes, built here with Vite) and the hex view (the app, over
// 10,000 rows of the fixture's kernel memory). One scroll step per animation frame; the time between
// frames is what the analyst would see.
import { build } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { CDPSession, Page } from "playwright-core";
import { launch } from "./browser";
import { serve } from "./serve";
import { check, figure, SHOTS, step } from "./steps";

interface Frames {
  /** Main-thread work per frame from the DevTools Performance metrics (task, script, style, layout). */
  work?: string;
  frames: number;
  max: number;
  p95: number;
  mean: number;
  over33: number;
}

function describe(f: Frames): string {
  return `${f.frames} frames, mean ${f.mean.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms, ${f.over33} over 33 ms${f.work ? `; main-thread work per frame ${f.work}` : ""}`;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: m } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(m.map((x) => [x.name, x.value]));
}

/** Runs `stepBody` (a function body returning false to stop) once per animation frame; the intervals
 *  between frames. Passed as source: the page's CSP forbids eval, but the DevTools protocol's is exempt. */
async function frameTimes(page: Page, stepBody: string): Promise<Frames> {
  const script = `(async () => {
    const step = () => { ${stepBody} };
    const times = [];
    await new Promise((done) => {
      let last = 0;
      const tick = () => {
        const now = performance.now();
        if (last) times.push(now - last);
        last = now;
        if (!step() || times.length > 5000) return done();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(() => requestAnimationFrame(tick));
    });
    // Let the last frame render, and count it.
    await new Promise((r) => requestAnimationFrame(() => { times.push(performance.now() - (times.length ? 0 : 0) - 0); r(); }));
    times.pop();
    const sorted = [...times].sort((a, b) => a - b);
    return { frames: times.length, max: sorted[sorted.length - 1] ?? 0, p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0, mean: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length), over33: times.filter((t) => t > 33).length };
  })()`;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const before = await metrics(cdp);
  const f = (await page.evaluate(script)) as Frames;
  const after = await metrics(cdp);
  await cdp.detach();
  const per = (k: string): string => (((after[k]! - before[k]!) * 1000) / Math.max(1, f.frames)).toFixed(1);
  f.work = `${per("TaskDuration")} ms (script ${per("ScriptDuration")}, style ${per("RecalcStyleDuration")}, layout ${per("LayoutDuration")})`;
  return f;
}

async function buildHarness(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "kdw-harness-"));
  await build({ root: fileURLToPath(new URL("./harness/", import.meta.url)), base: "./", logLevel: "warn", plugins: [svelte()], build: { outDir: out, emptyOutDir: true } });
  return out;
}

function staticServer(root: string): Promise<{ url: string; close(): void }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    const file = path.endsWith("/") ? join(path, "index.html") : path;
    if (!file.startsWith(root) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const a = server.address() as { port: number };
    resolve({ url: `http://127.0.0.1:${a.port}/`, close: () => server.close() });
  }));
}

export async function runScroll(dir: string): Promise<void> {
  // ---- the task tree with 10,000 rows.
  const harness = await buildHarness();
  const site = await staticServer(harness);
  let browser = await launch({ colorScheme: "dark", width: 480, height: 800 });
  try {
    await step("scroll: task tree over 10,000 rows (harness)", browser.page, async () => {
      const { page } = browser;
      await page.goto(site.url);
      await page.waitForSelector("[data-testid=task-tree] .trow");
      const idle = await frameTimes(page, `window.__i = (window.__i ?? 0) + 1; return window.__i < 120;`);
      figure("idle page (baseline of this machine's frame pacing)", describe(idle));
      const total = await page.evaluate(() => (document.querySelector("[data-testid=task-tree] .vl .spacer") as HTMLElement).offsetHeight / 20);
      check(total >= 10_000, `${total} rows in the list`);
      // 25 rows (500 px) per frame, to the end of 10,000 rows.
      const f = await frameTimes(page, `const vl = document.querySelector("[data-testid=task-tree] .vl"); vl.scrollTop += 500; return vl.scrollTop < 10000 * 20 - vl.clientHeight - 1;`);
      figure("task tree: scroll 10,000 rows, 25 rows per frame", describe(f));
      await page.waitForFunction(() => document.querySelector("[data-testid=task-tree] .vrow:last-child .comm")?.textContent === "worker-9999", undefined, { timeout: 5000 }).catch(() => undefined);
      const last = await page.textContent("[data-testid=task-tree] .vrow:last-child .comm");
      check(last === "worker-9999", `the last row is shown at the end (${last})`);
      await page.screenshot({ path: `${SHOTS}scroll-task-tree-10000.png` });
    });
  } finally {
    await browser.close();
    site.close();
    rmSync(harness, { recursive: true, force: true });
  }

  // ---- the hex view over 10,000 rows of kernel memory.
  const server = await serve([`${dir}/vmlinux`, `${dir}/dump.lzo`]);
  browser = await launch({ colorScheme: "dark" });
  try {
    await step("scroll: hex view over 10,000 rows (160 KiB of kernel text)", browser.page, async () => {
      const { page } = browser;
      await page.goto(server.url);
      await page.waitForSelector("[data-testid=task-tree] .trow");
      await page.keyboard.press("Control+g");
      await page.fill("[data-testid=goto] input", "_stext");
      await page.waitForSelector("[data-testid=goto] li");
      await page.keyboard.press("Enter");
      await page.waitForSelector("[data-testid=hex-view] .b:not(.ld)");
      const start = (await page.textContent("[data-testid=hex-view] .row .a")) ?? "";
      // 50 rows per frame (a fast flick), 200 frames: 10,000 rows.
      const f = await frameTimes(page, `window.__n = (window.__n ?? 0) + 1; document.querySelector("[data-testid=hex-view] .pane").dispatchEvent(new WheelEvent("wheel", { deltaY: 50 * 18, bubbles: true, cancelable: true })); return window.__n < 200;`);
      figure("hex view: scroll 10,000 rows, 50 rows per frame", describe(f));
      const end = (await page.textContent("[data-testid=hex-view] .row .a")) ?? "";
      check(BigInt("0x" + end) - BigInt("0x" + start) === 10_000n * 16n, `moved ${start} → ${end}`);
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${SHOTS}scroll-hex-10000.png` });
    });
  } finally {
    await browser.close();
    await server.stop();
  }
}
