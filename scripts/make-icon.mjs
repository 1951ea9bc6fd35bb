// Renders build/icon.svg to build/icon.png (1024x1024) with Debian's chromium, so the packaging icon is
// made offline from its source. electron-builder derives the .ico and .icns from the PNG.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const svg = readFileSync(new URL("../build/icon.svg", import.meta.url), "utf8");
const profile = mkdtempSync(join(tmpdir(), "kdw-icon-"));
const ctx = await chromium.launchPersistentContext(profile, { executablePath: process.env.KDW_CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"], viewport: { width: 1024, height: 1024 } });
const page = ctx.pages()[0] ?? (await ctx.newPage());
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.locator("svg").screenshot({ path: new URL("../build/icon.png", import.meta.url).pathname, omitBackground: true });
await ctx.close();
rmSync(profile, { recursive: true, force: true });
