// Electron main: one sandboxed, context-isolated window per analysis, each with its Session in its own
// utility process. The UI comes from kdw://app (a custom protocol with a strict CSP, not file://);
// navigation, new windows, webviews, permission requests and external links are denied; every IPC request
// is checked (ipc.ts) before it reaches a Session. Fuses are set at packaging (electron-builder.yml).
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, utilityProcess, type UtilityProcess, type WebContents } from "electron";
import { readFile, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { portClient } from "../core/session/client";
import type { HostEvent } from "../core/session/host";
import { CHANNELS, type DumpChoice, type HostInfo } from "../preload/bridge";
import { isDumpFile } from "../cli/evidence";
import { choiceFromFiles, filesFromArgv } from "./args";
import { createHandlers, type AnalysisWindow, type SenderLike } from "./ipc";
import { assetHeaders, ORIGIN, resolveAsset, SCHEME } from "./protocol";
import { UserStore } from "./store";

app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);

const appRoot = app.getAppPath();
const rendererRoot = join(appRoot, "out", "renderer");
const sessionWorker = join(appRoot, "out", "cli", "session-worker.mjs");

interface Entry {
  window: BrowserWindow;
  analysis: AnalysisWindow;
  child: UtilityProcess;
}
const entries = new Map<number, Entry>();
let store: UserStore;

function startSession(): { call: AnalysisWindow["call"]; child: UtilityProcess } {
  const child = utilityProcess.fork(join(__dirname, "session-host.js"), [], { serviceName: "kdw session", env: { ...process.env, KDW_SESSION_WORKER: sessionWorker }, stdio: "inherit" });
  // Messages wait for the process to have started.
  let started = false;
  const queue: unknown[] = [];
  child.once("spawn", () => {
    started = true;
    for (const m of queue.splice(0)) child.postMessage(m);
  });
  const call = portClient({
    postMessage: (m) => (started ? child.postMessage(m) : void queue.push(m)),
    onMessage: (handler) => child.on("message", (m: HostEvent) => handler(m)),
  });
  return { call, child };
}

function sampleChoice(): DumpChoice | undefined {
  for (const dir of [join(process.resourcesPath ?? "", "sample"), join(appRoot, "samples")]) {
    try {
      const s = JSON.parse(readFileSync(join(dir, "sample.json"), "utf8")) as { dump?: unknown; vmlinux?: unknown };
      if (typeof s.dump !== "string") continue;
      const dump = join(dir, s.dump);
      if (!existsSync(dump)) continue;
      return { dump, ...(typeof s.vmlinux === "string" && existsSync(join(dir, s.vmlinux)) ? { vmlinux: join(dir, s.vmlinux) } : {}) };
    } catch {
      // no sample here
    }
  }
  return undefined;
}

function createWindow(initial?: DumpChoice): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title: "kdw",
    backgroundColor: "#17191d",
    show: false,
    webPreferences: {
      preload: join(__dirname, "../preload/index.cjs"),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  const { call, child } = startSession();
  const analysis: AnalysisWindow = { call, calls: new Map(), evidence: new Set(), initial };
  const id = window.webContents.id;
  entries.set(id, { window, analysis, child });
  child.on("exit", (code) => {
    if (entries.has(id) && code !== 0) void dialog.showMessageBox(window, { type: "error", message: "The analysis process stopped", detail: `exit code ${code}; the window's data is no longer live. Reopen the dump.` });
  });
  window.on("closed", () => {
    entries.delete(id);
    child.kill();
  });
  window.once("ready-to-show", () => window.show());
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  void window.loadURL(devUrl ?? `${ORIGIN}/index.html`);
  return window;
}

function senderWindow(sender: SenderLike): BrowserWindow | undefined {
  return entries.get(sender.id)?.window;
}

async function openFromMenu(): Promise<void> {
  const focused = BrowserWindow.getFocusedWindow();
  const r = await (focused ? dialog.showOpenDialog(focused, { title: "Open a kernel dump", properties: ["openFile"] }) : dialog.showOpenDialog({ title: "Open a kernel dump", properties: ["openFile"] }));
  const dump = r.canceled ? undefined : r.filePaths[0];
  if (!dump) return;
  const entry = focused ? entries.get(focused.webContents.id) : undefined;
  // A window still on its welcome screen takes the dump; otherwise a new window (one per analysis).
  if (entry && entry.analysis.evidence.size === 0) {
    entry.analysis.initial = { dump };
    entry.window.reload();
  } else createWindow({ dump });
}

function menu(): Menu {
  const recent = store.recent().map((c) => ({ label: c.dump, click: () => void createWindow(c) }));
  return Menu.buildFromTemplate([
    {
      label: "File",
      submenu: [
        { label: "Open Dump…", accelerator: "CmdOrCtrl+O", click: () => void openFromMenu() },
        { label: "Open Recent", submenu: recent.length ? recent : [{ label: "(none)", enabled: false }] },
        { label: "New Window", accelerator: "CmdOrCtrl+Shift+N", click: () => void createWindow() },
        { type: "separator" },
        { role: "close" },
        { role: "quit" },
      ],
    },
    { label: "Edit", submenu: [{ role: "copy" }, { role: "paste" }, { role: "selectAll" }] },
    { label: "View", submenu: [{ role: "resetZoom" }, { role: "zoomIn" }, { role: "zoomOut" }, { type: "separator" }, { role: "togglefullscreen" }, ...(app.isPackaged ? [] : [{ role: "toggleDevTools" as const }])] },
  ]);
}

function wireIpc(): void {
  const dev = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const handlers = createHandlers({
    origins: dev ? [ORIGIN, new URL(dev).origin] : [ORIGIN],
    windowOf: (sender) => entries.get(sender.id)?.analysis,
    hostInfo: (win): HostInfo => ({ platform: process.platform, version: app.getVersion(), initial: win.initial, sample: sampleChoice() }),
    store,
    dialogs: {
      openDump: async (sender) => {
        const w = senderWindow(sender);
        if (!w) return undefined;
        const r = await dialog.showOpenDialog(w, { title: "Open a kernel dump", properties: ["openFile"] });
        return r.canceled ? undefined : r.filePaths[0];
      },
      openVmlinux: async (sender) => {
        const w = senderWindow(sender);
        if (!w) return undefined;
        const r = await dialog.showOpenDialog(w, { title: "Choose the matching vmlinux", properties: ["openFile"] });
        return r.canceled ? undefined : r.filePaths[0];
      },
      saveFile: async (sender, suggested) => {
        const w = senderWindow(sender);
        if (!w) return undefined;
        const r = await dialog.showSaveDialog(w, { title: "Export", defaultPath: join(app.getPath("documents"), suggested) });
        return r.canceled ? undefined : r.filePath;
      },
    },
    writeFile: (path, text) => writeFile(path, text, { flag: "w", mode: 0o644 }),
    warn: (m) => process.stderr.write(`kdw: ${m}\n`),
  });
  ipcMain.handle(CHANNELS.call, (e, method, id, params) => handlers.call(e, method, id, params));
  ipcMain.on(CHANNELS.cancel, (e, id) => handlers.cancel(e, id));
  ipcMain.handle(CHANNELS.hostInfo, (e) => handlers.hostInfo(e));
  ipcMain.handle(CHANNELS.chooseDump, (e) => handlers.chooseDump(e));
  ipcMain.handle(CHANNELS.chooseVmlinux, (e) => handlers.chooseVmlinux(e));
  ipcMain.handle(CHANNELS.recentFiles, (e) => handlers.recentFiles(e));
  ipcMain.handle(CHANNELS.loadNotes, (e, key) => handlers.loadNotes(e, key));
  ipcMain.handle(CHANNELS.saveNotes, (e, key, json) => handlers.saveNotes(e, key, json));
  ipcMain.handle(CHANNELS.saveText, (e, name, text) => handlers.saveText(e, name, text));
}

/** Every web contents, whatever creates it: no navigation, no new windows, no webviews. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
  contents.on("will-navigate", (e) => e.preventDefault());
  contents.on("will-redirect", (e) => e.preventDefault());
  contents.on("will-attach-webview", (e) => e.preventDefault());
}

app.on("web-contents-created", (_e, contents) => lockDown(contents));

void app.whenReady().then(() => {
  store = new UserStore(app.getPath("userData"));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // Copying to the clipboard from our own page is the one permission granted.
  ses.setPermissionCheckHandler((_wc, permission, origin) => permission === "clipboard-sanitized-write" && origin === ORIGIN);
  ses.on("will-download", (e) => e.preventDefault());
  ses.webRequest.onBeforeRequest((details, callback) => {
    // Only our own scheme (and in development the dev server) is ever fetched.
    const ok = details.url.startsWith(`${ORIGIN}/`) || details.url.startsWith("devtools://") || (!app.isPackaged && !!process.env.ELECTRON_RENDERER_URL && details.url.startsWith(process.env.ELECTRON_RENDERER_URL));
    callback({ cancel: !ok });
  });
  protocol.handle(SCHEME, async (request) => {
    const asset = resolveAsset(rendererRoot, request.url);
    if (!asset.ok) return new Response(null, { status: asset.status });
    try {
      return new Response(await readFile(asset.file), { status: 200, headers: assetHeaders(asset.type) });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
  wireIpc();
  Menu.setApplicationMenu(menu());
  const initial = choiceFromFiles(filesFromArgv(process.argv, app.isPackaged), (p) => {
    try {
      return isDumpFile(p);
    } catch {
      return false;
    }
  });
  createWindow(initial);
  app.on("activate", () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on("window-all-closed", () => {
  if (process.platform !== "darwin") app.quit();
});
