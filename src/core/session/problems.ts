// Errors become Problems: one serialisable shape for every face (console line, HTTP 4xx body, IPC reply).
// A KdwError keeps its file, offset or address; anything else is an internal error, said in one line.
import { AbsentPageError, CorruptPageError, DebugInfoMismatch, DumpFormatError, ExcludedPageError, InvalidAddressError, KdwError, MissingDebugInfo, WalkAborted } from "../io/errors";
import type { Hex, Problem, ProblemCode } from "./contract";

export function hex(value: bigint | number): Hex {
  return `0x${BigInt.asUintN(64, BigInt(value)).toString(16)}`;
}

/** The address a "0x…" string names (the schemas have checked its shape). */
export function parseHex(text: Hex | string): bigint {
  return BigInt(text.startsWith("0x") || text.startsWith("0X") ? text : "0x" + text);
}

/** A Problem as an Error, so an async call can reject with it and the Problem survives. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/**
 * The caller cancelled. Deliberately not a KdwError: walkers that turn a KdwError into a marked partial
 * result (and go on) must let this one through to the top.
 */
export class CancelledError extends Error {
  constructor() {
    super("cancelled");
    this.name = "CancelledError";
  }
}

/** Thrown by a query for a bad argument the schema could not see (no such pid, unknown type). */
export class NotFoundError extends KdwError {}

export function problem(code: ProblemCode, message: string, extra: Omit<Problem, "code" | "message"> = {}): Problem {
  return { code, message, ...extra };
}

export function toProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  if (err instanceof CancelledError) return problem("cancelled", "cancelled");
  if (err instanceof NotFoundError) return problem("not-found", err.message);
  if (err instanceof ExcludedPageError) return problem("excluded", err.message, { file: err.file, address: hex(err.physAddr) });
  if (err instanceof AbsentPageError) return problem("unmapped", err.message, { file: err.file, address: hex(err.physAddr) });
  if (err instanceof InvalidAddressError) return problem("unmapped", err.message, { address: hex(err.address) });
  if (err instanceof CorruptPageError) return problem("format", err.message, { file: err.file, offset: err.offset });
  if (err instanceof DumpFormatError) return problem("format", err.message, { file: err.file, offset: err.offset });
  if (err instanceof MissingDebugInfo) return problem("missing-debuginfo", err.message);
  if (err instanceof DebugInfoMismatch) return problem("mismatch", err.message);
  if (err instanceof WalkAborted) return problem("walk-aborted", err.message);
  if (err instanceof KdwError) return problem("format", err.message);
  const e = err as { code?: unknown; path?: unknown; message?: unknown };
  if (e && typeof e.code === "string" && typeof e.path === "string") return problem("io", `${e.path}: ${typeof e.message === "string" ? e.message : e.code}`, { file: e.path });
  return problem("internal", `internal error: ${err instanceof Error ? err.message : String(err)}`);
}

/** Runs `fn`, turning a KdwError into a Problem in `problems` (and `undefined`); other errors propagate. */
export function attempt<T>(problems: Problem[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof KdwError)) throw err;
    problems.push(toProblem(err));
    return undefined;
  }
}
