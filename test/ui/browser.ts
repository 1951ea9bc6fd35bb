// Debian's chromium driven by playwright-core, headless, with a fresh profile, nothing fetched from the
// network (the workbench is offline: every request goes to the kdw serve under test).
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.KDW_CHROMIUM ?? "/usr/bin/chromium";

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far (a hostile string that ran would show here). */
  errors: string[];
  /** Requests that left the kdw server (there must be none). */
  foreign: string[];
  close(): Promise<void>;
}

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launch(options: { width?: number; height?: number; colorScheme?: "dark" | "light" } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "kdw-ui-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps"],
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? "dark",
    deviceScaleFactor: 1,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of (4\d\d|5\d\d)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    errors.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(u) && !u.startsWith("data:") && !u.startsWith("blob:")) foreign.push(u);
  });
  return {
    context,
    page,
    errors,
    foreign,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
