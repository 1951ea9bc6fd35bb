// The preload: one function per contract method and a few host functions on `window.kdw` — never
// ipcRenderer itself. Streamed events come back on one channel and are handed to the callbacks of the call
// they name. Sandboxed, so it is built as one CommonJS script with nothing but electron imported.
import { contextBridge, ipcRenderer, webUtils } from "electron";
import type { ProgressEvent } from "../core/session/contract";
import { BRIDGE_METHODS, CHANNELS, type BridgeEvents, type KdwBridge } from "./bridge";

const listeners = new Map<number, BridgeEvents>();

ipcRenderer.on(CHANNELS.event, (_event, id: unknown, kind: unknown, data: unknown) => {
  if (typeof id !== "number") return;
  const l = listeners.get(id);
  if (!l) return;
  if (kind === "progress") l.onProgress?.(data as ProgressEvent);
  else if (kind === "output" && typeof data === "string") l.onOutput?.(data);
});

function method(name: (typeof BRIDGE_METHODS)[number]) {
  return async (params: unknown, events?: BridgeEvents) => {
    const id = events?.id;
    const streamed = typeof id === "number" && (events?.onProgress || events?.onOutput);
    if (streamed) listeners.set(id, { id, onProgress: events.onProgress, onOutput: events.onOutput });
    try {
      return await ipcRenderer.invoke(CHANNELS.call, name, typeof id === "number" ? id : 0, params);
    } finally {
      if (streamed) listeners.delete(id);
    }
  };
}

const bridge = Object.fromEntries(BRIDGE_METHODS.map((m) => [m, method(m)])) as unknown as Omit<KdwBridge, keyof import("./bridge").HostFunctions>;

const host: import("./bridge").HostFunctions = {
  cancel: (id) => ipcRenderer.send(CHANNELS.cancel, id),
  hostInfo: () => ipcRenderer.invoke(CHANNELS.hostInfo),
  chooseDump: () => ipcRenderer.invoke(CHANNELS.chooseDump),
  chooseVmlinux: () => ipcRenderer.invoke(CHANNELS.chooseVmlinux),
  recentFiles: () => ipcRenderer.invoke(CHANNELS.recentFiles),
  loadNotes: (key) => ipcRenderer.invoke(CHANNELS.loadNotes, key),
  saveNotes: (key, json) => ipcRenderer.invoke(CHANNELS.saveNotes, key, json),
  saveText: (name, text) => ipcRenderer.invoke(CHANNELS.saveText, name, text),
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld("kdw", { ...bridge, ...host } satisfies KdwBridge);
