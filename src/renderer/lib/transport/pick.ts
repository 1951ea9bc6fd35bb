// Which transport this renderer runs over: Electron's preload bridge when present, else HTTP to the server
// that served the page, with the token from the address (#token=…, kept for reloads in sessionStorage and
// taken out of the address bar).
import type { KdwBridge } from "../../../preload/bridge";
import { httpTransport } from "./http";
import { ipcTransport } from "./ipc";
import type { Transport } from "./transport";

declare global {
  interface Window {
    kdw?: KdwBridge;
  }
}

export function pickTransport(): Transport {
  if (window.kdw) return ipcTransport(window.kdw);
  const fromHash = /(?:^#|&)token=([A-Za-z0-9_-]{1,256})/.exec(location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem("kdw.token", fromHash);
    history.replaceState(null, "", location.pathname + location.search);
  }
  const token = fromHash ?? sessionStorage.getItem("kdw.token") ?? "";
  return httpTransport(location.origin, token);
}
