// What the preload puts on `window.kdw` (the preload implements it, the renderer's IPC transport
// uses it, main's handlers answer it). One function per contract method and a few host functions — never
// ipcRenderer itself. Replies cross the bridge as the contract's `Reply` envelopes, so a Problem survives
// (errors thrown across contextBridge lose their fields).
import type { MethodName, Params, ProgressEvent, Reply } from "../core/session/contract";

/** The contract's methods, as the preload exposes them (a method missing here fails to compile below). */
export const BRIDGE_METHODS = ["hello", "open", "close", "info", "sys", "tasks", "task", "backtrace", "modules", "log", "files", "vm", "net", "readMemory", "search", "symbolAt", "lookup", "layout", "disassemble", "source", "console", "complete", "findings", "hooks", "slabCaches", "vmallocAreas", "bpf"] as const satisfies readonly MethodName[];
type Missing = Exclude<MethodName, (typeof BRIDGE_METHODS)[number]>;
const everyMethod: [Missing] extends [never] ? true : Missing = true;
void everyMethod;

/** IPC channels between the preload and main (main validates every argument on each). */
export const CHANNELS = {
  call: "kdw:call",
  cancel: "kdw:cancel",
  event: "kdw:event",
  hostInfo: "kdw:host-info",
  chooseDump: "kdw:choose-dump",
  chooseVmlinux: "kdw:choose-vmlinux",
  recentFiles: "kdw:recent-files",
  loadNotes: "kdw:load-notes",
  saveNotes: "kdw:save-notes",
  saveText: "kdw:save-text",
} as const;

/** Streamed events of one call; `id` names the call for `cancel`. */
export interface BridgeEvents {
  id: number;
  onProgress?: (event: ProgressEvent) => void;
  onOutput?: (chunk: string) => void;
}

export type BridgeMethods = { [M in MethodName]: (params: Params<M>, events?: BridgeEvents) => Promise<Reply<M>> };

/** A dump the user chose (dialog, drop, recent list, command line). */
export interface DumpChoice {
  dump: string;
  vmlinux?: string;
}

export interface HostInfo {
  platform: string;
  version: string;
  /** Files named on the command line (`kdw-workbench [VMLINUX] DUMP`), opened at start. */
  initial?: DumpChoice;
  /** The shipped sample dump, when the package has one. */
  sample?: DumpChoice;
}

export interface HostFunctions {
  /** Cancels the call started with this id (no effect once it has finished). */
  cancel(id: number): void;
  hostInfo(): Promise<HostInfo>;
  /** The file dialog: a dump, then its vmlinux when none is found by build id. Undefined when dismissed. */
  chooseDump(): Promise<DumpChoice | undefined>;
  chooseVmlinux(): Promise<string | undefined>;
  recentFiles(): Promise<DumpChoice[]>;
  /** Notes (bookmarks, tags) of one dump, kept in the user's data folder; key: [0-9a-zA-Z._-]{1,128}. */
  loadNotes(key: string): Promise<string | undefined>;
  saveNotes(key: string, json: string): Promise<boolean>;
  /** Save dialog for an export (findings JSON, notes). True when written. */
  saveText(suggestedName: string, text: string): Promise<boolean>;
  /** The path of a file dropped on the window. */
  pathForFile(file: File): string;
}

export type KdwBridge = BridgeMethods & HostFunctions;
