// What a link or a jump names. Every panel that shows a thing links to it with one of these; the
// navigator opens the panel and records the jump for back/forward.
import type { AddressSpaceName, Hex } from "../../core/session/contract";

export type Target =
  | { kind: "overview" }
  | { kind: "finding"; id: string }
  | { kind: "task"; pid: number; tab?: TaskTab }
  | { kind: "memory"; space: AddressSpaceName; address: Hex; pid?: number; type?: string }
  | { kind: "code"; target: string; pc?: Hex }
  | { kind: "source"; address?: Hex; file?: string; line?: number }
  | { kind: "log"; index?: number; query?: string }
  | { kind: "modules"; name?: string };

/** The centre panel that shows a place. */
export type Panel = "overview" | "task" | "memory" | "code" | "log" | "modules";

export function panelOf(t: Target): Panel {
  switch (t.kind) {
    case "overview":
    case "finding":
      return "overview";
    case "source":
    case "code":
      return "code";
    default:
      return t.kind;
  }
}

export type TaskTab = "bt" | "files" | "vm" | "net" | "creds";

export function describeTarget(t: Target): string {
  switch (t.kind) {
    case "overview":
      return "Suspicious activity";
    case "finding":
      return `finding ${t.id}`;
    case "task":
      return `task ${t.pid}`;
    case "memory":
      return `${t.space === "user" ? `user ${t.pid ?? ""} ` : t.space === "physical" ? "phys " : ""}${t.address}${t.type ? ` (${t.type})` : ""}`;
    case "code":
      return `dis ${t.target}`;
    case "source":
      return t.file ? `${t.file}:${t.line ?? ""}` : `source ${t.address ?? ""}`;
    case "log":
      return t.query ? `log /${t.query}/` : "log";
    case "modules":
      return t.name ? `module ${t.name}` : "modules";
  }
}

export function sameTarget(a: Target, b: Target): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
