// Hostile strings from a dump show as text in every panel and run nothing: a patched copy of the fixture
// (patch-image.ts) with markup, terminal escapes, invalid UTF-8 and a 4,000-character path, opened through
// kdw serve in chromium. Nothing may execute (no dialog, no page error, no global set, no element created
// from the strings), and each string must be visible as text.
import type { Page } from "playwright-core";
import { rmSync } from "node:fs";
import { launch } from "./browser";
import { patchImage, HOSTILE, type Patched } from "./patch-image";
import { serve } from "./serve";
import { check, SHOTS, step } from "./steps";
import { runLine } from "./xterm";

async function nothingRan(page: Page): Promise<void> {
  const r = await page.evaluate(() => ({
    pwned: (window as unknown as { __kdwPwned?: unknown }).__kdwPwned,
    elements: document.querySelectorAll("img, iframe, object, embed, svg[onload], script:not([type=module])").length,
    handlers: Array.from(document.querySelectorAll("*")).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith("on"))).length,
    title: document.title,
  }));
  check(r.pwned === undefined, `a payload ran (window.__kdwPwned = ${String(r.pwned)})`);
  check(r.elements === 0, `${r.elements} elements made from dump text (img/iframe/object/embed/svg/script)`);
  check(r.handlers === 0, `${r.handlers} elements carry on* attributes`);
  check(!r.title.includes("pwn"), `the title changed: ${r.title}`);
}

export async function runHostile(dir: string): Promise<void> {
  let patched: Patched | undefined;
  const original = await serve([`${dir}/vmlinux`, `${dir}/dump.elf`]);
  try {
    await step("hostile: patch a copy of the ELF dump (comm, module name, log record, 4,000-character path)", undefined, async () => {
      patched = await patchImage(original, `${dir}/dump.elf`);
    });
  } finally {
    await original.stop();
  }
  if (!patched) return;
  const server = await serve([`${dir}/vmlinux`, patched.dump]);
  const browser = await launch({ colorScheme: "dark" });
  const { page } = browser;
  const p = patched;
  try {
    await step("hostile: the first screen opens; nothing runs", page, async () => {
      await page.goto(server.url);
      await page.waitForSelector("[data-testid=task-tree] .trow");
      await nothingRan(page);
    });

    await step("hostile: the comm shows as text in the task tree and task details", page, async () => {
      const row = page.locator(`[data-testid=task-tree] .trow[data-pid="${p.comm.pid}"]`).first();
      await row.scrollIntoViewIfNeeded();
      const text = (await row.locator(".comm").textContent()) ?? "";
      check(text === "<script>\\x1b[31mÿ", `task tree comm: ${JSON.stringify(text)}`);
      await row.click();
      await page.waitForSelector("[data-testid=task-details] .comm");
      check(((await page.textContent("[data-testid=task-details] .comm")) ?? "").startsWith("<script>\\x1b"), "task details comm");
      await page.screenshot({ path: `${SHOTS}hostile-1-comm.png` });
      await nothingRan(page);
    });

    await step("hostile: the console shows the comm and the log line as text (escapes neutralised)", page, async () => {
      const text = await runLine(page, "ps | grep script", /script/);
      check(text.includes("<script>\\x1b[31m"), `ps output: ${text.split("\n").filter((l) => l.includes("script")).join(" | ")}`);
      const log = await runLine(page, "log | head -1", /onerror/);
      // crash's log prints unprintable bytes as "."; what matters is that they are inert text.
      const line = log.split("\n").find((l) => l.includes("onerror")) ?? "";
      check(line.includes('<img src=x onerror="window.__kdwPwned=1">') && line.includes("[2J") && line.includes("]0;pwned"), `log line in the console: ${line}`);
      await page.screenshot({ path: `${SHOTS}hostile-2-console.png` });
      await nothingRan(page);
    });

    await step("hostile: the log panel shows the record as text, searchable", page, async () => {
      await page.keyboard.press("Alt+5");
      await page.fill("[data-testid=log] input.search", "onerror");
      await page.keyboard.press("Enter");
      const line = (await page.textContent("[data-testid=log] .line.cur")) ?? "";
      check(line.includes('<img src=x onerror="window.__kdwPwned=1">\\x1b[2J\\x1b]0;pwned\\x07 ÿþÃ('), `log line: ${JSON.stringify(line.slice(0, 160))}`);
      await page.fill("[data-testid=log] input.search", "");
      await page.screenshot({ path: `${SHOTS}hostile-3-log.png` });
      await nothingRan(page);
    });

    await step("hostile: the module name shows as text in the modules panel", page, async () => {
      await page.keyboard.press("Alt+6");
      const cell = page.locator(`[data-testid=modules] td.name`).filter({ hasText: "<svg onload=alert(1)>" });
      const text = (await cell.first().getAttribute("title")) ?? "";
      check(text.startsWith('<svg onload=alert(1)>\\x1b]0;pwn\\x07â\\x80®"'), `module name: ${JSON.stringify(text)}`);
      await page.screenshot({ path: `${SHOTS}hostile-4-modules.png` });
      await nothingRan(page);
    });

    await step("hostile: a 4,000-character exe path is text, clipped, whole in its title; the layout holds", page, async () => {
      await page.click(`[data-testid=task-tree] .trow[data-pid="${p.exe.pid}"]`);
      await page.waitForSelector("[data-testid=task-details] dd.path");
      const title = (await page.getAttribute("[data-testid=task-details] dd.path", "title")) ?? "";
      check(title.length >= HOSTILE.nameLength, `exe path length ${title.length}`);
      // Over crash's 1,500-byte path buffer the parents are left off, as crash does: the name alone.
      check(title.startsWith("<img src=x onerror=alert(1)>\\x1b[1m/") && title.endsWith(" (deleted)"), `exe path: ${title.slice(0, 80)}`);
      const box = (await page.locator("[data-testid=task-details]").boundingBox())!;
      const dd = (await page.locator("[data-testid=task-details] dd.path").first().boundingBox())!;
      check(dd.x + dd.width <= box.x + box.width + 1, "the path stays inside its panel");
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      check(scroll, "the window does not scroll sideways");
      await page.click("[data-testid=task-details] .tab:has-text('Memory map')");
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${SHOTS}hostile-5-long-path.png` });
      await nothingRan(page);
    });

    await step("hostile: no dialog, no page error, nothing fetched from elsewhere", page, async () => {
      check(browser.errors.length === 0, browser.errors.join("\n"));
      check(browser.foreign.length === 0, browser.foreign.join(", "));
    });
  } finally {
    await browser.close();
    await server.stop();
    rmSync(p.dir, { recursive: true, force: true });
  }
}
