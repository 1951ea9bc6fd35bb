// One detection run per program for the console: `findings` and `hooks` share it (a dump does not change).
import { DetectContext } from "../../detect/context";
import { runRules, type DetectResult } from "../../detect/run";
import type { Program } from "../../program/program";
import type { CommandContext } from "../command";

const results = new WeakMap<Program, DetectResult>();
const contexts = new WeakMap<Program, DetectContext>();

/** The detection context of the console's program (the kernel's symbols, the decoder, the vmlinux). */
export function detectContext(ctx: CommandContext): DetectContext {
  let c = contexts.get(ctx.prog);
  if (!c) {
    c = new DetectContext(ctx.prog, { symbols: () => ctx.symbols, decoder: ctx.decoder, vmlinux: ctx.vmlinux });
    contexts.set(ctx.prog, c);
  }
  return c;
}

/** Every rule over the console's program, run once. */
export function detectResult(ctx: CommandContext): DetectResult {
  let r = results.get(ctx.prog);
  if (!r) {
    r = runRules(ctx.prog, { context: detectContext(ctx) });
    results.set(ctx.prog, r);
  }
  return r;
}
