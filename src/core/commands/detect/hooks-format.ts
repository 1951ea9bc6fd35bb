// The hooks as a table (the console's `hooks`): kind, target, handler, its symbol and owner, where the hook
// is recorded; then what was checked and what could not be. Every string from the dump is escaped.
import type { Hook } from "../../detect/finding";
import { escapeControl as printable } from "../shared/escape";
import type { HooksResult } from "./hooks";

/** One row per hook: kind, target, handler and its symbol, owner; the kernel's own marked. */
function hookTable(hooks: readonly Hook[]): string {
  if (hooks.length === 0) return "no hooks found\n";
  const rows = hooks.map((h) => [h.kind, printable(h.target), h.handler.slice(2), printable(h.handlerSymbol ?? "?"), `${printable(h.owner)}${h.ownerHidden ? " (hidden)" : ""}${h.kernelOwned ? " (kernel machinery)" : ""}`, h.address ? h.address.slice(2) : ""]);
  const head = ["KIND", "TARGET", "HANDLER", "SYMBOL", "OWNER", "RECORDED AT"];
  const widths = head.map((t, i) => Math.min(48, Math.max(t.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [fmt(head), ...rows.map(fmt)].join("\n") + "\n";
}

export function formatHooks(r: HooksResult): string {
  if (r.json) return JSON.stringify(r.hooks, null, 2) + "\n";
  let text = hookTable(r.hooks);
  text += `\nchecked: ${Object.entries(r.checked).map(([k, v]) => `${k} ${v}`).join(", ")}\n`;
  for (const a of r.absent) text += `not checked: ${a.source}: ${printable(a.reason)}\n`;
  for (const p of r.problems) text += `problem: ${p.source}: ${printable(p.message)}\n`;
  return text;
}
