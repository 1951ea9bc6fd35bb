// Electron main: one sandboxed, context-isolated window without Node integration (DESIGN.md, "Evidence and
// safety"). Navigation, new windows and permission requests are denied. The analysis session and its IPC
// handlers arrive with the workbench issue; the preload exposes only the contract's functions.
import { app, BrowserWindow, session } from "electron";
import { join } from "node:path";

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: "kdw",
    webPreferences: {
      preload: join(__dirname, "../preload/index.cjs"),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: "deny" }));
  win.webContents.on("will-navigate", (event) => event.preventDefault());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(__dirname, "../renderer/index.html"));
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  createWindow();
});

app.on("window-all-closed", () => app.quit());
