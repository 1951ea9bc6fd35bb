// One detection per program for the console (a dump does not change): `findings` and `hooks` share its
// context, so the views and hooks are walked once however often either runs.
import type { Program } from "../program/program";
import { DetectContext, type DetectOptions } from "./context";
import { runRules, type DetectResult } from "./run";

const contexts = new WeakMap<Program, DetectContext>();
const results = new WeakMap<Program, DetectResult>();

/** The program's detection context; the options of the first call are kept. */
export function detectContextOf(prog: Program, options: DetectOptions): DetectContext {
  let c = contexts.get(prog);
  if (!c) {
    c = new DetectContext(prog, options);
    contexts.set(prog, c);
  }
  return c;
}

/** Every rule over the program, run once. */
export function detectionOf(prog: Program, options: DetectOptions): DetectResult {
  let r = results.get(prog);
  if (!r) {
    r = runRules(prog, { context: detectContextOf(prog, options) });
    results.set(prog, r);
  }
  return r;
}
