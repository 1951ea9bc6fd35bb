// The "Must show" on the main fixture, through `kdw serve` in chromium: open the dump; sys and bt in
// the console and an address from the output into the hex view; the miner and the swarm in the task tree; a
// finding onto its task; a symbol in the hex view read in the inspector; a backtrace frame into Monaco; the
// log searched; back/forward. Screenshots of each panel go to test/ui/screenshots/.
import type { Page } from "playwright-core";
import { launch } from "./browser";
import { serve, type Served } from "./serve";
import { check, figure, SHOTS, step } from "./steps";
import { clickConsoleText, consoleText, runLine } from "./xterm";

interface TaskRow {
  pid: number;
  tgid: number;
  comm: string;
  task: string;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(120);
  await page.screenshot({ path: `${SHOTS}${name}.png` });
}

async function where(page: Page): Promise<string> {
  return (await page.textContent(".toolbar .where")) ?? "";
}

export async function runWorkbench(dir: string): Promise<void> {
  const vmlinux = `${dir}/vmlinux`;
  const dump = `${dir}/dump.lzo`;
  const server: Served = await serve([]);
  const browser = await launch({ colorScheme: "dark" });
  const { page } = browser;
  try {
    // ---- open: the welcome screen, the paths, progress, then the summary's first paint.
    await step("open the dump from the welcome screen; the summary paints", page, async () => {
      await page.goto(server.url);
      await page.waitForSelector("form input");
      await page.fill("form label:nth-of-type(1) input", dump);
      await page.fill("form label:nth-of-type(2) input", vmlinux);
      const t0 = await page.evaluate(() => performance.now());
      await page.click("form button[type=submit]");
      await page.waitForSelector("[data-testid=summary] .panic-text", { timeout: 120_000 });
      await page.waitForFunction(() => performance.getEntriesByName("kdw:summary-painted").length > 0);
      const painted = await page.evaluate(() => performance.getEntriesByName("kdw:summary-painted")[0]!.startTime);
      figure("open → first paint of the summary (Open clicked → summary painted, fresh kdw serve)", `${Math.round(painted - t0)} ms`);
      const panic = (await page.textContent("[data-testid=summary] .panic-text")) ?? "";
      check(/NULL pointer dereference|Oops/.test(panic), `summary panic line: ${panic}`);
      await page.waitForFunction(() => /mzoneinfo/.test(document.querySelector("[data-testid=summary]")?.textContent ?? ""), undefined, { timeout: 30_000 });
      const strip = (await page.textContent("[data-testid=summary]")) ?? "";
      check(strip.includes("AliYunDun (304)"), "the panic task is in the summary");
      await page.waitForSelector("[data-testid=task-tree] .trow");
      await page.waitForSelector("[data-testid=hidden-modules]");
      await shot(page, "01-first-screen-dark");
    });

    // A second load of the page (the dump already open) gives the figure without the open.
    await step("reload: first paint of the summary with the dump open", page, async () => {
      await page.reload();
      await page.waitForFunction(() => performance.getEntriesByName("kdw:summary-painted").length > 0, undefined, { timeout: 60_000 });
      const painted = await page.evaluate(() => performance.getEntriesByName("kdw:summary-painted")[0]!.startTime);
      figure("page load → first paint of the summary (dump already open)", `${Math.round(painted)} ms`);
      await page.waitForSelector("[data-testid=task-tree] .trow");
    });

    // ---- the console, made taller as an analyst would (drag the splitter).
    await step("console: the splitter makes it taller", page, async () => {
      const bar = (await page.locator(".split-h").boundingBox())!;
      await page.mouse.move(bar.x + bar.width / 2, bar.y + 2);
      await page.mouse.down();
      await page.mouse.move(bar.x + bar.width / 2, bar.y - 260, { steps: 5 });
      await page.mouse.up();
      const h = (await page.locator(".bottom").boundingBox())!.height;
      check(h > 450, `console height ${h}`);
    });
    for (const cmd of ["sys", "ps", "bt"]) {
      await step(`console: ${cmd}`, page, async () => {
        const until = cmd === "sys" ? /PANIC:/ : cmd === "ps" ? /mountinfo/ : /ORIG_RAX/;
        const text = await runLine(page, cmd, until);
        const m = await page.evaluate((c) => performance.getEntriesByName(`kdw:console:${c}`).map((e) => e.duration), cmd);
        check(m.length > 0, `no Enter → output measure for ${cmd}`);
        figure(`Enter → output: ${cmd}`, `${Math.round(m[m.length - 1]!)} ms`);
        if (cmd === "sys") check(/DUMPFILE:/.test(text) && /RELEASE: 6\./.test(text), "sys prints DUMPFILE and RELEASE");
        if (cmd === "bt") check(/PID: 304/.test(text), "bt names the panic task");
      });
    }
    await shot(page, "02-console");

    await step("console: an address in bt's output opens the hex view there", page, async () => {
      // The splitter back down first, so the hex view has room.
      const bar = (await page.locator(".split-h").boundingBox())!;
      await page.mouse.move(bar.x + bar.width / 2, bar.y + 2);
      await page.mouse.down();
      await page.mouse.move(bar.x + bar.width / 2, bar.y + 260, { steps: 5 });
      await page.mouse.up();
      const text = await consoleText(page);
      const frames = [...text.matchAll(/#\d+ \[[0-9a-f]{16}\] \S+ at ([0-9a-f]{16})/g)];
      const m = frames[frames.length - 1];
      check(m, "a bt frame with an address is on screen");
      await clickConsoleText(page, m[1]!);
      await page.waitForSelector("[data-testid=hex-view]:visible", { timeout: 10_000 });
      const cursor = (await page.textContent("[data-testid=hex-cursor]")) ?? "";
      check(cursor.startsWith(m[1]!), `hex cursor ${cursor} at ${m[1]}`);
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=hex-view] .b.cur").length > 0 && !document.querySelector("[data-testid=hex-view] .b.cur.ld"));
      await shot(page, "03-hex-from-console");
    });

    // ---- the task tree: the miner with its threads, the swarm as groups.
    await step("task tree: the miner and its thread count; the swarm grouped with counts", page, async () => {
      const tasks = await server.call<{ items: TaskRow[] }>("tasks", {});
      const miner = tasks.items.filter((t) => t.comm === "mountinfo");
      check(miner.length === 6, `the service lists 6 mountinfo threads (got ${miner.length})`);
      const leader = miner.find((t) => t.pid === t.tgid)!;
      const row = page.locator(`[data-testid=task-tree] .trow[data-pid="${leader.pid}"]`).first();
      await row.scrollIntoViewIfNeeded();
      const thr = (await row.locator(".c-thr").textContent())?.trim();
      check(thr === "6", `the miner's row shows 6 threads (got ${thr})`);
      const postcated = tasks.items.filter((t) => t.comm === "postcated" && t.pid === t.tgid).length;
      const group = page.locator(`[data-testid=task-tree] .trow.group[data-comm="postcated"] [data-testid=group-count]`);
      const count = (await group.textContent())?.trim();
      check(count === `×${postcated}`, `postcated group count ${count}, service has ${postcated}`);
      await row.click();
      await page.waitForSelector("[data-testid=task-details] .comm");
      const name = (await page.textContent("[data-testid=task-details] .comm"))?.trim();
      check(name === "mountinfo", `task details for the miner (got ${name})`);
      await runLineWait(page, /COMMAND: "mountinfo"/);
      await shot(page, "04-task-tree-miner");
    });

    await step("a finding lands on its task", page, async () => {
      const findings = await server.call<{ items: { id: string; subject: { kind: string; pid?: number } }[] }>("findings", {}).catch((e: Error) => e);
      if (findings instanceof Error) return `the service has no findings yet (${findings.message})`;
      const f = findings.items.find((x) => x.subject.kind === "task");
      if (!f) return "no finding about a task in this dump";
      await page.keyboard.press("Alt+2");
      await page.waitForSelector("[data-testid=finding]");
      await shot(page, "05-suspicious-activity");
      const li = page.locator(`[data-testid=finding][data-subject=task]`).first();
      const pid = Number(await li.getAttribute("data-pid"));
      // The finding opens with its evidence, then its subject link lands on the task.
      await li.locator(".row").click();
      await page.waitForSelector("[data-testid=finding] .evidence, [data-testid=finding] .detail");
      await li.locator(".subject .lnk").click();
      await page.waitForSelector(`[data-testid=task-details] .comm`);
      const shown = await page.textContent("[data-testid=task-details] .dim.mono");
      check(shown?.includes(`pid ${pid}`), `task details for pid ${pid} (${shown})`);
      const sel = await page.getAttribute("[data-testid=task-tree] .trow.sel", "data-pid");
      check(Number(sel) === pid, `the tree selects pid ${pid} (got ${sel})`);
      check(await page.locator("[data-testid=task-details] .tfindings li").count() > 0, "the task's findings are listed on it");
      await shot(page, "05-finding-to-task");
    });

    // ---- go to a symbol in the hex view, read it in the inspector.
    await step("hex view: go to linux_banner (Ctrl+G), the inspector reads its string", page, async () => {
      await page.keyboard.press("Control+g");
      await page.fill("[data-testid=goto] input", "linux_banner");
      await page.waitForSelector("[data-testid=goto] li");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => /^"Linux version /.test(document.querySelector("[data-testid=inspector] [data-reading=string]")?.textContent?.trim() ?? ""), undefined, { timeout: 15_000 });
      const sym = await server.call<{ symbols: { name: string; address: string }[] }>("lookup", { name: "linux_banner" });
      const addr = BigInt(sym.symbols.find((s) => s.name === "linux_banner")!.address).toString(16).padStart(16, "0");
      const cursor = (await page.textContent("[data-testid=hex-cursor]")) ?? "";
      check(cursor.startsWith(addr), `cursor ${cursor} at linux_banner ${addr}`);
      const mem = await server.call<{ chunks: { hex?: string }[] }>("readMemory", { space: "kernel", address: "0x" + addr, length: 8 });
      const bytes = mem.chunks[0]!.hex!;
      const u64 = BigInt("0x" + bytes.match(/../g)!.reverse().join(""));
      const shown = (await page.textContent("[data-testid=inspector] [data-reading=u64]"))?.trim() ?? "";
      check(shown.startsWith(u64.toString()), `inspector u64 ${shown} = memory ${u64}`);
      const label = (await page.textContent("[data-testid=hex-view] .lbl.sym")) ?? "";
      check(label.includes("linux_banner"), `margin label names the symbol (got ${label})`);
      await shot(page, "06-hex-symbol-inspector");
    });

    await step("hex view: excluded and unmapped memory show as such, never as zeros", page, async () => {
      // A physical page the dump left out (found through the contract), and a kernel address with no mapping.
      let excluded: bigint | undefined;
      for (let a = 0x100000n; a < 0x30000000n && excluded === undefined; a += 0x100000n) {
        const r = await server.call<{ chunks: { state: string; address: string }[] }>("readMemory", { space: "physical", address: `0x${a.toString(16)}`, length: 4096 });
        if (r.chunks.some((c) => c.state === "excluded")) excluded = a;
      }
      check(excluded !== undefined, "the dump leaves some physical page out");
      await page.keyboard.press("Control+g");
      await page.selectOption("[data-testid=goto] select", "physical");
      await page.fill("[data-testid=goto] input", `0x${excluded.toString(16)}`);
      await page.keyboard.press("Enter");
      await page.waitForSelector("[data-testid=hex-view] .b.ex");
      const note = (await page.textContent("[data-testid=hex-view] .row .lbl")) ?? "";
      check(note.includes("excluded"), `the margin says excluded (${note})`);
      check((await page.textContent("[data-testid=hex-view] .b.ex")) === "··", "excluded bytes are not drawn as 00");
      await shot(page, "06b-hex-excluded");
      await page.keyboard.press("Control+g");
      await page.selectOption("[data-testid=goto] select", "kernel");
      await page.fill("[data-testid=goto] input", "0xff00000000001000");
      await page.keyboard.press("Enter");
      await page.waitForSelector("[data-testid=hex-view] .b.un");
      check((await page.textContent("[data-testid=hex-view] .b.un")) === "--", "unmapped bytes are drawn as --");
      check(((await page.textContent("[data-testid=inspector]")) ?? "").length > 0, "the inspector says why");
    });

    await step("notes: a tag with a comment on a task and a bookmark, kept across a reload", page, async () => {
      await page.click("[data-testid=summary] .line2 .lnk:has-text('AliYunDun (304)')");
      await page.click("[data-testid=task-details] button:has-text('Tag…')");
      await page.click("[data-testid=tag-dialog] .chip:has-text('reviewed')");
      await page.fill("[data-testid=tag-dialog] textarea", "trigger of the panic, not a decoy <b>bold?</b>");
      await page.click("[data-testid=tag-dialog] button:has-text('Save')");
      await page.keyboard.press("Control+d");
      await page.waitForTimeout(600);
      await page.reload();
      await page.waitForSelector("[data-testid=task-tree] .trow");
      await page.click(".left .tab:has-text('Notes')");
      await page.waitForSelector("[data-testid=notes] li.tag");
      const text = (await page.textContent("[data-testid=notes]")) ?? "";
      check(text.includes("reviewed") && text.includes("trigger of the panic, not a decoy <b>bold?</b>"), `notes: ${text.slice(0, 200)}`);
      check(text.includes("task 304"), "the bookmark is listed");
      await shot(page, "12-notes");
      await page.click(".left .tab:has-text('Tasks')");
    });

    // ---- a backtrace frame into Monaco.
    await step("backtrace: a frame opens its disassembly in Monaco, the frame's address marked", page, async () => {
      // The panic task from the summary strip, its backtrace tab, a frame.
      await page.click("[data-testid=summary] .line2 .lnk:has-text('AliYunDun (304)')");
      await page.waitForSelector("[data-testid=task-details] [data-testid=backtrace]");
      const frame = page.locator("[data-testid=task-details] [data-testid=backtrace] td.fn .lnk", { hasText: "oops_end" }).first();
      await frame.click();
      await page.waitForSelector("[data-testid=code] .monaco-editor .view-lines", { timeout: 60_000 });
      await page.waitForFunction(() => (document.querySelector("[data-testid=code] .view-lines")?.textContent ?? "").includes("<oops_end"), undefined, { timeout: 60_000 });
      await page.waitForSelector("[data-testid=code] .kdw-pc-line");
      await shot(page, "07-backtrace-to-monaco");
    });

    // ---- the log.
    await step("log: search marks the matches and moves to them", page, async () => {
      await page.keyboard.press("Alt+5");
      await page.waitForSelector("[data-testid=log] .line");
      await page.fill("[data-testid=log] input.search", "mzoneinfo");
      await page.keyboard.press("Enter");
      const n = (await page.textContent("[data-testid=log-matches]")) ?? "";
      check(/^[1-9]\d* match/.test(n), `matches: ${n}`);
      const cur = (await page.textContent("[data-testid=log] .line.cur")) ?? "";
      check(cur.includes("mzoneinfo"), `the current line holds the match: ${cur}`);
      check((await page.locator("[data-testid=log] .line.panic").count()) >= 0, "panic line");
      await shot(page, "08-log-search");
    });

    await step("modules: the hidden module with the views that saw it", page, async () => {
      await page.keyboard.press("Alt+6");
      await page.waitForSelector("[data-testid=modules] tr.hidden");
      const name = (await page.textContent("[data-testid=modules] tr.hidden .name")) ?? "";
      check(name.includes("mzoneinfo"), `hidden module row: ${name}`);
      await shot(page, "09-modules");
    });

    // ---- back and forward over the jumps: modules ← log ← code ← task.
    await step("back/forward (Alt+Left/Right) over the jumps", page, async () => {
      const here = await where(page);
      check(here.startsWith("modules"), `at modules (${here})`);
      await page.keyboard.press("Alt+ArrowLeft");
      check((await where(page)).startsWith("log"), `back to the log (${await where(page)})`);
      await page.keyboard.press("Alt+ArrowLeft");
      check((await where(page)).startsWith("dis oops_end"), `back to the code (${await where(page)})`);
      check(await page.isVisible("[data-testid=code]"), "the code panel is shown again");
      await page.keyboard.press("Alt+ArrowLeft");
      check((await where(page)).startsWith("task 304"), `back to the task (${await where(page)})`);
      await page.keyboard.press("Alt+ArrowRight");
      await page.keyboard.press("Alt+ArrowRight");
      check((await where(page)).startsWith("log"), `forward to the log (${await where(page)})`);
    });

    await step("command palette (Ctrl+Shift+P) finds a task by name", page, async () => {
      await page.keyboard.press("Control+Shift+P");
      await page.fill("[data-testid=palette] input", "mountinfo");
      await page.waitForSelector("[data-testid=palette] li:has-text('mountinfo (')");
      await shot(page, "10-palette");
      await page.keyboard.press("Enter");
      await page.waitForSelector("[data-testid=task-details] .comm:has-text('mountinfo')");
    });

    await step("light theme", page, async () => {
      await page.click("button[aria-label='Toggle theme']");
      await page.keyboard.press("Alt+2");
      await shot(page, "11-first-screen-light");
      await page.click("button[aria-label='Toggle theme']");
    });

    await step("no page errors, nothing fetched from elsewhere", page, async () => {
      check(browser.errors.length === 0, browser.errors.join("\n"));
      check(browser.foreign.length === 0, `requests beyond kdw serve: ${browser.foreign.join(", ")}`);
    });
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function runLineWait(page: Page, until: RegExp): Promise<void> {
  await page.waitForFunction(
    ([src]) => new RegExp(src!).test(Array.from(document.querySelector("[data-testid=console] .xterm-rows")?.children ?? [], (r) => r.textContent ?? "").join("\n")),
    [until.source],
    { timeout: 20_000 },
  );
}
