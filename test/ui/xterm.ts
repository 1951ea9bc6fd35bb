// The console as a user drives it: type into xterm, wait for output in its rows, click a piece of text
// (xterm's link provider acts on the mouse over the text, so the test moves the mouse there like a user).
import type { Page } from "playwright-core";

export async function consoleText(page: Page): Promise<string> {
  return page.$eval("[data-testid=console] .xterm-rows", (el) => Array.from(el.children, (row) => row.textContent ?? "").join("\n"));
}

/** Types a line at the prompt and waits until `until` appears in the rows; returns the rows' text. */
export async function runLine(page: Page, line: string, until: RegExp, timeout = 30_000): Promise<string> {
  await page.click("[data-testid=console] .xterm-screen");
  await page.keyboard.type(line, { delay: 0 });
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    ([src, flags]) => new RegExp(src, flags).test(Array.from(document.querySelector("[data-testid=console] .xterm-rows")?.children ?? [], (r) => r.textContent ?? "").join("\n")),
    [until.source, until.flags] as const,
    { timeout },
  );
  // Then the prompt comes back.
  await page.waitForFunction(() => {
    const rows = Array.from(document.querySelector("[data-testid=console] .xterm-rows")?.children ?? [], (r) => (r.textContent ?? "").trimEnd()).filter(Boolean);
    return rows[rows.length - 1] === "crash>";
  }, undefined, { timeout });
  return consoleText(page);
}

/** Moves the mouse onto `text` in the console's visible rows and clicks it (the last occurrence). */
export async function clickConsoleText(page: Page, text: string): Promise<void> {
  const box = await page.evaluate((needle) => {
    const rows = Array.from(document.querySelector("[data-testid=console] .xterm-rows")?.children ?? []);
    for (let r = rows.length - 1; r >= 0; r--) {
      const row = rows[r]!;
      const full = row.textContent ?? "";
      const at = full.lastIndexOf(needle);
      if (at < 0) continue;
      // Find the text node and offset of the needle's middle character.
      const mid = at + Math.floor(needle.length / 2);
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = n.textContent?.length ?? 0;
        if (mid < seen + len) {
          const range = document.createRange();
          range.setStart(n, mid - seen);
          range.setEnd(n, mid - seen + 1);
          const rect = range.getBoundingClientRect();
          return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
        }
        seen += len;
      }
    }
    return undefined;
  }, text);
  if (!box) throw new Error(`console: "${text}" is not on screen`);
  await page.mouse.move(box.x, box.y - 3);
  await page.mouse.move(box.x, box.y);
  await page.waitForTimeout(150);
  await page.mouse.click(box.x, box.y);
}
