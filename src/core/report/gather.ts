// One report's queries: each failure becomes a warning of the section that asked, and the report goes on.
import type { Call, MethodName, Params, Problem, Result } from "../session/contract";
import type { ReportProblem } from "./schema";

/** A rejection's Problem (every transport rejects with an error carrying one), or an internal one. */
export function problemOf(err: unknown): Problem {
  const p = (err as { problem?: unknown } | undefined)?.problem as Partial<Problem> | undefined;
  if (p && typeof p.code === "string" && typeof p.message === "string") return p as Problem;
  return { code: "internal", message: err instanceof Error ? err.message : String(err) };
}

/** Most warnings kept (a damaged dump can fail the same way thousands of times); the rest are counted. */
export const MAX_WARNINGS = 500;

export class Gatherer {
  readonly warnings: ReportProblem[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;

  constructor(private readonly call: Call) {}

  warn(section: string, problems: readonly Problem[]): void {
    for (const p of problems) {
      const key = `${section}\0${p.code}\0${p.message}\0${p.address ?? ""}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (this.warnings.length >= MAX_WARNINGS) this.dropped++;
      else this.warnings.push({ section, ...p });
    }
  }

  /** The warnings, with one more saying how many were left out. */
  finish(): ReportProblem[] {
    if (this.dropped) this.warnings.push({ section: "custody", code: "internal", message: `${this.dropped} more warnings were left out of this report` });
    this.dropped = 0;
    return this.warnings;
  }

  /** One query; a failure is a warning of its section and an undefined result. */
  async ask<M extends MethodName>(section: string, method: M, params: Params<M>): Promise<Result<M> | undefined> {
    try {
      return await this.call(method, params);
    } catch (err) {
      this.warn(section, [problemOf(err)]);
      return undefined;
    }
  }

  /** The same, but the Problem is handed back (findings and hooks say "unsupported" without detectors). */
  async tryAsk<M extends MethodName>(method: M, params: Params<M>): Promise<{ ok: true; result: Result<M> } | { ok: false; problem: Problem }> {
    try {
      return { ok: true, result: await this.call(method, params) };
    } catch (err) {
      return { ok: false, problem: problemOf(err) };
    }
  }
}

