// A small step runner for the browser test: named steps, one line each, a screenshot when one fails, the
// figures printed at the end. Timings are reported, never asserted (STYLE: timing belongs in benchmarks).
import type { Page } from "playwright-core";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
mkdirSync(SHOTS, { recursive: true });
// Failure shots of an earlier run would mislead: each run starts without them.
for (const f of readdirSync(SHOTS)) if (f.startsWith("failed-")) rmSync(`${SHOTS}${f}`);

export interface StepResult {
  name: string;
  status: "pass" | "fail" | "skip";
  detail?: string;
}

export const results: StepResult[] = [];
export const figures: Record<string, string> = {};

export async function step(name: string, page: Page | undefined, fn: () => Promise<void | string>): Promise<boolean> {
  const t0 = performance.now();
  try {
    const skip = await fn();
    if (typeof skip === "string") {
      results.push({ name, status: "skip", detail: skip });
      process.stdout.write(`  skip  ${name}: ${skip}\n`);
      return false;
    }
    results.push({ name, status: "pass" });
    process.stdout.write(`  ok    ${name} (${Math.round(performance.now() - t0)} ms)\n`);
    return true;
  } catch (err) {
    const detail = err instanceof Error ? err.message.split("\n").slice(0, 6).join("\n") : String(err);
    results.push({ name, status: "fail", detail });
    process.stdout.write(`  FAIL  ${name}: ${detail}\n`);
    if (page) await page.screenshot({ path: `${SHOTS}failed-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}.png` }).catch(() => undefined);
    return false;
  }
}

export function figure(name: string, value: string): void {
  figures[name] = value;
}

export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
