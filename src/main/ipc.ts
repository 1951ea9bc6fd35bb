// Main's IPC handlers as plain functions (Electron wires them in index.ts; the unit tests call them with
// hostile arguments). Every handler first checks who is asking: the top frame of one of the workbench's
// own windows, on the kdw://app origin; then checks every argument — method names and params against the
// contract's schemas, call ids, notes keys and sizes, export names and targets. Nothing from a renderer is
// trusted, because the renderer shows a hostile dump.
import { basename, dirname, resolve } from "node:path";
import type { Call, MethodName, OpenParams, Problem, Reply } from "../core/session/contract";
import { checkParams, isMethod } from "../core/session/schema";
import type { DumpChoice, HostInfo } from "../preload/bridge";
import { NOTES_KEY, MAX_NOTES } from "./store";

/** What the handlers see of an IPC event (Electron's IpcMainInvokeEvent has these). */
export interface SenderLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
}
export interface IpcEventLike {
  sender: SenderLike;
  senderFrame: { url: string; parent: unknown } | null;
}

/** One analysis window: its session and what it has open. */
export interface AnalysisWindow {
  call: Call;
  /** Calls in flight, by the renderer's id. */
  calls: Map<number, AbortController>;
  /** Paths of the evidence this window opened (exports never land there or beside it). */
  evidence: Set<string>;
  initial?: DumpChoice;
}

export interface HandlerDeps {
  /** Origins whose top frame may call: kdw://app (and the dev server's, from source only). */
  origins: readonly string[];
  windowOf(sender: SenderLike): AnalysisWindow | undefined;
  hostInfo(win: AnalysisWindow): HostInfo;
  store: { loadNotes(key: string): string | undefined; saveNotes(key: string, json: string): boolean; recent(): DumpChoice[]; addRecent(c: DumpChoice): void };
  dialogs: {
    openDump(sender: SenderLike): Promise<string | undefined>;
    openVmlinux(sender: SenderLike): Promise<string | undefined>;
    saveFile(sender: SenderLike, suggested: string): Promise<string | undefined>;
  };
  writeFile(path: string, text: string): Promise<void>;
  /** Where a message about a refused request goes (main's log). */
  warn(message: string): void;
}

export const EVENT_CHANNEL = "kdw:event";
const MAX_CALLS_PER_WINDOW = 64;
const MAX_EXPORT = 64 << 20;

function refused(message: string): Reply<MethodName> {
  return { ok: false, problem: { code: "bad-request", message } };
}

function problemOf(err: unknown): Problem {
  const p = (err as { problem?: Problem })?.problem;
  if (p && typeof p.code === "string" && typeof p.message === "string") return p;
  return { code: "internal", message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}

export function createHandlers(deps: HandlerDeps) {
  /** The window behind a trusted sender: our top frame on kdw://app, else undefined (and a warning). */
  const trusted = (event: IpcEventLike, what: string): AnalysisWindow | undefined => {
    const frame = event?.senderFrame;
    let origin = "";
    try {
      origin = frame ? new URL(frame.url).origin : "";
    } catch {
      origin = "";
    }
    // A custom standard scheme's origin is "kdw://app"; some versions say "null" for non-http schemes.
    const url = frame?.url ?? "";
    const ours = deps.origins.some((o) => origin === o || url.startsWith(`${o}/`));
    const win = event?.sender ? deps.windowOf(event.sender) : undefined;
    if (!frame || frame.parent !== null || !ours || !win) {
      deps.warn(`refused ${what} from ${frame ? url.slice(0, 200) : "a detached frame"}`);
      return undefined;
    }
    return win;
  };

  return {
    async call(event: IpcEventLike, method: unknown, id: unknown, params: unknown): Promise<Reply<MethodName>> {
      const win = trusted(event, "call");
      if (!win) return refused("refused: not the workbench's own page");
      if (!isMethod(method)) return { ok: false, problem: { code: "unknown-method", message: `unknown method: ${String(method).slice(0, 64)}` } };
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0 || id > 0x7fffffff) return refused("call id: not an integer in 0..2^31-1");
      if (id !== 0 && win.calls.has(id)) return refused(`call id ${id} is already in flight`);
      if (win.calls.size >= MAX_CALLS_PER_WINDOW) return { ok: false, problem: { code: "busy", message: `more than ${MAX_CALLS_PER_WINDOW} calls in flight` } };
      const checked = checkParams(method, params);
      if (!checked.ok) return { ok: false, problem: checked.problem };
      const abort = new AbortController();
      if (id !== 0) win.calls.set(id, abort);
      const sender = event.sender;
      try {
        const result = await win.call(method, checked.params, {
          signal: abort.signal,
          onProgress: id !== 0 ? (e) => sender.send(EVENT_CHANNEL, id, "progress", e) : undefined,
          onOutput: id !== 0 ? (chunk) => sender.send(EVENT_CHANNEL, id, "output", chunk) : undefined,
        });
        if (method === "open") {
          const p = checked.params as OpenParams;
          win.evidence.add(resolve(p.dump));
          if (p.vmlinux) win.evidence.add(resolve(p.vmlinux));
          deps.store.addRecent({ dump: p.dump, ...(p.vmlinux ? { vmlinux: p.vmlinux } : {}) });
        }
        return { ok: true, result } as Reply<MethodName>;
      } catch (err) {
        return { ok: false, problem: problemOf(err) };
      } finally {
        if (id !== 0) win.calls.delete(id);
      }
    },

    cancel(event: IpcEventLike, id: unknown): void {
      const win = trusted(event, "cancel");
      if (!win || typeof id !== "number" || !Number.isSafeInteger(id)) return;
      win.calls.get(id)?.abort();
    },

    hostInfo(event: IpcEventLike): HostInfo | undefined {
      const win = trusted(event, "hostInfo");
      return win ? deps.hostInfo(win) : undefined;
    },

    async chooseDump(event: IpcEventLike): Promise<DumpChoice | undefined> {
      if (!trusted(event, "chooseDump")) return undefined;
      const dump = await deps.dialogs.openDump(event.sender);
      return dump ? { dump } : undefined;
    },

    async chooseVmlinux(event: IpcEventLike): Promise<string | undefined> {
      if (!trusted(event, "chooseVmlinux")) return undefined;
      return deps.dialogs.openVmlinux(event.sender);
    },

    recentFiles(event: IpcEventLike): DumpChoice[] {
      return trusted(event, "recentFiles") ? deps.store.recent() : [];
    },

    loadNotes(event: IpcEventLike, key: unknown): string | undefined {
      if (!trusted(event, "loadNotes")) return undefined;
      if (typeof key !== "string" || !NOTES_KEY.test(key) || key.includes("..")) return undefined;
      return deps.store.loadNotes(key);
    },

    saveNotes(event: IpcEventLike, key: unknown, json: unknown): boolean {
      if (!trusted(event, "saveNotes")) return false;
      if (typeof key !== "string" || !NOTES_KEY.test(key) || key.includes("..")) return false;
      if (typeof json !== "string" || json.length > MAX_NOTES) return false;
      try {
        return deps.store.saveNotes(key, json);
      } catch (err) {
        deps.warn(`notes not saved: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      }
    },

    async saveText(event: IpcEventLike, name: unknown, text: unknown): Promise<boolean> {
      const win = trusted(event, "saveText");
      if (!win) return false;
      if (typeof name !== "string" || typeof text !== "string" || text.length > MAX_EXPORT) return false;
      // Only a plain file name is suggested; the user picks the folder.
      const suggested = basename(name.replace(/[\\/]/g, "_")).replace(/[^\w.-]/g, "_").replace(/^\.+/, "").slice(0, 100) || "kdw-export.json";
      const path = await deps.dialogs.saveFile(event.sender, suggested);
      if (!path) return false;
      const target = resolve(path);
      for (const e of win.evidence) {
        if (target === e || dirname(target) === dirname(e)) {
          deps.warn(`export refused: ${target} is beside the evidence`);
          return false;
        }
      }
      await deps.writeFile(target, text);
      return true;
    },
  };
}

export type Handlers = ReturnType<typeof createHandlers>;
