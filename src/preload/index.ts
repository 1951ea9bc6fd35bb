// The preload exposes the session contract's functions and nothing else (never ipcRenderer itself).
import { contextBridge } from "electron";

contextBridge.exposeInMainWorld("kdw", {
  version: process.env.npm_package_version ?? "0.1.0",
});
