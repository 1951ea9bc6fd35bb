// One renderer, two transports: the same contract over HTTP (`kdw serve`, any browser) and over IPC
// (Electron's preload). Panels see only `Transport`: the contract's `Call` and a few host services.
import type { Call, Problem } from "../../../core/session/contract";
import type { DumpChoice, HostInfo } from "../../../preload/bridge";

export type { DumpChoice, HostInfo };

export interface Host {
  readonly kind: "http" | "ipc";
  info(): Promise<HostInfo>;
  /** A file dialog (Electron only); undefined in the browser, where paths are typed. */
  chooseDump?: () => Promise<DumpChoice | undefined>;
  chooseVmlinux?: () => Promise<string | undefined>;
  recentFiles(): Promise<DumpChoice[]>;
  /** Per-dump notes: the user's data folder (Electron) or localStorage (browser). */
  loadNotes(key: string): Promise<string | undefined>;
  saveNotes(key: string, json: string): Promise<boolean>;
  /** Save a text export: a save dialog (Electron) or a download (browser). */
  saveText(name: string, text: string): Promise<boolean>;
  /** The host path of a dropped file (Electron only). */
  pathForFile?: (file: File) => string;
}

export interface Transport {
  call: Call;
  host: Host;
}

/** A rejected call's reason as a Problem (transports reject with Problems; anything else is internal). */
export function asProblem(err: unknown): Problem {
  if (err && typeof err === "object" && "code" in err && "message" in err && typeof (err as Problem).message === "string") return err as Problem;
  if (err instanceof DOMException && err.name === "AbortError") return { code: "cancelled", message: "cancelled" };
  return { code: "internal", message: err instanceof Error ? err.message : String(err) };
}

export function isProblem(err: unknown): err is Problem {
  return !!err && typeof err === "object" && typeof (err as Problem).code === "string" && typeof (err as Problem).message === "string";
}
